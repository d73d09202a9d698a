#pragma once
// The browser's side of the bank: login sessions (eddy's login, John's online banking), pending
// interactions (an authorization request or a web login waiting for login and consent), and the failed
// logins that throttle guessing.

#include "storage/BankRecords.h"

#include <QList>

#include <optional>

namespace cfl {

class Database;

class SessionStore
{
public:
    explicit SessionStore(Database &db)
        : m_db(db)
    { }

    // Login sessions
    bool insertSession(const LoginSession &session);
    std::optional<LoginSession> session(const QByteArray &idHash) const;
    bool revokeSession(const QByteArray &idHash, qint64 now);
    QList<LoginSession> recentSessions(int limit = 50) const; // latest login first

    // Interactions
    bool insertInteraction(const Interaction &interaction);
    std::optional<Interaction> interaction(const QString &id) const;
    bool updateInteractionLogin(const QString &id, qint64 userId, qint64 authTime, const QStringList &amr);
    bool deleteInteraction(const QString &id);

    // Login throttling, per user name (compared case-insensitively) and client (its address, or an IPv6
    // /64). loginFailuresSince fails closed: count INT_MAX when it cannot be read.
    struct LoginFailures
    {
        int count = 0;
        qint64 lastAt = 0; // the newest failure counted; 0 for none
    };
    LoginFailures loginFailuresSince(const QString &username, const QString &client, qint64 since) const;
    bool recordLoginFailure(const QString &username, const QString &client, qint64 now);
    bool clearLoginFailures(const QString &username, const QString &client);
    // Deletes failures before `before`, which no longer count; returns how many (-1 on error).
    int purgeLoginFailures(qint64 before);

    // Deletes interactions and login sessions that expired before `cutoff`; returns how many (-1 on error).
    // BankStore::purgeExpired calls it with the grant ledger's, in one transaction.
    int purgeExpired(qint64 cutoff);

private:
    Database &m_db;
};

} // namespace cfl
