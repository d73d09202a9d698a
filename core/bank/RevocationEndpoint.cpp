// Token revocation, RFC 7009. token_type_hint is only a hint: the token is looked up by its hash whatever
// it says, and "an invalid token type hint value is ignored by the authorization server and does not
// influence the revocation response" (§2.2). unsupported_token_type (§2.2.1) is for token types a server
// cannot revoke, and this bank revokes both of its kinds.

#include "bank/RevocationEndpoint.h"

#include "bank/ClientAuthentication.h"
#include "bank/Refusal.h"
#include "crypto/Digest.h"

namespace cfl {

namespace {
struct Revocation
{
    ClientRequest request;
    QString token;
    std::optional<IssuedToken> record; // none: unknown, answered 200 all the same (§2.2)
};

// check token: present (RFC 7009 §2.1)
Verdict tokenPresent(BankContext &, Revocation &r)
{
    r.token = r.request.form.valueOr(QStringLiteral("token"));
    if (!r.token.isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("token is missing"), QStringLiteral("RFC 7009 §2.1"));
}

// check ownership: "verifies whether the token was issued to the client making the revocation request"
// (RFC 7009 §2.1)
Verdict tokenOfThisClient(BankContext &bank, Revocation &r)
{
    r.record = bank.store().grants().token(sha256Hex(r.token.toUtf8()));
    if (!r.record || r.record->clientId == r.request.client.clientId)
        return {};
    return OAuthError::unauthorizedClient(QStringLiteral("this token was issued to another client"))
        .compared(r.record->clientId, r.request.client.clientId);
}

const CheckList<Revocation> &revocationChecks()
{
    static const CheckList<Revocation> checks {
        { "revoke.token.present", "token is present", "RFC 7009 §2.1", tokenPresent },
        { "revoke.token.owner", "a client revokes only its own tokens", "RFC 7009 §2.1", tokenOfThisClient },
    };
    return checks;
}
} // namespace

RevocationEndpoint::RevocationEndpoint(BankContext &bank)
    : m_bank(bank)
{ }

QList<CheckSpec> RevocationEndpoint::checks()
{
    return specsOf(clientRequestChecks()) + specsOf(revocationChecks());
}

HttpResponse RevocationEndpoint::handle(HttpRequest &request)
{
    Revocation r { ClientRequest(request), {}, {} };
    std::optional<Refusal> refusal = runChecks(m_bank, clientRequestChecks(), r.request);
    if (!refusal)
        refusal = runChecks(m_bank, revocationChecks(), r);
    if (refusal)
        return refuse(m_bank, *refusal, RefusalForm::tokenEndpoint(), { r.request.clientId });

    // RFC 7009 §2.2: an unknown or already invalid token is answered with 200 as well.
    if (const auto &record = r.record) {
        int revoked = 0;
        if (record->kind == TokenKind::Refresh) {
            // §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
            revoked = m_bank.store().grants().revokeFamily(
                record->familyId, m_bank.now(), QStringLiteral("revoked by the client (RFC 7009)"));
        } else {
            revoked = m_bank.store().grants().revokeToken(
                record->tokenHash, m_bank.now(), QStringLiteral("revoked by the client (RFC 7009)"));
        }
        m_bank.audit(QStringLiteral("revocation"), record->clientId, {},
            QStringLiteral("%1 token revoked by the client, %2 token(s) in all")
                .arg(
                    record->kind == TokenKind::Refresh ? QStringLiteral("refresh") : QStringLiteral("access"))
                .arg(revoked));
        m_bank.decide(QStringLiteral("token revoked"));
    }
    return HttpResponse::empty(200).noStore();
}

} // namespace cfl
