#pragma once
// Token introspection, RFC 7662: an authenticated confidential client learns whether one of its own
// tokens is active, and what it carries.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "http/HttpMessage.h"

namespace cfl {

class IntrospectionEndpoint
{
public:
    explicit IntrospectionEndpoint(BankContext &bank);

    HttpResponse handle(HttpRequest &request);
    static QList<CheckSpec> checks();

private:
    BankContext &m_bank;
};

} // namespace cfl
