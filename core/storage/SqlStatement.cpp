#include "storage/SqlStatement.h"

#include <QSqlDriver>

#include <cstring>
#include <sqlite3.h>

namespace cfl {

Q_LOGGING_CATEGORY(lcStorage, "cfl.storage")

namespace {

// The connection's SQLite handle, as QSqlDriver::handle() documents it for QSQLITE; null when `db` is not
// an open SQLite connection.
sqlite3 *handleOf(const QSqlDatabase &db)
{
    const QSqlDriver *driver = db.driver();
    if (!driver || !db.isOpen())
        return nullptr;
    const QVariant handle = driver->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

} // namespace

SqlStatement::SqlStatement(const QSqlDatabase &db, const QString &sql)
    : m_db(handleOf(db))
    , m_sql(sql)
{
    if (!m_db) {
        m_error = QStringLiteral("no open SQLite connection");
        qCWarning(lcStorage).noquote() << "cannot prepare" << m_sql.simplified() << "-" << m_error;
        return;
    }
    const QByteArray utf8 = sql.toUtf8();
    const char *tail = nullptr;
    // Persistent: the statement is kept for the connection's life (Database::statement).
    if (sqlite3_prepare_v3(
            m_db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &m_statement, &tail)
        != SQLITE_OK) {
        fail("cannot prepare");
        return;
    }
    if (!m_statement) {
        m_error = QStringLiteral("no statement in the text");
        qCWarning(lcStorage).noquote() << "cannot prepare" << m_sql.simplified() << "-" << m_error;
        return;
    }
    // One statement per text, as Qt Sql had it: what follows a ';' would silently not run.
    if (tail && !QByteArrayView(tail, utf8.constData() + utf8.size() - tail).trimmed().isEmpty()) {
        m_error = QStringLiteral("more than one statement in the text");
        qCWarning(lcStorage).noquote() << "cannot prepare" << m_sql.simplified() << "-" << m_error;
        return;
    }
    m_prepared = true;
}

SqlStatement::~SqlStatement()
{
    sqlite3_finalize(m_statement);
}

void SqlStatement::fail(const char *what)
{
    m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    qCWarning(lcStorage).noquote() << what << m_sql.simplified() << "-" << m_error;
}

bool SqlStatement::bind(int position, const QVariant &value)
{
    int rc = SQLITE_OK;
    switch (value.metaType().id()) {
    case QMetaType::UnknownType:
        rc = sqlite3_bind_null(m_statement, position);
        break;
    case QMetaType::Bool:
        rc = sqlite3_bind_int64(m_statement, position, value.toBool() ? 1 : 0);
        break;
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
        rc = sqlite3_bind_int64(m_statement, position, value.toLongLong());
        break;
    case QMetaType::Double:
    case QMetaType::Float:
        rc = sqlite3_bind_double(m_statement, position, value.toDouble());
        break;
    default: {
        // Text, and "not given" is '' in this schema: a null QString or QByteArray binds the empty string,
        // never NULL. QByteArray is UTF-8 already.
        const QByteArray utf8 = value.metaType().id() == QMetaType::QByteArray ? value.toByteArray()
                                                                               : value.toString().toUtf8();
        rc = sqlite3_bind_text(
            m_statement, position, utf8.isNull() ? "" : utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
        break;
    }
    }
    if (rc == SQLITE_OK)
        return true;
    fail("cannot bind a value for");
    return false;
}

bool SqlStatement::step(bool *failed)
{
    const int rc = sqlite3_step(m_statement);
    m_hasRow = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE) {
        m_rowsAffected = sqlite3_changes(m_db);
        m_lastInsertId = sqlite3_last_insert_rowid(m_db);
        return false;
    }
    *failed = true;
    fail("failed:");
    sqlite3_reset(m_statement);
    return false;
}

bool SqlStatement::exec(std::initializer_list<QVariant> values)
{
    if (!m_prepared)
        return false;
    sqlite3_reset(m_statement);
    m_hasRow = m_rowWaiting = false;
    m_cursor = 0;
    if (int(values.size()) != sqlite3_bind_parameter_count(m_statement)) {
        m_error = QStringLiteral("%1 values for %2 placeholders")
                      .arg(values.size())
                      .arg(sqlite3_bind_parameter_count(m_statement));
        qCWarning(lcStorage).noquote() << "failed:" << m_sql.simplified() << "-" << m_error;
        return false;
    }
    int position = 1;
    for (const QVariant &value : values) {
        if (!bind(position++, value))
            return false;
    }
    // The first row, if any, is read here (as Qt Sql did): a write runs to its end, and next() hands
    // out the row.
    bool failed = false;
    m_rowWaiting = step(&failed);
    return !failed;
}

bool SqlStatement::next()
{
    m_cursor = 0;
    if (m_rowWaiting) {
        m_rowWaiting = false;
        return true;
    }
    if (!m_hasRow)
        return false;
    bool failed = false;
    return step(&failed);
}

void SqlStatement::finish()
{
    // Ends the statement's read of the database (in WAL, its snapshot); the statement stays prepared.
    if (m_statement)
        sqlite3_reset(m_statement);
    m_hasRow = m_rowWaiting = false;
}

QString SqlStatement::errorText() const
{
    return m_error;
}

std::optional<QByteArrayView> SqlStatement::columnText(const char *column) const
{
    const int index = columnIndex(column);
    if (index < 0 || !m_hasRow)
        return std::nullopt;
    const auto *value = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, index));
    if (!value)
        return std::nullopt; // NULL
    return QByteArrayView(value, sqlite3_column_bytes(m_statement, index));
}

QString SqlStatement::text(const char *column) const
{
    const auto value = columnText(column);
    if (!value)
        return QString();
    return value->isEmpty() ? QString(QLatin1String("")) : QString::fromUtf8(*value);
}

QByteArray SqlStatement::bytes(const char *column) const
{
    const auto value = columnText(column);
    return value ? value->toByteArray() : QByteArray();
}

qint64 SqlStatement::integer(const char *column) const
{
    const int index = columnIndex(column);
    if (index < 0 || !m_hasRow)
        return 0;
    return sqlite3_column_int64(m_statement, index);
}

int SqlStatement::columnIndex(const char *name) const
{
    const std::size_t known = m_columns.size();
    for (std::size_t step = 0; step < known; ++step) {
        const std::size_t at = (m_cursor + step) % known;
        const Column &column = m_columns[at];
        if (column.name == name || std::strcmp(column.name, name) == 0) {
            m_cursor = at + 1;
            return column.index;
        }
    }
    // The first time this statement is asked for the name: find it among the result's columns, once.
    int index = -1;
    const int count = m_statement ? sqlite3_column_count(m_statement) : 0;
    for (int i = 0; i < count && index < 0; ++i) {
        if (const char *columnName = sqlite3_column_name(m_statement, i);
            columnName && std::strcmp(columnName, name) == 0)
            index = i;
    }
    if (index < 0)
        qCWarning(lcStorage).noquote() << "no column" << name << "in" << m_sql.simplified();
    m_columns.push_back({ name, index });
    m_cursor = m_columns.size();
    return index;
}

} // namespace cfl
