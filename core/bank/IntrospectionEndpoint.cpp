// Token introspection, RFC 7662. The endpoint "MUST also require some form of authorization" (§2.1):
// boris's client authentication, and a confidential client.

#include "bank/IntrospectionEndpoint.h"

#include "bank/ClientAuthentication.h"
#include "bank/Refusal.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"

#include <QJsonDocument>

namespace cfl {

namespace {
// check the client: confidential; one that cannot prove who it is may not learn what a token is worth
// (RFC 7662 §4)
Verdict confidentialClient(BankContext &, ClientRequest &r)
{
    if (!r.client.isPublic)
        return {};
    return OAuthError::invalidClient(
        QStringLiteral("introspection requires client authentication; %1 is a public client")
            .arg(r.client.name));
}

// check token: present (RFC 7662 §2.1)
Verdict tokenPresent(BankContext &, ClientRequest &r)
{
    if (!r.form.valueOr(QStringLiteral("token")).isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("token is missing"), QStringLiteral("RFC 7662 §2.1"));
}

const CheckList<ClientRequest> &introspectionChecks()
{
    static const CheckList<ClientRequest> checks = [] {
        CheckList<ClientRequest> list = clientRequestChecks();
        list.insert(list.end(),
            {
                { "introspect.client.confidential", "the client is a confidential one", "RFC 7662 §4",
                    confidentialClient },
                { "introspect.token.present", "token is present", "RFC 7662 §2.1", tokenPresent },
            });
        return list;
    }();
    return checks;
}
} // namespace

IntrospectionEndpoint::IntrospectionEndpoint(BankContext &bank)
    : m_bank(bank)
{ }

QList<CheckSpec> IntrospectionEndpoint::checks()
{
    return specsOf(introspectionChecks());
}

HttpResponse IntrospectionEndpoint::handle(HttpRequest &request)
{
    ClientRequest r(request);
    if (const auto refusal = runChecks(m_bank, introspectionChecks(), r))
        return refuse(m_bank, *refusal, RefusalForm::tokenEndpoint(), { r.clientId });

    const QJsonObject inactive { { QStringLiteral("active"), false } };
    auto answer
        = [](const QJsonObject &object) { return HttpResponse::json(QJsonDocument(object)).noStore(); };
    const auto record
        = m_bank.store().grants().token(sha256Hex(r.form.valueOr(QStringLiteral("token")).toUtf8()));
    // RFC 7662 §2.2: anything not currently valid — or not this client's — is just "active": false.
    if (!record || record->clientId != r.client.clientId || record->revokedAt != 0
        || record->expiresAt <= m_bank.now()
        || (record->kind == TokenKind::Refresh && record->rotatedAt != 0)) {
        return answer(inactive);
    }
    const auto user = m_bank.store().users().userById(record->userId);
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
        { QStringLiteral("iss"), m_bank.issuer() },
        { QStringLiteral("jti"), record->jti },
    };
    if (record->kind == TokenKind::Access)
        result.insert(QStringLiteral("aud"), m_bank.apiAudience());
    return answer(result);
}

} // namespace cfl
