#include "ui/inspection/AuthorizationRequestPanel.h"

#include "client/CoolLoanClient.h"
#include "http/FormData.h"
#include "ui/inspection/InspectionFormat.h"
#include "ui/theme/Theme.h"

#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace cfl {

namespace {

struct Parameter
{
    const char *name;
    const char *purpose; // what it is for
    const char *protects; // what it protects against
    const char *where; // the RFC sections
};

// In the order a reader meets them in the URL CoolLoan builds.
const Parameter Parameters[] = {
    { "response_type",
        "Asks for the <b>authorization code</b> flow: the bank answers with a short-lived, one-time code in "
        "the "
        "redirect — never with a token.",
        "Tokens never travel through the browser's address bar, history or Referer header. (The old implicit "
        "flow, <i>response_type=token</i>, did that; current advice forbids it.)",
        "RFC 6749 §4.1.1, §3.1.1; RFC 9700 §2.1.2" },
    { "client_id",
        "Who is asking: CoolLoan's public identifier, registered at the bank. The consent screen shows John "
        "its "
        "name.",
        "Not a secret, and not proof of anything. It lets the bank look up what CoolLoan registered (its "
        "redirect "
        "URIs and allowed scopes): an unknown client is refused before John sees a login page.",
        "RFC 6749 §2.2, §4.1.1" },
    { "redirect_uri",
        "Where the bank sends John's browser back with the code: CoolLoan's own listener on the loopback "
        "interface (127.0.0.1, any port — a native app cannot reserve one).",
        "The bank redirects only to a URI registered for this client, compared exactly. Otherwise an "
        "attacker "
        "could put their own site here and have John's code delivered to them.",
        "RFC 6749 §3.1.2, §10.6; RFC 8252 §7.3; RFC 9700 §4.1" },
    { "scope",
        "What CoolLoan asks to be allowed: <b>openid</b> (an ID token: who John is), <b>profile</b> (his "
        "name), "
        "<b>offline_access</b> (a refresh token), <b>accounts:read</b> and <b>transactions:read</b>.",
        "Least privilege: John sees every scope on the consent screen, and the tokens carry only what he "
        "approved "
        "— CoolLoan can read, it cannot pay. Scopes the client is not allowed are refused (invalid_scope).",
        "RFC 6749 §3.3; OpenID Connect Core §3.1.2.1, §5.4, §11" },
    { "state",
        "A random value CoolLoan made for this request and remembers. The bank echoes it, unchanged, in the "
        "redirect.",
        "Cross-site request forgery on the redirect: an attacker cannot make John's browser deliver the "
        "attacker's code to CoolLoan, because CoolLoan refuses a redirect whose state it did not send.",
        "RFC 6749 §4.1.1, §10.12; RFC 9700 §2.1" },
    { "nonce", "Another random value; the bank copies it into the ID token it issues for this request.",
        "Replay of an ID token: CoolLoan accepts only an ID token carrying the nonce of this very request, "
        "so an "
        "ID token stolen or kept from another login is worthless.",
        "OpenID Connect Core §3.1.2.1, §3.1.3.7, §15.5.2" },
    { "code_challenge",
        "BASE64URL(SHA-256(code_verifier)): a fingerprint of a secret (the <i>code verifier</i>) that "
        "CoolLoan "
        "keeps. The bank stores it with the code. See the PKCE tab.",
        "A stolen code is useless: only whoever knows the verifier can redeem it at the token endpoint. "
        "Defeats "
        "code interception (a malicious app on the same loopback port) and code injection.",
        "RFC 7636 §4.2, §4.3; RFC 9700 §2.1.1" },
    { "code_challenge_method",
        "How the challenge was made from the verifier: <b>S256</b> = SHA-256. (<i>plain</i> would send the "
        "verifier itself.)",
        "With S256, whoever sees this URL — logs, browser history, a proxy — still cannot work out the "
        "verifier "
        "(SHA-256 is one-way).",
        "RFC 7636 §4.2, §4.3, §7.2" },
    { "prompt", "Whether the bank must show the login or consent screen again (login, consent, none).",
        "Lets a client insist on fresh authentication or consent.", "OpenID Connect Core §3.1.2.1" },
    { "max_age",
        "The longest time since John's last login the client accepts; older sessions must log in again.",
        "Stale sessions: the ID token's auth_time lets the client check it.",
        "OpenID Connect Core §3.1.2.1" },
};

const Parameter *parameterNamed(const QString &name)
{
    for (const Parameter &p : Parameters) {
        if (name == QLatin1String(p.name))
            return &p;
    }
    return nullptr;
}

} // namespace

AuthorizationRequestPanel::AuthorizationRequestPanel(CoolLoanClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_text(inspect::textView(QStringLiteral("authorizationRequestText"), this))
{
    setObjectName(QStringLiteral("authorizationRequestPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    connect(m_client, &CoolLoanClient::authorizationUrlReady, this, [this] { render(); });
    connect(m_client, &CoolLoanClient::phaseChanged, this, [this] { render(); });
    render();
}

void AuthorizationRequestPanel::render()
{
    const QUrl url = m_client->authorizationRequestUrl();
    if (!url.isEmpty() && url == m_shown)
        return;
    // CoolLoan's start-over clears its URL; the panel keeps the last one it saw until a new one comes.
    if (url.isEmpty() && !m_shown.isEmpty())
        return;
    m_shown = url;

    QString html = inspect::heading(tr("The authorization request — seed step 1"));
    if (url.isEmpty()) {
        html += tr(
            "<p>Nothing yet. Press <b>Connect your bank</b> in CoolLoan: the URL it sends John's browser to "
            "will be taken apart here, parameter by parameter.</p>");
        inspect::setHtmlKeepingScroll(m_text, html);
        return;
    }
    html += tr(
        "<p>CoolLoan sent John's browser to eddy, the bank's authorization endpoint, with this URL. It "
        "travels "
        "through the browser (the <i>front channel</i>): John, his browser's history and extensions can all "
        "read it — so nothing in it may be a secret that grants access on its own.</p>");
    html += QStringLiteral("<p>%1</p>").arg(inspect::mono(url.toString(QUrl::FullyEncoded)));

    html += inspect::ruledTable(5);
    html += QStringLiteral("<tr style='background:%1;'><th align='left' width='12%'>%2</th><th "
                           "align='left' width='22%'>%3</th>"
                           "<th align='left' width='27%'>%4</th><th align='left' width='27%'>%5</th><th "
                           "align='left' width='12%'>%6</th></tr>")
                .arg(theme::TableHeaderPaper.name(), tr("Parameter"), tr("Value"), tr("What it is for"),
                    tr("What it protects against"), tr("Where it is written"));
    const auto form = FormData::parse(url.query(QUrl::FullyEncoded).toLatin1());
    QList<QPair<QString, QString>> items = form ? form->items() : QList<QPair<QString, QString>> {};
    // In the order of the explanations (Qt writes the query sorted by name), unknown ones last.
    const auto rank = [](const QString &name) {
        for (int i = 0; i < int(std::size(Parameters)); ++i) {
            if (name == QLatin1String(Parameters[i].name))
                return i;
        }
        return int(std::size(Parameters));
    };
    std::stable_sort(items.begin(), items.end(),
        [&](const auto &a, const auto &b) { return rank(a.first) < rank(b.first); });
    for (const auto &[name, value] : items) {
        const Parameter *known = parameterNamed(name);
        html += QStringLiteral(
            "<tr><td valign='top' nowrap><b>%1</b></td><td valign='top'>%2</td><td valign='top'>%3</td>"
            "<td valign='top'>%4</td><td valign='top'>%5</td></tr>")
                    .arg(name.toHtmlEscaped(), inspect::mono(value),
                        known ? tr(known->purpose)
                              : inspect::muted(tr("(not one of the parameters this lab explains)")),
                        known ? tr(known->protects) : QString(),
                        known ? QString::fromUtf8(known->where) : QString());
    }
    html += QStringLiteral("</table>");
    html += tr(
        "<p>What CoolLoan keeps to itself: the <b>code_verifier</b> (the PKCE secret, sent only later, on "
        "the "
        "back channel — see the PKCE tab), and its copies of <b>state</b> and <b>nonce</b> to compare with "
        "what comes back.</p>");
    inspect::setHtmlKeepingScroll(m_text, html);
}

} // namespace cfl
