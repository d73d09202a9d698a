#include "storage/KeyStore.h"

#include "storage/Database.h"

namespace cfl {

namespace {

SigningKeyRecord readKey(const SqlStatement &row)
{
    SigningKeyRecord key;
    key.kid = row.text("kid");
    key.privateJwk = row.bytes("private_jwk");
    key.publicJwk = row.bytes("public_jwk");
    key.createdAt = row.integer("created_at");
    key.retiredAt = row.integer("retired_at");
    key.lastExpiry = row.integer("last_expiry");
    return key;
}

// JWKs are JSON texts; '' (never NULL) when the private key lives elsewhere.
QString jsonText(const QByteArray &json)
{
    return json.isEmpty() ? QStringLiteral("") : QString::fromUtf8(json);
}

} // namespace

std::optional<QByteArray> KeyStore::signingKeyJwk() const
{
    static const QString sql = QStringLiteral(
        "SELECT private_jwk FROM signing_keys WHERE retired_at = 0 ORDER BY rowid DESC LIMIT 1");
    return m_db.selectOne(sql, {}, [](const SqlStatement &row) { return row.bytes("private_jwk"); });
}

std::optional<QString> KeyStore::currentKid() const
{
    static const QString sql
        = QStringLiteral("SELECT kid FROM signing_keys WHERE retired_at = 0 ORDER BY rowid DESC LIMIT 1");
    return m_db.selectOne(sql, {}, [](const SqlStatement &row) { return row.text("kid"); });
}

std::optional<SigningKeyRecord> KeyStore::key(const QString &kid) const
{
    static const QString sql = QStringLiteral("SELECT kid, private_jwk, public_jwk, created_at, retired_at, "
                                              "last_expiry FROM signing_keys WHERE kid = ?");
    return m_db.selectOne(sql, { kid }, readKey);
}

QList<SigningKeyRecord> KeyStore::publishedKeys(qint64 now) const
{
    static const QString sql = QStringLiteral(
        "SELECT kid, private_jwk, public_jwk, created_at, retired_at, last_expiry FROM signing_keys "
        "WHERE retired_at = 0 OR last_expiry > ? ORDER BY retired_at = 0 DESC, rowid DESC");
    return m_db.selectAll(sql, { now }, readKey);
}

QList<SigningKeyRecord> KeyStore::everyKey() const
{
    static const QString sql
        = QStringLiteral("SELECT kid, private_jwk, public_jwk, created_at, retired_at, last_expiry FROM "
                         "signing_keys ORDER BY retired_at = 0 DESC, rowid DESC");
    return m_db.selectAll(sql, {}, readKey);
}

bool KeyStore::makeCurrent(const SigningKeyRecord &key, qint64 now)
{
    if (key.kid.isEmpty() || (key.privateJwk.isEmpty() && key.publicJwk.isEmpty()))
        return false;
    return m_db.inTransaction([&] {
        // One current key at a time: the others stop signing now and stay published by their lastExpiry.
        static const QString retire
            = QStringLiteral("UPDATE signing_keys SET retired_at = ? WHERE retired_at = 0 AND kid <> ?");
        if (m_db.change(retire, { now, key.kid }) < 0)
            return false;
        // A known kid (the desktop app's keychain key after a failed rotation) is taken back as it is.
        static const QString insert = QStringLiteral(
            "INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kid) DO UPDATE SET private_jwk = excluded.private_jwk, public_jwk = "
            "excluded.public_jwk, retired_at = 0");
        return m_db.change(insert, { key.kid, jsonText(key.privateJwk), jsonText(key.publicJwk), now }) == 1;
    });
}

bool KeyStore::saveSigningKeyJwk(const QString &kid, const QByteArray &privateJwk, qint64 now)
{
    if (privateJwk.isEmpty())
        return false;
    SigningKeyRecord key;
    key.kid = kid;
    key.privateJwk = privateJwk;
    return makeCurrent(key, now);
}

bool KeyStore::recordSignature(const QString &kid, qint64 expiresAt)
{
    static const QString sql
        = QStringLiteral("UPDATE signing_keys SET last_expiry = MAX(last_expiry, ?) WHERE kid = ?");
    return m_db.change(sql, { expiresAt, kid }) == 1;
}

} // namespace cfl
