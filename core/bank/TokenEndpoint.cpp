// boris's token endpoint (RFC 6749 §3.2, §4.1.3, §5, §6) and what it mints: a JWT access token
// (RFC 9068), a refresh token (opaque, rotated), and an ID token (OpenID Connect Core §2, §3.1.3.6).

#include "bank/Bank.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"
#include "crypto/SecureRandom.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace cfl {

HttpResponse Bank::token(HttpRequest &request)
{
    const auto checked = authenticatedClientRequest(request);
    if (const auto *error = std::get_if<OAuthError>(&checked))
        return tokenEndpointError(*error);
    const FormData &body = std::get<ClientRequest>(checked).form;
    const Client &client = std::get<ClientRequest>(checked).client;

    // check grant_type (RFC 6749 §4.1.3, §6)
    const QString grantType = body.valueOr(QStringLiteral("grant_type"));
    Checked<QJsonObject> result = OAuthError::invalidRequest(
        QStringLiteral("grant_type is missing"), QStringLiteral("RFC 6749 §4.1.3"));
    if (grantType == QLatin1String("authorization_code"))
        result = authorizationCodeGrant(body, client);
    else if (grantType == QLatin1String("refresh_token"))
        result = refreshTokenGrant(body, client);
    else if (!grantType.isEmpty())
        result = OAuthError::unsupportedGrantType(grantType);

    if (const auto *error = std::get_if<OAuthError>(&result))
        return tokenEndpointError(*error);
    return HttpResponse::json(QJsonDocument(std::get<QJsonObject>(result))).noStore();
}

QJsonObject Bank::issueTokens(const Client &client, const User &user, const QStringList &scopes,
    const QString &nonce, qint64 authTime, const QByteArray &codeHash, const QString &familyId,
    const QByteArray &parentHash, const QStringList &familyScopes)
{
    // RFC 6749 §6: a rotated refresh token keeps the scope of the grant, even when the client asked
    // for a narrower access token.
    const QStringList grantScopes = familyScopes.isEmpty() ? scopes : familyScopes;
    const qint64 issuedAt = now();
    const QString subject = QStringLiteral("user-%1").arg(user.id);
    const QString scope = scopes::join(scopes);

    // Access token: a JWT in the RFC 9068 profile, so that the teaching panels can decode it. banky
    // checks its signature, audience, expiry and scope, and the ledger for revocation.
    IssuedToken access;
    access.kind = TokenKind::Access;
    access.jti = QUuid::createUuid().toString(QUuid::WithoutBraces);
    access.clientId = client.clientId;
    access.userId = user.id;
    access.scopes = scopes;
    access.codeHash = codeHash;
    access.familyId = familyId;
    access.nonce = nonce;
    access.authTime = authTime;
    access.issuedAt = issuedAt;
    access.expiresAt = issuedAt + m_config.accessTokenLifetime;
    QJsonObject accessClaims {
        { QStringLiteral("iss"), issuer() },
        { QStringLiteral("sub"), subject },
        { QStringLiteral("aud"), apiAudience() },
        { QStringLiteral("client_id"), client.clientId },
        { QStringLiteral("scope"), scope },
        { QStringLiteral("jti"), access.jti },
        { QStringLiteral("iat"), issuedAt },
        { QStringLiteral("exp"), access.expiresAt },
    };
    if (authTime > 0)
        accessClaims.insert(QStringLiteral("auth_time"), authTime);
    const QByteArray accessToken = m_signingKey.signJwt(accessClaims, "at+jwt");
    access.tokenHash = sha256Hex(accessToken);
    m_store.insertToken(access);

    QJsonObject response {
        { QStringLiteral("access_token"), QString::fromLatin1(accessToken) },
        { QStringLiteral("token_type"), QStringLiteral("Bearer") },
        { QStringLiteral("expires_in"), m_config.accessTokenLifetime },
        { QStringLiteral("scope"), scope },
    };

    // Refresh token: opaque, one use, rotated on every refresh (RFC 9700 §4.14.2). Issued with
    // offline_access (OIDC Core §11), or to plain OAuth clients that did not ask for openid.
    if (grantScopes.contains(QStringLiteral("offline_access"))
        || !grantScopes.contains(QStringLiteral("openid"))) {
        const QByteArray refreshToken = randomToken();
        IssuedToken refresh = access;
        refresh.kind = TokenKind::Refresh;
        refresh.jti = QUuid::createUuid().toString(QUuid::WithoutBraces);
        refresh.tokenHash = sha256Hex(refreshToken);
        refresh.parentHash = parentHash;
        refresh.scopes = grantScopes;
        refresh.expiresAt = issuedAt + m_config.refreshTokenLifetime;
        m_store.insertToken(refresh);
        response.insert(QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken));
    }

    // ID token whenever openid was granted, on refresh too (OIDC Core §12.2).
    if (scopes.contains(QStringLiteral("openid"))) {
        QJsonObject idClaims {
            { QStringLiteral("iss"), issuer() },
            { QStringLiteral("sub"), subject },
            { QStringLiteral("aud"), client.clientId },
            { QStringLiteral("azp"), client.clientId },
            { QStringLiteral("iat"), issuedAt },
            { QStringLiteral("exp"), issuedAt + m_config.accessTokenLifetime },
            { QStringLiteral("auth_time"), authTime },
            { QStringLiteral("at_hash"), QString::fromLatin1(atHash(accessToken)) },
        };
        if (!nonce.isEmpty())
            idClaims.insert(QStringLiteral("nonce"), nonce);
        response.insert(
            QStringLiteral("id_token"), QString::fromLatin1(m_signingKey.signJwt(idClaims, "JWT")));
    }
    return response;
}

} // namespace cfl
