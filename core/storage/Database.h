#pragma once
// The bank's SQLite file and one Qt Sql connection to it: opening (a private data directory, pragmas,
// migrations), transactions, and the prepared statements every store runs. The stores (UserStore,
// AccountStore, ClientStore, ConsentStore, SessionStore, GrantLedger, AuditLog, KeyStore) each hold a
// Database& and keep their SQL and row mapping beside them; BankStore bundles them.
//
// A Database must be used on the thread that opened it (Qt Sql connections are per thread). Failures are
// logged under the "cfl.storage" category, without values.

#include "storage/SqlStatement.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

namespace cfl {

class Database
{
public:
    static constexpr auto FileName = "bank.sqlite";

    // Opens (creating the directory and file) DIR/bank.sqlite and migrates it to the latest schema.
    static std::unique_ptr<Database> open(const QString &dataDir, QString *error);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // The schema version this build migrates to (PRAGMA user_version after open()).
    static int latestSchemaVersion();

    QString path() const;
    int schemaVersion() const; // -1 when it cannot be read
    QString journalMode() const; // "wal" once open() succeeded

    // Runs `work` in one SQL transaction; commits when it returns true, rolls back otherwise. The outermost
    // call takes the write lock at once (BEGIN IMMEDIATE, so busy_timeout applies, not SQLITE_BUSY on the
    // first write); nested calls become savepoints, so any store's methods may be called inside `work`.
    bool inTransaction(const std::function<bool()> &work);
    // Whether this connection is inside inTransaction()'s work now.
    bool isInTransaction() const { return m_transactionDepth > 0; }
    // Deletes every row of every table (the schema stays). The caller holds the transaction.
    bool deleteAllRows();

    // A statement lent from the cache: prepared once per connection and SQL text (SQLite's parser is not
    // run again for every request), its result ended and the statement given back when the lease goes.
    // A statement still lent (an outer caller is reading its rows) is never bound again by a nested call:
    // that call gets a statement of its own. Only constant SQL texts come here (values are always bound),
    // so the cache holds one entry per statement in the source.
    class Statement
    {
    public:
        Statement(Statement &&other) noexcept;
        Statement(const Statement &) = delete;
        Statement &operator=(const Statement &) = delete;
        Statement &operator=(Statement &&) = delete;
        ~Statement();

        SqlStatement *operator->() const { return m_statement; }
        SqlStatement &operator*() const { return *m_statement; }

    private:
        friend class Database;
        Statement(SqlStatement *cached, bool *inUse);
        explicit Statement(std::unique_ptr<SqlStatement> own);

        SqlStatement *m_statement = nullptr;
        bool *m_inUse = nullptr; // the cache entry's flag; null for a statement of its own
        std::unique_ptr<SqlStatement> m_own;
    };
    Statement statement(const QString &sql);
    // How many statements the cache holds (what a test reads to see that a second call prepared nothing).
    int cachedStatements() const { return static_cast<int>(m_statements.size()); }

    // Runs a statement that changes rows; returns how many it changed, -1 on error.
    int change(const QString &sql, std::initializer_list<QVariant> values);

    // Runs a SELECT expected to yield at most one row and maps it with `read`.
    template <typename Reader>
    auto selectOne(const QString &sql, std::initializer_list<QVariant> values, Reader read)
        -> std::optional<decltype(read(std::declval<const SqlStatement &>()))>
    {
        Statement select = statement(sql);
        if (!select->exec(values) || !select->next())
            return std::nullopt;
        return read(*select);
    }

    // Runs a SELECT and maps every row with `read`.
    template <typename Reader>
    auto selectAll(const QString &sql, std::initializer_list<QVariant> values, Reader read)
        -> QList<decltype(read(std::declval<const SqlStatement &>()))>
    {
        QList<decltype(read(std::declval<const SqlStatement &>()))> rows;
        Statement select = statement(sql);
        if (!select->exec(values))
            return rows;
        while (select->next())
            rows.append(read(*select));
        return rows;
    }

private:
    Database(const QString &connectionName, const QString &path);
    QSqlDatabase connection() const;
    bool configure(QString *error);

    struct CachedStatement
    {
        std::unique_ptr<SqlStatement> statement;
        bool inUse = false;
    };

    QString m_connectionName; // unique per instance: Qt Sql connections are per name and per thread
    QString m_path;
    int m_transactionDepth = 0;
    // Node-based: a lent statement and its flag keep their address while other entries are added.
    std::unordered_map<QString, CachedStatement> m_statements;
};

} // namespace cfl
