// grant_type=refresh_token (RFC 6749 §6) with rotation: every refresh token is used once; using a
// rotated one again means it was stolen, so its whole family is revoked (RFC 9700 §4.14.2).

#include "bank/Bank.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"

namespace cfl {

Bank::Checked<QJsonObject> Bank::refreshTokenGrant(const FormData &form, const Client &client)
{
    // check refresh_token: present and one of ours
    const QString presented = form.valueOr(QStringLiteral("refresh_token"));
    if (presented.isEmpty())
        return OAuthError::invalidRequest(
            QStringLiteral("refresh_token is missing"), QStringLiteral("RFC 6749 §6"));
    const QByteArray hash = sha256Hex(presented.toUtf8());
    const auto record = m_store.token(hash);
    if (!record || record->kind != TokenKind::Refresh)
        return OAuthError::invalidGrant(
            QStringLiteral("unknown refresh token"), QStringLiteral("RFC 6749 §6"));

    // check client: the token was issued to this client (RFC 6749 §6)
    if (record->clientId != client.clientId) {
        return OAuthError::invalidGrant(
            QStringLiteral("refresh token was issued to another client"), QStringLiteral("RFC 6749 §6"))
            .compared(record->clientId, client.clientId);
    }
    // check reuse: a rotated token comes back → revoke the family (RFC 9700 §4.14.2)
    if (record->rotatedAt != 0) {
        const int revoked
            = m_store.revokeFamily(record->familyId, now(), QStringLiteral("rotated refresh token reused"));
        audit(QStringLiteral("revocation"), client.clientId, {},
            QStringLiteral("rotated refresh token reused: family revoked (%1 token(s))").arg(revoked));
        return OAuthError::invalidGrant(
            QStringLiteral("refresh token was already used; every token of its family has been revoked"),
            QStringLiteral("RFC 9700 §4.14.2"));
    }
    // check revocation (RFC 7009) and expiry
    if (record->revokedAt != 0) {
        return OAuthError::invalidGrant(
            QStringLiteral("refresh token has been revoked (%1)").arg(record->revokedReason),
            QStringLiteral("RFC 7009 §2.1"));
    }
    if (record->expiresAt <= now())
        return OAuthError::invalidGrant(
            QStringLiteral("refresh token expired"), QStringLiteral("RFC 6749 §6"));

    // check scope: the same or fewer than originally granted (RFC 6749 §6)
    QStringList scopes = record->scopes;
    if (const auto requested = form.value(QStringLiteral("scope")); requested && !requested->isEmpty()) {
        const QStringList asked = scopes::parse(*requested);
        for (const QString &scope : asked) {
            if (!record->scopes.contains(scope)) {
                return OAuthError::invalidScope(
                    QStringLiteral("scope '%1' was not granted originally").arg(scope),
                    QStringLiteral("RFC 6749 §6"))
                    .compared(scopes::join(record->scopes), *requested);
            }
        }
        scopes = asked;
    }
    const auto user = m_store.userById(record->userId);
    if (!user)
        return OAuthError::invalidGrant(QStringLiteral("the user of this token no longer exists"));

    // rotate: exactly once, even if two requests race (atomic UPDATE)
    if (!m_store.markTokenRotated(hash, now())) {
        m_store.revokeFamily(record->familyId, now(), QStringLiteral("rotated refresh token reused"));
        return OAuthError::invalidGrant(
            QStringLiteral("refresh token was already used"), QStringLiteral("RFC 9700 §4.14.2"));
    }
    QJsonObject tokens = issueTokens(client, *user, scopes, record->nonce, record->authTime, record->codeHash,
        record->familyId, hash, record->scopes);
    audit(QStringLiteral("grant"), client.clientId, user->username, QStringLiteral("refresh token rotated"));
    decide(QStringLiteral("refresh token rotated: new access, refresh and ID token"));
    return tokens;
}

} // namespace cfl
