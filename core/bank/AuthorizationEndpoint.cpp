// eddy's authorization endpoint: RFC 6749 §4.1.1 and OpenID Connect Core §3.1.2.1.
// Until the client and its redirect URI are known to be good, errors are shown to John and never
// redirected (RFC 6749 §4.1.2.1: an open redirector otherwise); afterwards they go back to the client
// with error, error_description, state and iss.

#include "bank/Bank.h"
#include "bank/RedirectUri.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "crypto/Pkce.h"
#include "crypto/SecureRandom.h"

namespace cfl {

namespace {
const QStringList KnownPrompts { QStringLiteral("none"), QStringLiteral("login"), QStringLiteral("consent"),
    QStringLiteral("select_account") };
constexpr int MaxParameterLength = 2048;
} // namespace

HttpResponse Bank::authorize(HttpRequest &request)
{
    // OIDC Core §3.1.2.1: the endpoint accepts GET (query) and POST (form body).
    const QByteArray encoded
        = request.method == "POST" ? request.body : request.url.query(QUrl::FullyEncoded).toUtf8();
    QString parseError;
    const auto form = FormData::parse(encoded, &parseError);
    if (!form)
        return errorPage(OAuthError::invalidRequest(parseError));

    // check client_id and redirect_uri are given once: a repeated one could be the attacker's (RFC 6749 §3.1)
    for (const QString &name : { QStringLiteral("client_id"), QStringLiteral("redirect_uri") }) {
        if (form->values(name).size() > 1) {
            return errorPage(OAuthError::invalidRequest(
                QStringLiteral("the parameter %1 is repeated; parameters must not be included more than once")
                    .arg(name),
                QStringLiteral("RFC 6749 §3.1")));
        }
    }

    // check client: a known client_id (RFC 6749 §4.1.2.1: never redirect to an unverified client)
    const QString clientId = form->valueOr(QStringLiteral("client_id"));
    if (clientId.isEmpty()) {
        return errorPage(OAuthError::invalidRequest(QStringLiteral("client_id is missing")),
            QStringLiteral("The app that sent you here did not say who it is."));
    }
    const auto client = m_store.client(clientId);
    if (!client) {
        return errorPage(OAuthError::unregisteredClient(clientId),
            QStringLiteral("No app with this id is registered at the bank."));
    }

    // check redirect_uri: required (OIDC Core §3.1.2.1) and an exact match of a registered one
    // (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3), any port for loopback URIs (RFC 8252 §7.3).
    const QString redirectUri = form->valueOr(QStringLiteral("redirect_uri"));
    if (redirectUri.isEmpty()) {
        return errorPage(OAuthError::invalidRequest(
            QStringLiteral("redirect_uri is missing"), QStringLiteral("OpenID Connect Core §3.1.2.1")));
    }
    if (!redirect::matches(client->redirectUris, redirectUri)) {
        return errorPage(
            OAuthError::invalidRequest(
                QStringLiteral("redirect_uri '%1' is not registered for %2").arg(redirectUri, client->name),
                QStringLiteral("RFC 6749 §3.1.2.3, RFC 9700 §4.1.3"))
                .compared(client->redirectUris.join(QStringLiteral(" or ")), redirectUri),
            QStringLiteral("The bank only sends codes back to addresses the app registered."));
    }

    // From here on the client and its redirect URI are trusted: errors go back to it.
    Interaction ia;
    ia.kind = QStringLiteral("authorize");
    ia.clientId = clientId;
    ia.redirectUri = redirectUri;
    ia.state = form->valueOr(QStringLiteral("state"));
    auto fail = [&](const OAuthError &error) { return redirectWithError(ia, error); };

    // reject repeated parameters (RFC 6749 §3.1)
    if (const QStringList repeated = form->repeatedNames(); !repeated.isEmpty()) {
        ia.state = form->values(QStringLiteral("state")).value(0);
        return fail(OAuthError::invalidRequest(
            QStringLiteral("parameters must not be repeated: %1").arg(repeated.join(QStringLiteral(", "))),
            QStringLiteral("RFC 6749 §3.1")));
    }
    for (const auto &[name, value] : form->items()) {
        if (value.size() > MaxParameterLength) {
            return fail(
                OAuthError::invalidRequest(QStringLiteral("the parameter %1 is longer than %2 characters")
                                               .arg(name)
                                               .arg(MaxParameterLength)));
        }
    }

    // check response_type: only the authorization code flow (RFC 6749 §4.1.1; RFC 9700 §2.1.2 no implicit)
    const QString responseType = form->valueOr(QStringLiteral("response_type"));
    if (responseType.isEmpty())
        return fail(
            OAuthError::invalidRequest(QStringLiteral("response_type is missing; use response_type=code"),
                QStringLiteral("RFC 6749 §4.1.1")));
    if (responseType != QLatin1String("code"))
        return fail(OAuthError::unsupportedResponseType(responseType));

    // check response_mode: the code travels in the query (OAuth 2.0 Multiple Response Types §2.1)
    if (const QString mode = form->valueOr(QStringLiteral("response_mode"));
        !mode.isEmpty() && mode != QLatin1String("query")) {
        return fail(OAuthError::invalidRequest(
            QStringLiteral("response_mode '%1' is not supported; only query").arg(mode),
            QStringLiteral("OAuth 2.0 Multiple Response Type Encoding Practices §2.1")));
    }

    // check request objects: not supported (OIDC Core §6)
    if (form->contains(QStringLiteral("request"))) {
        return fail(OAuthError::requestNotSupported());
    }
    if (form->contains(QStringLiteral("request_uri"))) {
        return fail(OAuthError::requestUriNotSupported());
    }

    // check scope: known, well-formed and allowed for this client (RFC 6749 §3.3)
    const QString scopeText = form->valueOr(QStringLiteral("scope"));
    const QStringList requested = scopes::parse(scopeText);
    if (requested.isEmpty())
        return fail(OAuthError::invalidScope(
            QStringLiteral("scope is missing; ask for at least one scope, e.g. openid")));
    QStringList unknown, notAllowed;
    for (const QString &scope : requested) {
        if (!scopes::isValidScopeToken(scope) || !scopes::find(scope))
            unknown.append(scope);
        else if (!client->allowedScopes.contains(scope))
            notAllowed.append(scope);
    }
    if (!unknown.isEmpty())
        return fail(OAuthError::invalidScope(
            QStringLiteral("unknown scope: %1").arg(unknown.join(QLatin1Char(' ')))));
    if (!notAllowed.isEmpty()) {
        return fail(OAuthError::invalidScope(QStringLiteral("%1 is not allowed to ask for: %2")
                                                 .arg(client->name, notAllowed.join(QLatin1Char(' '))))
                        .compared(scopes::join(client->allowedScopes), scopeText));
    }
    ia.scopes = requested;

    // check PKCE: required for every client, S256 only (RFC 7636 §4.3, §4.4.1; RFC 9700 §2.1.1)
    const QString challenge = form->valueOr(QStringLiteral("code_challenge"));
    const QString method = form->valueOr(QStringLiteral("code_challenge_method"));
    if (challenge.isEmpty()) {
        return fail(
            OAuthError::invalidRequest(QStringLiteral("code_challenge is missing: this bank requires PKCE"),
                QStringLiteral("RFC 7636 §4.4.1, RFC 9700 §2.1.1")));
    }
    if (method != QLatin1String("S256")) {
        return fail(OAuthError::invalidRequest(method.isEmpty()
                ? QStringLiteral("code_challenge_method is missing (it would default to plain); use S256")
                : QStringLiteral("code_challenge_method '%1' is not accepted; use S256").arg(method),
            QStringLiteral("RFC 7636 §4.3, §7.2")));
    }
    if (!pkce::isValidS256Challenge(challenge.toLatin1())) {
        return fail(OAuthError::invalidRequest(
            QStringLiteral("code_challenge must be 43 base64url characters (BASE64URL(SHA256(verifier)))"),
            QStringLiteral("RFC 7636 §4.2")));
    }
    ia.codeChallenge = challenge;
    ia.codeChallengeMethod = method;
    ia.nonce = form->valueOr(QStringLiteral("nonce"));

    // check prompt: known values, and none alone (OIDC Core §3.1.2.1)
    const QStringList prompts
        = form->valueOr(QStringLiteral("prompt")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &prompt : prompts) {
        if (!KnownPrompts.contains(prompt))
            return fail(OAuthError::invalidRequest(QStringLiteral("unknown prompt value '%1'").arg(prompt),
                QStringLiteral("OpenID Connect Core §3.1.2.1")));
    }
    if (prompts.contains(QStringLiteral("none")) && prompts.size() > 1) {
        return fail(
            OAuthError::invalidRequest(QStringLiteral("prompt=none cannot be combined with other values"),
                QStringLiteral("OpenID Connect Core §3.1.2.1")));
    }
    ia.prompt = prompts.join(QLatin1Char(' '));

    // check max_age: a non-negative integer (OIDC Core §3.1.2.1)
    if (const auto maxAge = form->value(QStringLiteral("max_age"))) {
        bool ok = false;
        ia.maxAge = maxAge->toLongLong(&ok);
        if (!ok || ia.maxAge < 0)
            return fail(OAuthError::invalidRequest(QStringLiteral("max_age must be a number of seconds"),
                QStringLiteral("OpenID Connect Core §3.1.2.1")));
    }

    decide(QStringLiteral("authorization request validated: client, redirect URI, scope, PKCE"), 2);

    // An existing login session at the bank may skip the login page, unless the client asked for a
    // fresh login (prompt=login) or the session is older than max_age.
    if (const auto session = currentSession(request)) {
        // OIDC Core §3.1.2.1: max_age=0 asks for a fresh login, like prompt=login.
        const bool tooOld = ia.maxAge == 0 || (ia.maxAge > 0 && now() - session->authTime > ia.maxAge);
        if (!prompts.contains(QStringLiteral("login")) && !tooOld) {
            ia.userId = session->userId;
            ia.authTime = session->authTime;
        }
    }
    auto consentCovers = [&] { return this->consentCovers(ia.userId, clientId, requested); };
    if (prompts.contains(QStringLiteral("none"))) {
        if (ia.userId == 0)
            return fail(OAuthError::loginRequired());
        if (!consentCovers())
            return fail(OAuthError::consentRequired());
        return finishAuthorization(ia, *m_store.userById(ia.userId), requested);
    }
    // A remembered consent that covers every requested scope skips the consent page for a browser that
    // is still logged in, just as it does right after the login form, unless the client asked for it
    // again (prompt=consent).
    if (ia.userId != 0 && m_config.rememberConsent && !prompts.contains(QStringLiteral("consent"))
        && consentCovers()) {
        if (const auto user = m_store.userById(ia.userId)) {
            decide(QStringLiteral("consent already given earlier for these scopes"));
            return finishAuthorization(ia, *user, requested);
        }
    }

    m_store.purgeExpired(now());
    return beginInteraction(std::move(ia));
}

HttpResponse Bank::redirectWithError(const Interaction &interaction, const OAuthError &error)
{
    refuse(error);
    audit(QStringLiteral("refusal"), interaction.clientId, {},
        error.error() + QStringLiteral(": ") + error.description());
    QList<QPair<QString, QString>> parameters { { QStringLiteral("error"), error.error() },
        { QStringLiteral("error_description"), error.description() } };
    if (!interaction.state.isEmpty())
        parameters.append(
            { QStringLiteral("state"), interaction.state }); // echoed exactly (RFC 6749 §4.1.2.1)
    parameters.append({ QStringLiteral("iss"), issuer() }); // RFC 9207 §2
    if (!interaction.id.isEmpty())
        m_store.deleteInteraction(interaction.id);
    return HttpResponse::redirect(redirect::withParameters(interaction.redirectUri, parameters), 302);
}

HttpResponse Bank::finishAuthorization(
    const Interaction &interaction, const User &user, const QStringList &granted)
{
    // Issue the code: one use, short-lived, bound to client, redirect URI, PKCE challenge, nonce and
    // the granted scopes (RFC 6749 §4.1.2, §10.5; RFC 7636 §4.4).
    const QByteArray code = randomToken();
    AuthorizationCode record;
    record.codeHash = sha256Hex(code);
    record.clientId = interaction.clientId;
    record.userId = user.id;
    record.redirectUri = interaction.redirectUri;
    record.scopes = granted;
    record.nonce = interaction.nonce;
    record.codeChallenge = interaction.codeChallenge;
    record.codeChallengeMethod = interaction.codeChallengeMethod;
    record.authTime = interaction.authTime;
    record.issuedAt = now();
    record.expiresAt = now() + m_config.codeLifetime;
    m_store.insertCode(record);
    if (!interaction.id.isEmpty())
        m_store.deleteInteraction(interaction.id);
    audit(QStringLiteral("grant"), interaction.clientId, user.username,
        QStringLiteral("authorization code %1… issued for %2")
            .arg(QString::fromLatin1(record.codeHash.left(8)), scopes::join(granted)));
    decide(
        QStringLiteral("authorization code issued, bound to client, redirect URI, PKCE challenge and nonce"),
        9);

    QList<QPair<QString, QString>> parameters { { QStringLiteral("code"), QString::fromLatin1(code) } };
    if (!interaction.state.isEmpty())
        parameters.append({ QStringLiteral("state"), interaction.state }); // RFC 6749 §4.1.2, §10.12
    parameters.append({ QStringLiteral("iss"), issuer() }); // RFC 9207 §2
    HttpResponse response
        = HttpResponse::redirect(redirect::withParameters(interaction.redirectUri, parameters), 302);
    response.addHeader(
        "Set-Cookie", "cfl_interaction=; Path=/interaction; HttpOnly; SameSite=Lax; Max-Age=0");
    return response;
}

} // namespace cfl
