#include "bank/OAuthError.h"

namespace cfl {

OAuthError::OAuthError(int status, const char *error, const QString &description, const QString &rfc)
    : m_status(status)
    , m_error(QString::fromLatin1(error))
    , m_description(description)
    , m_rfc(rfc)
{ }

OAuthError OAuthError::invalidRequest(const QString &description, const QString &rfc)
{
    return { 400, "invalid_request", description, rfc };
}

OAuthError OAuthError::repeatedParameters(const QStringList &names, const QString &rfc)
{
    constexpr int Named = 5;
    const QString more
        = names.size() > Named ? QStringLiteral(" and %1 more").arg(names.size() - Named) : QString();
    return invalidRequest(QStringLiteral("parameters must not be repeated: %1%2")
                              .arg(names.mid(0, Named).join(QStringLiteral(", ")), more),
        rfc);
}

OAuthError OAuthError::invalidClient(const QString &description)
{
    return { 401, "invalid_client", description, QStringLiteral("RFC 6749 §5.2, §2.3.1") };
}

OAuthError OAuthError::unregisteredClient(const QString &clientId)
{
    return { 400, "invalid_client", QStringLiteral("unknown client_id '%1'").arg(clientId),
        QStringLiteral("RFC 6749 §4.1.2.1") };
}

OAuthError OAuthError::invalidGrant(const QString &description, const QString &rfc)
{
    return { 400, "invalid_grant", description, rfc };
}

OAuthError OAuthError::unauthorizedClient(const QString &description)
{
    return { 400, "unauthorized_client", description, QStringLiteral("RFC 6749 §5.2") };
}

OAuthError OAuthError::unsupportedGrantType(const QString &grantType)
{
    return { 400, "unsupported_grant_type",
        QStringLiteral("grant_type '%1' is not supported; use authorization_code or refresh_token")
            .arg(grantType),
        QStringLiteral("RFC 6749 §5.2") };
}

OAuthError OAuthError::unsupportedResponseType(const QString &responseType)
{
    return { 400, "unsupported_response_type",
        QStringLiteral("response_type '%1' is not supported; this bank only does the authorization "
                       "code flow (response_type=code)")
            .arg(responseType),
        QStringLiteral("RFC 6749 §4.1.2.1") };
}

OAuthError OAuthError::invalidScope(const QString &description, const QString &rfc)
{
    return { 400, "invalid_scope", description, rfc };
}

OAuthError OAuthError::accessDenied(const QString &description)
{
    return { 403, "access_denied", description, QStringLiteral("RFC 6749 §4.1.2.1") };
}

OAuthError OAuthError::essentialAcrUnmet(const QString &description)
{
    return { 403, "access_denied", description, QStringLiteral("OpenID Connect Core §5.5.1.1") };
}

OAuthError OAuthError::otherSubjectRequested()
{
    return { 403, "access_denied",
        QStringLiteral("The app asked the bank to sign in another customer. Log in as that customer, or go "
                       "back to the app."),
        QStringLiteral("OpenID Connect Core §5.5.1") };
}

OAuthError OAuthError::loginRequired()
{
    return { 400, "login_required", QStringLiteral("prompt=none was given but John is not logged in"),
        QStringLiteral("OpenID Connect Core §3.1.2.6") };
}

OAuthError OAuthError::consentRequired()
{
    return { 400, "consent_required",
        QStringLiteral("prompt=none was given but John has not consented to these scopes yet"),
        QStringLiteral("OpenID Connect Core §3.1.2.6") };
}

OAuthError OAuthError::consentRequired(const QString &description, const QString &rfc)
{
    return { 400, "consent_required", description, rfc };
}

OAuthError OAuthError::requestNotSupported()
{
    return { 400, "request_not_supported", QStringLiteral("request objects are not supported"),
        QStringLiteral("OpenID Connect Core §6") };
}

OAuthError OAuthError::requestUriNotSupported()
{
    return { 400, "request_uri_not_supported", QStringLiteral("request_uri is not supported"),
        QStringLiteral("OpenID Connect Core §6") };
}

OAuthError OAuthError::serverError(const QString &description)
{
    return { 500, "server_error", description, QStringLiteral("RFC 6749 §4.1.2.1") };
}

OAuthError OAuthError::wrongCredentials()
{
    return { 401, "access_denied", QStringLiteral("Wrong user name or password."),
        QStringLiteral("OpenID Connect Core §3.1.2.3") };
}

OAuthError OAuthError::tooManyAttempts(qint64 waitSeconds)
{
    const QString wait = waitSeconds >= 120 ? QStringLiteral("%1 minutes").arg((waitSeconds + 59) / 60)
        : waitSeconds == 1                  ? QStringLiteral("1 second")
                                            : QStringLiteral("%1 seconds").arg(waitSeconds);
    return { 429, "access_denied",
        QStringLiteral("Too many failed attempts for this user name from here. Wait %1 and try again.")
            .arg(wait),
        QStringLiteral("RFC 6749 §10.10, OWASP ASVS 2.2.1, NIST SP 800-63B §5.2.2") };
}

OAuthError OAuthError::noBearerToken()
{
    // §3.1: "If the request lacks any authentication information ... SHOULD NOT include an error code".
    return { 401, "", QStringLiteral("no access token: send Authorization: Bearer <token>"),
        QStringLiteral("RFC 6750 §3.1") };
}

OAuthError OAuthError::invalidToken(const QString &description)
{
    return { 401, "invalid_token", description, QStringLiteral("RFC 6750 §3.1") };
}

OAuthError OAuthError::insufficientScope(const QString &scope)
{
    return { 403, "insufficient_scope",
        QStringLiteral("this request needs the scope '%1', which the access token does not carry").arg(scope),
        QStringLiteral("RFC 6750 §3.1") };
}

OAuthError OAuthError::notFound(const QString &description)
{
    return { 404, "not_found", description, QStringLiteral("RFC 9110 §15.5.5") };
}

OAuthError OAuthError::misdirectedRequest(const QString &description)
{
    return { 421, "misdirected_request", description, QStringLiteral("RFC 9110 §15.5.20") };
}

OAuthError OAuthError::compared(const QString &expected, const QString &received) const
{
    OAuthError copy = *this;
    copy.m_expected = expected;
    copy.m_received = received;
    return copy;
}

OAuthError OAuthError::withHint(const QString &hint) const
{
    OAuthError copy = *this;
    copy.m_hint = hint;
    return copy;
}

QJsonObject OAuthError::toJson() const
{
    return QJsonObject { { QStringLiteral("error"), m_error },
        { QStringLiteral("error_description"), m_description } };
}

} // namespace cfl
