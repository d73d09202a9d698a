#include "crypto/SigningKey.h"

#include "crypto/Base64Url.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <cjose/util.h>
#include <openssl/crypto.h>

#include <cstring>

namespace cfl {

namespace {

Q_LOGGING_CATEGORY(lcSigningKey, "cfl.crypto.signingkey")

// RFC 7518 §3.3: RS256 keys MUST be 2048 bits or larger.
constexpr size_t kRsaBits = 2048;

struct JwkRelease
{
    void operator()(cjose_jwk_t *jwk) const { cjose_jwk_release(jwk); }
};
struct JwsRelease
{
    void operator()(cjose_jws_t *jws) const { cjose_jws_release(jws); }
};
struct HeaderRelease
{
    void operator()(cjose_header_t *header) const { cjose_header_release(header); }
};
using JwkHandle = std::unique_ptr<cjose_jwk_t, JwkRelease>;
using JwsHandle = std::unique_ptr<cjose_jws_t, JwsRelease>;
using HeaderHandle = std::unique_ptr<cjose_header_t, HeaderRelease>;

QString cjoseMessage(const cjose_err &err)
{
    return QString::fromUtf8(err.message ? err.message : "unknown cjose error");
}

// cjose hands out strings from its own allocator, so they must go back through it; a private JWK is
// wiped first so that d, p and q do not linger in freed heap memory.
QByteArray takeCjoseString(char *text, bool secret)
{
    if (!text)
        return {};
    const size_t length = std::strlen(text);
    QByteArray copy(text, static_cast<qsizetype>(length));
    if (secret)
        OPENSSL_cleanse(text, length);
    cjose_get_dealloc()(text);
    return copy;
}

// RFC 7638 §3.2: only the required members (e, kty, n for RSA), in lexicographic order, no whitespace.
// n and e are checked to be base64url first, so they need no JSON escaping.
std::optional<QString> rsaThumbprint(const QJsonObject &jwk)
{
    const QByteArray n = jwk.value(QStringLiteral("n")).toString().toLatin1();
    const QByteArray e = jwk.value(QStringLiteral("e")).toString().toLatin1();
    if (n.isEmpty() || e.isEmpty() || !isBase64UrlText(n) || !isBase64UrlText(e))
        return std::nullopt;
    const QByteArray canonical = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
    return QString::fromLatin1(base64UrlEncode(sha256(canonical)));
}

QByteArray signWith(const cjose_jwk_t *jwk, const QByteArray &kid, const QByteArray &payload,
    const QByteArray &typ, QString *error)
{
    cjose_err err {};
    const HeaderHandle header(cjose_header_new(&err));
    bool ok = header && cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_RS256, &err)
        && cjose_header_set(header.get(), CJOSE_HDR_KID, kid.constData(), &err);
    // RFC 7515 §4.1.9: typ is optional; RFC 9068 §2.1 uses it to tell access tokens ("at+jwt") from ID
    // tokens.
    if (ok && !typ.isEmpty())
        ok = cjose_header_set(header.get(), "typ", typ.constData(), &err);
    if (!ok) {
        *error = cjoseMessage(err);
        return {};
    }
    const JwsHandle jws(cjose_jws_sign(jwk, header.get(),
        reinterpret_cast<const uint8_t *>(payload.constData()), static_cast<size_t>(payload.size()), &err));
    const char *compact = nullptr;
    if (!jws || !cjose_jws_export(jws.get(), &compact, &err) || !compact) {
        *error = cjoseMessage(err);
        return {};
    }
    // The compact string belongs to the JWS and goes with it.
    return QByteArray(compact);
}

struct RsaSigningKey
{
    JwkHandle jwk;
    QString kid;
    QJsonObject publicJwk;
};

// Everything a SigningKey holds besides the cjose key is derived from its public half, here.
std::optional<RsaSigningKey> describeKey(JwkHandle jwk, QString *error)
{
    cjose_err err {};
    if (cjose_jwk_get_kty(jwk.get(), &err) != CJOSE_JWK_KTY_RSA) {
        *error = QStringLiteral("the key is not an RSA key");
        return std::nullopt;
    }
    const size_t bits = cjose_jwk_get_keysize(jwk.get(), &err);
    if (bits < kRsaBits) {
        *error
            = QStringLiteral("the RSA key has %1 bits; RS256 needs at least 2048 (RFC 7518 §3.3)").arg(bits);
        return std::nullopt;
    }
    const QByteArray publicJson = takeCjoseString(cjose_jwk_to_json(jwk.get(), false, &err), false);
    const QJsonObject members = QJsonDocument::fromJson(publicJson).object();
    const auto kid = rsaThumbprint(members);
    if (!kid) {
        *error = QStringLiteral("the key's n and e are not base64url");
        return std::nullopt;
    }
    // cjose 0.6.2 copies len + 1 bytes (strncpy): QByteArray's terminating NUL is what it reads last.
    const QByteArray kidBytes = kid->toLatin1();
    if (!cjose_jwk_set_kid(jwk.get(), kidBytes.constData(), static_cast<size_t>(kidBytes.size()), &err)) {
        *error = cjoseMessage(err);
        return std::nullopt;
    }
    RsaSigningKey key;
    key.jwk = std::move(jwk);
    key.kid = *kid;
    // RFC 7517 §4.2/§4.4: tell relying parties what the key is for, so they need not guess the algorithm.
    key.publicJwk = QJsonObject {
        { QStringLiteral("kty"), QStringLiteral("RSA") },
        { QStringLiteral("n"), members.value(QStringLiteral("n")) },
        { QStringLiteral("e"), members.value(QStringLiteral("e")) },
        { QStringLiteral("kid"), *kid },
        { QStringLiteral("use"), QStringLiteral("sig") },
        { QStringLiteral("alg"), QStringLiteral("RS256") },
    };
    return key;
}

} // namespace

struct SigningKey::Key : RsaSigningKey
{
};

SigningKey SigningKey::generate()
{
    static const uint8_t exponent[] = { 0x01, 0x00, 0x01 }; // 65537
    cjose_err err {};
    JwkHandle jwk(cjose_jwk_create_RSA_random(kRsaBits, exponent, sizeof exponent, &err));
    if (!jwk)
        qFatal("cannot generate an RSA-2048 key: %s", err.message ? err.message : "unknown cjose error");
    QString error;
    auto key = describeKey(std::move(jwk), &error);
    // Without a signing key the bank cannot issue a single token: there is nothing sensible to go on with.
    if (!key)
        qFatal("cannot describe a fresh RSA key: %s", qPrintable(error));
    return SigningKey(std::unique_ptr<Key>(new Key { std::move(*key) }));
}

std::optional<SigningKey> SigningKey::fromPrivateJwk(const QByteArray &json, QString *error)
{
    QString ignored;
    QString &message = error ? *error : ignored;

    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isObject()) {
        message = QStringLiteral("the stored key is not a JSON object");
        return std::nullopt;
    }
    const QJsonObject members = document.object();
    if (members.value(QStringLiteral("kty")).toString() != QLatin1String("RSA")) {
        message = QStringLiteral("the stored key is not an RSA key (kty must be \"RSA\")");
        return std::nullopt;
    }
    if (!members.value(QStringLiteral("d")).isString()) {
        message = QStringLiteral("the stored key has no private exponent (d): it is a public key");
        return std::nullopt;
    }

    cjose_err err {};
    JwkHandle jwk(cjose_jwk_import(json.constData(), static_cast<size_t>(json.size()), &err));
    if (!jwk) {
        message = QStringLiteral("the stored key cannot be read: %1").arg(cjoseMessage(err));
        return std::nullopt;
    }
    auto key = describeKey(std::move(jwk), &message);
    if (!key)
        return std::nullopt;
    // The kid is the key's RFC 7638 thumbprint; a different one means n or e were changed after it was made.
    const QJsonValue storedKid = members.value(QStringLiteral("kid"));
    if (!storedKid.isUndefined() && storedKid.toString() != key->kid) {
        message = QStringLiteral("the stored key's kid does not match its thumbprint (RFC 7638)");
        return std::nullopt;
    }

    // A private half that does not belong to the public half would sign tokens nobody can verify: find out
    // now, at load time, rather than at the first login.
    QString probeError;
    const QByteArray probe = signWith(key->jwk.get(), key->kid.toLatin1(), "{}", "JWT", &probeError);
    const QJsonObject jwks { { QStringLiteral("keys"), QJsonArray { key->publicJwk } } };
    if (probe.isEmpty() || !verifyRs256(probe, jwks, &probeError)) {
        message = QStringLiteral("the stored key's private part does not match its public part");
        return std::nullopt;
    }
    return SigningKey(std::unique_ptr<Key>(new Key { std::move(*key) }));
}

SigningKey::SigningKey(std::unique_ptr<Key> key)
    : m_key(std::move(key))
{ }

SigningKey::SigningKey(SigningKey &&) noexcept = default;
SigningKey &SigningKey::operator=(SigningKey &&) noexcept = default;
SigningKey::~SigningKey() = default;

QString SigningKey::kid() const
{
    return m_key ? m_key->kid : QString();
}

QByteArray SigningKey::toPrivateJwk() const
{
    if (!m_key)
        return {};
    cjose_err err {};
    return takeCjoseString(cjose_jwk_to_json(m_key->jwk.get(), true, &err), true);
}

QJsonObject SigningKey::publicJwk() const
{
    return m_key ? m_key->publicJwk : QJsonObject();
}

QByteArray SigningKey::signJwt(const QJsonObject &claims, const QByteArray &typ) const
{
    if (!m_key)
        return {};
    QString error;
    const QByteArray token = signWith(m_key->jwk.get(), m_key->kid.toLatin1(),
        QJsonDocument(claims).toJson(QJsonDocument::Compact), typ, &error);
    if (token.isEmpty())
        qCWarning(lcSigningKey) << "signing failed:" << error;
    return token;
}

} // namespace cfl
