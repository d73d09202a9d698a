// John's own online banking (/web): the same login as eddy's, then a session cookie. It shows what
// a password gives: everything, forever — which is exactly what PirateLoan gets — and, under
// Connected apps, the scoped, revocable access he granted with OAuth.

#include "bank/WebBanking.h"

#include "bank/FormPost.h"
#include "bank/PageRenderer.h"
#include "bank/Refusal.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "http/FormData.h"
#include "storage/Money.h"

#include <QDateTime>
#include <QTimeZone>
#include <QtNumeric>

namespace cfl {

namespace {
// Every value that goes into a fragment built here: escaped for element content and quoted attributes.
QString html(const QString &text)
{
    return PageRenderer::escape(text);
}

// The bank's pages and the storage layer's messages show amounts the same way.
QString money(qint64 cents, const QString &currency = QStringLiteral("EUR"))
{
    return formatMoney(cents, currency);
}

QString date(qint64 epochSeconds)
{
    return QDateTime::fromSecsSinceEpoch(epochSeconds, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

QString amountCell(qint64 cents)
{
    return QStringLiteral("<td class=\"amount %1\">%2</td>")
        .arg(cents < 0 ? QStringLiteral("debit") : QStringLiteral("credit"), html(money(cents)));
}

// A form or page request of online banking, as the checks found it.
struct WebRequest
{
    const HttpRequest &http;
    User user; // the session's
    FormData form;
    BankAccount account;
    double amount = 0;
    std::optional<BankTransaction> booked;
};

bool csrfTokenMatches(const WebRequest &r)
{
    return constantTimeEquals(
        r.form.valueOr(QStringLiteral("csrf_token")).toLatin1(), LoginSessions::csrfTokenFor(r.http));
}

// check the logout form: it carries the session's CSRF token; without it the session stays (OWASP CSRF
// Prevention Cheat Sheet)
Verdict logoutCsrf(BankContext &, WebRequest &r)
{
    r.form = parseFormPost(r.http).value_or(FormData {});
    if (csrfTokenMatches(r))
        return {};
    return OAuthError::invalidRequest(QStringLiteral("the form's CSRF token is missing or wrong"),
        QStringLiteral("OWASP CSRF Prevention Cheat Sheet"));
}

// check the account: John's own; another customer's looks exactly like a missing one (OWASP API1:2023)
Verdict ownAccount(BankContext &bank, WebRequest &r)
{
    r.account = bank.store().account(r.http.pathParameter(QStringLiteral("id"))).value_or(BankAccount {});
    if (!r.account.id.isEmpty() && r.account.userId == r.user.id)
        return {};
    return OAuthError::notFound(QStringLiteral("no such account"));
}

// check the payment form: form-encoded, valid, each field once (RFC 6749 Appendix B)
Verdict paymentFormEncoding(BankContext &, WebRequest &r)
{
    QString error;
    const auto form = parseFormPost(r.http, {}, &error);
    if (!form)
        return OAuthError::invalidRequest(error, QStringLiteral("RFC 6749 Appendix B"));
    r.form = *form;
    return {};
}

// check the payment form: it carries the session's CSRF token (OWASP CSRF Prevention Cheat Sheet)
Verdict paymentCsrf(BankContext &, WebRequest &r)
{
    if (csrfTokenMatches(r))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("The form expired or came from another site (CSRF token). Try again."),
        QStringLiteral("OWASP CSRF Prevention Cheat Sheet"));
}

// check the amount: a finite number ("25,50" too); anything else is no amount
Verdict paymentAmount(BankContext &, WebRequest &r)
{
    bool ok = false;
    r.amount
        = r.form.valueOr(QStringLiteral("amount")).replace(QLatin1Char(','), QLatin1Char('.')).toDouble(&ok);
    // Not finite or beyond ±9.2e16: qRound64 would be undefined behaviour.
    if (ok && qIsFinite(r.amount) && qAbs(r.amount) <= 1e13)
        return {};
    r.amount = 0;
    return OAuthError::invalidRequest(
        QStringLiteral("The amount must be a number, e.g. 25.00."), QStringLiteral("—"));
}

// check the ledger books it, in one transaction: amount > 0, a payee, John's own account, enough funds
// (BankStore::makePayment)
Verdict paymentBooked(BankContext &bank, WebRequest &r)
{
    QString error;
    r.booked = bank.store().makePayment(r.user.id, r.form.valueOr(QStringLiteral("from_account")),
        r.form.valueOr(QStringLiteral("payee")).trimmed(), qRound64(r.amount * 100),
        r.form.valueOr(QStringLiteral("reference")), bank.now(), &error);
    if (r.booked)
        return {};
    return OAuthError::invalidRequest(error, QStringLiteral("—"));
}

// check the "Revoke" form: it carries the session's CSRF token (OWASP CSRF Prevention Cheat Sheet)
Verdict revokeCsrf(BankContext &, WebRequest &r)
{
    const auto form = parseFormPost(r.http);
    r.form = form.value_or(FormData {});
    if (form && csrfTokenMatches(r))
        return {};
    return OAuthError::invalidRequest(QStringLiteral("the form's CSRF token is missing or wrong"));
}

// check the app: one John has an active consent for
Verdict consentGiven(BankContext &bank, WebRequest &r)
{
    if (bank.store().activeConsent(r.user.id, r.http.pathParameter(QStringLiteral("clientId"))))
        return {};
    return OAuthError::notFound(QStringLiteral("no such connected app"));
}

const CheckList<WebRequest> &logoutChecklist()
{
    static const CheckList<WebRequest> checks {
        { "web.logout.csrf", "the logout form carries the session's CSRF token",
            "OWASP CSRF Prevention Cheat Sheet", logoutCsrf },
    };
    return checks;
}

const CheckList<WebRequest> &accountChecklist()
{
    static const CheckList<WebRequest> checks {
        { "web.account.owner", "the account is John's; another's looks like a missing one", "OWASP API1:2023",
            ownAccount },
    };
    return checks;
}

const CheckList<WebRequest> &paymentChecklist()
{
    static const CheckList<WebRequest> checks {
        { "web.payment.form_encoding", "the form is form-encoded, valid, each field once", "RFC 6749 Appendix B",
            paymentFormEncoding },
        { "web.payment.csrf", "the form carries the session's CSRF token",
            "OWASP CSRF Prevention Cheat Sheet", paymentCsrf },
        { "web.payment.amount", "the amount is a finite number", "—", paymentAmount },
        { "web.payment.booked", "the ledger books it: amount > 0, a payee, John's own account, enough funds",
            "—", paymentBooked },
    };
    return checks;
}

const CheckList<WebRequest> &revokeAppChecklist()
{
    static const CheckList<WebRequest> checks {
        { "web.apps.csrf", "the Revoke form carries the session's CSRF token",
            "OWASP CSRF Prevention Cheat Sheet", revokeCsrf },
        { "web.apps.consent", "John has an active consent for the app", "—", consentGiven },
    };
    return checks;
}
} // namespace

WebBanking::WebBanking(BankContext &bank, LoginSessions &sessions, Interactions &interactions)
    : m_bank(bank)
    , m_sessions(sessions)
    , m_interactions(interactions)
{ }

QList<CheckSpec> WebBanking::logoutChecks()
{
    return specsOf(logoutChecklist());
}

QList<CheckSpec> WebBanking::accountChecks()
{
    return specsOf(accountChecklist());
}

QList<CheckSpec> WebBanking::paymentChecks()
{
    return specsOf(paymentChecklist());
}

QList<CheckSpec> WebBanking::revokeAppChecks()
{
    return specsOf(revokeAppChecklist());
}

std::optional<User> WebBanking::user(const HttpRequest &request)
{
    const auto session = m_sessions.current(request);
    return session ? m_bank.store().userById(session->userId) : std::nullopt;
}

HttpResponse WebBanking::page(const QString &templateName, const QString &title, const User &user,
    const HttpRequest &request, QHash<QString, QString> values)
{
    values.insert(QStringLiteral("user"), user.name);
    values.insert(QStringLiteral("csrf"), QString::fromLatin1(LoginSessions::csrfTokenFor(request)));
    return HttpResponse::html(PageRenderer::render(templateName, title, values));
}

HttpResponse WebBanking::login(HttpRequest &)
{
    Interaction ia;
    ia.kind = QStringLiteral("web-login");
    return m_interactions.begin(std::move(ia));
}

HttpResponse WebBanking::logout(HttpRequest &request)
{
    auto loggedOut = [] {
        HttpResponse response = HttpResponse::redirect(QUrl(QStringLiteral("/web")), 303);
        response.addHeader("Set-Cookie", "cfl_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        return response;
    };
    WebRequest r { request, user(request).value_or(User {}), {}, {}, 0, std::nullopt };
    // Refused or not, the browser forgets its cookie; only a form from the bank's own page ends the
    // session at the bank.
    if (const auto refusal = runChecks(m_bank, logoutChecklist(), r))
        return refuse(m_bank, *refusal, RefusalForm::page([&](const OAuthError &) { return loggedOut(); }),
            { {}, r.user.username });
    m_bank.store().revokeSession(sha256Hex(request.cookie("cfl_session")), m_bank.now());
    return loggedOut();
}

HttpResponse WebBanking::home(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    QString rows;
    qint64 total = 0;
    for (const BankAccount &account : m_bank.store().accountsOf(user->id)) {
        total += account.balanceCents;
        rows += QStringLiteral(
            "<tr><td><a href=\"/web/accounts/%1\">%2</a></td><td>%3</td><td><code>%4</code></td>%5</tr>\n")
                    .arg(html(account.id), html(account.name), html(account.kind), html(account.iban),
                        amountCell(account.balanceCents));
    }
    return page(QStringLiteral("web-home.html"), QStringLiteral("Your accounts"), *user, request,
        { { QStringLiteral("rows"), rows }, { QStringLiteral("total"), money(total) } });
}

HttpResponse WebBanking::account(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    WebRequest r { request, *user, {}, {}, 0, std::nullopt };
    if (const auto refusal = runChecks(m_bank, accountChecklist(), r))
        return refuse(m_bank, *refusal,
            RefusalForm::page([&](const OAuthError &) { return notFoundResponse(request); }),
            { {}, user->username });
    QString rows;
    for (const BankTransaction &t : m_bank.store().transactionsOf(r.account.id)) {
        rows += QStringLiteral(
            "<tr><td>%1</td><td>%2<br><small>%3</small></td><td>%4</td>%5<td class=\"amount\">%6</td></tr>\n")
                    .arg(t.bookedOn.toString(Qt::ISODate), html(t.description), html(t.counterparty),
                        html(t.category), amountCell(t.amountCents), html(money(t.balanceAfterCents)));
    }
    return page(QStringLiteral("web-account.html"), r.account.name, *user, request,
        { { QStringLiteral("name"), r.account.name }, { QStringLiteral("iban"), r.account.iban },
            { QStringLiteral("balance"), money(r.account.balanceCents, r.account.currency) },
            { QStringLiteral("rows"), rows } });
}

HttpResponse WebBanking::paymentForm(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    QString options;
    for (const BankAccount &account : m_bank.store().accountsOf(user->id)) {
        options += QStringLiteral("<option value=\"%1\">%2 — %3</option>")
                       .arg(html(account.id), html(account.name), html(money(account.balanceCents)));
    }
    QHash<QString, QString> values { { QStringLiteral("options"), options } };
    if (request.url.query() == QLatin1String("done"))
        values.insert(
            QStringLiteral("message"), QStringLiteral("<p class=\"ok\" role=\"status\">Payment booked.</p>"));
    return page(QStringLiteral("web-payment.html"), QStringLiteral("Make a payment"), *user, request, values);
}

HttpResponse WebBanking::paymentSubmit(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    WebRequest r { request, *user, {}, {}, 0, std::nullopt };
    std::optional<Refusal> refusal = runChecks(m_bank, paymentChecklist(), r);
    if (!refusal && !r.booked)
        refusal
            = cannotServe(QStringLiteral("web.payment.booked"), QStringLiteral("The ledger booked nothing."));
    if (refusal) {
        // The form again, with the reason above it.
        const RefusalForm formAgain = RefusalForm::page([&](const OAuthError &error) {
            HttpResponse response = paymentForm(request);
            response.body.replace("<!--message-->",
                QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>")
                    .arg(html(error.description()))
                    .toUtf8());
            response.status = error.status();
            return response;
        });
        return refuse(m_bank, *refusal, formAgain, { {}, user->username });
    }
    m_bank.audit(QStringLiteral("payment"), {}, user->username,
        QStringLiteral("%1 to %2 in online banking")
            .arg(money(-r.booked->amountCents), r.booked->counterparty));
    return HttpResponse::redirect(QUrl(QStringLiteral("/web/payments?done")), 303);
}

HttpResponse WebBanking::apps(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    QString rows;
    for (const Consent &consent : m_bank.store().consentsOf(user->id)) {
        const auto client = m_bank.store().client(consent.clientId);
        QString scopeList;
        for (const QString &scope : consent.scopes) {
            const scopes::ScopeInfo *info = scopes::find(scope);
            scopeList += QStringLiteral("<li><code>%1</code> %2</li>")
                             .arg(html(scope), info ? html(info->title) : QString());
        }
        rows += QStringLiteral("<tr><td><b>%1</b><br><small><code>%2</code></small></td><td><ul>%3</ul></td>"
                               "<td>%4<br><small>updated %5</small></td><td><form method=\"post\" "
                               "action=\"/web/apps/%6/revoke\">"
                               "<input type=\"hidden\" name=\"csrf_token\" value=\"%7\">"
                               "<button type=\"submit\" class=\"danger\">Revoke</button></form></td></tr>\n")
                    .arg(html(client ? client->name : consent.clientId), html(consent.clientId), scopeList,
                        date(consent.grantedAt), date(consent.updatedAt),
                        // In a URL path: one percent-encoded segment (RFC 3986 §3.3), then escaped for the
                        // attribute.
                        html(QString::fromLatin1(QUrl::toPercentEncoding(consent.clientId))),
                        QString::fromLatin1(LoginSessions::csrfTokenFor(request)));
    }
    if (rows.isEmpty())
        rows = QStringLiteral("<tr><td colspan=\"4\">No app has access to your bank. (Apps that got your "
                              "password are not listed: the bank cannot tell them from you.)</td></tr>");
    QHash<QString, QString> values { { QStringLiteral("rows"), rows } };
    if (request.url.query() == QLatin1String("revoked"))
        values.insert(QStringLiteral("message"),
            QStringLiteral(
                "<p class=\"ok\" role=\"status\">Access revoked. The app's tokens no longer work.</p>"));
    return page(QStringLiteral("web-apps.html"), QStringLiteral("Connected apps"), *user, request, values);
}

HttpResponse WebBanking::revokeApp(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    WebRequest r { request, *user, {}, {}, 0, std::nullopt };
    const QString clientId = request.pathParameter(QStringLiteral("clientId"));
    if (const auto refusal = runChecks(m_bank, revokeAppChecklist(), r)) {
        const RefusalForm form = refusal->check.id == QLatin1String("web.apps.consent")
            ? RefusalForm::page([&](const OAuthError &) { return notFoundResponse(request); })
            : RefusalForm::errorPage();
        return refuse(m_bank, *refusal, form, { clientId, user->username });
    }
    // Revoking consent revokes every token of that client for John: access stops at the next call.
    const qint64 now = m_bank.now();
    m_bank.store().inTransaction([&] {
        return m_bank.store().revokeConsent(user->id, clientId, now)
            && m_bank.store().revokeTokensOfClient(
                   user->id, clientId, now, QStringLiteral("John revoked the app in online banking"))
            >= 0;
    });
    m_bank.audit(QStringLiteral("revocation"), clientId, user->username,
        QStringLiteral("John revoked the app's consent and tokens"));
    m_bank.decide(QStringLiteral("consent and tokens revoked by John"));
    return HttpResponse::redirect(QUrl(QStringLiteral("/web/apps?revoked")), 303);
}

} // namespace cfl
