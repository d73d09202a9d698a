#pragma once
// Consents: what John granted each client (one row per user and client). Saving again replaces the scopes
// and clears revokedAt; revokeConsent is true only when it revoked an active consent.

#include "storage/BankRecords.h"

#include <QList>

#include <optional>

namespace cfl {

class Database;

class ConsentStore
{
public:
    explicit ConsentStore(Database &db)
        : m_db(db)
    { }

    std::optional<Consent> activeConsent(qint64 userId, const QString &clientId) const;
    QList<Consent> consentsOf(qint64 userId) const; // active ones, newest first
    QList<Consent> allConsents() const; // every user's, revoked ones too, last changed first (the ledger)
    bool saveConsent(qint64 userId, const QString &clientId, const QStringList &scopes, qint64 now);
    bool revokeConsent(qint64 userId, const QString &clientId, qint64 now);

private:
    Database &m_db;
};

} // namespace cfl
