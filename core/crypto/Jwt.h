#pragma once
// Decoding and RS256 verification of compact JWS/JWT (RFC 7515, RFC 7519). Used by the resource server
// (banky), by the bank's introspection, and by CoolLoan to validate ID tokens against the JWKS.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace cfl {

struct DecodedJwt
{
    QJsonObject header;
    QJsonObject payload;
    QByteArray signingInput; // "<header>.<payload>" as received
    QByteArray signature; // raw bytes
};

// Splits and base64url-decodes; nullopt (and *error) when it is not three base64url parts of JSON objects.
std::optional<DecodedJwt> decodeJwt(const QByteArray &compact, QString *error = nullptr);

// Verifies an RS256 signature with the JWK in `jwks` ({"keys": [...]}) whose kid matches the header's.
// Refuses any alg other than RS256 (no "none", no HS256 with the public key as secret: RFC 8725 §3.1).
// Returns the decoded token on success; nullopt and *error (a sentence for people) otherwise.
std::optional<DecodedJwt> verifyRs256(
    const QByteArray &compact, const QJsonObject &jwks, QString *error = nullptr);

// OIDC Core §3.1.3.6 / §3.2.2.9: base64url of the left half of SHA-256(ASCII(token)).
QByteArray atHash(const QByteArray &accessToken);

} // namespace cfl
