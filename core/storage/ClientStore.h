#pragma once
// The registered clients (RFC 6749 §2): their redirect URIs, allowed scopes and the hash of their secret.

#include "storage/BankRecords.h"

#include <QList>

#include <optional>

namespace cfl {

class Database;

class ClientStore
{
public:
    explicit ClientStore(Database &db)
        : m_db(db)
    { }

    std::optional<Client> client(const QString &clientId) const;
    QList<Client> all() const; // by client_id
    // False and *error for an empty client_id, one already registered, or an SQL error.
    bool insertClient(const Client &client, QString *error);
    bool setClientSecretHash(const QString &clientId, const QByteArray &secretHash);

private:
    Database &m_db;
};

} // namespace cfl
