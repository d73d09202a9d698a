// Compact JWS parsing and RS256 verification against a JWKS (core/crypto/Jwt.cpp), with both from
// outside: CoolLoan reads the bank's JWKS over HTTP and verifies ID tokens with it; the resource server
// verifies whatever a client sends. Input: "token\nJWKS JSON". Properties: decodeJwt accepts only three
// base64url parts of JSON objects (RFC 7515 §7.1); verifyRs256 succeeds only for alg RS256 without crit,
// with a key of the JWKS that has the token's kid, is RSA and has at least 2048 bits (RFC 8725 §3.1,
// RFC 7518 §3.3), and a signature as long as that key.

#include "FuzzSupport.h"
#include "crypto/Base64Url.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace cfl;
using namespace cfl::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto [token, jwksJson] = cut(bytesOf(data, size), '\n');
    QString error;
    const auto decoded = decodeJwt(token, &error);
    if (decoded) {
        require(token.count('.') == 2, "three parts (RFC 7515 §7.1)", token.left(200));
        require(
            decoded->signingInput == token.left(token.lastIndexOf('.')), "the signing input is as received");
    } else {
        require(!error.isEmpty(), "a refused token says why");
    }

    const QJsonObject jwks = QJsonDocument::fromJson(jwksJson).object();
    QString verifyError;
    const auto verified = verifyRs256(token, jwks, &verifyError);
    if (!verified) {
        require(!verifyError.isEmpty(), "a refused signature says why");
        return 0;
    }
    require(decoded.has_value(), "what verifies also decodes");
    require(verified->header.value(QStringLiteral("alg")).toString() == QLatin1String("RS256"),
        "alg RS256 only", token.left(200));
    require(!verified->header.contains(QStringLiteral("crit")), "no crit (RFC 7515 §4.1.11)");
    const QString kid = verified->header.value(QStringLiteral("kid")).toString();
    bool keyFound = false;
    for (const QJsonValue &key : jwks.value(QStringLiteral("keys")).toArray()) {
        const QJsonObject k = key.toObject();
        if (k.value(QStringLiteral("kid")).toString() == kid
            && k.value(QStringLiteral("kty")).toString() == QLatin1String("RSA")) {
            keyFound = true;
            const QByteArray modulus
                = base64UrlDecode(k.value(QStringLiteral("n")).toString().toLatin1()).value_or(QByteArray());
            require(modulus.size() * 8 >= 2048 - 8, "a key of at least 2048 bits (RFC 7518 §3.3)");
        }
    }
    require(keyFound, "the key of the token's kid, from this JWKS", token.left(200));
    require(verified->signature.size() >= 256, "an RS256 signature as long as its key");
    return 0;
}
