#pragma once
// grant_type=refresh_token (RFC 6749 §6) with rotation: every refresh token is used once; using a
// rotated one again means it was stolen, so its whole family is revoked (RFC 9700 §4.14.2).

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/ClientAuthentication.h"
#include "bank/TokenIssuer.h"

#include <QJsonObject>

#include <variant>

namespace cfl {

class RefreshTokenGrant
{
public:
    RefreshTokenGrant(BankContext &bank, TokenIssuer &issuer);

    // The token response, or the first refusal of the grant's checks.
    std::variant<QJsonObject, Refusal> refresh(const ClientRequest &request);
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
    TokenIssuer &m_issuer;
};

} // namespace cfl
