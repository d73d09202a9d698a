#include "crypto/Jwt.h"

#include "crypto/Base64Url.h"
#include "crypto/Digest.h"

#include <QJsonDocument>
#include <QList>

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>

#include <map>
#include <memory>

namespace cfl {

namespace {

// RFC 7518 §3.3: RS256 keys MUST be 2048 bits or larger.
constexpr size_t kMinRsaBits = 2048;

struct JwkRelease
{
    void operator()(cjose_jwk_t *jwk) const { cjose_jwk_release(jwk); }
};
struct JwsRelease
{
    void operator()(cjose_jws_t *jws) const { cjose_jws_release(jws); }
};
using JwkHandle = std::unique_ptr<cjose_jwk_t, JwkRelease>;
using JwsHandle = std::unique_ptr<cjose_jws_t, JwsRelease>;

// Header values come from whoever made the token: keep them short and printable in messages.
QString quoted(const QString &text, qsizetype maxLength = 24)
{
    QString shown;
    for (const QChar c : text)
        shown += c.isPrint() ? c : QChar(u'?');
    if (shown.size() > maxLength)
        shown = shown.left(maxLength - 4) + QStringLiteral("…");
    return QLatin1Char('\'') + shown + QLatin1Char('\'');
}

// A thumbprint kid is 43 characters; its first 8 are enough to tell keys apart on screen.
QString shortKid(const QString &kid)
{
    return quoted(kid, 12);
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

std::optional<QJsonObject> decodeJsonObject(QByteArrayView part)
{
    const auto bytes = base64UrlDecode(part);
    if (!bytes)
        return std::nullopt;
    QJsonParseError parseError {};
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// The JWK to verify with, chosen by the header's kid (RFC 7515 §4.1.4); a set of one key also serves a
// header without kid, as in RFC 7515 Appendix A.2.
std::optional<QJsonObject> selectKey(const QJsonObject &header, const QJsonObject &jwks, QString *error)
{
    const QJsonValue keysValue = jwks.value(QStringLiteral("keys"));
    if (!keysValue.isArray()) {
        fail(error, QStringLiteral("the key set has no \"keys\" array"));
        return std::nullopt;
    }
    const QJsonArray keys = keysValue.toArray();
    const QJsonValue kidValue = header.value(QStringLiteral("kid"));
    if (kidValue.isUndefined()) {
        if (keys.size() == 1 && keys.first().isObject())
            return keys.first().toObject();
        fail(error,
            QStringLiteral("the token names no key (no kid) and the key set holds %1 keys").arg(keys.size()));
        return std::nullopt;
    }
    if (!kidValue.isString()) {
        fail(error, QStringLiteral("the token's kid is not a string"));
        return std::nullopt;
    }
    const QString kid = kidValue.toString();
    for (const QJsonValue &key : keys) {
        if (key.isObject() && key.toObject().value(QStringLiteral("kid")).toString() == kid)
            return key.toObject();
    }
    fail(error, QStringLiteral("unknown key id %1").arg(shortKid(kid)));
    return std::nullopt;
}

// Only the public members go to cjose: a key set that wrongly carries "d" must not turn verification into
// anything else, and members cjose does not know cannot trip it up.
// The keys imported so far on this thread, by modulus and exponent: importing one (a JSON round trip and
// cjose's parse) cost more than the RSA verification it serves (docs/benchmarks.md). Per thread, because
// a cjose key is not made to be shared across threads; a handful, because a key set holds a few keys.
struct ImportedKeys
{
    std::map<QString, JwkHandle> byModulusAndExponent;
};

thread_local ImportedKeys importedKeys;

// Null and *error when `jwk` is not an RSA public key for RS256 of at least 2048 bits.
const cjose_jwk_t *publicRsaKey(const QJsonObject &jwk, const QString &label, QString *error)
{
    if (jwk.value(QStringLiteral("kty")).toString() != QLatin1String("RSA")) {
        fail(error, QStringLiteral("key %1 is not an RSA key").arg(label));
        return nullptr;
    }
    // RFC 7517 §4.2 and §4.4: a key published for something else is not used for signatures.
    const QJsonValue use = jwk.value(QStringLiteral("use"));
    if (!use.isUndefined() && use.toString() != QLatin1String("sig")) {
        fail(error,
            QStringLiteral("key %1 is published for %2, not for signatures")
                .arg(label, quoted(use.toString())));
        return nullptr;
    }
    const QJsonValue alg = jwk.value(QStringLiteral("alg"));
    if (!alg.isUndefined() && alg.toString() != QLatin1String("RS256")) {
        fail(error, QStringLiteral("key %1 is meant for %2, not RS256").arg(label, quoted(alg.toString())));
        return nullptr;
    }
    const QString n = jwk.value(QStringLiteral("n")).toString();
    const QString e = jwk.value(QStringLiteral("e")).toString();
    if (n.isEmpty() || e.isEmpty() || !isBase64UrlText(n.toLatin1()) || !isBase64UrlText(e.toLatin1())) {
        fail(error, QStringLiteral("key %1 has no valid modulus and exponent (n, e)").arg(label));
        return nullptr;
    }
    const QString cacheKey = n + QLatin1Char('.') + e;
    if (const auto known = importedKeys.byModulusAndExponent.find(cacheKey);
        known != importedKeys.byModulusAndExponent.end())
        return known->second.get();
    const QByteArray publicJson = QJsonDocument(QJsonObject {
                                                    { QStringLiteral("kty"), QStringLiteral("RSA") },
                                                    { QStringLiteral("n"), n },
                                                    { QStringLiteral("e"), e },
                                                })
                                      .toJson(QJsonDocument::Compact);
    cjose_err err {};
    JwkHandle key(cjose_jwk_import(publicJson.constData(), static_cast<size_t>(publicJson.size()), &err));
    if (!key) {
        fail(error, QStringLiteral("key %1 cannot be read as an RSA public key").arg(label));
        return nullptr;
    }
    const size_t bits = cjose_jwk_get_keysize(key.get(), &err);
    if (bits < kMinRsaBits) {
        fail(error,
            QStringLiteral("key %1 has only %2 bits; RS256 needs at least 2048 (RFC 7518 §3.3)")
                .arg(label)
                .arg(bits));
        return nullptr;
    }
    if (importedKeys.byModulusAndExponent.size() >= 16)
        importedKeys.byModulusAndExponent.clear();
    return importedKeys.byModulusAndExponent.emplace(cacheKey, std::move(key)).first->second.get();
}

} // namespace

std::optional<DecodedJwt> decodeJwt(const QByteArray &compact, QString *error)
{
    const QList<QByteArray> parts = compact.split('.');
    // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature). Five parts would
    // be an encrypted JWT (RFC 7516 §7.1), which nothing here issues.
    if (parts.size() != 3) {
        fail(error,
            QStringLiteral("a signed JWT has three parts separated by dots; this one has %1")
                .arg(parts.size()));
        return std::nullopt;
    }
    const auto header = decodeJsonObject(parts[0]);
    if (!header) {
        fail(error, QStringLiteral("the header is not a base64url-encoded JSON object"));
        return std::nullopt;
    }
    const auto payload = decodeJsonObject(parts[1]);
    if (!payload) {
        fail(error, QStringLiteral("the payload is not a base64url-encoded JSON object"));
        return std::nullopt;
    }
    auto signature = base64UrlDecode(parts[2]);
    if (!signature) {
        fail(
            error, QStringLiteral("the signature is not base64url (RFC 7515 §2: no padding, no '+' or '/')"));
        return std::nullopt;
    }
    DecodedJwt decoded;
    decoded.header = *header;
    decoded.payload = *payload;
    decoded.signingInput = parts[0] + '.' + parts[1];
    decoded.signature = std::move(*signature);
    return decoded;
}

std::optional<DecodedJwt> verifyRs256(const QByteArray &compact, const QJsonObject &jwks, QString *error)
{
    auto decoded = decodeJwt(compact, error);
    if (!decoded)
        return std::nullopt;

    // RFC 8725 §3.1: the algorithm is ours to choose, never the token's. "none" would need no key, and HS256
    // with the public key as the HMAC secret is a signature anyone can make.
    const QJsonValue alg = decoded->header.value(QStringLiteral("alg"));
    if (!alg.isString()) {
        fail(error, QStringLiteral("the header has no algorithm (alg)"));
        return std::nullopt;
    }
    if (alg.toString() != QLatin1String("RS256")) {
        fail(error, QStringLiteral("algorithm %1 is not accepted (RS256 only)").arg(quoted(alg.toString())));
        return std::nullopt;
    }
    // RFC 7515 §4.1.11: extensions marked critical that the recipient does not understand make the JWS
    // invalid, and this verifier understands none.
    if (decoded->header.contains(QStringLiteral("crit"))) {
        fail(error, QStringLiteral("the header marks extensions as critical (crit); none are supported"));
        return std::nullopt;
    }

    const auto jwk = selectKey(decoded->header, jwks, error);
    if (!jwk)
        return std::nullopt;
    const QString kid = jwk->value(QStringLiteral("kid")).toString();
    const QString label = kid.isEmpty() ? QStringLiteral("(without kid)") : shortKid(kid);
    const cjose_jwk_t *key = publicRsaKey(*jwk, label, error);
    if (!key)
        return std::nullopt;

    cjose_err err {};
    const JwsHandle jws(cjose_jws_import(compact.constData(), static_cast<size_t>(compact.size()), &err));
    if (!jws) {
        fail(error, QStringLiteral("the token cannot be read as a JWS"));
        return std::nullopt;
    }
    // cjose reads the header with its own JSON parser. Were the two parsers to disagree (a duplicated "alg",
    // RFC 7515 §4), the alg checked above would not be the one used below.
    const char *cjoseAlg = cjose_header_get(cjose_jws_get_protected(jws.get()), CJOSE_HDR_ALG, &err);
    if (!cjoseAlg || qstrcmp(cjoseAlg, CJOSE_HDR_ALG_RS256) != 0) {
        fail(error, QStringLiteral("the header's algorithm is ambiguous"));
        return std::nullopt;
    }
    if (!cjose_jws_verify(jws.get(), key, &err)) {
        fail(error, QStringLiteral("signature does not match the key %1").arg(label));
        return std::nullopt;
    }
    return decoded;
}

QByteArray atHash(const QByteArray &accessToken)
{
    // OIDC Core §3.1.3.6: the hash is the one of the ID token's alg (SHA-256 for RS256), left-most half.
    return base64UrlEncode(sha256(accessToken).left(16));
}

} // namespace cfl
