#pragma once
// OpenID Connect Core §5.3: claims about John for an access token with openid, released by scope (§5.4).

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "http/HttpMessage.h"

namespace cfl {

class UserInfoEndpoint
{
public:
    explicit UserInfoEndpoint(BankContext &bank);

    HttpResponse handle(HttpRequest &request); // GET and POST (OIDC Core §5.3.1)
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
};

} // namespace cfl
