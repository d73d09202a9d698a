#include "storage/BankStore.h"

#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "crypto/SecureRandom.h"
#include "storage/SeedData.h"

#include <QDateTime>
#include <QDir>

namespace cfl {

namespace {

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// The seed's rows, through the stores that own them. The caller holds the transaction.
bool writeSeedContent(const BankStore &store, const SeedContent &seed)
{
    // John first: his ids (user, transactions) are the same as when he was the only customer.
    for (const SeedCustomer *customer : { &seed.john, &seed.mallory }) {
        const std::optional<qint64> userId = store.users().insertUser(customer->user);
        if (!userId)
            return false;
        for (BankAccount account : customer->accounts) {
            account.userId = *userId;
            if (!store.accounts().insertAccount(account))
                return false;
        }
        for (const BankTransaction &t : customer->transactions) {
            if (!store.accounts().insertTransaction(t))
                return false;
        }
    }
    return store.clients().insertClient(seed.coolLoan, nullptr);
}

} // namespace

BankStore::BankStore(std::unique_ptr<Database> database)
    : m_database(std::move(database))
{ }

std::unique_ptr<BankStore> BankStore::open(const QString &dataDir, QString *error, SeedReport *seed)
{
    if (seed)
        *seed = SeedReport {};
    std::unique_ptr<Database> database = Database::open(dataDir, error);
    if (!database)
        return nullptr;
    std::unique_ptr<BankStore> store(new BankStore(std::move(database)));
    const std::optional<bool> populated = store->users().hasUsers();
    if (!populated) {
        setError(error,
            QStringLiteral("cannot read the users of %1")
                .arg(QDir::toNativeSeparators(store->database().path())));
        return nullptr;
    }
    if (!*populated && !store->seed(false, error, seed))
        return nullptr;
    return store;
}

bool BankStore::seed(bool replaceEverything, QString *error, SeedReport *report)
{
    // argon2id is deliberately slow: hash before taking the write lock, not while holding it.
    const QByteArray coolLoanSecret = randomToken(32);
    const QByteArray passwordHash = hashPassword(QByteArrayView(SeedPassword));
    const QByteArray malloryPasswordHash = hashPassword(QByteArrayView(SeedMalloryPassword));
    if (coolLoanSecret.isEmpty() || passwordHash.isEmpty() || malloryPasswordHash.isEmpty()) {
        setError(error,
            QStringLiteral("cannot make the seed's secrets (random source or password hashing failed)"));
        return false;
    }
    const SeedContent content = makeSeedContent(QDate::currentDate(), QDateTime::currentSecsSinceEpoch(),
        passwordHash, malloryPasswordHash, sha256Hex(coolLoanSecret));
    bool wrote = false;
    const bool ok = inTransaction([&] {
        if (replaceEverything) {
            if (!m_database->deleteAllRows())
                return false;
        } else {
            // Read again under the write lock: another process may have seeded the file meanwhile.
            const std::optional<bool> populated = users().hasUsers();
            if (!populated)
                return false;
            if (*populated)
                return true;
        }
        wrote = true;
        return writeSeedContent(*this, content);
    });
    if (!ok) {
        setError(error,
            QStringLiteral("cannot write the seed data to %1 (see the cfl.storage log)")
                .arg(QDir::toNativeSeparators(m_database->path())));
        return false;
    }
    if (report) {
        report->seeded = wrote;
        report->coolLoanSecret = wrote ? coolLoanSecret : QByteArray();
    }
    return true;
}

bool BankStore::reset(QString *error, SeedReport *seed)
{
    if (seed)
        *seed = SeedReport {};
    return this->seed(true, error, seed);
}

int BankStore::purgeExpired(qint64 now, qint64 graceSeconds)
{
    const qint64 cutoff = now - graceSeconds;
    int deleted = 0;
    const bool ok = inTransaction([&] {
        for (const int rows : { sessions().purgeExpired(cutoff), grants().purgeExpired(cutoff) }) {
            if (rows < 0)
                return false;
            deleted += rows;
        }
        return true;
    });
    return ok ? deleted : -1;
}

} // namespace cfl
