#pragma once
// Bank accounts, their bookings (transactions) and payments: the money the resource API and online
// banking show and move.

#include "storage/BankRecords.h"

#include <QList>

#include <optional>

namespace cfl {

class Database;

class AccountStore
{
public:
    explicit AccountStore(Database &db)
        : m_db(db)
    { }

    QList<BankAccount> accountsOf(qint64 userId) const;
    std::optional<BankAccount> account(const QString &accountId) const;
    QList<BankTransaction> transactionsOf(const QString &accountId, int limit = -1) const; // newest first
    // Debits `fromAccountId` (must belong to userId) in one transaction; refuses amounts <= 0 and
    // insufficient funds with *error.
    std::optional<BankTransaction> makePayment(qint64 userId, const QString &fromAccountId,
        const QString &payee, qint64 amountCents, const QString &reference, qint64 now, QString *error);

    // The seed's rows, as they are (the caller holds the transaction that keeps balances and bookings
    // together).
    bool insertAccount(const BankAccount &account);
    // Returns the booking's id.
    std::optional<qint64> insertTransaction(const BankTransaction &transaction);

private:
    Database &m_db;
};

} // namespace cfl
