#include "storage/ClientStore.h"

#include "storage/Database.h"
#include "storage/ScopeList.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cfl {

namespace {

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// Redirect URIs may hold any character but a space-free scope token may not (RFC 6749 §3.3), so the URIs
// are a JSON array and the scopes a space-separated list.
QString toJsonArray(const QStringList &items)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(items)).toJson(QJsonDocument::Compact));
}

QStringList fromJsonArray(const QString &text)
{
    QStringList items;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &value : array)
        items << value.toString();
    return items;
}

// The row mapping: clients.

const QString &clientSelect()
{
    static const QString sql = QStringLiteral("SELECT client_id, name, secret_hash, is_public, "
                                              "redirect_uris, allowed_scopes, created_at, "
                                              "post_logout_redirect_uris FROM clients ");
    return sql;
}

Client readClient(const SqlStatement &row)
{
    Client client;
    client.clientId = row.text("client_id");
    client.name = row.text("name");
    client.secretHash = row.bytes("secret_hash");
    client.isPublic = row.integer("is_public") != 0;
    client.redirectUris = fromJsonArray(row.text("redirect_uris"));
    client.allowedScopes = scopes::parse(row.text("allowed_scopes"));
    client.createdAt = row.integer("created_at");
    client.postLogoutRedirectUris = fromJsonArray(row.text("post_logout_redirect_uris"));
    return client;
}

} // namespace

std::optional<Client> ClientStore::client(const QString &clientId) const
{
    static const QString sql = clientSelect() + QStringLiteral("WHERE client_id = ?");
    return m_db.selectOne(sql, { clientId }, readClient);
}

QList<Client> ClientStore::all() const
{
    static const QString sql = clientSelect() + QStringLiteral("ORDER BY client_id");
    return m_db.selectAll(sql, {}, readClient);
}

bool ClientStore::insertClient(const Client &newClient, QString *error)
{
    if (newClient.clientId.isEmpty()) {
        setError(error, QStringLiteral("a client needs a client_id"));
        return false;
    }
    static const QString sql = QStringLiteral("INSERT INTO clients (client_id, name, secret_hash, is_public, "
                                              "redirect_uris, allowed_scopes, created_at, "
                                              "post_logout_redirect_uris) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    bool exists = false;
    const bool ok = m_db.inTransaction([&] {
        exists = client(newClient.clientId).has_value();
        return !exists
            && m_db.change(sql,
                   { newClient.clientId, newClient.name, newClient.secretHash, newClient.isPublic,
                       toJsonArray(newClient.redirectUris), scopes::join(newClient.allowedScopes),
                       newClient.createdAt, toJsonArray(newClient.postLogoutRedirectUris) })
            == 1;
    });
    if (!ok) {
        setError(error,
            exists ? QStringLiteral("a client with client_id \"%1\" already exists").arg(newClient.clientId)
                   : QStringLiteral("cannot save the client (see the cfl.storage log)"));
        return false;
    }
    return true;
}

bool ClientStore::setClientSecretHash(const QString &clientId, const QByteArray &secretHash)
{
    static const QString sql = QStringLiteral("UPDATE clients SET secret_hash = ? WHERE client_id = ?");
    return m_db.change(sql, { secretHash, clientId }) == 1;
}

} // namespace cfl
