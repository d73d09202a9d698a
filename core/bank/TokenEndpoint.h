#pragma once
// boris's token endpoint (RFC 6749 §3.2, §5): the body and the client (ClientAuthentication.h), the
// grant type, then the grant's own checks — one file per grant.

#include "bank/AuthorizationCodeGrant.h"
#include "bank/BankContext.h"
#include "bank/Check.h"
#include "bank/RefreshTokenGrant.h"
#include "bank/TokenIssuer.h"
#include "http/HttpMessage.h"

namespace cfl {

class TokenEndpoint
{
public:
    explicit TokenEndpoint(BankContext &bank);

    HttpResponse handle(HttpRequest &request);
    static QList<CheckSpec> checks(); // up to the grant; each grant lists its own

private:
    BankContext &m_bank;
    TokenIssuer m_issuer;
    AuthorizationCodeGrant m_codeGrant;
    RefreshTokenGrant m_refreshGrant;
};

} // namespace cfl
