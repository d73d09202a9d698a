#pragma once
// The bank's state in one SQLite file: the Database (connection, pragmas, migrations, transactions,
// prepared statements) and one store per aggregate, each with its SQL and row mapping beside it. Every SQL
// statement of the project lives in storage/.
//
//   users()     UserStore     customers                       accounts()  AccountStore  accounts, payments
//   clients()   ClientStore   registered clients              consents()  ConsentStore  what John granted
//   sessions()  SessionStore  login sessions, interactions,   grants()    GrantLedger   codes and tokens
//                             login throttling                auditLog()  AuditLog      the audit log
//   keys()      KeyStore      the signing keys, current and retired (private ones: headless bank)
//
// A store is a small value holding the Database; take one where it is used (store.grants().code(hash)).
// A BankStore must be used on the thread that opened it (Qt Sql connections are per thread).
//
// Methods that change one existing row (set*, revoke*, update*, delete*) return true only when that row
// existed and changed; insert* return false on any SQL error (e.g. a duplicate key). Failures are logged
// under the "cfl.storage" category, without values.

#include "storage/AccountStore.h"
#include "storage/AuditLog.h"
#include "storage/ClientStore.h"
#include "storage/ConsentStore.h"
#include "storage/Database.h"
#include "storage/GrantLedger.h"
#include "storage/KeyStore.h"
#include "storage/SessionStore.h"
#include "storage/UserStore.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>

namespace cfl {

struct SeedReport
{
    bool seeded = false; // true when open()/reset() created the seed data just now
    QByteArray coolLoanSecret; // CoolLoan's client secret, in clear, only when seeded just now
};

class BankStore
{
public:
    // Opens (creating the directory and file) DIR/bank.sqlite, migrates, seeds when empty.
    static std::unique_ptr<BankStore> open(
        const QString &dataDir, QString *error, SeedReport *seed = nullptr);

    Database &database() const { return *m_database; }

    UserStore users() const { return UserStore(*m_database); }
    AccountStore accounts() const { return AccountStore(*m_database); }
    ClientStore clients() const { return ClientStore(*m_database); }
    ConsentStore consents() const { return ConsentStore(*m_database); }
    SessionStore sessions() const { return SessionStore(*m_database); }
    GrantLedger grants() const { return GrantLedger(*m_database); }
    AuditLog auditLog() const { return AuditLog(*m_database); }
    KeyStore keys() const { return KeyStore(*m_database); }

    // One transaction across stores (Database::inTransaction).
    bool inTransaction(const std::function<bool()> &work) const { return m_database->inTransaction(work); }
    // Deletes every row of every table and seeds again (new CoolLoan secret).
    bool reset(QString *error, SeedReport *seed = nullptr);
    // Deletes interactions, codes and login sessions that expired more than `graceSeconds` ago, in one
    // transaction; returns how many rows it deleted (-1 on error). Tokens and the audit log stay.
    int purgeExpired(qint64 now, qint64 graceSeconds = 3600);

private:
    explicit BankStore(std::unique_ptr<Database> database);
    // Seeds when the database has no users (open) or after deleting every row (reset), in one transaction.
    bool seed(bool replaceEverything, QString *error, SeedReport *report);

    std::unique_ptr<Database> m_database;
};

} // namespace cfl
