#pragma once
// One prepared SQL statement with its values bound by position and its columns read by name (private to
// storage/). The only way the storage layer runs SQL, so that no value is ever spliced into statement text
// and every failure is logged the same way: the statement's text (placeholders only) and SQLite's message,
// never a value. Database keeps one of each per connection (Database::statement) and lends it out.
//
// The connection is Qt Sql's; the statement is SQLite's own (sqlite3_stmt, on the handle QSqlDriver::handle()
// gives): QSqlQuery built a record of QSqlFields and QVariants for every row and rewrote its placeholders
// on every exec, which cost more than SQLite's work in the bank's hot paths (docs/benchmarks.md).

#include <QByteArray>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace cfl {

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

class SqlStatement
{
public:
    SqlStatement(const QSqlDatabase &db, const QString &sql);
    ~SqlStatement();
    SqlStatement(const SqlStatement &) = delete;
    SqlStatement &operator=(const SqlStatement &) = delete;

    bool isPrepared() const { return m_prepared; }

    // Binds `values` to the `?` placeholders in order and runs the statement; may be called again with
    // new values. Every value is stored as INTEGER or TEXT: QByteArray becomes UTF-8 TEXT and a null
    // QString the empty string, so that the schema never sees NULL ("not set" is 0 or '').
    bool exec(std::initializer_list<QVariant> values = {});
    bool next();
    // Ends the current result set (sqlite3_reset: no read lock is left behind); the statement stays
    // prepared for the next exec.
    void finish();

    // Columns by the name the SELECT gives them (a string literal: its address is what is remembered).
    // Each name is looked up in the result's columns once per statement, not once per row.
    QString text(const char *column) const;
    QByteArray bytes(const char *column) const;
    qint64 integer(const char *column) const;
    // Never by position (0 would otherwise pass as a null name).
    QString text(int) const = delete;
    QByteArray bytes(int) const = delete;
    qint64 integer(int) const = delete;

    int rowsAffected() const { return m_rowsAffected; }
    qint64 lastInsertId() const { return m_lastInsertId; }
    QString errorText() const;

private:
    bool bind(int position, const QVariant &value);
    bool step(bool *failed); // one sqlite3_step: true with a row; false when done, or failed (*failed)
    int columnIndex(const char *column) const;
    // The column's text in the current row; nullopt without such a column, without a row, or for NULL.
    std::optional<QByteArrayView> columnText(const char *column) const;
    void fail(const char *what);

    struct Column
    {
        const char *name;
        int index;
    };

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_sql;
    bool m_prepared = false;
    bool m_rowWaiting = false; // exec stepped to the first row, which next() hands out
    bool m_hasRow = false; // the columns may be read
    QString m_error;
    int m_rowsAffected = 0;
    qint64 m_lastInsertId = 0;
    // The names asked for so far with their result column, in the order a row mapping asks for them, so
    // that the next name asked is nearly always the one at m_cursor.
    mutable std::vector<Column> m_columns;
    mutable std::size_t m_cursor = 0;
};

} // namespace cfl
