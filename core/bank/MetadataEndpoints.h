#pragma once
// Discovery (OpenID Connect Discovery 1.0 §3, RFC 8414 §2), the JWKS (RFC 7517), the stylesheet and the
// bank's home page. Nothing here refuses.

#include "bank/BankContext.h"
#include "http/HttpMessage.h"

namespace cfl {

class MetadataEndpoints
{
public:
    explicit MetadataEndpoints(BankContext &bank);

    HttpResponse openIdConfiguration(HttpRequest &request);
    HttpResponse jwks(HttpRequest &request);
    HttpResponse stylesheet(HttpRequest &request);
    HttpResponse home(HttpRequest &request);

private:
    BankContext &m_bank;
};

} // namespace cfl
