#include "storage/Database.h"

#include "storage/PrivateDataDirectory.h"
#include "storage/Schema.h"

#include <QDir>
#include <QMutexLocker>
#include <QRecursiveMutex>
#include <QSqlError>

#include <atomic>
#include <optional>

namespace cfl {

namespace {

std::atomic<quint64> connectionCounter { 0 };

// One writer at a time among this process's connections (the bank's threads each have one:
// bank/BankWorkers.h). SQLite lets one connection write and makes the others wait in its busy handler, which
// sleeps 1, 2, 5, 10 ms and more between tries: a request would wait milliseconds for a write that takes
// microseconds. Writers of this process queue here instead; another process (`codeflow-bank register-client`)
// still meets the busy timeout. Recursive: a thread that writes through a second connection inside its
// transaction (none does today) would deadlock itself otherwise.
QRecursiveMutex &writeLock()
{
    static QRecursiveMutex lock;
    return lock;
}

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

} // namespace

Database::Statement::Statement(SqlStatement *cached, bool *inUse)
    : m_statement(cached)
    , m_inUse(inUse)
{
    *m_inUse = true;
}

Database::Statement::Statement(std::unique_ptr<SqlStatement> own)
    : m_statement(own.get())
    , m_own(std::move(own))
{ }

Database::Statement::Statement(Statement &&other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_inUse(std::exchange(other.m_inUse, nullptr))
    , m_own(std::move(other.m_own))
{ }

Database::Statement::~Statement()
{
    if (m_statement)
        m_statement->finish();
    if (m_inUse)
        *m_inUse = false;
}

Database::Database(const QString &connectionName, const QString &path)
    : m_connectionName(connectionName)
    , m_path(path)
{ }

Database::~Database()
{
    // The prepared statements first: they belong to the connection that is closed next.
    m_statements.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    // Only once no QSqlDatabase refers to the connection any more (Qt warns "still in use" otherwise).
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<Database> Database::open(const QString &dataDir, QString *error)
{
    const QString driver = QStringLiteral("QSQLITE");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        setError(error, QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
        return nullptr;
    }
    // The database holds secrets (the headless bank's signing key among them): directory 0700, files 0600.
    if (!preparePrivateDataDirectory(dataDir, QString::fromLatin1(FileName), error))
        return nullptr;
    const QString path = QDir(dataDir).absoluteFilePath(QString::fromLatin1(FileName));
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
    // From here on the destructor closes and removes the connection, on every path.
    std::unique_ptr<Database> database(new Database(name, path));
    if (!database->configure(error) || !migrateSchema(database->connection(), error))
        return nullptr;
    return database;
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool Database::configure(QString *error)
{
    const QSqlDatabase db = connection();
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
    const QString mode = wal.text("journal_mode");
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        setError(error, QStringLiteral("the database refused WAL mode (journal mode is %1)").arg(mode));
        return false;
    }
    return true;
}

int Database::latestSchemaVersion()
{
    return cfl::latestSchemaVersion();
}

QString Database::path() const
{
    return m_path;
}

int Database::schemaVersion() const
{
    return schemaVersionOf(connection());
}

QString Database::journalMode() const
{
    SqlStatement pragma(connection(), QStringLiteral("PRAGMA journal_mode"));
    if (!pragma.exec() || !pragma.next())
        return QString();
    return pragma.text("journal_mode").toLower();
}

bool Database::deleteAllRows()
{
    return cfl::deleteAllRows(connection());
}

Database::Statement Database::statement(const QString &sql)
{
    auto [entry, added] = m_statements.try_emplace(sql);
    CachedStatement &cached = entry->second;
    if (cached.inUse)
        return Statement(std::make_unique<SqlStatement>(connection(), sql));
    // One that failed to prepare (the file was locked, say) is prepared again rather than kept broken.
    if (!cached.statement || !cached.statement->isPrepared())
        cached.statement = std::make_unique<SqlStatement>(connection(), sql);
    return Statement(cached.statement.get(), &cached.inUse);
}

int Database::change(const QString &sql, std::initializer_list<QVariant> values)
{
    // Inside a transaction this thread holds the lock already.
    std::optional<QMutexLocker<QRecursiveMutex>> writing;
    if (m_transactionDepth == 0)
        writing.emplace(&writeLock());
    Statement statement = this->statement(sql);
    if (!statement->exec(values))
        return -1;
    return statement->rowsAffected();
}

bool Database::inTransaction(const std::function<bool()> &work)
{
    static const QString begin = QStringLiteral("BEGIN IMMEDIATE");
    static const QString commit = QStringLiteral("COMMIT");
    static const QString rollback = QStringLiteral("ROLLBACK");
    // Savepoints of the same name nest: ROLLBACK TO / RELEASE act on the innermost one.
    static const QString savepoint = QStringLiteral("SAVEPOINT cfl_nested");
    static const QString release = QStringLiteral("RELEASE cfl_nested");
    static const QString rollbackToSavepoint = QStringLiteral("ROLLBACK TO cfl_nested");

    const bool outermost = m_transactionDepth == 0;
    std::optional<QMutexLocker<QRecursiveMutex>> writing;
    if (outermost)
        writing.emplace(&writeLock());
    if (!statement(outermost ? begin : savepoint)->exec())
        return false;
    ++m_transactionDepth;
    const bool done = work();
    --m_transactionDepth;
    if (done && statement(outermost ? commit : release)->exec())
        return true;
    if (outermost) {
        statement(rollback)->exec();
    } else {
        statement(rollbackToSavepoint)->exec();
        statement(release)->exec();
    }
    return false;
}

} // namespace cfl
