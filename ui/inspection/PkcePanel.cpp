#include "ui/inspection/PkcePanel.h"

#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "crypto/Digest.h"
#include "crypto/Pkce.h"
#include "http/FormData.h"
#include "trace/TraceModel.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/inspection/InspectionTrace.h"

#include <QLabel>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace cfl {

namespace {
QLabel *verdictLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString step(int number, const QString &what, const QString &value)
{
    return QStringLiteral("<tr><td valign='top' width='3%'><b>%1</b></td><td valign='top' width='42%'>%2</td>"
                          "<td valign='top'>%3</td></tr>")
        .arg(number)
        .arg(what, value);
}
} // namespace

PkcePanel::PkcePanel(CoolLoanClient *client, TraceModel *trace, BankHost *bank, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_trace(trace)
    , m_bank(bank)
    , m_clientVerdict(verdictLabel(QStringLiteral("pkceClientVerdict"), this))
    , m_bankVerdict(verdictLabel(QStringLiteral("pkceBankVerdict"), this))
    , m_text(inspect::textView(QStringLiteral("pkceText"), this))
    , m_throttle(new QTimer(this))
{
    setObjectName(QStringLiteral("pkcePanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 0);
    layout->setSpacing(2);
    layout->addWidget(m_clientVerdict);
    layout->addWidget(m_bankVerdict);
    layout->addWidget(m_text, 1);

    // A run appends dozens of events in bursts: look once the burst is over.
    m_throttle->setSingleShot(true);
    m_throttle->setInterval(150);
    connect(m_throttle, &QTimer::timeout, this, &PkcePanel::render);
    connect(m_trace, &TraceModel::appended, m_throttle, [this] {
        if (!m_throttle->isActive())
            m_throttle->start();
    });
    connect(m_trace, &TraceModel::cleared, this, &PkcePanel::render);
    connect(m_client, &CoolLoanClient::authorizationUrlReady, this, &PkcePanel::render);
    connect(m_client, &CoolLoanClient::phaseChanged, this, &PkcePanel::render);
    render();
}

void PkcePanel::render()
{
    const QByteArray verifier = m_client->codeVerifier();
    const QByteArray challenge = m_client->codeChallenge();
    QString html = inspect::heading(
        tr("PKCE — proof that whoever redeems the code is whoever asked for it (RFC 7636)"));
    if (verifier.isEmpty()) {
        m_clientVerdict->setText(tr("Nothing yet: PKCE starts when CoolLoan connects to the bank."));
        m_bankVerdict->clear();
        html
            += tr("<p>Press <b>Connect your bank</b> in CoolLoan. Before it sends John's browser anywhere, "
                  "CoolLoan makes "
                  "a secret (the <i>code verifier</i>) and sends only its SHA-256 fingerprint (the <i>code "
                  "challenge</i>). Here you will see both, and the bank checking one against the other.</p>");
        inspect::setHtmlKeepingScroll(m_text, html);
        return;
    }

    // What CoolLoan did (RFC 7636 §4.1–§4.3), recomputed here from its verifier.
    const QByteArray digest = sha256(verifier);
    const QByteArray recomputed = pkce::s256Challenge(verifier);
    const auto query
        = FormData::parse(m_client->authorizationRequestUrl().query(QUrl::FullyEncoded).toLatin1());
    const QString sent = query ? query->valueOr(QStringLiteral("code_challenge")) : QString();
    const QString sentMethod = query ? query->valueOr(QStringLiteral("code_challenge_method")) : QString();
    const bool clientOk
        = !sent.isEmpty() && sent == QString::fromLatin1(recomputed) && recomputed == challenge;
    m_clientVerdict->setText(clientOk
            ? inspect::verdict(true,
                tr("CoolLoan: BASE64URL(SHA-256(code_verifier)) equals the code_challenge in its "
                   "authorization request."))
            : inspect::verdict(false,
                tr("CoolLoan: the code_challenge in the authorization request is not "
                   "BASE64URL(SHA-256(code_verifier)).")));

    html += QStringLiteral("<table width='100%' cellspacing='0' cellpadding='4'>");
    html += step(1,
        tr("CoolLoan makes a secret, the <b>code verifier</b>: 32 random bytes written as %1 base64url "
           "characters. "
           "It stays in CoolLoan.")
            .arg(verifier.size()),
        inspect::mono(QString::fromLatin1(verifier)));
    html += step(2,
        tr("<b>SHA-256</b> of its ASCII characters: 32 bytes (shown in hex). One-way: nobody can go back."),
        inspect::mono(QString::fromLatin1(digest.toHex())));
    html += step(3, tr("Those 32 bytes in <b>base64url</b>, without padding: the <b>code challenge</b>."),
        inspect::mono(QString::fromLatin1(recomputed)));
    html += step(4,
        tr("Sent in the authorization request (front channel, seed step 1), with code_challenge_method=%1.")
            .arg(sentMethod.isEmpty() ? QStringLiteral("—") : sentMethod.toHtmlEscaped()),
        sent.isEmpty() ? inspect::muted(tr("(not sent yet)"))
                       : inspect::mono(sent) + QStringLiteral("<br>")
                + inspect::verdict(sent == QString::fromLatin1(recomputed),
                    sent == QString::fromLatin1(recomputed) ? tr("equals step 3")
                                                            : tr("differs from step 3")));

    // The bank's side (RFC 7636 §4.6), from what the bank itself recorded at POST /token.
    const QList<inspect::CodeRedemption> redemptions = inspect::codeRedemptions(*m_trace);
    if (redemptions.isEmpty()) {
        m_bankVerdict->setText(
            inspect::muted(tr("The bank has not seen the code_verifier yet: it arrives with the code at "
                              "the token endpoint (seed step 12).")));
        html += step(5,
            tr("At the token endpoint (seed step 12) CoolLoan will send the verifier itself, on the back "
               "channel; the bank will hash it again and compare."),
            inspect::muted(tr("(waiting for John and the code)")));
        html += QStringLiteral("</table>");
    } else {
        const inspect::CodeRedemption &r = redemptions.last();
        const QByteArray codeHash = sha256Hex(r.code.toUtf8());
        if (!m_storedChallenges.contains(codeHash) && m_bank) {
            m_bank->withStore([&](BankStore &store) {
                if (const auto code = store.grants().code(codeHash))
                    m_storedChallenges.insert(codeHash, code->codeChallenge);
            });
        }
        const QString stored = m_storedChallenges.value(codeHash);
        const QString bankRecomputed = QString::fromLatin1(pkce::s256Challenge(r.codeVerifier.toLatin1()));
        const bool matches = !r.codeVerifier.isEmpty() && !stored.isEmpty() && bankRecomputed == stored;
        html += step(5,
            tr("At the token endpoint (seed step 12, back channel, %1) CoolLoan sent the code and the "
               "<b>verifier itself</b>. This is what boris received:")
                .arg(inspect::timeOfDay(r.timeMs)),
            r.codeVerifier.isEmpty() ? inspect::muted(tr("(no code_verifier in the request)"))
                                     : inspect::mono(r.codeVerifier));
        html += step(
            6, tr("boris recomputes BASE64URL(SHA-256(code_verifier)):"), inspect::mono(bankRecomputed));
        html += step(7,
            tr("…and compares it with the challenge the bank stored with the code when it issued it (ledger, "
               "code %1):")
                .arg(inspect::hashPrefix(codeHash)),
            stored.isEmpty()
                ? inspect::muted(tr("(the bank has no such code: unknown, or purged after it expired)"))
                : inspect::mono(stored) + QStringLiteral("<br>")
                    + inspect::verdict(matches, matches ? tr("matches step 6") : tr("differs from step 6")));
        html += QStringLiteral("</table>");
        QString outcome;
        if (r.status == 200)
            outcome = tr("boris issued the tokens.");
        else if (r.status > 0)
            outcome = tr("boris answered %1 %2.").arg(r.status).arg(r.error.toHtmlEscaped());
        if (r.codeVerifier.isEmpty())
            m_bankVerdict->setText(inspect::verdict(false,
                tr("Bank: no code_verifier was sent — PKCE is required, the code "
                   "cannot be redeemed.")));
        else if (stored.isEmpty())
            m_bankVerdict->setText(inspect::verdict(false, tr("Bank: no challenge stored for this code."))
                + QLatin1Char(' ') + outcome);
        else
            m_bankVerdict->setText(
                inspect::verdict(matches,
                    matches ? tr("Bank: its recomputation at the token endpoint matches the stored "
                                 "challenge.")
                            : tr("Bank: its recomputation does not match the stored challenge "
                                 "(invalid_grant, RFC 7636 §4.6)."))
                + QLatin1Char(' ') + outcome);
        if (QString::fromLatin1(verifier) != r.codeVerifier)
            html += QStringLiteral("<p>%1</p>")
                        .arg(inspect::muted(tr("Steps 5–7 are the latest token request the bank received; "
                                               "CoolLoan's own verifier above is of "
                                               "its current grant.")));
    }

    html += inspect::heading(tr("Why this is safe"));
    html += tr(
        "<p>The code passes through John's browser, where it can leak: browser history, logs, a malicious "
        "app "
        "listening on the same loopback port. With PKCE a stolen code is worthless: the verifier never "
        "travelled "
        "with it, and SHA-256 cannot be reversed to find it from the challenge. The bank refuses a code "
        "without the matching verifier (<i>invalid_grant</i>, RFC 7636 §4.6). The comparison is made in "
        "constant "
        "time, so its duration gives nothing away.</p>");
    inspect::setHtmlKeepingScroll(m_text, html);
}

} // namespace cfl
