#include "ui/traffic/TrafficTableModel.h"

#include "trace/TraceModel.h"
#include "ui/theme/Theme.h"

#include <QBrush>
#include <QDateTime>
#include <QFont>

#include <algorithm>

namespace cfl {

namespace {
// "GET /token → 200" and "GET /token" say nothing the other columns do not.
bool restatesRequestLine(const TraceEvent &event, const QString &summary)
{
    const QString requestLine
        = QStringLiteral("%1 %2").arg(QString::fromLatin1(event.method), event.url.path());
    return summary.isEmpty() || summary == requestLine
        || summary.startsWith(requestLine + QStringLiteral(" →"));
}

// A redirect to the callback carrying error=… is how eddy says no (RFC 6749 §4.1.2.1).
bool redirectsWithError(const TraceEvent &event)
{
    if (event.status < 300 || event.status >= 400)
        return false;
    for (const auto &[name, value] : event.responseHeaders) {
        if (name.compare("Location", Qt::CaseInsensitive) == 0)
            return value.contains("?error=") || value.contains("&error=");
    }
    return false;
}
} // namespace

TrafficTableModel::TrafficTableModel(TraceModel *trace, QObject *parent)
    : QAbstractTableModel(parent)
    , m_trace(trace)
{
    connect(trace, &TraceModel::appended, this, &TrafficTableModel::onAppended);
    connect(trace, &TraceModel::cleared, this, &TrafficTableModel::rebuild);
    rebuild();
}

void TrafficTableModel::setShowDecisions(bool show)
{
    if (show == m_showDecisions)
        return;
    m_showDecisions = show;
    rebuild();
}

bool TrafficTableModel::isRow(const TraceEvent &event) const
{
    // One row per exchange: its request event carries the whole exchange; the response event is the
    // same exchange drawn the other way.
    if (event.kind == TraceKind::Request)
        return true;
    return m_showDecisions && (event.kind == TraceKind::Decision || event.kind == TraceKind::Action);
}

void TrafficTableModel::account(const TraceEvent &event)
{
    if (event.exchangeId == 0)
        return;
    Exchange &exchange = m_exchanges[keyOf(event)];
    if (event.step > 0 && !exchange.steps.contains(event.step)) {
        exchange.steps.append(event.step);
        std::sort(exchange.steps.begin(), exchange.steps.end());
    }
    if (!event.refusalRule.isEmpty())
        exchange.refused = true;
    if (event.kind == TraceKind::Response)
        exchange.responseSummary = event.summary;
}

void TrafficTableModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    m_exchanges.clear();
    m_rowOfExchange.clear();
    if (m_trace) {
        for (int i = 0; i < m_trace->size(); ++i) {
            const TraceEvent &event = m_trace->at(i);
            account(event);
            if (isRow(event)) {
                if (event.kind == TraceKind::Request)
                    m_rowOfExchange.insert(keyOf(event), int(m_rows.size()));
                m_rows.append(i);
            }
        }
    }
    endResetModel();
}

void TrafficTableModel::onAppended(int traceIndex)
{
    const TraceEvent &event = m_trace->at(traceIndex);
    account(event);
    if (isRow(event)) {
        const int row = int(m_rows.size());
        beginInsertRows({}, row, row);
        if (event.kind == TraceKind::Request)
            m_rowOfExchange.insert(keyOf(event), row);
        m_rows.append(traceIndex);
        endInsertRows();
    }
    // The bank's decisions and answer arrive after its request row: its steps, refusal and "what" grow.
    if (event.kind != TraceKind::Request && event.exchangeId != 0) {
        const auto row = m_rowOfExchange.constFind(keyOf(event));
        if (row != m_rowOfExchange.cend())
            Q_EMIT dataChanged(index(*row, 0), index(*row, ColumnCount - 1));
    }
}

int TrafficTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const TraceEvent *TrafficTableModel::eventAt(int row) const
{
    if (!m_trace || row < 0 || row >= m_rows.size())
        return nullptr;
    return &m_trace->at(m_rows.at(row));
}

int TrafficTableModel::exchangeCount() const
{
    return int(m_rowOfExchange.size());
}

QString TrafficTableModel::seenByName(const QString &source)
{
    if (source == QLatin1String("coolloan"))
        return QStringLiteral("CoolLoan");
    if (source == QLatin1String("pirateloan"))
        return QStringLiteral("PirateLoan");
    return source;
}

QString TrafficTableModel::durationText(qint64 durationUs)
{
    if (durationUs <= 0)
        return {};
    if (durationUs < 1000)
        return QStringLiteral("%1 µs").arg(durationUs);
    if (durationUs < 1000000)
        return QStringLiteral("%1 ms").arg(double(durationUs) / 1000.0, 0, 'f', durationUs < 10000 ? 1 : 0);
    return QStringLiteral("%1 s").arg(double(durationUs) / 1e6, 0, 'f', 2);
}

QString TrafficTableModel::stepText(const TraceEvent &event) const
{
    QList<int> steps;
    if (event.kind == TraceKind::Request)
        steps = m_exchanges.value(keyOf(event)).steps;
    else if (event.step > 0)
        steps.append(event.step);
    QStringList parts;
    for (int step : std::as_const(steps))
        parts.append(QString::number(step));
    return parts.join(QLatin1Char(' '));
}

QString TrafficTableModel::whatText(const TraceEvent &event) const
{
    if (event.kind != TraceKind::Request)
        return event.summary;
    QString what = restatesRequestLine(event, event.summary) ? QString() : event.summary;
    const QString answer = m_exchanges.value(keyOf(event)).responseSummary;
    // "302 Found" restates the Status column; "login screen" does not.
    const bool plainStatus
        = answer.isEmpty() || answer.startsWith(QString::number(event.status) + QLatin1Char(' '));
    if (!plainStatus)
        what += (what.isEmpty() ? QStringLiteral("→ ") : QStringLiteral(" → ")) + answer;
    return what;
}

bool TrafficTableModel::isRefused(const TraceEvent &event) const
{
    if (event.kind != TraceKind::Request)
        return !event.refusalRule.isEmpty();
    // Status 0: no answer at all (the client's copy of a failed connection).
    return event.status >= 400 || event.status == 0 || redirectsWithError(event)
        || m_exchanges.value(keyOf(event)).refused;
}

QVariant TrafficTableModel::data(const QModelIndex &index, int role) const
{
    const TraceEvent *event = index.isValid() ? eventAt(index.row()) : nullptr;
    if (!event)
        return {};
    const bool exchange = event->kind == TraceKind::Request;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StepColumn:
            return stepText(*event);
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(event->timeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case SeenByColumn:
            return seenByName(event->source);
        case ChannelColumn:
            return channelName(event->channel);
        case PartiesColumn:
            return event->from == event->to ? event->from : event->from + QStringLiteral(" → ") + event->to;
        case MethodColumn:
            return QString::fromLatin1(event->method);
        case PathColumn:
            if (!exchange)
                return {};
            return event->url.hasQuery()
                ? event->url.path() + QLatin1Char('?') + event->url.query(QUrl::PrettyDecoded)
                : event->url.path();
        case StatusColumn:
            if (!exchange)
                return {};
            return event->status == 0 ? QStringLiteral("—") : QString::number(event->status);
        case DurationColumn:
            return exchange ? durationText(event->durationUs) : QString();
        case WhatColumn:
            return whatText(*event);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == PathColumn && exchange)
            return event->url.toString();
        if (!event->refusalRule.isEmpty())
            return QStringLiteral("%1\n%2").arg(event->summary, event->refusalRule);
        return whatText(*event);
    case Qt::ForegroundRole:
        if (isRefused(*event))
            return QBrush(theme::Refused);
        if (!exchange)
            return QBrush(theme::Faint);
        if (index.column() == SeenByColumn)
            return QBrush(theme::partyColour(event->source));
        // A client's copy of an exchange the bank also recorded: the same call from the other side,
        // a shade lighter so that the eye can follow one story.
        if (event->mirrorsBankRecord())
            return QBrush(theme::Muted);
        return {};
    case Qt::BackgroundRole:
        return exchange && isRefused(*event) ? QBrush(theme::RefusedPaper) : QVariant();
    case Qt::FontRole:
        if (!exchange) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        if (index.column() == StatusColumn && isRefused(*event)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StatusColumn || index.column() == DurationColumn
            || index.column() == StepColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter); // an int: what Qt 6.4's delegate reads
        return {};
    case TraceIndexRole:
        return m_rows.at(index.row());
    case RefusedRole:
        return isRefused(*event);
    case ExchangeRole:
        return exchange;
    case StatusRole:
        return event->status;
    case FilterTextRole:
        return QStringList { seenByName(event->source), channelName(event->channel), event->from, event->to,
            QString::fromLatin1(event->method), event->url.path(), whatText(*event), event->summary,
            event->refusalRule, kindName(event->kind) }
            .join(QLatin1Char('\n'));
    }
    return {};
}

QVariant TrafficTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case StepColumn:
            return tr("Step");
        case TimeColumn:
            return tr("Time");
        case SeenByColumn:
            return tr("Seen by");
        case ChannelColumn:
            return tr("Channel");
        case PartiesColumn:
            return tr("From → To");
        case MethodColumn:
            return tr("Method");
        case PathColumn:
            return tr("Path");
        case StatusColumn:
            return tr("Status");
        case DurationColumn:
            return tr("Took");
        case WhatColumn:
            return tr("What");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case StepColumn:
            return tr("The numbered steps of the seed diagram this exchange realises");
        case SeenByColumn:
            return tr(
                "Who recorded it: the bank logs what it receives, CoolLoan and PirateLoan what they send. "
                "A call to the bank therefore appears twice: once from each side.");
        case ChannelColumn:
            return tr("Front channel: through John's browser. Back channel: server to server.");
        case DurationColumn:
            return tr("The bank: time to answer. A client: the whole round trip.");
        }
    }
    return {};
}

} // namespace cfl
