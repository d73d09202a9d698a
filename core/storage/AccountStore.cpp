#include "storage/AccountStore.h"

#include "storage/Database.h"
#include "storage/Money.h"

#include <QDateTime>

namespace cfl {

namespace {

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// The row mappings: accounts and transactions. Each SELECT names the columns its reader reads.

const QString &accountSelect()
{
    static const QString sql
        = QStringLiteral("SELECT id, user_id, kind, name, iban, currency, balance_cents FROM accounts ");
    return sql;
}

BankAccount readAccount(const SqlStatement &row)
{
    BankAccount account;
    account.id = row.text("id");
    account.userId = row.integer("user_id");
    account.kind = row.text("kind");
    account.name = row.text("name");
    account.iban = row.text("iban");
    account.currency = row.text("currency");
    account.balanceCents = row.integer("balance_cents");
    return account;
}

BankTransaction readTransaction(const SqlStatement &row)
{
    BankTransaction t;
    t.id = row.integer("id");
    t.accountId = row.text("account_id");
    t.bookedOn = QDate::fromString(row.text("booked_on"), Qt::ISODate);
    t.description = row.text("description");
    t.counterparty = row.text("counterparty");
    t.category = row.text("category");
    t.amountCents = row.integer("amount_cents");
    t.balanceAfterCents = row.integer("balance_after_cents");
    return t;
}

} // namespace

QList<BankAccount> AccountStore::accountsOf(qint64 userId) const
{
    static const QString sql = accountSelect() + QStringLiteral("WHERE user_id = ? ORDER BY id");
    return m_db.selectAll(sql, { userId }, readAccount);
}

std::optional<BankAccount> AccountStore::account(const QString &accountId) const
{
    static const QString sql = accountSelect() + QStringLiteral("WHERE id = ?");
    return m_db.selectOne(sql, { accountId }, readAccount);
}

QList<BankTransaction> AccountStore::transactionsOf(const QString &accountId, int limit) const
{
    // Booking order is insertion order (and the order balance_after chains in), whatever the dates say.
    static const QString sql = QStringLiteral(
        "SELECT id, account_id, booked_on, description, counterparty, category, amount_cents, "
        "balance_after_cents FROM transactions WHERE account_id = ? ORDER BY id DESC LIMIT ?");
    return m_db.selectAll(sql, { accountId, limit < 0 ? -1 : limit }, readTransaction);
}

std::optional<BankTransaction> AccountStore::makePayment(qint64 userId, const QString &fromAccountId,
    const QString &payee, qint64 amountCents, const QString &reference, qint64 now, QString *error)
{
    if (amountCents <= 0) {
        setError(error, QStringLiteral("the amount must be more than 0.00"));
        return std::nullopt;
    }
    const QString payeeName = payee.trimmed();
    if (payeeName.isEmpty()) {
        setError(error, QStringLiteral("a payment needs a payee"));
        return std::nullopt;
    }
    static const QString debit = QStringLiteral("UPDATE accounts SET balance_cents = ? WHERE id = ?");
    std::optional<BankTransaction> booked;
    QString refusal;
    const bool ok = m_db.inTransaction([&] {
        // Read under the write lock (BEGIN IMMEDIATE): no other payment can change the balance in between.
        const std::optional<BankAccount> from = account(fromAccountId);
        // Same answer for "no such account" and "someone else's": account ids are not to be probed.
        if (!from || from->userId != userId) {
            refusal = QStringLiteral("account %1 is not one of your accounts").arg(fromAccountId);
            return false;
        }
        if (from->balanceCents < amountCents) {
            refusal = QStringLiteral("insufficient funds: balance is %1")
                          .arg(formatMoney(from->balanceCents, from->currency));
            return false;
        }
        BankTransaction t;
        t.accountId = from->id;
        t.bookedOn = QDateTime::fromSecsSinceEpoch(now).date();
        const QString text = reference.trimmed();
        t.description = text.isEmpty() ? QStringLiteral("Payment to %1").arg(payeeName) : text;
        t.counterparty = payeeName;
        t.category = QStringLiteral("payment");
        t.amountCents = -amountCents;
        t.balanceAfterCents = from->balanceCents - amountCents;
        const std::optional<qint64> id = insertTransaction(t);
        if (!id)
            return false;
        t.id = *id;
        if (m_db.change(debit, { t.balanceAfterCents, t.accountId }) != 1)
            return false;
        booked = t;
        return true;
    });
    if (!ok) {
        setError(error, refusal.isEmpty() ? QStringLiteral("the payment could not be booked") : refusal);
        return std::nullopt;
    }
    return booked;
}

bool AccountStore::insertAccount(const BankAccount &a)
{
    static const QString sql
        = QStringLiteral("INSERT INTO accounts (id, user_id, kind, name, iban, currency, "
                         "balance_cents) VALUES (?, ?, ?, ?, ?, ?, ?)");
    return m_db.change(sql, { a.id, a.userId, a.kind, a.name, a.iban, a.currency, a.balanceCents }) == 1;
}

std::optional<qint64> AccountStore::insertTransaction(const BankTransaction &t)
{
    static const QString sql
        = QStringLiteral("INSERT INTO transactions (account_id, booked_on, description, counterparty, "
                         "category, amount_cents, balance_after_cents) VALUES (?, ?, ?, ?, ?, ?, ?)");
    Database::Statement insert = m_db.statement(sql);
    if (!insert->exec({ t.accountId, t.bookedOn.toString(Qt::ISODate), t.description, t.counterparty,
            t.category, t.amountCents, t.balanceAfterCents }))
        return std::nullopt;
    return insert->lastInsertId();
}

} // namespace cfl
