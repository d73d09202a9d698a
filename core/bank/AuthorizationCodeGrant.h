#pragma once
// grant_type=authorization_code (RFC 6749 §4.1.3): the code's bindings, checked one by one (client,
// expiry, redirect URI, PKCE), then redeemed exactly once.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/ClientAuthentication.h"
#include "bank/TokenIssuer.h"

#include <QJsonObject>

#include <variant>

namespace cfl {

class AuthorizationCodeGrant
{
public:
    AuthorizationCodeGrant(BankContext &bank, TokenIssuer &issuer);

    // The token response, or the first refusal of the grant's checks.
    std::variant<QJsonObject, Refusal> exchange(const ClientRequest &request);
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
    TokenIssuer &m_issuer;
};

} // namespace cfl
