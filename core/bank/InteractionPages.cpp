// eddy's pages: John logs in (seed steps 3–5) and gives his consent (steps 6–8). Plain HTML forms,
// each with a CSRF token bound to the interaction cookie (double submit, RFC 6749 §10.12).

#include "bank/InteractionPages.h"

#include "bank/AuthenticationContext.h"
#include "bank/ClaimsRequest.h"
#include "bank/FormPost.h"
#include "bank/PageRenderer.h"
#include "bank/Refusal.h"
#include "bank/Scopes.h"
#include "bank/UserClaims.h"
#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "http/FormData.h"

#include <QHostAddress>

#include <algorithm>

namespace cfl {

namespace {
// What the checks found out about the request so far.
struct PageRequest
{
    PageRequest(const HttpRequest &request, QString id)
        : http(request)
        , interactionId(std::move(id))
    { }

    const HttpRequest &http;
    QString interactionId; // from the path
    Interaction interaction; // empty until found
    FormData form;
    QString username; // as typed, trimmed
    QString password;
    User user; // who logged in, or is logged in for the interaction
    QString decision; // approve | deny
    QString client; // who is guessing: clientKey(remote address)
    std::optional<User> known; // the user the name belongs to, if any
    qint64 retryAfter = 0; // seconds, when throttled
};

// Whom a run of wrong passwords is counted against, besides the user name: the client's address; an IPv6
// client by its /64, which one household or one attacker gets whole (OWASP Credential Stuffing Prevention).
QString clientKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // IPv4-mapped IPv6 too
    if (isV4)
        return QHostAddress(v4).toString();
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address.toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

// --- the interaction ---------------------------------------------------------------------------------

// check the interaction: exists and has not expired (RFC 6749 §10.12)
Verdict interactionExists(BankContext &bank, PageRequest &r)
{
    r.interaction = bank.store().sessions().interaction(r.interactionId).value_or(Interaction {});
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
    if (r.http.cookie(Interactions::cookie().name) == r.interactionId.toLatin1())
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

// A wrong password, counted for the throttle per user name and client, whether the name exists or not
// (the throttle must not tell which names exist).
Verdict wrongCredentials(BankContext &bank, const PageRequest &r)
{
    return Verdict(OAuthError::wrongCredentials(), [&bank, username = r.username, client = r.client] {
        bank.store().sessions().recordLoginFailure(username, client, bank.now());
    });
}

// check guessing: after 5 failures of this user name from this client, each try waits 30 s after the last
// failure, doubling up to 15 min — a delay, never a lock: John elsewhere is not slowed, and here he gets
// in once it passed (RFC 6749 §10.10; OWASP ASVS 2.2.1; NIST SP 800-63B §5.2.2 rate limiting)
Verdict loginThrottle(BankContext &bank, PageRequest &r)
{
    const BankConfig &config = bank.config();
    r.client = clientKey(r.http.remoteAddress);
    const SessionStore::LoginFailures failures = bank.store().sessions().loginFailuresSince(
        r.username, r.client, bank.now() - config.loginFailureWindow);
    if (failures.count < config.maxLoginFailures)
        return {};
    const int doublings = std::min(failures.count - config.maxLoginFailures, 20);
    const qint64 delay = std::min(config.loginDelay << doublings, config.loginMaxDelay);
    // A count that could not be read (no last failure) waits the longest.
    const qint64 allowedAt
        = failures.lastAt > 0 ? failures.lastAt + delay : bank.now() + config.loginMaxDelay;
    if (bank.now() >= allowedAt)
        return {};
    r.retryAfter = allowedAt - bank.now();
    return OAuthError::tooManyAttempts(r.retryAfter);
}

// check the hashing budget: a user name the bank does not know costs an argon2 hash only within the global
// budget (a token bucket); beyond it, the answer of a wrong password, unhashed — the same page and status
// (OWASP ASVS 2.2.1; NIST SP 800-63B §5.2.2)
Verdict unknownUserBudget(BankContext &bank, PageRequest &r)
{
    r.known = bank.store().users().userByUsername(r.username);
    if (r.known || bank.shared().takeUnknownUserHash(bank.now(), bank.config()))
        return {};
    return wrongCredentials(bank, r);
}

// check the password: argon2id; unknown names against a dummy hash, in the same time (OIDC Core §3.1.2.3)
Verdict passwordVerified(BankContext &bank, PageRequest &r)
{
    static const QByteArray dummyHash = hashPassword("not-a-real-password");
    const bool ok = verifyPassword(r.known ? r.known->passwordHash : dummyHash, r.password.toUtf8())
        && r.known.has_value();
    r.user = r.known.value_or(User {});
    if (ok)
        return {};
    return wrongCredentials(bank, r);
}

// check the subject: when the client asked for one by value (claims id_token sub), the customer who
// logged in is that one; the bank "MUST NOT reply with an ID Token or Access Token for a different user"
// (OIDC Core §5.5.1). The login form again, and no session for him.
Verdict requestedSubject(BankContext &, PageRequest &r)
{
    const auto sub = ClaimsRequest::fromStored(r.interaction.claims)
                         .claim(ClaimsRequest::Target::IdToken, QStringLiteral("sub"));
    if (!sub || sub->value.isUndefined() || sub->value == QJsonValue(userclaims::subjectOf(r.user.id)))
        return {};
    return OAuthError::otherSubjectRequested().compared(
        sub->value.toString(), userclaims::subjectOf(r.user.id));
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
        r.user = bank.store().users().userById(r.interaction.userId).value_or(User {});
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
                { "login.form_encoding", "the form is form-encoded, valid, each field once",
                    "RFC 6749 Appendix B", loginFormEncoding },
                { "login.csrf", "the form carries the interaction's CSRF token", "RFC 6749 §10.12",
                    loginCsrf },
                { "login.credentials_given", "user name and password are both given",
                    "OpenID Connect Core §3.1.2.3", credentialsGiven },
                { "login.throttle", "after 5 failures of the name from this client, a growing delay; no lock",
                    "RFC 6749 §10.10, OWASP ASVS 2.2.1, NIST SP 800-63B §5.2.2", loginThrottle },
                { "login.unknown_user_budget", "unknown user names get argon2 work within a global budget",
                    "OWASP ASVS 2.2.1, NIST SP 800-63B §5.2.2", unknownUserBudget },
                { "login.password", "the password verifies against the user's argon2id hash",
                    "OpenID Connect Core §3.1.2.3", passwordVerified },
                { "login.requested_subject",
                    "when the client asked for a subject by value (claims id_token sub), that customer "
                    "logged in",
                    "OpenID Connect Core §5.5.1", requestedSubject },
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
                { "consent.form_encoding", "the form is form-encoded, valid, each field once but scope",
                    "RFC 6749 Appendix B", consentFormEncoding },
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
    PageRequest r(request, request.pathParameter(QStringLiteral("id")));
    if (const auto refusal = runChecks(m_bank, pageChecklist(), r))
        return refuse(m_bank, *refusal, RefusalForm::errorPage(), { r.interaction.clientId });
    const auto user
        = r.interaction.userId == 0 ? std::nullopt : m_bank.store().users().userById(r.interaction.userId);
    if (!user) {
        m_bank.answerRealises(seed::LoginScreen);
        return showLogin(r.interaction, {}, {});
    }
    m_bank.answerRealises(seed::ConsentScreen);
    return showConsent(r.interaction, *user);
}

HttpResponse InteractionPages::showLogin(
    const Interaction &interaction, const QString &message, const QString &username, int status)
{
    // An app's request names the app (login.html's "authorize" section); online banking's does not.
    const bool authorize = interaction.kind == QLatin1String("authorize");
    const auto client = authorize ? m_bank.store().clients().client(interaction.clientId) : std::nullopt;
    return HttpResponse::html(
        PageRenderer::render(QStringLiteral("login.html"), QStringLiteral("Log in to your bank"),
            { { QStringLiteral("authorize"), authorize },
                { QStringLiteral("client"), client ? client->name : interaction.clientId },
                { QStringLiteral("error"), message },
                { QStringLiteral("action"), QStringLiteral("/interaction/%1/login").arg(interaction.id) },
                { QStringLiteral("csrf"), QString::fromLatin1(interaction.csrfToken) },
                { QStringLiteral("username"), username } }),
        status);
}

HttpResponse InteractionPages::login(HttpRequest &request)
{
    // Refused or not, John's browser brings what he typed (seed steps 4 and 5).
    m_bank.requestRealises(seed::PushCredential, seed::SetCredential);
    PageRequest r(request, request.pathParameter(QStringLiteral("id")));
    if (const auto refusal = runChecks(m_bank, loginChecklist(), r)) {
        // Otherwise the form again, with the user name John typed and why it was refused.
        const RefusalForm form = doubtsThePage(refusal->check)
            ? RefusalForm::errorPage()
            : RefusalForm::page([&](const OAuthError &error) {
                  HttpResponse page
                      = showLogin(r.interaction, error.description(), r.username, error.status());
                  if (r.retryAfter > 0) // 429 says when to come back (RFC 6585 §4, RFC 9110 §10.2.3)
                      page.setHeader("Retry-After", QByteArray::number(r.retryAfter));
                  return page;
              });
        return refuse(m_bank, *refusal, form, { r.interaction.clientId, r.username });
    }
    // John is in: his own failures from here are forgotten, a guesser's elsewhere are not.
    m_bank.store().sessions().clearLoginFailures(r.username, r.client);
    m_bank.audit(QStringLiteral("login"), {}, r.username, QStringLiteral("password verified"));
    m_bank.decide(QStringLiteral("John is authenticated (user name and password checked)"));

    const qint64 authTime = m_bank.now();
    const QStringList amr = authn::passwordLogin(); // the login form: a password (RFC 8176 §2)
    const QByteArray sessionCookie = m_sessions.start(r.user.id, authTime, amr);
    HttpResponse response;
    if (r.interaction.kind == QLatin1String("web-login")) {
        m_bank.store().sessions().deleteInteraction(r.interaction.id);
        response = HttpResponse::redirect(QUrl(QStringLiteral("/web")), 303);
    } else {
        m_bank.store().sessions().updateInteractionLogin(r.interaction.id, r.user.id, authTime, amr);
        Interaction loggedIn = r.interaction;
        loggedIn.userId = r.user.id;
        loggedIn.authTime = authTime;
        loggedIn.amr = amr;
        // A remembered consent that covers every requested scope skips the consent page, unless the client
        // asked for it again (prompt=consent) or cannot prove who it is (RFC 8252 §8.6).
        if (m_interactions.rememberedConsentAnswers(loggedIn)) {
            response = m_interactions.issueCode(loggedIn, r.user, r.interaction.scopes, true);
        } else {
            response = HttpResponse::redirect(QUrl(QStringLiteral("/interaction/") + r.interaction.id), 303);
        }
    }
    response.addHeader("Set-Cookie", sessionCookie);
    return response;
}

HttpResponse InteractionPages::showConsent(const Interaction &interaction, const User &user)
{
    const auto client = m_bank.store().clients().client(interaction.clientId);
    const QString clientName = client ? client->name : interaction.clientId;
    // consent.html's "scopes": one entry per requested scope the bank knows (scopes::find). Required ones
    // are sent as hidden fields so that the form stays correct without JavaScript.
    PageList scopeEntries;
    for (const QString &scope : interaction.scopes) {
        const scopes::ScopeInfo *info = scopes::find(scope);
        if (!info)
            continue;
        scopeEntries.append(PageValues {
            { QStringLiteral("id"),
                QStringLiteral("scope-") + QString(scope).replace(QLatin1Char(':'), QLatin1Char('-')) },
            { QStringLiteral("name"), scope }, { QStringLiteral("title"), info->title },
            { QStringLiteral("releases"), info->releases }, { QStringLiteral("optional"), info->optional } });
    }
    // consent.html's "claims": the standard claims the client asked for by name (OIDC Core §5.5) that no
    // requested scope releases already, in plain words, so that John sees everything he releases. They
    // come with the request: he allows them all, or denies.
    PageList claimEntries;
    const ClaimsRequest claims = ClaimsRequest::fromStored(interaction.claims);
    for (const QString &name : claims.userClaims(client ? client->allowedScopes : QStringList())) {
        const userclaims::ClaimInfo *info = userclaims::find(name);
        if (interaction.scopes.contains(info->scope))
            continue;
        const bool essential = [&] {
            for (const auto target : { ClaimsRequest::Target::IdToken, ClaimsRequest::Target::UserInfo }) {
                const auto claim = claims.claim(target, name);
                if (claim && claim->essential)
                    return true;
            }
            return false;
        }();
        claimEntries.append(PageValues { { QStringLiteral("id"), QStringLiteral("claim-") + name },
            { QStringLiteral("name"), name }, { QStringLiteral("words"), info->words },
            { QStringLiteral("essential"), essential } });
    }
    return HttpResponse::html(PageRenderer::render(QStringLiteral("consent.html"),
        QStringLiteral("Allow %1?").arg(clientName),
        { { QStringLiteral("client"), clientName }, { QStringLiteral("user"), user.name },
            { QStringLiteral("scopes"), scopeEntries }, { QStringLiteral("claims"), claimEntries },
            { QStringLiteral("has_claims"), !claimEntries.isEmpty() },
            { QStringLiteral("action"), QStringLiteral("/interaction/%1/consent").arg(interaction.id) },
            { QStringLiteral("csrf"), QString::fromLatin1(interaction.csrfToken) },
            { QStringLiteral("redirect"), interaction.redirectUri },
            { QStringLiteral("remember"),
                m_bank.config().rememberConsent
                    ? QStringLiteral("The bank will remember your choice; you can revoke it any time in your "
                                     "online banking under Connected apps.")
                    : QStringLiteral("The bank will ask you again next time.") } }));
}

HttpResponse InteractionPages::consent(HttpRequest &request)
{
    // Refused or not, John's browser brings his answer (seed step 8); "approve" is John accepting (step 7).
    const auto answer = FormData::parse(request.body);
    const bool accepts = answer && answer->valueOr(QStringLiteral("decision")) == QLatin1String("approve");
    m_bank.requestRealises(seed::ConsentResponse, accepts ? seed::Accept : 0);
    PageRequest r(request, request.pathParameter(QStringLiteral("id")));
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
        m_bank.store().consents().saveConsent(
            r.user.id, r.interaction.clientId, scopes::sorted(granted), m_bank.now());
    m_bank.audit(QStringLiteral("consent"), r.interaction.clientId, r.user.username,
        QStringLiteral("approved %1").arg(scopes::join(granted)));
    m_bank.decide(QStringLiteral("John approved: %1").arg(scopes::join(granted)));
    return m_interactions.issueCode(r.interaction, r.user, granted, true);
}

} // namespace cfl
