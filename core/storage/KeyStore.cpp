#include "storage/KeyStore.h"

#include "storage/Database.h"

#include <QDateTime>

namespace cfl {

std::optional<QByteArray> KeyStore::signingKeyJwk() const
{
    static const QString sql
        = QStringLiteral("SELECT private_jwk FROM signing_keys ORDER BY rowid DESC LIMIT 1");
    return m_db.selectOne(sql, {}, [](const SqlStatement &row) { return row.bytes("private_jwk"); });
}

bool KeyStore::saveSigningKeyJwk(const QString &kid, const QByteArray &privateJwk)
{
    if (kid.isEmpty() || privateJwk.isEmpty())
        return false;
    // REPLACE deletes the old row and inserts a new one: the key saved last is the newest row.
    static const QString sql = QStringLiteral(
        "INSERT OR REPLACE INTO signing_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)");
    return m_db.change(sql, { kid, privateJwk, QDateTime::currentSecsSinceEpoch() }) == 1;
}

} // namespace cfl
