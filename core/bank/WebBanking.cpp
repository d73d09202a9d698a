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

// The class of an amount's cell ("amount debit" / "amount credit" in bank.css).
QString direction(qint64 cents)
{
    return cents < 0 ? QStringLiteral("debit") : QStringLiteral("credit");
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
    LoginSession session = {}; // the browser's, with its forms' CSRF token
};

// The synchronizer token: the form's csrf_token against the random one stored with the session, in
// constant time (OWASP CSRF Prevention Cheat Sheet, "Synchronizer Token Pattern").
bool csrfTokenMatches(const WebRequest &r)
{
    return LoginSessions::csrfTokenMatches(
        r.session, r.form.valueOr(QStringLiteral("csrf_token")).toLatin1());
}

// check the logout form: it carries the session's random CSRF token (synchronizer token); without it the
// session stays (OWASP CSRF Prevention Cheat Sheet)
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
    r.account = bank.store()
                    .accounts()
                    .account(r.http.pathParameter(QStringLiteral("id")))
                    .value_or(BankAccount {});
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

// check the payment form: it carries the session's random CSRF token (synchronizer token), not one
// computed from the cookie (OWASP CSRF Prevention Cheat Sheet)
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
// (AccountStore::makePayment)
Verdict paymentBooked(BankContext &bank, WebRequest &r)
{
    QString error;
    r.booked = bank.store().accounts().makePayment(r.user.id, r.form.valueOr(QStringLiteral("from_account")),
        r.form.valueOr(QStringLiteral("payee")).trimmed(), qRound64(r.amount * 100),
        r.form.valueOr(QStringLiteral("reference")), bank.now(), &error);
    if (r.booked)
        return {};
    return OAuthError::invalidRequest(error, QStringLiteral("—"));
}

// check the "Revoke" form: it carries the session's random CSRF token (synchronizer token; OWASP CSRF
// Prevention Cheat Sheet)
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
    if (bank.store().consents().activeConsent(r.user.id, r.http.pathParameter(QStringLiteral("clientId"))))
        return {};
    return OAuthError::notFound(QStringLiteral("no such connected app"));
}

const CheckList<WebRequest> &logoutChecklist()
{
    static const CheckList<WebRequest> checks {
        { "web.logout.csrf", "the logout form carries the session's random CSRF token (synchronizer token)",
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
        { "web.payment.form_encoding", "the form is form-encoded, valid, each field once",
            "RFC 6749 Appendix B", paymentFormEncoding },
        { "web.payment.csrf", "the form carries the session's random CSRF token (synchronizer token)",
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
        { "web.apps.csrf", "the Revoke form carries the session's random CSRF token (synchronizer token)",
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
    return session ? m_bank.store().users().userById(session->userId) : std::nullopt;
}

QByteArray WebBanking::csrfToken(const HttpRequest &request) const
{
    const auto session = m_sessions.current(request);
    return session ? session->csrfToken : QByteArray();
}

HttpResponse WebBanking::page(const QString &templateName, const QString &title, const User &user,
    const HttpRequest &request, PageValues values)
{
    values.insert(QStringLiteral("user"), user.name);
    values.insert(QStringLiteral("csrf"), QString::fromLatin1(csrfToken(request)));
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
        response.addHeader("Set-Cookie", LoginSessions::cookie().expired().toHeaderValue());
        return response;
    };
    WebRequest r { request, user(request).value_or(User {}), {}, {}, 0, std::nullopt };
    r.session = m_sessions.current(request).value_or(LoginSession {});
    // Refused or not, the browser forgets its cookie; only a form from the bank's own page ends the
    // session at the bank.
    if (const auto refusal = runChecks(m_bank, logoutChecklist(), r))
        return refuse(m_bank, *refusal, RefusalForm::page([&](const OAuthError &) { return loggedOut(); }),
            { {}, r.user.username });
    // Logout ends the session at the bank: the cookie no longer opens anything, even replayed (OWASP
    // Session Management Cheat Sheet, "Manual Session Expiration").
    m_bank.store().sessions().revokeSession(r.session.idHash, m_bank.now());
    return loggedOut();
}

HttpResponse WebBanking::home(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    PageList accounts;
    qint64 total = 0;
    for (const BankAccount &account : m_bank.store().accounts().accountsOf(user->id)) {
        total += account.balanceCents;
        accounts.append(
            PageValues { { QStringLiteral("id"), account.id }, { QStringLiteral("name"), account.name },
                { QStringLiteral("kind"), account.kind }, { QStringLiteral("iban"), account.iban },
                { QStringLiteral("direction"), direction(account.balanceCents) },
                { QStringLiteral("balance"), money(account.balanceCents) } });
    }
    return page(QStringLiteral("web-home.html"), QStringLiteral("Your accounts"), *user, request,
        { { QStringLiteral("accounts"), accounts }, { QStringLiteral("total"), money(total) } });
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
    PageList transactions;
    for (const BankTransaction &t : m_bank.store().accounts().transactionsOf(r.account.id)) {
        transactions.append(PageValues { { QStringLiteral("date"), t.bookedOn.toString(Qt::ISODate) },
            { QStringLiteral("description"), t.description },
            { QStringLiteral("counterparty"), t.counterparty }, { QStringLiteral("category"), t.category },
            { QStringLiteral("direction"), direction(t.amountCents) },
            { QStringLiteral("amount"), money(t.amountCents) },
            { QStringLiteral("balance"), money(t.balanceAfterCents) } });
    }
    return page(QStringLiteral("web-account.html"), r.account.name, *user, request,
        { { QStringLiteral("name"), r.account.name }, { QStringLiteral("iban"), r.account.iban },
            { QStringLiteral("balance"), money(r.account.balanceCents, r.account.currency) },
            { QStringLiteral("transactions"), transactions } });
}

HttpResponse WebBanking::paymentForm(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    return paymentPage(request, *user, {});
}

HttpResponse WebBanking::paymentPage(const HttpRequest &request, const User &user, const QString &error)
{
    PageList accounts;
    for (const BankAccount &account : m_bank.store().accounts().accountsOf(user.id)) {
        accounts.append(
            PageValues { { QStringLiteral("id"), account.id }, { QStringLiteral("name"), account.name },
                { QStringLiteral("balance"), money(account.balanceCents) } });
    }
    return page(QStringLiteral("web-payment.html"), QStringLiteral("Make a payment"), user, request,
        { { QStringLiteral("accounts"), accounts },
            { QStringLiteral("done"), request.url.query() == QLatin1String("done") },
            { QStringLiteral("error"), error } });
}

HttpResponse WebBanking::paymentSubmit(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    WebRequest r { request, *user, {}, {}, 0, std::nullopt };
    r.session = m_sessions.current(request).value_or(LoginSession {});
    std::optional<Refusal> refusal = runChecks(m_bank, paymentChecklist(), r);
    if (!refusal && !r.booked)
        refusal
            = cannotServe(QStringLiteral("web.payment.booked"), QStringLiteral("The ledger booked nothing."));
    if (refusal) {
        // The form again, with the reason above it.
        const RefusalForm formAgain = RefusalForm::page([&](const OAuthError &error) {
            HttpResponse response = paymentPage(request, *user, error.description());
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
    PageList apps;
    for (const Consent &consent : m_bank.store().consents().consentsOf(user->id)) {
        const auto client = m_bank.store().clients().client(consent.clientId);
        PageList scopeEntries;
        for (const QString &scope : consent.scopes) {
            const scopes::ScopeInfo *info = scopes::find(scope);
            scopeEntries.append(PageValues { { QStringLiteral("scope"), scope },
                { QStringLiteral("title"), info ? info->title : QString() } });
        }
        apps.append(PageValues { { QStringLiteral("client"), client ? client->name : consent.clientId },
            { QStringLiteral("clientId"), consent.clientId },
            // In a URL path: one percent-encoded segment (RFC 3986 §3.3), then escaped for the attribute.
            { QStringLiteral("clientIdSegment"),
                QString::fromLatin1(QUrl::toPercentEncoding(consent.clientId)) },
            { QStringLiteral("scopes"), scopeEntries },
            { QStringLiteral("granted"), date(consent.grantedAt) },
            { QStringLiteral("updated"), date(consent.updatedAt) } });
    }
    const PageValues values { { QStringLiteral("apps"), apps },
        { QStringLiteral("revoked"), request.url.query() == QLatin1String("revoked") } };
    return page(QStringLiteral("web-apps.html"), QStringLiteral("Connected apps"), *user, request, values);
}

HttpResponse WebBanking::revokeApp(HttpRequest &request)
{
    const auto user = this->user(request);
    if (!user)
        return login(request);
    WebRequest r { request, *user, {}, {}, 0, std::nullopt };
    r.session = m_sessions.current(request).value_or(LoginSession {});
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
        return m_bank.store().consents().revokeConsent(user->id, clientId, now)
            && m_bank.store().grants().revokeTokensOfClient(
                   user->id, clientId, now, QStringLiteral("John revoked the app in online banking"))
            >= 0;
    });
    m_bank.audit(QStringLiteral("revocation"), clientId, user->username,
        QStringLiteral("John revoked the app's consent and tokens"));
    m_bank.decide(QStringLiteral("consent and tokens revoked by John"));
    return HttpResponse::redirect(QUrl(QStringLiteral("/web/apps?revoked")), 303);
}

} // namespace cfl
