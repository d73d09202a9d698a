#pragma once
// Token revocation, RFC 7009: an authenticated client revokes one of its own tokens; revoking a refresh
// token revokes its family.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "http/HttpMessage.h"

namespace cfl {

class RevocationEndpoint
{
public:
    explicit RevocationEndpoint(BankContext &bank);

    HttpResponse handle(HttpRequest &request);
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
};

} // namespace cfl
