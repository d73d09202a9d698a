#pragma once
// The access token a request to banky or to /userinfo carries: bearer tokens in the Authorization header
// only (RFC 6750 §2.1), validated for signature, type, issuer, audience, expiry (RFC 9068 §4), the
// ledger (RFC 7009; its own expiry too, RFC 6750 §3.1) and scope (RFC 6750 §3.1) — one ordered list of
// checks, shared by both.

#include "bank/Check.h"
#include "http/HttpMessage.h"
#include "storage/BankRecords.h"

#include <QJsonObject>

namespace cfl {

// A bearer request, as the checks found it.
struct BearerRequest
{
    BearerRequest(const HttpRequest &request, const QString &scope)
        : http(request)
        , requiredScope(scope)
    { }

    const HttpRequest &http;
    QString requiredScope; // the endpoint's (RFC 6750 §3.1 insufficient_scope)
    QByteArray token;
    QJsonObject header; // of the JWT; unverified if the signature check is switched off
    QJsonObject claims;
    IssuedToken record; // the ledger's row, empty until found
};

const CheckList<BearerRequest> &bearerChecks();

} // namespace cfl
