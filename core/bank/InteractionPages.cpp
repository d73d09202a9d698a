// eddy's pages: John logs in (seed steps 3–5) and gives his consent (steps 6–8). Plain HTML forms,
// each with a CSRF token bound to the interaction cookie (double submit, RFC 6749 §10.12).

#include "bank/InteractionPages.h"

#include "bank/FormPost.h"
#include "bank/PageRenderer.h"
#include "bank/Refusal.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "http/FormData.h"

namespace cfl {

namespace {
constexpr auto WorkshopAccountHint = "Workshop account: <b>john</b> / <b>banking-is-fun</b>";

// What the checks found out about the request so far.
struct PageRequest
{
    const HttpRequest &http;
    QString interactionId; // from the path
    Interaction interaction; // empty until found
    FormData form;
    QString username; // as typed, trimmed
    QString password;
    User user; // who logged in, or is logged in for the interaction
    QString decision; // approve | deny
};

// --- the interaction ---------------------------------------------------------------------------------

// check the interaction: exists and has not expired (RFC 6749 §10.12)
Verdict interactionExists(BankContext &bank, PageRequest &r)
{
    r.interaction = bank.store().interaction(r.interactionId).value_or(Interaction {});
    if (!r.interaction.id.isEmpty() && r.interaction.expiresAt > bank.now())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral(
            "This sign-in has expired or was already completed. Go back to the app and start again."),
        QStringLiteral("RFC 6749 §10.12"));
}

// check the browser: the one that started the interaction, holding its cookie (RFC 6749 §10.12)
Verdict interactionBrowser(BankContext &, PageRequest &r)
{
    if (r.http.cookie("cfl_interaction") == r.interactionId.toLatin1())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("This sign-in was started in another browser (or cookies "
                       "are off). Start again from the app."),
        QStringLiteral("RFC 6749 §10.12"));
}

Verdict formEncoding(PageRequest &r, const QStringList &repeatable = {})
{
    QString error;
    const auto form = parseFormPost(r.http, repeatable, &error);
    if (!form)
        return OAuthError::invalidRequest(error);
    r.form = *form;
    return {};
}

Verdict csrfToken(const PageRequest &r)
{
    if (constantTimeEquals(r.form.valueOr(QStringLiteral("csrf_token")).toLatin1(), r.interaction.csrfToken))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the form's CSRF token is missing or wrong"), QStringLiteral("RFC 6749 §10.12"));
}

// --- the login form ------------------------------------------------------------------------------

// check the login form: form-encoded, valid, each field once (RFC 6749 Appendix B)
Verdict loginFormEncoding(BankContext &, PageRequest &r)
{
    return formEncoding(r);
}

// check the login form's CSRF token: the interaction's, compared in constant time (RFC 6749 §10.12)
Verdict loginCsrf(BankContext &, PageRequest &r)
{
    return csrfToken(r);
}

// check the credentials: user name and password both given (OIDC Core §3.1.2.3)
Verdict credentialsGiven(BankContext &, PageRequest &r)
{
    r.username = r.form.valueOr(QStringLiteral("username")).trimmed();
    r.password = r.form.valueOr(QStringLiteral("password"));
    if (!r.username.isEmpty() && !r.password.isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("Enter your user name and your password."),
        QStringLiteral("OpenID Connect Core §3.1.2.3"));
}

// check guessing: fewer than 5 failed logins for this user name in 5 minutes (RFC 6749 §10.10; OWASP ASVS
// 2.2.1)
Verdict loginThrottle(BankContext &bank, PageRequest &r)
{
    const qint64 since = bank.now() - bank.config().loginFailureWindow;
    if (bank.store().loginFailuresSince(r.username, since) < bank.config().maxLoginFailures)
        return {};
    return OAuthError::tooManyAttempts((bank.config().loginFailureWindow + 59) / 60);
}

// check the password: argon2id; unknown names against a dummy hash, in the same time (OIDC Core §3.1.2.3)
Verdict passwordVerified(BankContext &bank, PageRequest &r)
{
    const auto user = bank.store().userByUsername(r.username);
    static const QByteArray dummyHash = hashPassword("not-a-real-password");
    const bool ok
        = verifyPassword(user ? user->passwordHash : dummyHash, r.password.toUtf8()) && user.has_value();
    r.user = user.value_or(User {});
    if (ok)
        return {};
    // Counted for the throttle above, per user name, whether it exists or not.
    return Verdict(OAuthError::wrongCredentials(),
        [&bank, username = r.username] { bank.store().recordLoginFailure(username, bank.now()); });
}

// --- the consent form ----------------------------------------------------------------------------

// check the consent form: form-encoded, valid, each field once but the scope checkboxes (RFC 6749
// Appendix B)
Verdict consentFormEncoding(BankContext &, PageRequest &r)
{
    return formEncoding(r, { QStringLiteral("scope") });
}

// check the consent form's CSRF token: the interaction's, compared in constant time (RFC 6749 §10.12)
Verdict consentCsrf(BankContext &, PageRequest &r)
{
    return csrfToken(r);
}

// check John: logged in for this interaction before he can consent (OIDC Core §3.1.2.3)
Verdict loggedIn(BankContext &bank, PageRequest &r)
{
    if (r.interaction.userId != 0)
        r.user = bank.store().userById(r.interaction.userId).value_or(User {});
    if (r.user.id != 0)
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("Log in first."), QStringLiteral("OpenID Connect Core §3.1.2.3"));
}

// check the decision: approve or deny, nothing else
Verdict decisionKnown(BankContext &, PageRequest &r)
{
    r.decision = r.form.valueOr(QStringLiteral("decision"));
    if (r.decision == QLatin1String("approve") || r.decision == QLatin1String("deny"))
        return {};
    return OAuthError::invalidRequest(QStringLiteral("decision must be approve or deny"));
}

// check John's decision: he approved; "deny" goes back to the client as access_denied (RFC 6749 §4.1.2.1)
Verdict approved(BankContext &, PageRequest &r)
{
    if (r.decision != QLatin1String("deny"))
        return {};
    return OAuthError::accessDenied(QStringLiteral("John denied the request"));
}

const CheckList<PageRequest> &pageChecklist()
{
    static const CheckList<PageRequest> checks {
        { "interaction.exists", "the interaction exists and has not expired", "RFC 6749 §10.12",
            interactionExists },
        { "interaction.browser", "the page belongs to the browser that started it (its cookie)",
            "RFC 6749 §10.12", interactionBrowser },
    };
    return checks;
}

const CheckList<PageRequest> &loginChecklist()
{
    static const CheckList<PageRequest> checks = [] {
        CheckList<PageRequest> list = pageChecklist();
        list.insert(list.end(),
            {
                { "login.form_encoding", "the form is form-encoded, valid, each field once", "RFC 6749 Appendix B",
                    loginFormEncoding },
                { "login.csrf", "the form carries the interaction's CSRF token", "RFC 6749 §10.12",
                    loginCsrf },
                { "login.credentials_given", "user name and password are both given",
                    "OpenID Connect Core §3.1.2.3", credentialsGiven },
                { "login.throttle", "fewer than 5 failed logins for the user name within 5 minutes",
                    "RFC 6749 §10.10, OWASP ASVS 2.2.1", loginThrottle },
                { "login.password", "the password verifies against the user's argon2id hash",
                    "OpenID Connect Core §3.1.2.3", passwordVerified },
            });
        return list;
    }();
    return checks;
}

const CheckList<PageRequest> &consentChecklist()
{
    static const CheckList<PageRequest> checks = [] {
        CheckList<PageRequest> list = pageChecklist();
        list.insert(list.end(),
            {
                { "consent.form_encoding", "the form is form-encoded, valid, each field once but scope", "RFC 6749 Appendix B",
                    consentFormEncoding },
                { "consent.csrf", "the form carries the interaction's CSRF token", "RFC 6749 §10.12",
                    consentCsrf },
                { "consent.logged_in", "John logged in for this interaction", "OpenID Connect Core §3.1.2.3",
                    loggedIn },
                { "consent.decision_known", "the decision is approve or deny", "RFC 6749 §4.1.2.1",
                    decisionKnown },
                { "consent.approved", "John approved; deny answers access_denied", "RFC 6749 §4.1.2.1",
                    approved },
            });
        return list;
    }();
    return checks;
}

// A refusal about the page itself — whose interaction, whose form — ends on the error page: a form that
// cannot be trusted is not shown again.
bool doubtsThePage(const CheckSpec &check)
{
    return check.id.startsWith(QLatin1String("interaction.")) || check.id.endsWith(QLatin1String(".csrf"));
}
} // namespace

InteractionPages::InteractionPages(BankContext &bank, LoginSessions &sessions, Interactions &interactions)
    : m_bank(bank)
    , m_sessions(sessions)
    , m_interactions(interactions)
{ }

QList<CheckSpec> InteractionPages::pageChecks()
{
    return specsOf(pageChecklist());
}

QList<CheckSpec> InteractionPages::loginChecks()
{
    return specsOf(loginChecklist());
}

QList<CheckSpec> InteractionPages::consentChecks()
{
    return specsOf(consentChecklist());
}

HttpResponse InteractionPages::page(HttpRequest &request)
{
    PageRequest r { request, request.pathParameter(QStringLiteral("id")), {}, {}, {}, {}, {}, {} };
    if (const auto refusal = runChecks(m_bank, pageChecklist(), r))
        return refuse(m_bank, *refusal, RefusalForm::errorPage(), { r.interaction.clientId });
    if (r.interaction.userId == 0)
        return showLogin(r.interaction, {}, {});
    const auto user = m_bank.store().userById(r.interaction.userId);
    if (!user)
        return showLogin(r.interaction, {}, {});
    return showConsent(r.interaction, *user);
}

HttpResponse InteractionPages::showLogin(
    const Interaction &interaction, const QString &message, const QString &username, int status)
{
    QString context;
    if (interaction.kind == QLatin1String("authorize")) {
        const auto client = m_bank.store().client(interaction.clientId);
        context = QStringLiteral(
            "<p class=\"context\"><b>%1</b> sent you here. Log in to the bank to decide what %1 "
            "may see. %1 never sees your password.</p>")
                      .arg(PageRenderer::escape(client ? client->name : interaction.clientId));
    } else {
        context = QStringLiteral("<p class=\"context\">Log in to your online banking.</p>");
    }
    const QString error = message.isEmpty()
        ? QString()
        : QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>").arg(PageRenderer::escape(message));
    return HttpResponse::html(
        PageRenderer::render(QStringLiteral("login.html"), QStringLiteral("Log in to your bank"),
            { { QStringLiteral("context"), context }, { QStringLiteral("error"), error },
                { QStringLiteral("action"), QStringLiteral("/interaction/%1/login").arg(interaction.id) },
                { QStringLiteral("csrf"), QString::fromLatin1(interaction.csrfToken) },
                { QStringLiteral("username"), username },
                { QStringLiteral("hint"), QString::fromLatin1(WorkshopAccountHint) } }),
        status);
}

HttpResponse InteractionPages::login(HttpRequest &request)
{
    PageRequest r { request, request.pathParameter(QStringLiteral("id")), {}, {}, {}, {}, {}, {} };
    if (const auto refusal = runChecks(m_bank, loginChecklist(), r)) {
        // Otherwise the form again, with the user name John typed and why it was refused.
        const RefusalForm form = doubtsThePage(refusal->check)
            ? RefusalForm::errorPage()
            : RefusalForm::page([&](const OAuthError &error) {
                  return showLogin(r.interaction, error.description(), r.username, error.status());
              });
        return refuse(m_bank, *refusal, form, { r.interaction.clientId, r.username });
    }
    m_bank.store().clearLoginFailures(r.username);
    m_bank.audit(QStringLiteral("login"), {}, r.username, QStringLiteral("password verified"));
    m_bank.decide(QStringLiteral("John is authenticated (user name and password checked)"));

    const qint64 authTime = m_bank.now();
    const QByteArray sessionCookie = m_sessions.start(r.user.id, authTime);
    HttpResponse response;
    if (r.interaction.kind == QLatin1String("web-login")) {
        m_bank.store().deleteInteraction(r.interaction.id);
        response = HttpResponse::redirect(QUrl(QStringLiteral("/web")), 303);
    } else {
        m_bank.store().updateInteractionLogin(r.interaction.id, r.user.id, authTime);
        Interaction loggedIn = r.interaction;
        loggedIn.userId = r.user.id;
        loggedIn.authTime = authTime;
        // A remembered consent that covers every requested scope skips the consent page, unless the client
        // asked for it again (prompt=consent).
        const bool covered = m_bank.config().rememberConsent
            && m_interactions.consentCovers(r.user.id, r.interaction.clientId, r.interaction.scopes);
        if (covered && !r.interaction.prompt.contains(QStringLiteral("consent"))) {
            m_bank.decide(QStringLiteral("consent already given earlier for these scopes"));
            response = m_interactions.issueCode(loggedIn, r.user, r.interaction.scopes);
        } else {
            response = HttpResponse::redirect(QUrl(QStringLiteral("/interaction/") + r.interaction.id), 303);
        }
    }
    response.addHeader("Set-Cookie", sessionCookie);
    return response;
}

HttpResponse InteractionPages::showConsent(const Interaction &interaction, const User &user)
{
    const auto client = m_bank.store().client(interaction.clientId);
    const QString clientName = PageRenderer::escape(client ? client->name : interaction.clientId);
    QString items;
    for (const QString &scope : interaction.scopes) {
        const scopes::ScopeInfo *info = scopes::find(scope);
        if (!info)
            continue;
        // Only known scope names get here (scopes::find); escaped all the same, like every value on a page.
        const QString id = PageRenderer::escape(
            QStringLiteral("scope-") + QString(scope).replace(QLatin1Char(':'), QLatin1Char('-')));
        const QString name = PageRenderer::escape(scope);
        // Required scopes are sent as hidden fields so that the form stays correct without JavaScript.
        const QString control = info->optional
            ? QStringLiteral("<input type=\"checkbox\" id=\"%1\" name=\"scope\" value=\"%2\" checked>")
                  .arg(id, name)
            : QStringLiteral("<input type=\"checkbox\" id=\"%1\" checked disabled>"
                             "<input type=\"hidden\" name=\"scope\" value=\"%2\">")
                  .arg(id, name);
        items += QStringLiteral(
            "<li>%1<label for=\"%2\"><b>%3</b> <code>%4</code><br><span>%5</span>%6</label></li>\n")
                     .arg(control, id, PageRenderer::escape(info->title), name,
                         PageRenderer::escape(info->releases),
                         info->optional ? QString() : QStringLiteral(" <em>(required)</em>"));
    }
    return HttpResponse::html(PageRenderer::render(QStringLiteral("consent.html"),
        QStringLiteral("Allow %1?").arg(client ? client->name : interaction.clientId),
        { { QStringLiteral("client"), client ? client->name : interaction.clientId },
            { QStringLiteral("user"), user.name }, { QStringLiteral("scopes"), items },
            { QStringLiteral("action"), QStringLiteral("/interaction/%1/consent").arg(interaction.id) },
            { QStringLiteral("csrf"), QString::fromLatin1(interaction.csrfToken) },
            { QStringLiteral("redirect"), interaction.redirectUri },
            { QStringLiteral("remember"),
                m_bank.config().rememberConsent
                    ? QStringLiteral("The bank will remember your choice; you can revoke it any time in your "
                                     "online banking under Connected apps.")
                    : QStringLiteral("The bank will ask you again next time.") },
            { QStringLiteral("clientHtml"), clientName } }));
}

HttpResponse InteractionPages::consent(HttpRequest &request)
{
    PageRequest r { request, request.pathParameter(QStringLiteral("id")), {}, {}, {}, {}, {}, {} };
    if (const auto refusal = runChecks(m_bank, consentChecklist(), r)) {
        // The consent form is not shown again: John, not logged in, gets the login form; his "deny" goes
        // back to the client; anything else is the error page.
        RefusalForm form = RefusalForm::errorPage();
        if (refusal->check.id == QLatin1String("consent.logged_in"))
            form = RefusalForm::page([&](const OAuthError &error) {
                return showLogin(r.interaction, error.description(), {}, 400);
            });
        else if (refusal->check.id == QLatin1String("consent.approved"))
            form = RefusalForm::redirectToClient(r.interaction);
        return refuse(m_bank, *refusal, form, { r.interaction.clientId, r.user.username });
    }

    // John may untick optional scopes; he cannot add scopes that were not requested.
    const QStringList ticked = r.form.values(QStringLiteral("scope"));
    QStringList granted;
    for (const QString &scope : std::as_const(r.interaction.scopes)) {
        const scopes::ScopeInfo *info = scopes::find(scope);
        if (ticked.contains(scope) || (info && !info->optional))
            granted.append(scope);
    }
    if (m_bank.config().rememberConsent)
        m_bank.store().saveConsent(r.user.id, r.interaction.clientId, scopes::sorted(granted), m_bank.now());
    m_bank.audit(QStringLiteral("consent"), r.interaction.clientId, r.user.username,
        QStringLiteral("approved %1").arg(scopes::join(granted)));
    m_bank.decide(QStringLiteral("John approved: %1").arg(scopes::join(granted)));
    return m_interactions.issueCode(r.interaction, r.user, granted);
}

} // namespace cfl
