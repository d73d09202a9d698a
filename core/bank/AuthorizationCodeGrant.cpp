// grant_type=authorization_code (RFC 6749 §4.1.3): the code is redeemed once, by the client it was
// issued to, with the same redirect URI, and with the PKCE verifier of its challenge.

#include "bank/Bank.h"
#include "crypto/Digest.h"
#include "crypto/Pkce.h"

#include <QUuid>

namespace cfl {

Bank::Checked<QJsonObject> Bank::authorizationCodeGrant(const FormData &form, const Client &client)
{
    // check code: present and issued by this bank
    const QString code = form.valueOr(QStringLiteral("code"));
    if (code.isEmpty())
        return OAuthError::invalidRequest(
            QStringLiteral("code is missing"), QStringLiteral("RFC 6749 §4.1.3"));
    const QByteArray codeHash = sha256Hex(code.toUtf8());
    const auto record = m_store.code(codeHash);
    if (!record) {
        audit(QStringLiteral("refusal"), client.clientId, {}, QStringLiteral("unknown authorization code"));
        return OAuthError::invalidGrant(QStringLiteral("unknown authorization code"));
    }

    // check code replay: a second use revokes every token issued from it (RFC 6749 §4.1.2, §10.5)
    if (record->redeemedAt != 0) {
        const int revoked
            = m_store.revokeTokensFromCode(codeHash, now(), QStringLiteral("authorization code replayed"));
        audit(QStringLiteral("revocation"), client.clientId, {},
            QStringLiteral("authorization code %1… used twice: %2 token(s) revoked")
                .arg(QString::fromLatin1(codeHash.left(8)))
                .arg(revoked));
        return OAuthError::invalidGrant(
            QStringLiteral(
                "authorization code was already used; the tokens issued from it have been revoked"),
            QStringLiteral("RFC 6749 §4.1.2, §10.5"));
    }

    // check client: the code was issued to this client (RFC 6749 §4.1.3)
    if (record->clientId != client.clientId) {
        audit(
            QStringLiteral("refusal"), client.clientId, {}, QStringLiteral("code issued to another client"));
        return OAuthError::invalidGrant(QStringLiteral("authorization code was issued to another client"),
            QStringLiteral("RFC 6749 §4.1.3"))
            .compared(record->clientId, client.clientId);
    }

    // check expiry (RFC 6749 §4.1.2: short-lived)
    if (record->expiresAt <= now()) {
        audit(QStringLiteral("refusal"), client.clientId, {}, QStringLiteral("authorization code expired"));
        return OAuthError::invalidGrant(
            QStringLiteral("authorization code expired %1 s ago (codes live %2 s)")
                .arg(now() - record->expiresAt)
                .arg(m_config.codeLifetime),
            QStringLiteral("RFC 6749 §4.1.2"))
            .compared(QStringLiteral("before %1").arg(record->expiresAt), QString::number(now()));
    }

    // check redirect_uri: identical to the authorization request's (RFC 6749 §4.1.3)
    const QString redirectUri = form.valueOr(QStringLiteral("redirect_uri"));
    if (redirectUri != record->redirectUri) {
        audit(QStringLiteral("refusal"), client.clientId, {}, QStringLiteral("redirect_uri differs"));
        return OAuthError::invalidGrant(redirectUri.isEmpty()
                ? QStringLiteral("redirect_uri is missing; send the one of the authorization request")
                : QStringLiteral("redirect_uri differs from the authorization request's"),
            QStringLiteral("RFC 6749 §4.1.3"))
            .compared(record->redirectUri, redirectUri);
    }

    // check PKCE: SHA-256(code_verifier) equals the challenge (RFC 7636 §4.6)
    const QString verifier = form.valueOr(QStringLiteral("code_verifier"));
    if (verifier.isEmpty()) {
        return OAuthError::invalidGrant(
            QStringLiteral("code_verifier is missing (PKCE)"), QStringLiteral("RFC 7636 §4.5"));
    }
    if (!pkce::isValidVerifier(verifier.toLatin1())) {
        return OAuthError::invalidRequest(
            QStringLiteral("code_verifier must be 43–128 characters of A-Z a-z 0-9 - . _ ~"),
            QStringLiteral("RFC 7636 §4.1"));
    }
    if (!pkce::verifyS256(verifier.toLatin1(), record->codeChallenge.toLatin1())) {
        audit(QStringLiteral("refusal"), client.clientId, {}, QStringLiteral("PKCE verifier does not match"));
        return OAuthError::invalidGrant(QStringLiteral("code_verifier does not match the code_challenge"),
            QStringLiteral("RFC 7636 §4.6"))
            .compared(record->codeChallenge, QString::fromLatin1(pkce::s256Challenge(verifier.toLatin1())));
    }

    // redeem: exactly once, even if two requests race (atomic UPDATE)
    if (!m_store.markCodeRedeemed(codeHash, now()))
        return OAuthError::invalidGrant(
            QStringLiteral("authorization code was already used"), QStringLiteral("RFC 6749 §4.1.2"));
    const auto user = m_store.userById(record->userId);
    if (!user)
        return OAuthError::invalidGrant(QStringLiteral("the user of this code no longer exists"));

    decide(QStringLiteral("code, client secret, redirect URI and PKCE verifier checked: tokens issued"));
    const QString familyId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QJsonObject tokens
        = issueTokens(client, *user, record->scopes, record->nonce, record->authTime, codeHash, familyId, {});
    audit(QStringLiteral("grant"), client.clientId, user->username,
        QStringLiteral("tokens issued for code %1… (%2)")
            .arg(QString::fromLatin1(codeHash.left(8)), tokens.value(QStringLiteral("scope")).toString()));
    return tokens;
}

} // namespace cfl
