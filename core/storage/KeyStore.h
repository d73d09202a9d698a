#pragma once
// The headless bank's signing key, as a private JWK (the desktop app keeps its key in the keychain
// instead). The reason bank.sqlite is 0600 (storage/PrivateDataDirectory.h).

#include <QByteArray>
#include <QString>

#include <optional>

namespace cfl {

class Database;

class KeyStore
{
public:
    explicit KeyStore(Database &db)
        : m_db(db)
    { }

    std::optional<QByteArray> signingKeyJwk() const; // the one saved last
    bool saveSigningKeyJwk(const QString &kid, const QByteArray &privateJwk);

private:
    Database &m_db;
};

} // namespace cfl
