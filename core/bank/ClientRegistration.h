#pragma once
// Registering a client with the bank (what `codeflow-bank register-client` does for workshop
// attendees): checked redirect URIs and scopes, a fresh client_id and — for confidential clients —
// a secret that is shown once and stored only as a hash.

#include "storage/BankStore.h"

#include <QString>
#include <QStringList>

#include <variant>

namespace cfl {

struct ClientRegistrationRequest
{
    QString name;
    QStringList redirectUris;
    QStringList scopes; // empty: openid profile email offline_access accounts:read transactions:read
    bool isPublic = false;
    // Where the bank may send John back after logging him out (OpenID Connect RP-Initiated Logout 1.0 §3):
    // none, or URIs under the same rules as redirect URIs.
    QStringList postLogoutRedirectUris;
};

struct RegisteredClient
{
    QString clientId;
    QByteArray clientSecret; // empty for public clients
    Client record;
};

// A RegisteredClient, or a sentence saying what is wrong with the request.
std::variant<RegisteredClient, QString> registerClient(
    BankStore &store, const ClientRegistrationRequest &request, qint64 now);
// A new secret for an existing confidential client (the old one stops working).
std::variant<QByteArray, QString> rotateClientSecret(BankStore &store, const QString &clientId);

} // namespace cfl
