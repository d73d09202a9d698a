#pragma once
// One prepared SQL statement with its values bound by position (private to storage/). The only way the
// storage layer runs SQL, so that no value is ever spliced into statement text and every failure is
// logged the same way: the statement's text (placeholders only) and SQLite's message, never a value.

#include <QByteArray>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <initializer_list>

namespace cfl {

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

class SqlStatement
{
public:
    SqlStatement(const QSqlDatabase &db, const QString &sql);

    // Binds `values` to the `?` placeholders in order and runs the statement; may be called again with
    // new values. Every value is stored as INTEGER or TEXT: QByteArray becomes UTF-8 TEXT and a null
    // QString the empty string, so that the schema never sees NULL ("not set" is 0 or '').
    bool exec(std::initializer_list<QVariant> values = {});

    bool next() { return m_query.next(); }
    QString text(int column) const { return m_query.value(column).toString(); }
    QByteArray bytes(int column) const { return m_query.value(column).toString().toUtf8(); }
    qint64 integer(int column) const { return m_query.value(column).toLongLong(); }

    int rowsAffected() const { return m_query.numRowsAffected(); }
    qint64 lastInsertId() const { return m_query.lastInsertId().toLongLong(); }
    QString errorText() const;

private:
    QSqlQuery m_query;
    QString m_sql;
    bool m_prepared = false;
};

} // namespace cfl
