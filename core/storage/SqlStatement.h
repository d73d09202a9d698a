#pragma once
// One prepared SQL statement with its values bound by position and its columns read by name (private to
// storage/). The only way the storage layer runs SQL, so that no value is ever spliced into statement text
// and every failure is logged the same way: the statement's text (placeholders only) and SQLite's message,
// never a value. Database keeps one of each per connection (Database::statement) and lends it out.

#include <QByteArray>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace cfl {

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

class SqlStatement
{
public:
    SqlStatement(const QSqlDatabase &db, const QString &sql);

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
    QString text(const char *column) const { return value(column).toString(); }
    QByteArray bytes(const char *column) const { return value(column).toString().toUtf8(); }
    qint64 integer(const char *column) const { return value(column).toLongLong(); }
    // Never by position (0 would otherwise pass as a null name).
    QString text(int) const = delete;
    QByteArray bytes(int) const = delete;
    qint64 integer(int) const = delete;

    int rowsAffected() const { return m_query.numRowsAffected(); }
    qint64 lastInsertId() const { return m_query.lastInsertId().toLongLong(); }
    QString errorText() const;

private:
    QVariant value(const char *column) const;
    int columnIndex(const char *column) const;

    struct Column
    {
        const char *name;
        int index;
    };

    QSqlQuery m_query;
    QString m_sql;
    bool m_prepared = false;
    // The names asked for so far with their result column, in the order a row mapping asks for them, so
    // that the next name asked is nearly always the one at m_cursor.
    mutable std::vector<Column> m_columns;
    mutable std::size_t m_cursor = 0;
};

} // namespace cfl
