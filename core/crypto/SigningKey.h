#pragma once
// The bank's RS256 signing key (RSA-2048) as a JWK, through cjose.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace cfl {

class SigningKey
{
public:
    // A fresh RSA-2048 key with e=65537 and a kid (RFC 7638 thumbprint, base64url).
    static SigningKey generate();
    // From toPrivateJwk(); nullopt (and *error set) for anything that is not an RSA private JWK.
    static std::optional<SigningKey> fromPrivateJwk(const QByteArray &json, QString *error = nullptr);

    SigningKey(SigningKey &&) noexcept;
    SigningKey &operator=(SigningKey &&) noexcept;
    ~SigningKey();

    QString kid() const;
    // Private JWK JSON (kty, n, e, d, p, q, dp, dq, qi, kid): ~1.7 kB, fits a keychain entry.
    QByteArray toPrivateJwk() const;
    // Public JWK for /jwks: kty, n, e, kid, use=sig, alg=RS256.
    QJsonObject publicJwk() const;

    // A compact JWS (RFC 7515) over the JSON of `claims`, header {alg: RS256, kid, typ}.
    QByteArray signJwt(const QJsonObject &claims, const QByteArray &typ = "JWT") const;

private:
    struct Key;
    explicit SigningKey(std::unique_ptr<Key> key);
    std::unique_ptr<Key> m_key;
};

} // namespace cfl
