#include "ui/inspection/WhyPanel.h"

#include "trace/TraceModel.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/theme/Theme.h"
#include "ui/traffic/ExchangeDetailView.h"

#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cfl {

namespace {

enum Column { Time, Who, Error, Rule, Columns };
constexpr int EventIndexRole = Qt::UserRole + 1;

struct ErrorCode
{
    const char *code;
    const char *where;
    const char *meaning;
};

const ErrorCode ErrorCodes[] = {
    { "invalid_request", "RFC 6749 §4.1.2.1, §5.2",
        "The request is malformed: a required parameter is missing, given twice, or has a value the bank "
        "cannot accept. "
        "The client must be fixed; asking again will not help." },
    { "invalid_client", "RFC 6749 §5.2",
        "Client authentication failed: unknown client_id, wrong or missing client secret, or an "
        "authentication method the "
        "client is not registered for. Answered with HTTP 401." },
    { "invalid_grant", "RFC 6749 §5.2",
        "The code or refresh token is not (or no longer) good: unknown, expired, already used, revoked, "
        "issued to another "
        "client, or presented with another redirect_uri or a PKCE verifier that does not match. The client "
        "must start a "
        "new authorization." },
    { "unauthorized_client", "RFC 6749 §4.1.2.1, §5.2",
        "This client is not allowed to use this grant type or response type." },
    { "unsupported_grant_type", "RFC 6749 §5.2", "The token endpoint does not know this grant_type." },
    { "unsupported_response_type", "RFC 6749 §4.1.2.1",
        "The authorization endpoint does not offer this response_type." },
    { "invalid_scope", "RFC 6749 §3.3, §5.2",
        "A requested scope is unknown, malformed, or not allowed for this client — or, on refresh, wider "
        "than what John "
        "granted." },
    { "access_denied", "RFC 6749 §4.1.2.1",
        "John (the resource owner) said no on the consent screen, or the bank refused to ask him. The client "
        "gets no code "
        "and learns nothing about him." },
    { "login_required", "OpenID Connect Core §3.1.2.6",
        "The client asked for no interaction (prompt=none) but John has to log in." },
    { "consent_required", "OpenID Connect Core §3.1.2.6",
        "The client asked for no interaction (prompt=none) but John has to consent." },
    { "server_error", "RFC 6749 §4.1.2.1",
        "The bank met an unexpected condition; nothing the client did wrong." },
    { "invalid_token", "RFC 6750 §3.1",
        "The bearer token is missing, malformed, badly signed, expired, revoked, or meant for another "
        "audience. Answered "
        "with HTTP 401 and a WWW-Authenticate: Bearer header saying why." },
    { "insufficient_scope", "RFC 6750 §3.1",
        "The token is valid but does not carry the scope this API needs. Answered with HTTP 403; the "
        "WWW-Authenticate "
        "header names the scope required." },
};

// A bank refusal reads "invalid_grant: description"; CoolLoan's read as a sentence.
QPair<QString, QString> splitSummary(const QString &summary)
{
    static const QRegularExpression coded(
        QStringLiteral("^([a-z_]+): (.*)$"), QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = coded.match(summary);
    if (m.hasMatch())
        return { m.captured(1), m.captured(2) };
    return { QString(), summary };
}

bool isRefusal(const TraceEvent &e)
{
    return e.kind == TraceKind::Decision && !e.refusalRule.isEmpty();
}

QString whoRefused(const TraceEvent &e)
{
    if (e.source == QLatin1String("bank"))
        return QStringLiteral("%1 (bank)").arg(e.from);
    return e.from.isEmpty() ? e.source : e.from;
}

} // namespace

QString WhyPanel::errorCodeExplanation(const QString &error)
{
    for (const ErrorCode &c : ErrorCodes) {
        if (error == QLatin1String(c.code))
            return tr("%1 (%2)").arg(tr(c.meaning), QString::fromUtf8(c.where));
    }
    return {};
}

WhyPanel::WhyPanel(TraceModel *trace, QWidget *parent)
    : QWidget(parent)
    , m_trace(trace)
    , m_list(new QTreeWidget(this))
    , m_explanation(inspect::textView(QStringLiteral("refusalExplanation"), this))
    , m_exchange(new ExchangeDetailView(this))
{
    setObjectName(QStringLiteral("whyPanel"));
    m_list->setObjectName(QStringLiteral("refusalList"));
    m_exchange->setObjectName(QStringLiteral("refusalExchange"));

    m_list->setColumnCount(Columns);
    m_list->setHeaderLabels({ tr("Time"), tr("Refused by"), tr("Error"), tr("Rule") });
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(true);

    auto *intro = new QLabel(
        tr("Every refusal of the run, newest first — by the bank or by CoolLoan — with the rule that was "
           "broken and where it is written. Select one: why, the values compared, and the exchange."),
        this);
    intro->setWordWrap(true);

    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->addWidget(m_list);
    columns->addWidget(m_explanation);
    columns->addWidget(m_exchange);
    columns->setChildrenCollapsible(false);
    columns->setSizes({ 420, 440, 420 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 0);
    layout->setSpacing(4);
    layout->addWidget(intro);
    layout->addWidget(columns, 1);

    connect(m_trace, &TraceModel::appended, this, &WhyPanel::onAppended);
    connect(m_trace, &TraceModel::cleared, this, [this] {
        m_list->clear();
        m_exchange->clear();
        showGlossary();
    });
    connect(m_list, &QTreeWidget::currentItemChanged, this, &WhyPanel::showSelected);
    for (int i = 0; i < m_trace->size(); ++i)
        onAppended(i);
    if (!m_list->currentItem())
        showGlossary();
}

void WhyPanel::onAppended(int index)
{
    const TraceEvent &e = m_trace->at(index);
    if (!isRefusal(e))
        return;
    const auto [error, description] = splitSummary(e.summary);
    auto *item = new QTreeWidgetItem({ inspect::timeOfDay(e.timeMs).left(8), whoRefused(e),
        error.isEmpty() ? tr("(refused)") : error, e.refusalRule });
    item->setData(Time, EventIndexRole, index);
    item->setToolTip(Error, e.summary);
    item->setForeground(Error, theme::Refused);
    m_list->insertTopLevelItem(0, item); // newest first
    for (int c = 0; c < Rule; ++c)
        m_list->resizeColumnToContents(c);
    // Nothing chosen yet: show the newest, so that the explanation is never empty after a failure.
    if (!m_list->currentItem())
        m_list->setCurrentItem(item);
}

void WhyPanel::showGlossary()
{
    QString html = inspect::heading(tr("No refusal selected"));
    html += tr("<p>When the bank or CoolLoan refuses something, it shows up on the left. Break the flow to "
               "see one: replay a "
               "code, deny consent, call the API with a revoked token… Meanwhile, the error codes of OAuth "
               "2.0:</p>");
    for (const ErrorCode &c : ErrorCodes)
        html += QStringLiteral("<p><b>%1</b> — %2 %3</p>")
                    .arg(QString::fromLatin1(c.code), tr(c.meaning),
                        inspect::muted(QString::fromUtf8(c.where)));
    inspect::setHtmlKeepingScroll(m_explanation, html);
}

void WhyPanel::showSelected()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item) {
        showGlossary();
        m_exchange->clear();
        return;
    }
    const int index = item->data(Time, EventIndexRole).toInt();
    if (index < 0 || index >= m_trace->size())
        return;
    const TraceEvent &e = m_trace->at(index);
    const auto [error, description] = splitSummary(e.summary);

    QString html = inspect::heading(
        tr("%1 refused%2")
            .arg(whoRefused(e).toHtmlEscaped(),
                error.isEmpty() ? QString() : QStringLiteral(": ") + error.toHtmlEscaped()));
    html += QStringLiteral("<p><big>%1</big></p>").arg(description.toHtmlEscaped());
    html += tr("<p><b>Rule:</b> %1</p>").arg(e.refusalRule.toHtmlEscaped());
    if (!e.expected.isEmpty() || !e.received.isEmpty()) {
        html += inspect::ruledTable();
        html += QStringLiteral("<tr><td width='22%'><b>%1</b></td><td>%2</td></tr>")
                    .arg(tr("Expected"), inspect::mono(e.expected));
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(tr("Received"),
                        e.received.isEmpty() ? inspect::muted(tr("(nothing)")) : inspect::mono(e.received));
        html += QStringLiteral("</table>");
    }
    const QString meaning = errorCodeExplanation(error);
    if (!meaning.isEmpty())
        html += tr("<p><b>What %1 means:</b> %2</p>").arg(error.toHtmlEscaped(), meaning);

    // The exchange it belongs to: the bank's own record (same exchangeId); for a client's check, the
    // exchange that client recorded just before deciding.
    int exchangeIndex = -1;
    if (e.exchangeId != 0) {
        for (int i = 0; i < m_trace->size(); ++i) {
            const TraceEvent &x = m_trace->at(i);
            if (x.exchangeId == e.exchangeId && x.isExchange() && x.source == e.source) {
                exchangeIndex = i;
                if (x.kind == TraceKind::Response)
                    break;
            }
        }
    } else {
        for (int i = index - 1; i >= 0; --i) {
            if (m_trace->at(i).isExchange() && m_trace->at(i).source == e.source) {
                exchangeIndex = i;
                break;
            }
        }
    }
    if (exchangeIndex >= 0) {
        const TraceEvent &x = m_trace->at(exchangeIndex);
        html += tr("<p><b>The exchange</b> (on the right): %1 %2, answered %3, at %4.</p>")
                    .arg(QString::fromLatin1(x.method), x.url.path().toHtmlEscaped())
                    .arg(x.status)
                    .arg(inspect::timeOfDay(x.timeMs));
        m_exchange->showExchange(x);
    } else {
        m_exchange->clear();
    }
    inspect::setHtmlKeepingScroll(m_explanation, html);
}

} // namespace cfl
