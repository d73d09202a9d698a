// Token revocation, RFC 7009, and introspection, RFC 7662. Both require client authentication; a
// client may only revoke or inspect its own tokens.

#include "bank/Bank.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"

#include <QJsonDocument>

namespace cfl {

HttpResponse Bank::revoke(HttpRequest &request)
{
    const auto checked = authenticatedClientRequest(request);
    if (const auto *error = std::get_if<OAuthError>(&checked))
        return tokenEndpointError(*error);
    const FormData &body = std::get<ClientRequest>(checked).form;
    const Client &client = std::get<ClientRequest>(checked).client;

    // check token: present (RFC 7009 §2.1)
    const QString token = body.valueOr(QStringLiteral("token"));
    if (token.isEmpty())
        return tokenEndpointError(
            OAuthError::invalidRequest(QStringLiteral("token is missing"), QStringLiteral("RFC 7009 §2.1")));
    // token_type_hint is only a hint: the token is looked up by its hash whatever it says, and "an invalid
    // token type hint value is ignored by the authorization server and does not influence the revocation
    // response" (RFC 7009 §2.2). unsupported_token_type (§2.2.1) is for token types a server cannot
    // revoke, and this bank revokes both of its kinds.

    const auto record = m_store.token(sha256Hex(token.toUtf8()));
    // RFC 7009 §2.2: an unknown or already invalid token is answered with 200 as well.
    if (record) {
        // check ownership: "the authorization server first validates the client credentials ... and then
        // verifies whether the token was issued to the client making the revocation request" (§2.1)
        if (record->clientId != client.clientId) {
            return tokenEndpointError(
                OAuthError::unauthorizedClient(QStringLiteral("this token was issued to another client"))
                    .compared(record->clientId, client.clientId));
        }
        int revoked = 0;
        if (record->kind == TokenKind::Refresh) {
            // §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
            revoked = m_store.revokeFamily(
                record->familyId, now(), QStringLiteral("revoked by the client (RFC 7009)"));
        } else {
            revoked = m_store.revokeToken(
                record->tokenHash, now(), QStringLiteral("revoked by the client (RFC 7009)"));
        }
        audit(QStringLiteral("revocation"), record->clientId, {},
            QStringLiteral("%1 token revoked by the client, %2 token(s) in all")
                .arg(
                    record->kind == TokenKind::Refresh ? QStringLiteral("refresh") : QStringLiteral("access"))
                .arg(revoked));
        decide(QStringLiteral("token revoked"));
    }
    return HttpResponse::empty(200).noStore();
}

HttpResponse Bank::introspect(HttpRequest &request)
{
    // check client authentication (RFC 7662 §2.1: the endpoint MUST require some authorization)
    const auto checked = authenticatedClientRequest(request);
    if (const auto *error = std::get_if<OAuthError>(&checked))
        return tokenEndpointError(*error);
    const FormData &body = std::get<ClientRequest>(checked).form;
    const Client &client = std::get<ClientRequest>(checked).client;
    // A public client cannot prove who it is: it may not learn what a token is worth (RFC 7662 §4).
    if (client.isPublic) {
        return tokenEndpointError(OAuthError::invalidClient(
            QStringLiteral("introspection requires client authentication; %1 is a public client")
                .arg(client.name)));
    }
    const QString token = body.valueOr(QStringLiteral("token"));
    if (token.isEmpty())
        return tokenEndpointError(
            OAuthError::invalidRequest(QStringLiteral("token is missing"), QStringLiteral("RFC 7662 §2.1")));

    const QJsonObject inactive { { QStringLiteral("active"), false } };
    auto answer
        = [](const QJsonObject &object) { return HttpResponse::json(QJsonDocument(object)).noStore(); };
    const auto record = m_store.token(sha256Hex(token.toUtf8()));
    // RFC 7662 §2.2: anything not currently valid — or not this client's — is just "active": false.
    if (!record || record->clientId != client.clientId || record->revokedAt != 0 || record->expiresAt <= now()
        || (record->kind == TokenKind::Refresh && record->rotatedAt != 0)) {
        return answer(inactive);
    }
    const auto user = m_store.userById(record->userId);
    QJsonObject result {
        { QStringLiteral("active"), true },
        { QStringLiteral("scope"), scopes::join(record->scopes) },
        { QStringLiteral("client_id"), record->clientId },
        { QStringLiteral("username"), user ? user->username : QString() },
        { QStringLiteral("token_type"),
            record->kind == TokenKind::Access ? QStringLiteral("Bearer") : QStringLiteral("refresh_token") },
        { QStringLiteral("exp"), record->expiresAt },
        { QStringLiteral("iat"), record->issuedAt },
        { QStringLiteral("sub"), QStringLiteral("user-%1").arg(record->userId) },
        { QStringLiteral("iss"), issuer() },
        { QStringLiteral("jti"), record->jti },
    };
    if (record->kind == TokenKind::Access)
        result.insert(QStringLiteral("aud"), apiAudience());
    return answer(result);
}

} // namespace cfl
