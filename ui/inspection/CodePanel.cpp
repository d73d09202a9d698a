#include "ui/inspection/CodePanel.h"

#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "crypto/Digest.h"
#include "storage/BankStore.h"
#include "trace/TraceModel.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/inspection/InspectionTrace.h"

#include <QDateTime>
#include <QLabel>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace cfl {

namespace {
QString row(const QString &field, const QString &value, const QString &meaning)
{
    return QStringLiteral(
        "<tr><td valign='top' width='16%'><b>%1</b></td><td valign='top' width='40%'>%2</td>"
        "<td valign='top'>%3</td></tr>")
        .arg(field, value, inspect::muted(meaning));
}
} // namespace

CodePanel::CodePanel(CoolLoanClient *client, TraceModel *trace, BankHost *bank, QWidget *parent)
    : InspectionPanel(parent)
    , m_client(client)
    , m_trace(trace)
    , m_bank(bank)
    , m_state(new QLabel(this))
    , m_countdown(new QLabel(this))
    , m_text(inspect::textView(QStringLiteral("codeText"), this))
    , m_clock(new QTimer(this))
{
    setObjectName(QStringLiteral("codePanel"));
    m_state->setObjectName(QStringLiteral("codeState"));
    m_countdown->setObjectName(QStringLiteral("codeCountdown"));
    for (QLabel *label : { m_state, m_countdown }) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 0);
    layout->setSpacing(2);
    layout->addWidget(m_state);
    layout->addWidget(m_countdown);
    layout->addWidget(m_text, 1);

    connect(m_trace, &TraceModel::appended, this, &CodePanel::scheduleRefresh);
    connect(m_trace, &TraceModel::cleared, this, &CodePanel::scheduleRefresh);
    connect(m_client, &CoolLoanClient::phaseChanged, this, &CodePanel::scheduleRefresh);
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, &CodePanel::updateCountdown);
    m_clock->start();
}

void CodePanel::reload()
{
    // The code the bank issued last (its own record of the redirect), else the one CoolLoan holds.
    const std::optional<inspect::CodeIssue> issue = inspect::codeIssue(*m_trace);
    const QString code = issue ? issue->code : m_client->code();
    QString html = inspect::heading(tr("The authorization code — seed steps 9 to 12"));
    if (code.isEmpty()) {
        m_record.reset();
        m_state->setText(tr("<b>No code yet.</b>"));
        m_countdown->clear();
        html += tr("<p>After John logs in and approves, eddy issues a one-time code and sends it, through "
                   "John's browser, "
                   "to CoolLoan's redirect URI. It will be shown here: what it is bound to, and its short "
                   "life.</p>");
        inspect::setHtmlKeepingScroll(m_text, html);
        return;
    }

    const QByteArray codeHash = sha256Hex(code.toUtf8());
    QList<IssuedToken> tokens;
    QString username;
    m_record.reset();
    if (m_bank) {
        m_bank->withStore([&](BankStore &store) {
            m_record = store.grants().code(codeHash);
            tokens = store.grants().tokensFromCode(codeHash);
            if (m_record) {
                if (const auto user = store.users().userById(m_record->userId))
                    username = user->username;
            }
        });
    }
    QList<inspect::CodeRedemption> attempts;
    for (const inspect::CodeRedemption &r : inspect::codeRedemptions(*m_trace)) {
        if (r.code == code)
            attempts.append(r);
    }

    // How long the code lived, to the millisecond: the bank's redirect that carried it, and its redemption.
    m_redeemedAfter.clear();
    m_replays = 0;
    bool redeemed = false;
    for (const inspect::CodeRedemption &r : attempts) {
        if (redeemed && r.status >= 400)
            ++m_replays;
        if (r.status == 200 && !redeemed) {
            redeemed = true;
            if (issue)
                m_redeemedAfter = tr("%1 s").arg(double(r.timeMs - issue->timeMs) / 1000.0, 0, 'f', 2);
        }
    }

    html += inspect::ruledTable();
    html += row(tr("The code"), inspect::mono(code),
        tr("What John's browser carried to CoolLoan (seed steps 10–11). The bank keeps only its SHA-256: %1")
            .arg(inspect::mono(QString::fromLatin1(codeHash))));
    html += row(tr("Issued"),
        issue ? tr("%1 by eddy, in the redirect to %2")
                    .arg(inspect::timeOfDay(issue->timeMs), inspect::mono(issue->redirectTo))
              : inspect::muted(tr("(not in this run's trace)")),
        tr("Right after John approved (seed step 9)."));
    if (m_record) {
        const AuthorizationCode &c = *m_record;
        html += row(tr("To whom"), inspect::mono(c.clientId),
            tr("Only this client may redeem it, authenticated with its client secret (RFC 6749 §4.1.3)."));
        html += row(tr("For whom"),
            tr("%1, who logged in at %2")
                .arg(inspect::mono(username.isEmpty() ? QString::number(c.userId) : username),
                    inspect::dateTime(c.authTime)),
            tr("Whose accounts the tokens will open; auth_time goes into the ID token."));
        html += row(tr("Bound to redirect URI"), inspect::mono(c.redirectUri),
            tr("The token request must repeat it exactly, or the code is refused (RFC 6749 §4.1.3)."));
        html += row(tr("Bound to PKCE challenge"),
            inspect::mono(c.codeChallenge)
                + QStringLiteral(" (%1)").arg(c.codeChallengeMethod.toHtmlEscaped()),
            tr("The token request must bring the verifier that hashes to it (RFC 7636 §4.6). See the PKCE "
               "tab."));
        html += row(tr("Bound to nonce"),
            c.nonce.isEmpty() ? inspect::muted(tr("(none)")) : inspect::mono(c.nonce),
            tr("Copied into the ID token, where CoolLoan checks it (OpenID Connect Core §3.1.3.7)."));
        html += row(tr("Scopes"), inspect::mono(c.scopes.join(QLatin1Char(' '))),
            tr("What John approved; the tokens get exactly these."));
        html += row(tr("Lifetime"),
            tr("%1 → %2 (%3 s)")
                .arg(inspect::dateTime(c.issuedAt), inspect::dateTime(c.expiresAt))
                .arg(c.expiresAt - c.issuedAt),
            tr("Short-lived and single-use (RFC 6749 §4.1.2): a leaked code is of little use for long."));
        html += row(tr("Redeemed"),
            c.redeemedAt ? tr("%1, %2 after it was issued")
                               .arg(inspect::dateTime(c.redeemedAt),
                                   m_redeemedAfter.isEmpty() ? tr("%1 s").arg(c.redeemedAt - c.issuedAt)
                                                             : m_redeemedAfter)
                         : inspect::muted(tr("not yet")),
            tr("The bank marks it used in one atomic update: of two racing requests, one wins."));
    } else {
        html += row(tr("In the ledger"), inspect::muted(tr("not found")),
            tr("The bank purges codes an hour after they expire, or its database was reset."));
    }
    html += QStringLiteral("</table>");

    html += inspect::heading(tr("Attempts to redeem it (POST /token, as the bank recorded them)"));
    if (attempts.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(inspect::muted(tr("None yet.")));
    for (const inspect::CodeRedemption &r : attempts) {
        html += QStringLiteral("<p>%1 — ").arg(inspect::timeOfDay(r.timeMs));
        if (r.status == 200)
            html += inspect::verdict(true, tr("200: tokens issued"));
        else
            html
                += inspect::verdict(false, QStringLiteral("%1 %2").arg(r.status).arg(r.error.toHtmlEscaped()))
                + QStringLiteral(": ") + r.errorDescription.toHtmlEscaped();
        html += QStringLiteral("</p>");
    }

    html += inspect::heading(tr("Tokens issued from it (ledger)"));
    if (tokens.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(inspect::muted(tr("None.")));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (const IssuedToken &t : tokens) {
        const QString state = inspect::stateOf(t, now);
        html += QStringLiteral("<p>%1 %2 — %3%4</p>")
                    .arg(t.kind == TokenKind::Access ? tr("access token") : tr("refresh token"),
                        inspect::mono(inspect::hashPrefix(t.tokenHash)), inspect::stateBadge(state),
                        t.revokedReason.isEmpty()
                            ? QString()
                            : QStringLiteral(" (%1)").arg(t.revokedReason.toHtmlEscaped()));
    }
    if (attempts.size() > 1)
        html += tr("<p>A code used twice is a sign it leaked: the bank refuses the second use and revokes "
                   "every token issued "
                   "from the first (RFC 6749 §4.1.2, §10.5).</p>");
    inspect::setHtmlKeepingScroll(m_text, html);
    updateCountdown();
}

void CodePanel::updateCountdown()
{
    if (!m_record || !isVisible())
        return;
    const AuthorizationCode &c = *m_record;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString state = inspect::stateOf(c, now);
    const qint64 lifetime = c.expiresAt - c.issuedAt;
    if (state == QLatin1String("redeemed")) {
        m_state->setText(
            tr("<big>Code %1: %2</big> — %3 after it was issued. It can never be "
               "used again.")
                .arg(inspect::hashPrefix(c.codeHash), inspect::stateBadge(state),
                    m_redeemedAfter.isEmpty() ? tr("%1 s").arg(c.redeemedAt - c.issuedAt) : m_redeemedAfter)
            + (m_replays == 0 ? QString()
                              : QStringLiteral("<br>")
                        + inspect::verdict(false,
                            (m_replays == 1 ? tr("Replayed once") : tr("Replayed %1 times").arg(m_replays))
                                + tr(": refused, and the tokens issued from it revoked "
                                     "(RFC 6749 §4.1.2, §10.5)."))));
        m_countdown->setText(inspect::muted(c.expiresAt > now
                ? tr("Codes live %1 s; had it not been used, this one would expire %2.")
                      .arg(lifetime)
                      .arg(inspect::countdown(c.expiresAt, now))
                : tr("Codes live %1 s: this one %2.")
                      .arg(lifetime)
                      .arg(inspect::countdown(c.expiresAt, now))));
    } else if (state == QLatin1String("active")) {
        m_state->setText(tr("<big>Code %1: %2</big> — waiting for CoolLoan to redeem it.")
                             .arg(inspect::hashPrefix(c.codeHash), inspect::stateBadge(state)));
        m_countdown->setText(tr("<b>Expires %1</b> (codes live %2 s).")
                                 .arg(inspect::countdown(c.expiresAt, now))
                                 .arg(lifetime));
    } else {
        m_state->setText(tr("<big>Code %1: %2</big> — never redeemed.")
                             .arg(inspect::hashPrefix(c.codeHash), inspect::stateBadge(state)));
        m_countdown->setText(
            tr("It %1 (codes live %2 s).").arg(inspect::countdown(c.expiresAt, now)).arg(lifetime));
    }
    // A code whose state changed with time (active → expired) is shown again in full.
    if (state != inspect::stateOf(c, now - 1))
        scheduleRefresh();
}

} // namespace cfl
