#include "bank/TokenIssuer.h"

#include "bank/ClaimsRequest.h"
#include "bank/Scopes.h"
#include "bank/UserClaims.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"
#include "crypto/SecureRandom.h"

#include <QJsonArray>
#include <QUuid>

namespace cfl {

TokenIssuer::TokenIssuer(BankContext &bank)
    : m_bank(bank)
{ }

QJsonObject TokenIssuer::accessClaims(const GrantContext &grant, const QString &jti, qint64 issuedAt) const
{
    QJsonObject claims {
        { QStringLiteral("iss"), m_bank.issuer() },
        { QStringLiteral("sub"), userclaims::subjectOf(grant.user.id) },
        { QStringLiteral("aud"), m_bank.apiAudience() },
        { QStringLiteral("client_id"), grant.client.clientId },
        { QStringLiteral("scope"), scopes::join(grant.scopes) },
        { QStringLiteral("jti"), jti },
        { QStringLiteral("iat"), issuedAt },
        { QStringLiteral("exp"), issuedAt + m_bank.config().accessTokenLifetime },
    };
    if (grant.authTime > 0)
        claims.insert(QStringLiteral("auth_time"), grant.authTime);
    return claims;
}

SignedAccessToken TokenIssuer::signAccessToken(const GrantContext &grant)
{
    return signAccessTokenAt(grant, m_bank.now());
}

SignedAccessToken TokenIssuer::signAccessTokenAt(const GrantContext &grant, qint64 issuedAt)
{
    SignedAccessToken signedToken;
    signedToken.jti = QUuid::createUuid().toString(QUuid::WithoutBraces);
    signedToken.issuedAt = issuedAt;
    signedToken.claims = accessClaims(grant, signedToken.jti, issuedAt);
    signedToken.token = m_bank.signingKeys().sign(signedToken.claims, "at+jwt", issuedAt);
    return signedToken;
}

QJsonObject TokenIssuer::issue(const GrantContext &grant, const SignedAccessToken *ahead)
{
    const BankConfig &config = m_bank.config();
    // RFC 6749 §6: a rotated refresh token keeps the scope of the grant, even when the client asked
    // for a narrower access token.
    const QStringList grantScopes = grant.grantScopes.isEmpty() ? grant.scopes : grant.grantScopes;
    const qint64 now = m_bank.now();
    const bool aheadHolds = ahead && now >= ahead->issuedAt && now - ahead->issuedAt <= 1
        && ahead->claims == accessClaims(grant, ahead->jti, ahead->issuedAt);
    const SignedAccessToken signedAccess = aheadHolds ? *ahead : signAccessTokenAt(grant, now);
    const qint64 issuedAt = signedAccess.issuedAt;
    const QString subject = userclaims::subjectOf(grant.user.id);
    const QString scope = scopes::join(grant.scopes);
    // A narrower access token (RFC 6749 §6) releases no claim of a scope it leaves out, asked for by name
    // or not (OIDC Core §5.5); the new refresh token keeps the grant's claims, as it keeps its scope.
    const QString claims = grant.scopes == grantScopes
        ? grant.claims
        : ClaimsRequest::fromStored(grant.claims)
              .consentedTo(grantScopes, grant.scopes, grant.client.allowedScopes)
              .stored();

    // Access token: a JWT in the RFC 9068 profile, so that the teaching panels can decode it. banky
    // checks its signature, audience, expiry and scope, and the ledger for revocation.
    IssuedToken access;
    access.kind = TokenKind::Access;
    access.jti = signedAccess.jti;
    access.clientId = grant.client.clientId;
    access.userId = grant.user.id;
    access.scopes = grant.scopes;
    access.codeHash = grant.codeHash;
    access.familyId = grant.familyId;
    access.nonce = grant.nonce;
    access.authTime = grant.authTime;
    access.amr = grant.amr;
    access.acr = grant.acr;
    access.claims = claims; // userinfo releases the userinfo ones (OIDC Core §5.5)
    access.issuedAt = issuedAt;
    access.expiresAt = issuedAt + config.accessTokenLifetime;
    const QByteArray &accessToken = signedAccess.token;
    access.tokenHash = sha256Hex(accessToken);
    m_bank.store().grants().insertToken(access);

    QJsonObject response {
        { QStringLiteral("access_token"), QString::fromLatin1(accessToken) },
        { QStringLiteral("token_type"), QStringLiteral("Bearer") },
        { QStringLiteral("expires_in"), config.accessTokenLifetime },
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
        refresh.parentHash = grant.parentHash;
        refresh.scopes = grantScopes;
        refresh.claims = grant.claims;
        refresh.expiresAt = issuedAt + config.refreshTokenLifetime;
        m_bank.store().grants().insertToken(refresh);
        response.insert(QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken));
    }

    // ID token whenever openid was granted, on refresh too (OIDC Core §12.2), with the same requested
    // claims and the same authentication as the first: a refresh is not a login.
    if (grant.scopes.contains(QStringLiteral("openid"))) {
        QJsonObject idClaims;
        // The claims requested for the ID token (OIDC Core §5.5) first, so that the protocol's own below
        // are never replaced by a user claim of the same name.
        userclaims::insertNamed(idClaims, grant.user,
            ClaimsRequest::fromStored(claims).userClaims(
                ClaimsRequest::Target::IdToken, grant.client.allowedScopes));
        const QJsonObject protocolClaims {
            { QStringLiteral("iss"), m_bank.issuer() },
            { QStringLiteral("sub"), subject },
            { QStringLiteral("aud"), grant.client.clientId },
            { QStringLiteral("azp"), grant.client.clientId },
            { QStringLiteral("iat"), issuedAt },
            { QStringLiteral("exp"), issuedAt + config.accessTokenLifetime },
            { QStringLiteral("auth_time"), grant.authTime },
            { QStringLiteral("at_hash"), QString::fromLatin1(atHash(accessToken)) },
            // OIDC Core §2: how John authenticated; both always, the same after a silent re-authorization
            // and a refresh (bank/AuthenticationContext.h).
            { QStringLiteral("acr"), grant.acr },
            { QStringLiteral("amr"), QJsonArray::fromStringList(grant.amr) },
        };
        for (auto it = protocolClaims.begin(); it != protocolClaims.end(); ++it)
            idClaims.insert(it.key(), *it);
        if (!grant.nonce.isEmpty())
            idClaims.insert(QStringLiteral("nonce"), grant.nonce);
        // Stored nowhere, so signed once the grant committed (signIdToken), outside the transaction.
        response.insert(QStringLiteral("id_token"), idClaims);
    }
    return response;
}

void TokenIssuer::signIdToken(QJsonObject &response)
{
    const QJsonValue idToken = response.value(QStringLiteral("id_token"));
    if (!idToken.isObject())
        return;
    const QJsonObject claims = idToken.toObject();
    response.insert(QStringLiteral("id_token"),
        QString::fromLatin1(
            m_bank.signingKeys().sign(claims, "JWT", claims.value(QStringLiteral("iat")).toInteger())));
}

} // namespace cfl
