#pragma once
// What every request passes before routing: its Host names this bank. A web page on a name its owner
// points at 127.0.0.1 (DNS rebinding) reaches the bank with the browser's cookies and reads the answers
// as its own origin; only the Host header says that the request was meant for someone else. The bank
// answers to the host and port of its issuer (its public name when it listens elsewhere than loopback,
// --issuer) and to the loopback literals 127.0.0.1 and [::1], nothing else (RFC 9110 §7.2,
// §15.5.20; RFC 9112 §3.2). The issuer is read per request: whatever name it has, it is the one allowed.

#include "bank/BankContext.h"
#include "bank/Check.h"
#include "http/HttpMessage.h"

#include <optional>

namespace cfl {

class HostHeader
{
public:
    explicit HostHeader(BankContext &bank);

    static QList<CheckSpec> checks();
    // Nothing when the request may go on to the router; else the refusal's answer (400 or 421).
    std::optional<HttpResponse> refusal(const HttpRequest &request);

private:
    BankContext &m_bank;
};

} // namespace cfl
