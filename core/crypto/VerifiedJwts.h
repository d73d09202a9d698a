#pragma once
// What verifyRs256 found for the tokens it accepted, kept by one thread. A resource server sees the same
// access token at every call a client makes with it until it expires, and verifying its RS256 signature
// (the JOSE decoding, two JSON parsers, the RSA operation) was a third of banky's work per request
// (docs/benchmarks.md, "userinfo and the API"). Verification is a function of the token's bytes and the
// key set (RFC 7515 §5.2), so the answer for the same bytes against the same keys cannot change: a token
// is verified the first time, and while the key set stays the same its exact bytes find the header and
// claims it decoded to. Only acceptances are kept, at most Capacity of them, and all are forgotten when the
// key set changes. API gateways keep verified JWTs the same way. Only the signature is remembered: what the
// claims say (issuer, audience, expiry) and what the ledger says (revocation) is for the caller to check
// at every request.

#include "crypto/Jwt.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace cfl {

class VerifiedJwts
{
public:
    static constexpr qsizetype Capacity = 128;

    // verifyRs256(compact, jwks, error), for a token accepted before with the same key set without
    // verifying it again. The header and payload only: signingInput and signature are left empty.
    std::optional<DecodedJwt> verify(
        const QByteArray &compact, const QJsonObject &jwks, QString *error = nullptr);

    qsizetype size() const { return m_accepted.size(); }

private:
    struct Claims
    {
        QJsonObject header;
        QJsonObject payload;
    };
    QJsonObject m_jwks; // the key set m_accepted was verified with
    QHash<QByteArray, Claims> m_accepted; // by the compact token's exact bytes
};

} // namespace cfl
