#pragma once
// banky, the resource server: John's accounts, their transactions, and payments, for a bearer token with
// the endpoint's scope (BearerToken.h); each route's own checks after the token's.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "http/HttpMessage.h"

namespace cfl {

class ResourceApi
{
public:
    explicit ResourceApi(BankContext &bank);

    HttpResponse accounts(HttpRequest &request); // GET /api/accounts (accounts:read)
    HttpResponse transactions(
        HttpRequest &request); // GET /api/accounts/{id}/transactions (transactions:read)
    HttpResponse payments(HttpRequest &request); // POST /api/payments (payments:write)
    static QList<CheckSpec> accountsChecks();
    static QList<CheckSpec> transactionsChecks();
    static QList<CheckSpec> paymentsChecks();

private:
    BankContext &m_bank;
};

} // namespace cfl
