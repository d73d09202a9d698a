#include "bank/OAuthError.h"

#include <QJsonDocument>

namespace cfl {

namespace {
OAuthError make(int status, const char *error, const QString &description, const QString &rfc)
{
    OAuthError e;
    e.status = status;
    e.error = QString::fromLatin1(error);
    e.description = description;
    e.rfc = rfc;
    return e;
}

// RFC 6750 §3: error_description uses a restricted character set; quotes and backslashes must go.
QByteArray quotedParameter(const QString &value)
{
    QString cleaned = value;
    cleaned.remove(QLatin1Char('"')).remove(QLatin1Char('\\'));
    return '"' + cleaned.toUtf8() + '"';
}
} // namespace

OAuthError OAuthError::invalidRequest(const QString &description, const QString &rfc)
{
    return make(400, "invalid_request", description, rfc);
}

OAuthError OAuthError::invalidClient(const QString &description)
{
    return make(401, "invalid_client", description, QStringLiteral("RFC 6749 §5.2, §2.3.1"));
}

OAuthError OAuthError::invalidGrant(const QString &description, const QString &rfc)
{
    return make(400, "invalid_grant", description, rfc);
}

OAuthError OAuthError::unauthorizedClient(const QString &description)
{
    return make(400, "unauthorized_client", description, QStringLiteral("RFC 6749 §5.2"));
}

OAuthError OAuthError::unsupportedGrantType(const QString &grantType)
{
    return make(400, "unsupported_grant_type",
        QStringLiteral("grant_type '%1' is not supported; use authorization_code or refresh_token")
            .arg(grantType),
        QStringLiteral("RFC 6749 §5.2"));
}

OAuthError OAuthError::unsupportedResponseType(const QString &responseType)
{
    return make(400, "unsupported_response_type",
        QStringLiteral("response_type '%1' is not supported; this bank only does the authorization "
                       "code flow (response_type=code)")
            .arg(responseType),
        QStringLiteral("RFC 6749 §4.1.2.1"));
}

OAuthError OAuthError::invalidScope(const QString &description, const QString &rfc)
{
    return make(400, "invalid_scope", description, rfc);
}

OAuthError OAuthError::accessDenied(const QString &description)
{
    return make(403, "access_denied", description, QStringLiteral("RFC 6749 §4.1.2.1"));
}

OAuthError OAuthError::loginRequired()
{
    return make(400, "login_required", QStringLiteral("prompt=none was given but John is not logged in"),
        QStringLiteral("OpenID Connect Core §3.1.2.6"));
}

OAuthError OAuthError::consentRequired()
{
    return make(400, "consent_required",
        QStringLiteral("prompt=none was given but John has not consented to these scopes yet"),
        QStringLiteral("OpenID Connect Core §3.1.2.6"));
}

OAuthError OAuthError::serverError(const QString &description)
{
    return make(500, "server_error", description, QStringLiteral("RFC 6749 §4.1.2.1"));
}

OAuthError OAuthError::invalidToken(const QString &description)
{
    return make(401, "invalid_token", description, QStringLiteral("RFC 6750 §3.1"));
}

OAuthError OAuthError::insufficientScope(const QString &scope)
{
    return make(403, "insufficient_scope",
        QStringLiteral("this request needs the scope '%1', which the access token does not carry").arg(scope),
        QStringLiteral("RFC 6750 §3.1"));
}

OAuthError &OAuthError::compared(const QString &expectedValue, const QString &receivedValue)
{
    expected = expectedValue;
    received = receivedValue;
    return *this;
}

QJsonObject OAuthError::toJson() const
{
    return QJsonObject { { QStringLiteral("error"), error },
        { QStringLiteral("error_description"), description } };
}

HttpResponse OAuthError::toTokenEndpointResponse() const
{
    HttpResponse response = HttpResponse::json(QJsonDocument(toJson()), status);
    response.noStore();
    if (status == 401)
        response.setHeader("WWW-Authenticate", "Basic realm=\"boris\", charset=\"UTF-8\"");
    return response;
}

HttpResponse OAuthError::toBearerResponse(const QString &realm, const QString &scope) const
{
    HttpResponse response = HttpResponse::json(QJsonDocument(toJson()), status);
    QByteArray challenge = "Bearer realm=" + quotedParameter(realm);
    // §3.1: a request without any credentials gets no error code at all.
    if (!error.isEmpty()) {
        challenge += ", error=" + quotedParameter(error);
        challenge += ", error_description=" + quotedParameter(description);
    }
    if (!scope.isEmpty())
        challenge += ", scope=" + quotedParameter(scope);
    response.setHeader("WWW-Authenticate", challenge);
    response.noStore();
    return response;
}

} // namespace cfl
