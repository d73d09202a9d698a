#include "storage/BankStore.h"

#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "crypto/SecureRandom.h"
#include "storage/Money.h"
#include "storage/PrivateDataDirectory.h"
#include "storage/Schema.h"
#include "storage/SeedData.h"
#include "storage/SqlStatement.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>

#include <atomic>
#include <limits>
#include <utility>

namespace cfl {

namespace {

std::atomic<quint64> connectionCounter { 0 };

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// RFC 6749 §3.3: a scope is a space-delimited list of tokens that never contain a space.
QString joinScopes(const QStringList &scopes)
{
    return scopes.join(QLatin1Char(' '));
}

QStringList splitScopes(const QString &text)
{
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

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

QString tokenKindName(TokenKind kind)
{
    return kind == TokenKind::Refresh ? QStringLiteral("refresh") : QStringLiteral("access");
}

// Reading rows: each SELECT below lists its columns in the order its reader takes them.

const QString &userSelect()
{
    static const QString sql = QStringLiteral("SELECT id, username, password_hash, name, given_name, "
                                              "family_name, email, email_verified, updated_at "
                                              "FROM users ");
    return sql;
}

User readUser(const SqlStatement &row)
{
    User user;
    user.id = row.integer(0);
    user.username = row.text(1);
    user.passwordHash = row.bytes(2);
    user.name = row.text(3);
    user.givenName = row.text(4);
    user.familyName = row.text(5);
    user.email = row.text(6);
    user.emailVerified = row.integer(7) != 0;
    user.updatedAt = row.integer(8);
    return user;
}

const QString &accountSelect()
{
    static const QString sql
        = QStringLiteral("SELECT id, user_id, kind, name, iban, currency, balance_cents FROM accounts ");
    return sql;
}

BankAccount readAccount(const SqlStatement &row)
{
    BankAccount account;
    account.id = row.text(0);
    account.userId = row.integer(1);
    account.kind = row.text(2);
    account.name = row.text(3);
    account.iban = row.text(4);
    account.currency = row.text(5);
    account.balanceCents = row.integer(6);
    return account;
}

BankTransaction readTransaction(const SqlStatement &row)
{
    BankTransaction t;
    t.id = row.integer(0);
    t.accountId = row.text(1);
    t.bookedOn = QDate::fromString(row.text(2), Qt::ISODate);
    t.description = row.text(3);
    t.counterparty = row.text(4);
    t.category = row.text(5);
    t.amountCents = row.integer(6);
    t.balanceAfterCents = row.integer(7);
    return t;
}

const QString &clientSelect()
{
    static const QString sql = QStringLiteral("SELECT client_id, name, secret_hash, is_public, "
                                              "redirect_uris, allowed_scopes, created_at FROM clients ");
    return sql;
}

Client readClient(const SqlStatement &row)
{
    Client client;
    client.clientId = row.text(0);
    client.name = row.text(1);
    client.secretHash = row.bytes(2);
    client.isPublic = row.integer(3) != 0;
    client.redirectUris = fromJsonArray(row.text(4));
    client.allowedScopes = splitScopes(row.text(5));
    client.createdAt = row.integer(6);
    return client;
}

const QString &consentSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT id, user_id, client_id, scopes, granted_at, updated_at, revoked_at FROM consents ");
    return sql;
}

Consent readConsent(const SqlStatement &row)
{
    Consent consent;
    consent.id = row.integer(0);
    consent.userId = row.integer(1);
    consent.clientId = row.text(2);
    consent.scopes = splitScopes(row.text(3));
    consent.grantedAt = row.integer(4);
    consent.updatedAt = row.integer(5);
    consent.revokedAt = row.integer(6);
    return consent;
}

const QString &sessionSelect()
{
    static const QString sql
        = QStringLiteral("SELECT id_hash, user_id, auth_time, expires_at, revoked_at, csrf_token FROM "
                         "login_sessions ");
    return sql;
}

LoginSession readSession(const SqlStatement &row)
{
    LoginSession s;
    s.idHash = row.bytes(0);
    s.userId = row.integer(1);
    s.authTime = row.integer(2);
    s.expiresAt = row.integer(3);
    s.revokedAt = row.integer(4);
    s.csrfToken = row.bytes(5);
    return s;
}

const QString &interactionSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT id, kind, client_id, redirect_uri, scopes, state, nonce, code_challenge, "
        "code_challenge_method, "
        "prompt, max_age, csrf_token, user_id, auth_time, created_at, expires_at FROM interactions ");
    return sql;
}

Interaction readInteraction(const SqlStatement &row)
{
    Interaction i;
    i.id = row.text(0);
    i.kind = row.text(1);
    i.clientId = row.text(2);
    i.redirectUri = row.text(3);
    i.scopes = splitScopes(row.text(4));
    i.state = row.text(5);
    i.nonce = row.text(6);
    i.codeChallenge = row.text(7);
    i.codeChallengeMethod = row.text(8);
    i.prompt = row.text(9);
    i.maxAge = row.integer(10);
    i.csrfToken = row.bytes(11);
    i.userId = row.integer(12);
    i.authTime = row.integer(13);
    i.createdAt = row.integer(14);
    i.expiresAt = row.integer(15);
    return i;
}

const QString &codeSelect()
{
    static const QString sql
        = QStringLiteral("SELECT code_hash, client_id, user_id, redirect_uri, scopes, nonce, code_challenge, "
                         "code_challenge_method, "
                         "auth_time, issued_at, expires_at, redeemed_at FROM authorization_codes ");
    return sql;
}

AuthorizationCode readCode(const SqlStatement &row)
{
    AuthorizationCode code;
    code.codeHash = row.bytes(0);
    code.clientId = row.text(1);
    code.userId = row.integer(2);
    code.redirectUri = row.text(3);
    code.scopes = splitScopes(row.text(4));
    code.nonce = row.text(5);
    code.codeChallenge = row.text(6);
    code.codeChallengeMethod = row.text(7);
    code.authTime = row.integer(8);
    code.issuedAt = row.integer(9);
    code.expiresAt = row.integer(10);
    code.redeemedAt = row.integer(11);
    return code;
}

const QString &tokenSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT token_hash, kind, jti, client_id, user_id, scopes, code_hash, family_id, parent_hash, nonce, "
        "auth_time, issued_at, expires_at, rotated_at, revoked_at, revoked_reason FROM tokens ");
    return sql;
}

IssuedToken readToken(const SqlStatement &row)
{
    IssuedToken token;
    token.tokenHash = row.bytes(0);
    token.kind = row.text(1) == QLatin1String("refresh") ? TokenKind::Refresh : TokenKind::Access;
    token.jti = row.text(2);
    token.clientId = row.text(3);
    token.userId = row.integer(4);
    token.scopes = splitScopes(row.text(5));
    token.codeHash = row.bytes(6);
    token.familyId = row.text(7);
    token.parentHash = row.bytes(8);
    token.nonce = row.text(9);
    token.authTime = row.integer(10);
    token.issuedAt = row.integer(11);
    token.expiresAt = row.integer(12);
    token.rotatedAt = row.integer(13);
    token.revokedAt = row.integer(14);
    token.revokedReason = row.text(15);
    return token;
}

// Runs a SELECT expected to yield at most one row and reads it.
template <typename Reader>
auto selectOne(const QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values,
    Reader read) -> std::optional<decltype(read(std::declval<const SqlStatement &>()))>
{
    SqlStatement statement(db, sql);
    if (!statement.exec(values) || !statement.next())
        return std::nullopt;
    return read(statement);
}

template <typename Reader>
auto selectAll(const QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values,
    Reader read) -> QList<decltype(read(std::declval<const SqlStatement &>()))>
{
    QList<decltype(read(std::declval<const SqlStatement &>()))> rows;
    SqlStatement statement(db, sql);
    if (!statement.exec(values))
        return rows;
    while (statement.next())
        rows.append(read(statement));
    return rows;
}

// Runs a statement that changes rows; returns how many it changed, -1 on error.
int change(const QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values)
{
    SqlStatement statement(db, sql);
    if (!statement.exec(values))
        return -1;
    return statement.rowsAffected();
}

bool insertClientRow(const QSqlDatabase &db, const Client &client)
{
    return change(db,
               QStringLiteral("INSERT INTO clients (client_id, name, secret_hash, is_public, redirect_uris, "
                              "allowed_scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
               { client.clientId, client.name, client.secretHash, client.isPublic,
                   toJsonArray(client.redirectUris), joinScopes(client.allowedScopes), client.createdAt })
        == 1;
}

// One booking; the caller holds the transaction that also updates the account's balance.
class TransactionInsert
{
public:
    explicit TransactionInsert(const QSqlDatabase &db)
        : m_statement(db,
            QStringLiteral("INSERT INTO transactions (account_id, booked_on, description, counterparty, "
                           "category, amount_cents, balance_after_cents) VALUES (?, ?, ?, ?, ?, ?, ?)"))
    { }

    bool exec(const BankTransaction &t, qint64 *id = nullptr)
    {
        if (!m_statement.exec({ t.accountId, t.bookedOn.toString(Qt::ISODate), t.description, t.counterparty,
                t.category, t.amountCents, t.balanceAfterCents }))
            return false;
        if (id)
            *id = m_statement.lastInsertId();
        return true;
    }

private:
    SqlStatement m_statement;
};

bool writeSeedContent(const QSqlDatabase &db, const SeedContent &seed)
{
    SqlStatement user(db,
        QStringLiteral("INSERT INTO users (username, password_hash, name, given_name, family_name, "
                       "email, email_verified, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    SqlStatement account(db,
        QStringLiteral("INSERT INTO accounts (id, user_id, kind, name, iban, currency, "
                       "balance_cents) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    TransactionInsert transaction(db);
    // John first: his ids (user, transactions) are the same as when he was the only customer.
    for (const SeedCustomer *customer : { &seed.john, &seed.mallory }) {
        const User &u = customer->user;
        if (!user.exec({ u.username, u.passwordHash, u.name, u.givenName, u.familyName, u.email,
                u.emailVerified, u.updatedAt }))
            return false;
        const qint64 userId = user.lastInsertId();
        for (const BankAccount &a : customer->accounts) {
            if (!account.exec({ a.id, userId, a.kind, a.name, a.iban, a.currency, a.balanceCents }))
                return false;
        }
        for (const BankTransaction &t : customer->transactions) {
            if (!transaction.exec(t))
                return false;
        }
    }
    return insertClientRow(db, seed.coolLoan);
}

} // namespace

BankStore::BankStore(const QString &connectionName, const QString &path)
    : m_connectionName(connectionName)
    , m_path(path)
{ }

BankStore::~BankStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    // Only once no QSqlDatabase refers to the connection any more (Qt warns "still in use" otherwise).
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<BankStore> BankStore::open(const QString &dataDir, QString *error, SeedReport *seed)
{
    if (seed)
        *seed = SeedReport {};
    const QString driver = QStringLiteral("QSQLITE");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        setError(error, QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
        return nullptr;
    }
    // The database holds secrets (the headless bank's signing key among them): directory 0700, files 0600.
    if (!preparePrivateDataDirectory(dataDir, QString::fromLatin1(DatabaseFileName), error))
        return nullptr;
    const QString path = QDir(dataDir).absoluteFilePath(QString::fromLatin1(DatabaseFileName));
    const QString name = QStringLiteral("cfl.storage.%1").arg(++connectionCounter);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            setError(error,
                QStringLiteral("cannot open %1: %2")
                    .arg(QDir::toNativeSeparators(path), db.lastError().text()));
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return nullptr;
        }
    }
    // From here on the store's destructor closes and removes the connection, on every path.
    std::unique_ptr<BankStore> store(new BankStore(name, path));
    if (!store->configureConnection(error) || !migrateSchema(store->database(), error))
        return nullptr;
    const std::optional<bool> populated = store->hasUsers();
    if (!populated) {
        setError(error, QStringLiteral("cannot read the users of %1").arg(QDir::toNativeSeparators(path)));
        return nullptr;
    }
    if (!*populated && !store->seed(false, error, seed))
        return nullptr;
    return store;
}

QSqlDatabase BankStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool BankStore::configureConnection(QString *error)
{
    const QSqlDatabase db = database();
    // A second process (`codeflow-bank register-client`) may write while the bank runs: wait up to 5 s for
    // its lock rather than fail at once. SQLite leaves foreign keys off unless each connection asks. WAL:
    // readers (the GUI's ledger, the other process) never block the bank's writer, nor it them; and with WAL,
    // synchronous=NORMAL is durable enough (a power cut may lose the last commits, never corrupts the file).
    for (const QString &sql : { QStringLiteral("PRAGMA busy_timeout = 5000"),
             QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA synchronous = NORMAL") }) {
        SqlStatement pragma(db, sql);
        if (!pragma.exec()) {
            setError(error,
                QStringLiteral("cannot configure the database connection: %1").arg(pragma.errorText()));
            return false;
        }
    }
    SqlStatement wal(db, QStringLiteral("PRAGMA journal_mode = WAL"));
    if (!wal.exec() || !wal.next()) {
        setError(error, QStringLiteral("cannot switch the database to WAL mode: %1").arg(wal.errorText()));
        return false;
    }
    if (wal.text(0).compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        setError(
            error, QStringLiteral("the database refused WAL mode (journal mode is %1)").arg(wal.text(0)));
        return false;
    }
    return true;
}

std::optional<bool> BankStore::hasUsers() const
{
    return selectOne(database(), QStringLiteral("SELECT EXISTS (SELECT 1 FROM users)"), {},
        [](const SqlStatement &row) { return row.integer(0) != 0; });
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
            if (!deleteAllRows(database()))
                return false;
        } else {
            // Read again under the write lock: another process may have seeded the file meanwhile.
            const std::optional<bool> populated = hasUsers();
            if (!populated)
                return false;
            if (*populated)
                return true;
        }
        wrote = true;
        return writeSeedContent(database(), content);
    });
    if (!ok) {
        setError(error,
            QStringLiteral("cannot write the seed data to %1 (see the cfl.storage log)")
                .arg(QDir::toNativeSeparators(m_path)));
        return false;
    }
    if (report) {
        report->seeded = wrote;
        report->coolLoanSecret = wrote ? coolLoanSecret : QByteArray();
    }
    return true;
}

int BankStore::latestSchemaVersion()
{
    return cfl::latestSchemaVersion();
}

QString BankStore::databasePath() const
{
    return m_path;
}

int BankStore::schemaVersion() const
{
    return schemaVersionOf(database());
}

QString BankStore::journalMode() const
{
    return selectOne(database(), QStringLiteral("PRAGMA journal_mode"), {}, [](const SqlStatement &row) {
        return row.text(0).toLower();
    }).value_or(QString());
}

bool BankStore::reset(QString *error, SeedReport *seed)
{
    if (seed)
        *seed = SeedReport {};
    return this->seed(true, error, seed);
}

bool BankStore::inTransaction(const std::function<bool()> &work)
{
    const QSqlDatabase db = database();
    const bool outermost = m_transactionDepth == 0;
    // Savepoints of the same name nest: ROLLBACK TO / RELEASE act on the innermost one.
    SqlStatement begin(
        db, outermost ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("SAVEPOINT cfl_nested"));
    if (!begin.exec())
        return false;
    ++m_transactionDepth;
    const bool done = work();
    --m_transactionDepth;
    if (done) {
        SqlStatement commit(db, outermost ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE cfl_nested"));
        if (commit.exec())
            return true;
    }
    if (outermost) {
        SqlStatement rollback(db, QStringLiteral("ROLLBACK"));
        rollback.exec();
    } else {
        SqlStatement rollback(db, QStringLiteral("ROLLBACK TO cfl_nested"));
        SqlStatement release(db, QStringLiteral("RELEASE cfl_nested"));
        rollback.exec();
        release.exec();
    }
    return false;
}

// Users

std::optional<User> BankStore::userByUsername(const QString &username) const
{
    return selectOne(database(), userSelect() + QStringLiteral("WHERE username = ?"), { username }, readUser);
}

std::optional<User> BankStore::userById(qint64 id) const
{
    return selectOne(database(), userSelect() + QStringLiteral("WHERE id = ?"), { id }, readUser);
}

// Bank accounts and transactions

QList<BankAccount> BankStore::accountsOf(qint64 userId) const
{
    return selectAll(database(), accountSelect() + QStringLiteral("WHERE user_id = ? ORDER BY id"),
        { userId }, readAccount);
}

std::optional<BankAccount> BankStore::account(const QString &accountId) const
{
    return selectOne(
        database(), accountSelect() + QStringLiteral("WHERE id = ?"), { accountId }, readAccount);
}

QList<BankTransaction> BankStore::transactionsOf(const QString &accountId, int limit) const
{
    // Booking order is insertion order (and the order balance_after chains in), whatever the dates say.
    return selectAll(database(),
        QStringLiteral("SELECT id, account_id, booked_on, description, counterparty, category, "
                       "amount_cents, balance_after_cents FROM transactions WHERE account_id = ? "
                       "ORDER BY id DESC LIMIT ?"),
        { accountId, limit < 0 ? -1 : limit }, readTransaction);
}

std::optional<BankTransaction> BankStore::makePayment(qint64 userId, const QString &fromAccountId,
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
    std::optional<BankTransaction> booked;
    QString refusal;
    const bool ok = inTransaction([&] {
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
        if (!TransactionInsert(database()).exec(t, &t.id))
            return false;
        if (change(database(), QStringLiteral("UPDATE accounts SET balance_cents = ? WHERE id = ?"),
                { t.balanceAfterCents, t.accountId })
            != 1)
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

// Clients

std::optional<Client> BankStore::client(const QString &clientId) const
{
    return selectOne(
        database(), clientSelect() + QStringLiteral("WHERE client_id = ?"), { clientId }, readClient);
}

QList<Client> BankStore::clients() const
{
    return selectAll(database(), clientSelect() + QStringLiteral("ORDER BY client_id"), {}, readClient);
}

bool BankStore::insertClient(const Client &newClient, QString *error)
{
    if (newClient.clientId.isEmpty()) {
        setError(error, QStringLiteral("a client needs a client_id"));
        return false;
    }
    bool exists = false;
    const bool ok = inTransaction([&] {
        exists = client(newClient.clientId).has_value();
        return !exists && insertClientRow(database(), newClient);
    });
    if (!ok) {
        setError(error,
            exists ? QStringLiteral("a client with client_id \"%1\" already exists").arg(newClient.clientId)
                   : QStringLiteral("cannot save the client (see the cfl.storage log)"));
        return false;
    }
    return true;
}

bool BankStore::setClientSecretHash(const QString &clientId, const QByteArray &secretHash)
{
    return change(database(), QStringLiteral("UPDATE clients SET secret_hash = ? WHERE client_id = ?"),
               { secretHash, clientId })
        == 1;
}

// Consents

std::optional<Consent> BankStore::activeConsent(qint64 userId, const QString &clientId) const
{
    return selectOne(database(),
        consentSelect() + QStringLiteral("WHERE user_id = ? AND client_id = ? AND revoked_at = 0"),
        { userId, clientId }, readConsent);
}

QList<Consent> BankStore::consentsOf(qint64 userId) const
{
    return selectAll(database(),
        consentSelect()
            + QStringLiteral("WHERE user_id = ? AND revoked_at = 0 ORDER BY updated_at DESC, id DESC"),
        { userId }, readConsent);
}

QList<Consent> BankStore::allConsents() const
{
    return selectAll(
        database(), consentSelect() + QStringLiteral("ORDER BY updated_at DESC, id DESC"), {}, readConsent);
}

bool BankStore::saveConsent(qint64 userId, const QString &clientId, const QStringList &scopes, qint64 now)
{
    QStringList sorted = scopes;
    sorted.sort();
    sorted.removeDuplicates();
    // A consent given again after a revocation is a new grant; one widened or narrowed keeps its grant time.
    return change(database(),
               QStringLiteral(
                   "INSERT INTO consents (user_id, client_id, scopes, granted_at, updated_at, revoked_at) "
                   "VALUES (?, ?, ?, ?, ?, 0) "
                   "ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, "
                   "granted_at = CASE WHEN consents.revoked_at <> 0 THEN excluded.granted_at "
                   "ELSE consents.granted_at END, "
                   "updated_at = excluded.updated_at, revoked_at = 0"),
               { userId, clientId, joinScopes(sorted), now, now })
        == 1;
}

bool BankStore::revokeConsent(qint64 userId, const QString &clientId, qint64 now)
{
    return change(database(),
               QStringLiteral("UPDATE consents SET revoked_at = ?, updated_at = ? "
                              "WHERE user_id = ? AND client_id = ? AND revoked_at = 0"),
               { now, now, userId, clientId })
        == 1;
}

// Login sessions

bool BankStore::insertSession(const LoginSession &s)
{
    return change(database(),
               QStringLiteral(
                   "INSERT INTO login_sessions (id_hash, user_id, auth_time, expires_at, revoked_at, "
                   "csrf_token) VALUES (?, ?, ?, ?, ?, ?)"),
               { s.idHash, s.userId, s.authTime, s.expiresAt, s.revokedAt, s.csrfToken })
        == 1;
}

std::optional<LoginSession> BankStore::session(const QByteArray &idHash) const
{
    return selectOne(
        database(), sessionSelect() + QStringLiteral("WHERE id_hash = ?"), { idHash }, readSession);
}

QList<LoginSession> BankStore::recentSessions(int limit) const
{
    return selectAll(database(),
        sessionSelect() + QStringLiteral("ORDER BY auth_time DESC, rowid DESC LIMIT ?"),
        { limit < 0 ? -1 : limit }, readSession);
}

bool BankStore::revokeSession(const QByteArray &idHash, qint64 now)
{
    return change(database(),
               QStringLiteral(
                   "UPDATE login_sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at = 0"),
               { now, idHash })
        == 1;
}

// Interactions

bool BankStore::insertInteraction(const Interaction &i)
{
    return change(database(),
               QStringLiteral(
                   "INSERT INTO interactions (id, kind, client_id, redirect_uri, scopes, state, nonce, "
                   "code_challenge, code_challenge_method, prompt, max_age, csrf_token, user_id, "
                   "auth_time, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               { i.id, i.kind, i.clientId, i.redirectUri, joinScopes(i.scopes), i.state, i.nonce,
                   i.codeChallenge, i.codeChallengeMethod, i.prompt, i.maxAge, i.csrfToken, i.userId,
                   i.authTime, i.createdAt, i.expiresAt })
        == 1;
}

std::optional<Interaction> BankStore::interaction(const QString &id) const
{
    return selectOne(
        database(), interactionSelect() + QStringLiteral("WHERE id = ?"), { id }, readInteraction);
}

bool BankStore::updateInteractionLogin(const QString &id, qint64 userId, qint64 authTime)
{
    return change(database(),
               QStringLiteral("UPDATE interactions SET user_id = ?, auth_time = ? WHERE id = ?"),
               { userId, authTime, id })
        == 1;
}

bool BankStore::deleteInteraction(const QString &id)
{
    return change(database(), QStringLiteral("DELETE FROM interactions WHERE id = ?"), { id }) == 1;
}

// Authorization codes

bool BankStore::insertCode(const AuthorizationCode &c)
{
    return change(database(),
               QStringLiteral("INSERT INTO authorization_codes (code_hash, client_id, user_id, redirect_uri, "
                              "scopes, nonce, code_challenge, code_challenge_method, auth_time, issued_at, "
                              "expires_at, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               { c.codeHash, c.clientId, c.userId, c.redirectUri, joinScopes(c.scopes), c.nonce,
                   c.codeChallenge, c.codeChallengeMethod, c.authTime, c.issuedAt, c.expiresAt,
                   c.redeemedAt })
        == 1;
}

std::optional<AuthorizationCode> BankStore::code(const QByteArray &codeHash) const
{
    return selectOne(
        database(), codeSelect() + QStringLiteral("WHERE code_hash = ?"), { codeHash }, readCode);
}

bool BankStore::markCodeRedeemed(const QByteArray &codeHash, qint64 now)
{
    // Single use (RFC 6749 §4.1.2): of two concurrent redemptions exactly one changes the row.
    return change(database(),
               QStringLiteral("UPDATE authorization_codes SET redeemed_at = ? "
                              "WHERE code_hash = ? AND redeemed_at = 0"),
               { now, codeHash })
        == 1;
}

QList<AuthorizationCode> BankStore::recentCodes(int limit) const
{
    return selectAll(database(), codeSelect() + QStringLiteral("ORDER BY issued_at DESC, rowid DESC LIMIT ?"),
        { limit < 0 ? -1 : limit }, readCode);
}

// Tokens

bool BankStore::insertToken(const IssuedToken &t)
{
    return change(database(),
               QStringLiteral(
                   "INSERT INTO tokens (token_hash, kind, jti, client_id, user_id, scopes, code_hash, "
                   "family_id, parent_hash, nonce, auth_time, issued_at, expires_at, rotated_at, "
                   "revoked_at, revoked_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               { t.tokenHash, tokenKindName(t.kind), t.jti, t.clientId, t.userId, joinScopes(t.scopes),
                   t.codeHash, t.familyId, t.parentHash, t.nonce, t.authTime, t.issuedAt, t.expiresAt,
                   t.rotatedAt, t.revokedAt, t.revokedReason })
        == 1;
}

std::optional<IssuedToken> BankStore::token(const QByteArray &tokenHash) const
{
    return selectOne(
        database(), tokenSelect() + QStringLiteral("WHERE token_hash = ?"), { tokenHash }, readToken);
}

std::optional<IssuedToken> BankStore::tokenByJti(const QString &jti) const
{
    // '' is "no jti" (opaque refresh tokens), never a key.
    if (jti.isEmpty())
        return std::nullopt;
    return selectOne(database(), tokenSelect() + QStringLiteral("WHERE jti = ?"), { jti }, readToken);
}

QList<IssuedToken> BankStore::recentTokens(int limit) const
{
    return selectAll(database(),
        tokenSelect() + QStringLiteral("ORDER BY issued_at DESC, rowid DESC LIMIT ?"),
        { limit < 0 ? -1 : limit }, readToken);
}

QList<IssuedToken> BankStore::tokenFamily(const QString &familyId) const
{
    // '' is "no family", never a key (as for jti).
    if (familyId.isEmpty())
        return {};
    return selectAll(database(),
        tokenSelect() + QStringLiteral("WHERE family_id = ? ORDER BY issued_at, rowid"), { familyId },
        readToken);
}

QList<IssuedToken> BankStore::tokensFromCode(const QByteArray &codeHash) const
{
    if (codeHash.isEmpty())
        return {};
    return selectAll(database(),
        tokenSelect() + QStringLiteral("WHERE code_hash = ? ORDER BY issued_at, rowid"), { codeHash },
        readToken);
}

bool BankStore::markTokenRotated(const QByteArray &tokenHash, qint64 now)
{
    // Refresh token rotation (RFC 9700 §4.14.2): of two concurrent uses exactly one wins; the loser's use is
    // a reuse, which the grant answers by revoking the family.
    return change(database(),
               QStringLiteral(
                   "UPDATE tokens SET rotated_at = ? "
                   "WHERE token_hash = ? AND kind = 'refresh' AND rotated_at = 0 AND revoked_at = 0"),
               { now, tokenHash })
        == 1;
}

int BankStore::revokeToken(const QByteArray &tokenHash, qint64 now, const QString &reason)
{
    return change(database(),
        QStringLiteral("UPDATE tokens SET revoked_at = ?, revoked_reason = ? "
                       "WHERE token_hash = ? AND revoked_at = 0"),
        { now, reason, tokenHash });
}

int BankStore::revokeTokensFromCode(const QByteArray &codeHash, qint64 now, const QString &reason)
{
    if (codeHash.isEmpty())
        return 0;
    return change(database(),
        QStringLiteral("UPDATE tokens SET revoked_at = ?, revoked_reason = ? "
                       "WHERE code_hash = ? AND revoked_at = 0"),
        { now, reason, codeHash });
}

int BankStore::revokeFamily(const QString &familyId, qint64 now, const QString &reason)
{
    if (familyId.isEmpty())
        return 0;
    return change(database(),
        QStringLiteral("UPDATE tokens SET revoked_at = ?, revoked_reason = ? "
                       "WHERE family_id = ? AND revoked_at = 0"),
        { now, reason, familyId });
}

int BankStore::revokeTokensOfClient(qint64 userId, const QString &clientId, qint64 now, const QString &reason)
{
    return change(database(),
        QStringLiteral("UPDATE tokens SET revoked_at = ?, revoked_reason = ? "
                       "WHERE client_id = ? AND user_id = ? AND revoked_at = 0"),
        { now, reason, clientId, userId });
}

// Login throttling

BankStore::LoginFailures BankStore::loginFailuresSince(
    const QString &username, const QString &client, qint64 since) const
{
    const std::optional<LoginFailures> failures = selectOne(database(),
        QStringLiteral("SELECT COUNT(*), COALESCE(MAX(failed_at), 0) FROM login_failures "
                       "WHERE username = ? AND client = ? AND failed_at >= ?"),
        { username, client, since }, [](const SqlStatement &row) {
            return LoginFailures { static_cast<int>(row.integer(0)), row.integer(1) };
        });
    // Fails closed: when the count cannot be read, throttling acts as if the limit were reached.
    return failures ? *failures : LoginFailures { std::numeric_limits<int>::max(), 0 };
}

bool BankStore::recordLoginFailure(const QString &username, const QString &client, qint64 now)
{
    return change(database(),
               QStringLiteral("INSERT INTO login_failures (username, client, failed_at) VALUES (?, ?, ?)"),
               { username, client, now })
        == 1;
}

bool BankStore::clearLoginFailures(const QString &username, const QString &client)
{
    return change(database(), QStringLiteral("DELETE FROM login_failures WHERE username = ? AND client = ?"),
               { username, client })
        >= 0;
}

int BankStore::purgeLoginFailures(qint64 before)
{
    return change(database(), QStringLiteral("DELETE FROM login_failures WHERE failed_at < ?"), { before });
}

// Audit log

bool BankStore::audit(qint64 at, const QString &event, const QString &clientId, const QString &username,
    const QString &detail, const QString &checkId)
{
    return change(database(),
               QStringLiteral("INSERT INTO audit_log (at, event, client_id, username, detail, check_id) "
                              "VALUES (?, ?, ?, ?, ?, ?)"),
               { at, event, clientId, username, detail, checkId })
        == 1;
}

QList<AuditEntry> BankStore::auditLog(int limit) const
{
    return selectAll(database(),
        QStringLiteral("SELECT id, at, event, client_id, username, detail, check_id FROM audit_log "
                       "ORDER BY id DESC LIMIT ?"),
        { limit < 0 ? -1 : limit }, [](const SqlStatement &row) {
            AuditEntry entry;
            entry.id = row.integer(0);
            entry.at = row.integer(1);
            entry.event = row.text(2);
            entry.clientId = row.text(3);
            entry.username = row.text(4);
            entry.detail = row.text(5);
            entry.checkId = row.text(6);
            return entry;
        });
}

// Signing key

std::optional<QByteArray> BankStore::signingKeyJwk() const
{
    return selectOne(database(),
        QStringLiteral("SELECT private_jwk FROM signing_keys ORDER BY rowid DESC LIMIT 1"), {},
        [](const SqlStatement &row) { return row.bytes(0); });
}

bool BankStore::saveSigningKeyJwk(const QString &kid, const QByteArray &privateJwk)
{
    if (kid.isEmpty() || privateJwk.isEmpty())
        return false;
    return change(database(),
               // REPLACE deletes the old row and inserts a new one: the key saved last is the newest row.
               QStringLiteral(
                   "INSERT OR REPLACE INTO signing_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)"),
               { kid, privateJwk, QDateTime::currentSecsSinceEpoch() })
        == 1;
}

// Housekeeping

int BankStore::purgeExpired(qint64 now, qint64 graceSeconds)
{
    const qint64 cutoff = now - graceSeconds;
    int deleted = 0;
    const bool ok = inTransaction([&] {
        for (const QString &sql : { QStringLiteral("DELETE FROM interactions WHERE expires_at < ?"),
                 QStringLiteral("DELETE FROM authorization_codes WHERE expires_at < ?"),
                 QStringLiteral("DELETE FROM login_sessions WHERE expires_at < ?") }) {
            const int rows = change(database(), sql, { cutoff });
            if (rows < 0)
                return false;
            deleted += rows;
        }
        return true;
    });
    return ok ? deleted : -1;
}

} // namespace cfl
