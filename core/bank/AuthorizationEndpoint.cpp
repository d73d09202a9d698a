// eddy's authorization endpoint: RFC 6749 §4.1.1 and OpenID Connect Core §3.1.2.1.
// Until the client and its redirect URI are known to be good, refusals are shown to John and never
// redirected (RFC 6749 §4.1.2.1: an open redirector otherwise); afterwards they go back to the client
// with error, error_description, state and iss.

#include "bank/AuthorizationEndpoint.h"

#include "bank/AuthenticationContext.h"
#include "bank/ClaimsRequest.h"
#include "bank/RedirectUri.h"
#include "bank/Refusal.h"
#include "bank/Scopes.h"
#include "bank/UserClaims.h"
#include "crypto/Pkce.h"
#include "http/FormData.h"

#include <algorithm>

namespace cfl {

namespace {
const QStringList KnownPrompts { QStringLiteral("none"), QStringLiteral("login"), QStringLiteral("consent"),
    QStringLiteral("select_account") };
constexpr int MaxParameterLength = 2048;

// What the checks found out about the request so far.
struct AuthorizeRequest
{
    const HttpRequest &http;
    FormData form;
    Client client; // empty until the client check found it
    Interaction interaction; // what the request asks for: becomes the interaction, or the code
    QString scopeText;
    QStringList prompts;
    ClaimsRequest claims; // the claims parameter, once the check found it well-formed
    LoginSessions &sessions;
    Interactions &interactions;
};

using AuthorizeCheck = Check<AuthorizeRequest>;

// --- who is asking, and where the answer goes ------------------------------------------------------

// check the parameters: the query (GET) or the form body (POST) is valid form encoding
Verdict formEncoding(BankContext &, AuthorizeRequest &r)
{
    // A POST carries the request in a form body (OpenID Connect Core §3.1.2.1, Form Serialization); one
    // that does not say so is not read as one.
    const QByteArray contentType = r.http.header("Content-Type").split(';').value(0).trimmed().toLower();
    if (r.http.method == "POST" && contentType != "application/x-www-form-urlencoded") {
        return OAuthError::invalidRequest(
            QStringLiteral("an authorization request sent by POST must be application/x-www-form-urlencoded"),
            QStringLiteral("OpenID Connect Core §3.1.2.1"));
    }
    const QByteArray encoded
        = r.http.method == "POST" ? r.http.body : r.http.url.query(QUrl::FullyEncoded).toUtf8();
    QString error;
    const auto form = FormData::parse(encoded, &error);
    if (!form)
        return OAuthError::invalidRequest(error);
    r.form = *form;
    return {};
}

Verdict givenOnce(const AuthorizeRequest &r, const QString &name)
{
    if (r.form.values(name).size() <= 1)
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("the parameter %1 is repeated; parameters must not be included more than once")
            .arg(name),
        QStringLiteral("RFC 6749 §3.1"));
}

// check client_id is given once: a second one could be the attacker's (RFC 6749 §3.1)
Verdict clientIdOnce(BankContext &, AuthorizeRequest &r)
{
    return givenOnce(r, QStringLiteral("client_id"));
}

// check redirect_uri is given once: a second one could be the attacker's (RFC 6749 §3.1)
Verdict redirectUriOnce(BankContext &, AuthorizeRequest &r)
{
    return givenOnce(r, QStringLiteral("redirect_uri"));
}

// check client_id: present (RFC 6749 §4.1.1)
Verdict clientIdPresent(BankContext &, AuthorizeRequest &r)
{
    r.interaction.clientId = r.form.valueOr(QStringLiteral("client_id"));
    if (!r.interaction.clientId.isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("client_id is missing"))
        .withHint(QStringLiteral("The app that sent you here did not say who it is."));
}

// check client: registered; never redirect for a client the bank does not know (RFC 6749 §4.1.2.1)
Verdict clientRegistered(BankContext &bank, AuthorizeRequest &r)
{
    r.client = bank.store().clients().client(r.interaction.clientId).value_or(Client {});
    if (!r.client.clientId.isEmpty())
        return {};
    return OAuthError::unregisteredClient(r.interaction.clientId)
        .withHint(QStringLiteral("No app with this id is registered at the bank."));
}

// check redirect_uri: present (OIDC Core §3.1.2.1)
Verdict redirectUriPresent(BankContext &, AuthorizeRequest &r)
{
    r.interaction.redirectUri = r.form.valueOr(QStringLiteral("redirect_uri"));
    if (!r.interaction.redirectUri.isEmpty())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("redirect_uri is missing"), QStringLiteral("OpenID Connect Core §3.1.2.1"));
}

// check redirect_uri: a registered one, character for character, any port for loopback URIs
// (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3, RFC 8252 §7.3)
Verdict redirectUriRegistered(BankContext &, AuthorizeRequest &r)
{
    const QString &redirectUri = r.interaction.redirectUri;
    if (redirect::matches(r.client.redirectUris, redirectUri))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("redirect_uri '%1' is not registered for %2").arg(redirectUri, r.client.name),
        QStringLiteral("RFC 6749 §3.1.2.3, RFC 9700 §4.1.3"))
        .compared(r.client.redirectUris.join(QStringLiteral(" or ")), redirectUri)
        .withHint(QStringLiteral("The bank only sends codes back to addresses the app registered."));
}

// --- what is asked -------------------------------------------------------------------------------

// check no parameter is repeated (RFC 6749 §3.1)
Verdict noRepeatedParameters(BankContext &, AuthorizeRequest &r)
{
    const QStringList repeated = r.form.repeatedNames();
    if (repeated.isEmpty())
        return {};
    return OAuthError::repeatedParameters(repeated, QStringLiteral("RFC 6749 §3.1"));
}

// check no parameter is longer than the bank reads (a limit of the bank's own)
Verdict parameterLength(BankContext &, AuthorizeRequest &r)
{
    for (const auto &[name, value] : r.form.items()) {
        if (value.size() > MaxParameterLength) {
            return OAuthError::invalidRequest(QStringLiteral("the parameter %1 is longer than %2 characters")
                                                  .arg(name)
                                                  .arg(MaxParameterLength));
        }
    }
    return {};
}

// check response_type: present (RFC 6749 §4.1.1)
Verdict responseTypePresent(BankContext &, AuthorizeRequest &r)
{
    if (!r.form.valueOr(QStringLiteral("response_type")).isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("response_type is missing; use response_type=code"),
        QStringLiteral("RFC 6749 §4.1.1"));
}

// check response_type: code, the authorization code flow only (RFC 6749 §4.1.2.1; RFC 9700 §2.1.2 no
// implicit)
Verdict responseTypeCode(BankContext &, AuthorizeRequest &r)
{
    const QString responseType = r.form.valueOr(QStringLiteral("response_type"));
    if (responseType.isEmpty() || responseType == QLatin1String("code"))
        return {};
    return OAuthError::unsupportedResponseType(responseType);
}

// check response_mode: the code travels in the query (OAuth 2.0 Multiple Response Types §2.1)
Verdict responseModeQuery(BankContext &, AuthorizeRequest &r)
{
    const QString mode = r.form.valueOr(QStringLiteral("response_mode"));
    if (mode.isEmpty() || mode == QLatin1String("query"))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("response_mode '%1' is not supported; only query").arg(mode),
        QStringLiteral("OAuth 2.0 Multiple Response Type Encoding Practices §2.1"));
}

// check request objects: not supported (OIDC Core §6)
Verdict noRequestObject(BankContext &, AuthorizeRequest &r)
{
    if (!r.form.contains(QStringLiteral("request")))
        return {};
    return OAuthError::requestNotSupported();
}

// check request objects by reference: not supported (OIDC Core §6)
Verdict noRequestUri(BankContext &, AuthorizeRequest &r)
{
    if (!r.form.contains(QStringLiteral("request_uri")))
        return {};
    return OAuthError::requestUriNotSupported();
}

// check scope: present (RFC 6749 §3.3)
Verdict scopePresent(BankContext &, AuthorizeRequest &r)
{
    r.scopeText = r.form.valueOr(QStringLiteral("scope"));
    r.interaction.scopes = scopes::parse(r.scopeText);
    if (!r.interaction.scopes.isEmpty())
        return {};
    return OAuthError::invalidScope(
        QStringLiteral("scope is missing; ask for at least one scope, e.g. openid"));
}

// check scope: each one well-formed and known to the bank (RFC 6749 §3.3)
Verdict scopeKnown(BankContext &, AuthorizeRequest &r)
{
    QStringList unknown;
    for (const QString &scope : std::as_const(r.interaction.scopes)) {
        if (!scopes::isValidScopeToken(scope) || !scopes::find(scope))
            unknown.append(scope);
    }
    if (unknown.isEmpty())
        return {};
    return OAuthError::invalidScope(QStringLiteral("unknown scope: %1").arg(unknown.join(QLatin1Char(' '))));
}

// check scope: each one allowed for this client (RFC 6749 §3.3)
Verdict scopeAllowed(BankContext &, AuthorizeRequest &r)
{
    QStringList notAllowed;
    for (const QString &scope : std::as_const(r.interaction.scopes)) {
        if (!r.client.allowedScopes.contains(scope))
            notAllowed.append(scope);
    }
    if (notAllowed.isEmpty())
        return {};
    return OAuthError::invalidScope(QStringLiteral("%1 is not allowed to ask for: %2")
                                        .arg(r.client.name, notAllowed.join(QLatin1Char(' '))))
        .compared(scopes::join(r.client.allowedScopes), r.scopeText);
}

// check PKCE: a code_challenge, required for every client (RFC 7636 §4.4.1, RFC 9700 §2.1.1)
Verdict pkceChallengePresent(BankContext &, AuthorizeRequest &r)
{
    r.interaction.codeChallenge = r.form.valueOr(QStringLiteral("code_challenge"));
    if (!r.interaction.codeChallenge.isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("code_challenge is missing: this bank requires PKCE"),
        QStringLiteral("RFC 7636 §4.4.1, RFC 9700 §2.1.1"));
}

// check PKCE: code_challenge_method S256; a missing one would mean plain (RFC 7636 §4.3, §7.2)
Verdict pkceMethodS256(BankContext &, AuthorizeRequest &r)
{
    const QString method = r.form.valueOr(QStringLiteral("code_challenge_method"));
    r.interaction.codeChallengeMethod = method;
    if (method == QLatin1String("S256"))
        return {};
    return OAuthError::invalidRequest(method.isEmpty()
            ? QStringLiteral("code_challenge_method is missing (it would default to plain); use S256")
            : QStringLiteral("code_challenge_method '%1' is not accepted; use S256").arg(method),
        QStringLiteral("RFC 7636 §4.3, §7.2"));
}

// check PKCE: the challenge is 43 base64url characters, BASE64URL(SHA256(verifier)) (RFC 7636 §4.2)
Verdict pkceChallengeFormat(BankContext &, AuthorizeRequest &r)
{
    if (pkce::isValidS256Challenge(r.interaction.codeChallenge.toLatin1()))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("code_challenge must be 43 base64url characters (BASE64URL(SHA256(verifier)))"),
        QStringLiteral("RFC 7636 §4.2"));
}

// check prompt: known values only (OIDC Core §3.1.2.1)
Verdict promptKnown(BankContext &, AuthorizeRequest &r)
{
    r.prompts = r.form.valueOr(QStringLiteral("prompt")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    r.interaction.prompt = r.prompts.join(QLatin1Char(' '));
    for (const QString &prompt : std::as_const(r.prompts)) {
        if (!KnownPrompts.contains(prompt))
            return OAuthError::invalidRequest(QStringLiteral("unknown prompt value '%1'").arg(prompt),
                QStringLiteral("OpenID Connect Core §3.1.2.1"));
    }
    return {};
}

// check prompt: none stands alone (OIDC Core §3.1.2.1)
Verdict promptNoneAlone(BankContext &, AuthorizeRequest &r)
{
    if (!r.prompts.contains(QStringLiteral("none")) || r.prompts.size() == 1)
        return {};
    return OAuthError::invalidRequest(QStringLiteral("prompt=none cannot be combined with other values"),
        QStringLiteral("OpenID Connect Core §3.1.2.1"));
}

// check max_age: a non-negative number of seconds (OIDC Core §3.1.2.1)
Verdict maxAgeSeconds(BankContext &, AuthorizeRequest &r)
{
    const auto maxAge = r.form.value(QStringLiteral("max_age"));
    if (!maxAge)
        return {};
    // Digits only: toLongLong alone reads "60" out of "60\0" and takes a sign or spaces.
    bool ok = !maxAge->isEmpty() && maxAge->size() <= 10
        && std::all_of(maxAge->cbegin(), maxAge->cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    r.interaction.maxAge = ok ? maxAge->toLongLong(&ok) : -1;
    if (ok && r.interaction.maxAge >= 0)
        return {};
    return OAuthError::invalidRequest(QStringLiteral("max_age must be a number of seconds"),
        QStringLiteral("OpenID Connect Core §3.1.2.1"));
}

// check claims: a JSON object whose id_token and userinfo members are objects of claim name → null or
// { essential: boolean, value, values: array } (OIDC Core §5.5, §5.5.1)
Verdict claimsWellFormed(BankContext &, AuthorizeRequest &r)
{
    r.interaction.acrValues = r.form.valueOr(QStringLiteral("acr_values"));
    const auto text = r.form.value(QStringLiteral("claims"));
    if (!text)
        return {};
    QString problem;
    const auto claims = ClaimsRequest::parse(*text, &problem);
    if (claims) {
        r.claims = *claims;
        r.interaction.claims = claims->stored();
        return {};
    }
    return OAuthError::invalidRequest(problem, QStringLiteral("OpenID Connect Core §5.5"));
}

// check acr: one requested as essential through claims is one the bank can assert; otherwise the
// authentication has failed (OIDC Core §5.5.1.1). The bank answers access_denied (RFC 6749 §4.1.2.1), at
// once: a password is its only login, so no login page could meet the request, and login_required or
// interaction_required would tell the client that asking John again might (OIDC Core §3.1.2.6).
Verdict essentialAcrMet(BankContext &, AuthorizeRequest &r)
{
    const auto unmet = authn::unmetEssentialAcr(r.claims);
    if (!unmet)
        return {};
    return OAuthError::essentialAcrUnmet(
        QStringLiteral("the essential acr (%1) cannot be met: this bank "
                       "authenticates with a password only, acr %2")
            .arg(unmet->join(QStringLiteral(", ")), authn::supportedAcrValues().join(QStringLiteral(", "))))
        .compared(authn::supportedAcrValues().join(QLatin1Char(' ')), unmet->join(QLatin1Char(' ')));
}

// --- prompt=none: an answer at once, without a page ----------------------------------------------

// check prompt=none: John is logged in already (OIDC Core §3.1.2.6 login_required)
Verdict silentLogin(BankContext &, AuthorizeRequest &r)
{
    if (!r.prompts.contains(QStringLiteral("none")) || r.interaction.userId != 0)
        return {};
    return OAuthError::loginRequired();
}

// check prompt=none: not for a public client on a loopback redirect URI, where any local program can
// listen and claim the client's id: John must be asked (RFC 8252 §8.6, RFC 6749 §10.2; consent_required)
Verdict silentNotForUnprovenClient(BankContext &, AuthorizeRequest &r)
{
    if (!r.prompts.contains(QStringLiteral("none"))
        || !Interactions::clientIdentityUnproven(r.client, r.interaction.redirectUri))
        return {};
    return OAuthError::consentRequired(QStringLiteral("%1 is a public client on a loopback redirect URI, "
                                                      "where any local program could listen: John must be "
                                                      "asked every time, so prompt=none cannot be answered")
                                           .arg(r.client.name),
        QStringLiteral("RFC 8252 §8.6, RFC 6749 §10.2"));
}

// check prompt=none: John's remembered consent covers every scope, and the bank remembers consent at all
// (OIDC Core §3.1.2.6 consent_required)
Verdict silentConsent(BankContext &, AuthorizeRequest &r)
{
    if (!r.prompts.contains(QStringLiteral("none"))
        || r.interactions.consentCovers(r.interaction.userId, r.interaction.clientId,
            Interactions::scopesToConsent(r.interaction, r.client)))
        return {};
    return OAuthError::consentRequired();
}

// Who is asking and where the answer goes: refused on eddy's error page, never redirected.
const CheckList<AuthorizeRequest> &clientChecks()
{
    static const CheckList<AuthorizeRequest> checks {
        { "authorize.request.form_encoding", "the query, or a body sent as a form, is valid form encoding",
            "RFC 6749 Appendix B", formEncoding },
        { "authorize.client_id.once", "client_id is given at most once", "RFC 6749 §3.1", clientIdOnce },
        { "authorize.redirect_uri.once", "redirect_uri is given at most once", "RFC 6749 §3.1",
            redirectUriOnce },
        { "authorize.client_id.present", "client_id is present", "RFC 6749 §4.1.1", clientIdPresent },
        { "authorize.client.registered", "client_id names a registered client", "RFC 6749 §4.1.2.1",
            clientRegistered },
        { "authorize.redirect_uri.present", "redirect_uri is present", "OpenID Connect Core §3.1.2.1",
            redirectUriPresent },
        { "authorize.redirect_uri.exact_match",
            "redirect_uri equals a registered one; a loopback one may differ in its port only",
            "RFC 6749 §3.1.2.3, RFC 9700 §4.1.3, RFC 8252 §7.3", redirectUriRegistered },
    };
    return checks;
}

// What is asked: refused back to the client's redirect URI, with state and iss.
const CheckList<AuthorizeRequest> &requestChecks()
{
    static const CheckList<AuthorizeRequest> checks {
        { "authorize.parameters.once", "no parameter is repeated", "RFC 6749 §3.1", noRepeatedParameters },
        { "authorize.parameters.length", "no parameter is longer than 2,048 characters", "—",
            parameterLength },
        { "authorize.response_type.present", "response_type is present", "RFC 6749 §4.1.1",
            responseTypePresent },
        { "authorize.response_type.code", "response_type is code: no implicit flow",
            "RFC 6749 §4.1.2.1, RFC 9700 §2.1.2", responseTypeCode },
        { "authorize.response_mode.query", "response_mode is absent or query",
            "OAuth 2.0 Multiple Response Type Encoding Practices §2.1", responseModeQuery },
        { "authorize.request_object.absent", "no request object", "OpenID Connect Core §6", noRequestObject },
        { "authorize.request_uri.absent", "no request_uri", "OpenID Connect Core §6", noRequestUri },
        { "authorize.scope.present", "scope is present", "RFC 6749 §3.3", scopePresent },
        { "authorize.scope.known", "every scope is well-formed and known", "RFC 6749 §3.3", scopeKnown },
        { "authorize.scope.allowed", "every scope is allowed for this client", "RFC 6749 §3.3",
            scopeAllowed },
        { "authorize.pkce.challenge_present", "code_challenge is present: PKCE for every client",
            "RFC 7636 §4.4.1, RFC 9700 §2.1.1", pkceChallengePresent },
        { "authorize.pkce.method_s256", "code_challenge_method is S256", "RFC 7636 §4.3, §7.2",
            pkceMethodS256 },
        { "authorize.pkce.challenge_format", "code_challenge is 43 base64url characters", "RFC 7636 §4.2",
            pkceChallengeFormat },
        { "authorize.prompt.known", "prompt values are known ones", "OpenID Connect Core §3.1.2.1",
            promptKnown },
        { "authorize.prompt.none_alone", "prompt=none stands alone", "OpenID Connect Core §3.1.2.1",
            promptNoneAlone },
        { "authorize.max_age.seconds", "max_age is a non-negative integer", "OpenID Connect Core §3.1.2.1",
            maxAgeSeconds },
        { "authorize.claims.well_formed",
            "claims is a JSON object of id_token/userinfo objects, each claim null or {essential, value, "
            "values}",
            "OpenID Connect Core §5.5, §5.5.1", claimsWellFormed },
        { "authorize.claims.essential_acr",
            "an acr requested as essential names a value the bank can assert; otherwise access_denied",
            "OpenID Connect Core §5.5.1.1", essentialAcrMet },
    };
    return checks;
}

// prompt=none: answered at once, without a page; refused back to the client.
const CheckList<AuthorizeRequest> &silentChecks()
{
    static const CheckList<AuthorizeRequest> checks {
        { "authorize.prompt_none.login", "prompt=none needs a login session", "OpenID Connect Core §3.1.2.6",
            silentLogin },
        { "authorize.prompt_none.public_loopback",
            "prompt=none is refused for a public client's loopback redirect URI: John is asked",
            "RFC 8252 §8.6, RFC 6749 §10.2", silentNotForUnprovenClient },
        { "authorize.prompt_none.consent", "prompt=none needs a remembered consent covering every scope",
            "OpenID Connect Core §3.1.2.6", silentConsent },
    };
    return checks;
}
} // namespace

AuthorizationEndpoint::AuthorizationEndpoint(
    BankContext &bank, LoginSessions &sessions, Interactions &interactions)
    : m_bank(bank)
    , m_sessions(sessions)
    , m_interactions(interactions)
{ }

QList<CheckSpec> AuthorizationEndpoint::checks()
{
    return specsOf(clientChecks()) + specsOf(requestChecks()) + specsOf(silentChecks());
}

HttpResponse AuthorizationEndpoint::handle(HttpRequest &request)
{
    m_bank.requestRealises(seed::AuthorizationRequest); // refused or not
    AuthorizeRequest r { request, {}, {}, {}, {}, {}, {}, m_sessions, m_interactions };
    r.interaction.kind = QStringLiteral("authorize");
    if (const auto refusal = runChecks(m_bank, clientChecks(), r))
        return refuse(m_bank, *refusal, RefusalForm::errorPage(), { r.interaction.clientId });

    // From here on the client and its redirect URI are trusted: refusals go back to it, state echoed as
    // given (the first one, should it be repeated).
    r.interaction.state = r.form.valueOr(QStringLiteral("state"));
    r.interaction.nonce = r.form.valueOr(QStringLiteral("nonce"));
    const RefusalForm backToClient = RefusalForm::redirectToClient(r.interaction);
    if (const auto refusal = runChecks(m_bank, requestChecks(), r))
        return refuse(m_bank, *refusal, backToClient, { r.interaction.clientId });
    m_bank.decide(QStringLiteral("authorization request validated: client, redirect URI, scope, PKCE"), 2);

    Interaction &ia = r.interaction;
    // An existing login session at the bank may skip the login page, unless the client asked for a
    // fresh login (prompt=login) or the session is older than max_age (max_age=0: always, OIDC Core
    // §3.1.2.1).
    // A session of someone else than the subject the client asked for by value (claims id_token sub,
    // OIDC Core §5.5.1) answers nothing either: "MUST NOT reply with an ID Token or Access Token for a
    // different user" — John is asked to log in (with prompt=none: login_required).
    const auto requestedSubject = r.claims.claim(ClaimsRequest::Target::IdToken, QStringLiteral("sub"));
    if (const auto session = m_sessions.current(request)) {
        const bool tooOld = ia.maxAge == 0 || (ia.maxAge > 0 && m_bank.now() - session->authTime > ia.maxAge);
        const bool otherSubject = requestedSubject && !requestedSubject->value.isUndefined()
            && requestedSubject->value != QJsonValue(userclaims::subjectOf(session->userId));
        if (otherSubject)
            m_bank.decide(
                QStringLiteral("the login session is another customer's than the subject the client "
                               "asked for (claims sub value): John must log in (OIDC Core §5.5.1)"));
        if (!r.prompts.contains(QStringLiteral("login")) && !tooOld && !otherSubject) {
            ia.userId = session->userId;
            ia.authTime = session->authTime;
            ia.amr = session->amr; // a silent re-authorization carries the login's methods on
        }
    }
    if (const auto refusal = runChecks(m_bank, silentChecks(), r))
        return refuse(m_bank, *refusal, backToClient, { ia.clientId });
    if (r.prompts.contains(QStringLiteral("none")))
        return m_interactions.issueCode(
            ia, m_bank.store().users().userById(ia.userId).value_or(User {}), ia.scopes);
    // A remembered consent that covers every requested scope skips the consent page for a browser that
    // is still logged in, just as it does right after the login form, unless the client asked for it
    // again (prompt=consent) or cannot prove who it is (a public client on loopback, RFC 8252 §8.6).
    if (ia.userId != 0) {
        if (const auto user = m_bank.store().users().userById(ia.userId);
            user && m_interactions.rememberedConsentAnswers(ia))
            return m_interactions.issueCode(ia, *user, ia.scopes);
    }

    m_bank.store().purgeExpired(m_bank.now());
    return m_interactions.begin(std::move(ia));
}

} // namespace cfl
