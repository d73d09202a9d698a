#pragma once
// The access token a request to banky or to /userinfo carries: bearer tokens in the Authorization header
// (RFC 6750 §2.1) — and, at /userinfo only, in a form-encoded POST body (RFC 6750 §2.2; OIDC Core
// §5.3.1), never in the URL and never both ways at once — validated for signature, type, issuer, audience,
// expiry (RFC 9068 §4), the ledger (RFC 7009; its own expiry too, RFC 6750 §3.1) and scope (RFC 6750 §3.1) —
// one ordered list of checks, shared by both.

#include "bank/Check.h"
#include "http/HttpMessage.h"
#include "storage/BankRecords.h"

#include <QJsonObject>

namespace cfl {

// A bearer request, as the checks found it.
struct BearerRequest
{
    // `takesBodyToken`: the endpoint also takes the token as the access_token field of a form-encoded POST
    // body (RFC 6750 §2.2 says a resource server MAY; OpenID Connect's userinfo does, OIDC Core §5.3.1).
    BearerRequest(const HttpRequest &request, const QString &scope, bool takesBodyToken = false)
        : http(request)
        , requiredScope(scope)
        , bodyAllowed(takesBodyToken)
    { }

    const HttpRequest &http;
    QString requiredScope; // the endpoint's (RFC 6750 §3.1 insufficient_scope)
    bool bodyAllowed = false;
    QByteArray bodyToken; // the form body's access_token, when the endpoint takes one and it was sent
    QByteArray token;
    QJsonObject header; // of the JWT; unverified if the signature check is switched off
    QJsonObject claims;
    IssuedToken record; // the ledger's row, empty until found
};

const CheckList<BearerRequest> &bearerChecks();

} // namespace cfl
