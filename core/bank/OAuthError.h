#pragma once
// Typed protocol errors, produced in one place (after node-oidc-provider's). Each carries what
// the client is told (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1) and, for the teaching views, the rule
// that was broken, where it is written, and the values that were compared.

#include "http/HttpMessage.h"

#include <QJsonObject>
#include <QString>

namespace cfl {

struct OAuthError
{
    int status = 400;
    QString error; // "invalid_request", "invalid_grant", ...
    QString description; // error_description: a sentence for the developer of the client
    QString rfc; // e.g. "RFC 7636 §4.6"
    QString expected; // compared values, when there were any
    QString received;

    static OAuthError invalidRequest(
        const QString &description, const QString &rfc = QStringLiteral("RFC 6749 §4.1.2.1"));
    static OAuthError invalidClient(const QString &description);
    static OAuthError invalidGrant(
        const QString &description, const QString &rfc = QStringLiteral("RFC 6749 §5.2"));
    static OAuthError unauthorizedClient(const QString &description);
    static OAuthError unsupportedGrantType(const QString &grantType);
    static OAuthError unsupportedResponseType(const QString &responseType);
    static OAuthError invalidScope(
        const QString &description, const QString &rfc = QStringLiteral("RFC 6749 §3.3"));
    static OAuthError accessDenied(const QString &description);
    static OAuthError loginRequired();
    static OAuthError consentRequired();
    static OAuthError serverError(const QString &description);
    // RFC 6750 §3.1 (resource server and userinfo)
    static OAuthError invalidToken(const QString &description);
    static OAuthError insufficientScope(const QString &scope);

    OAuthError &compared(const QString &expectedValue, const QString &receivedValue);
    QJsonObject toJson() const;
    // JSON error body (RFC 6749 §5.2) with Cache-Control: no-store; 401 invalid_client carries
    // WWW-Authenticate: Basic (§5.2 requires it when the client used the Authorization header).
    HttpResponse toTokenEndpointResponse() const;
    // RFC 6750 §3: WWW-Authenticate: Bearer realm=..., error=..., error_description=... [, scope=...]
    HttpResponse toBearerResponse(const QString &realm, const QString &scope = {}) const;
};

} // namespace cfl
