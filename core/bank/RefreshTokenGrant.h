#pragma once
// grant_type=refresh_token (RFC 6749 §6) with rotation: every refresh token is used once; using a
// rotated one again means it was stolen, so its whole family is revoked (RFC 9700 §4.14.2).

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/ClientAuthentication.h"
#include "bank/TokenIssuer.h"

#include <QJsonObject>

#include <optional>
#include <variant>

namespace cfl {

class RefreshTokenGrant
{
public:
    RefreshTokenGrant(BankContext &bank, TokenIssuer &issuer);

    // The token response, or the first refusal of the grant's checks. `ahead`: signAhead()'s token for
    // this request, issued if it still says what this refresh's access token must (TokenIssuer::issue).
    std::variant<QJsonObject, Refusal> refresh(
        const ClientRequest &request, const SignedAccessToken *ahead = nullptr);
    // Before the grant's transaction: the access token refresh() would issue, signed, if the checks that
    // only read let the request through so far (wouldPass; nothing refused or recorded here). An RS256
    // signature costs more than the rest of the grant, and inside the transaction it would hold every
    // other writer of the bank (docs/benchmarks.md).
    std::optional<SignedAccessToken> signAhead(const ClientRequest &request);
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
    TokenIssuer &m_issuer;
};

} // namespace cfl
