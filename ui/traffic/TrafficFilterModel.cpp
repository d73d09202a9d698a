#include "ui/traffic/TrafficFilterModel.h"

#include "ui/traffic/TrafficTableModel.h"

#include <QRegularExpression>

namespace cfl {

namespace {
bool compare(double left, const QString &op, double right)
{
    if (op == QLatin1String("<"))
        return left < right;
    if (op == QLatin1String("<="))
        return left <= right;
    if (op == QLatin1String(">"))
        return left > right;
    if (op == QLatin1String(">="))
        return left >= right;
    if (op == QLatin1String("!="))
        return left != right;
    return left == right; // = and ==
}
} // namespace

TrafficFilterModel::TrafficFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Rows change while a run plays (steps and refusals arrive after the request): filter again.
    setDynamicSortFilter(true);
}

void TrafficFilterModel::setFilter(const QString &filter)
{
    static const QRegularExpression comparison(
        QStringLiteral(R"(^(status|step|ms)(==|!=|<=|>=|=|<|>)(\d+(?:\.\d+)?)$)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression looksLikeComparison(
        QStringLiteral(R"(^(status|step|ms)[=!<>])"), QRegularExpression::CaseInsensitiveOption);
    m_filter = filter;
    m_terms.clear();
    m_valid = true;
    for (const QString &word : filter.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        Term term;
        const QRegularExpressionMatch match = comparison.match(word);
        if (match.hasMatch()) {
            term.kind = Term::Compare;
            term.field = match.captured(1).toLower();
            term.op = match.captured(2);
            term.value = match.captured(3).toDouble();
        } else if (looksLikeComparison.match(word).hasMatch()) {
            m_valid = false; // half-typed ("status>="): show everything until it is a comparison
            continue;
        } else if (word.startsWith(QLatin1Char('!')) && word.size() > 1) {
            term.kind = Term::NotWord;
            term.text = word.mid(1);
        } else {
            term.text = word;
        }
        m_terms.append(term);
    }
    invalidateFilter();
}

bool TrafficFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_terms.isEmpty())
        return true;
    const QAbstractItemModel *model = sourceModel();
    const QModelIndex index = model->index(sourceRow, 0, sourceParent);
    const QString text = index.data(TrafficTableModel::FilterTextRole).toString();
    for (const Term &term : m_terms) {
        switch (term.kind) {
        case Term::Word:
            if (!text.contains(term.text, Qt::CaseInsensitive))
                return false;
            break;
        case Term::NotWord:
            if (text.contains(term.text, Qt::CaseInsensitive))
                return false;
            break;
        case Term::Compare: {
            // Decisions and actions have no status, step list or duration to compare: a comparison
            // filters them out.
            if (!index.data(TrafficTableModel::ExchangeRole).toBool())
                return false;
            double value = 0;
            if (term.field == QLatin1String("status")) {
                value = index.data(TrafficTableModel::StatusRole).toInt();
            } else if (term.field == QLatin1String("ms")) {
                const auto *traffic = qobject_cast<const TrafficTableModel *>(model);
                const TraceEvent *event = traffic ? traffic->eventAt(sourceRow) : nullptr;
                value = event ? double(event->durationUs) / 1000.0 : 0;
            } else {
                // step=12 matches a row that realises step 12 among others ("12 13").
                const QStringList steps = model->index(sourceRow, TrafficTableModel::StepColumn, sourceParent)
                                              .data()
                                              .toString()
                                              .split(QLatin1Char(' '), Qt::SkipEmptyParts);
                bool any = false;
                for (const QString &step : steps)
                    any = any || compare(step.toDouble(), term.op, term.value);
                if (!any)
                    return false;
                continue;
            }
            if (!compare(value, term.op, term.value))
                return false;
            break;
        }
        }
    }
    return true;
}

} // namespace cfl
