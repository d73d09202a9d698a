#pragma once
// What boris's three endpoints (token, revocation, introspection) start with: a well-formed form body
// and an authenticated client — client_secret_basic or client_secret_post (RFC 6749 §2.3.1), one method
// per request (§2.3), secrets compared in constant time; public clients identify with client_id alone and
// rely on PKCE (RFC 7636, RFC 9700 §2.1.1).

#include "bank/Check.h"
#include "http/FormData.h"
#include "http/HttpMessage.h"
#include "http/WireFormat.h"
#include "storage/BankRecords.h"

namespace cfl {

// A request to boris, as its first checks found it.
struct ClientRequest
{
    explicit ClientRequest(const HttpRequest &request)
        : http(request)
    { }

    const HttpRequest &http;
    FormData form;
    // How the client authenticated, and as whom
    bool usesBasic = false;
    bool usesPost = false; // client_secret in the body
    QString clientId;
    QString secret;
    bool hasSecret = false;
    wire::BasicCredentials basic; // the Authorization header's Basic credentials, as far as they decode
    Client client; // empty until the client check found it
};

// The body's form, then client authentication, then no repeated parameter (after authentication, so
// that a stranger's large body is refused before any work on it beyond parsing).
const CheckList<ClientRequest> &clientRequestChecks();

} // namespace cfl
