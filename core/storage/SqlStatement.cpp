#include "storage/SqlStatement.h"

#include <QSqlError>
#include <QSqlRecord>

#include <cstring>

namespace cfl {

Q_LOGGING_CATEGORY(lcStorage, "cfl.storage")

namespace {

QVariant storable(const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::QByteArray:
    case QMetaType::QString: {
        // Qt binds a null QString as NULL; "not given" is '' in this schema.
        const QString text = value.metaType().id() == QMetaType::QByteArray
            ? QString::fromUtf8(value.toByteArray())
            : value.toString();
        return text.isNull() ? QString(QLatin1String("")) : text;
    }
    case QMetaType::Bool:
        return value.toBool() ? 1 : 0;
    default:
        return value;
    }
}

} // namespace

SqlStatement::SqlStatement(const QSqlDatabase &db, const QString &sql)
    : m_query(db)
    , m_sql(sql)
{
    // Forward-only: rows are read once, and Qt then does not cache the whole result set.
    m_query.setForwardOnly(true);
    m_prepared = m_query.prepare(sql);
    if (!m_prepared)
        qCWarning(lcStorage).noquote() << "cannot prepare" << m_sql.simplified() << "-" << errorText();
}

bool SqlStatement::exec(std::initializer_list<QVariant> values)
{
    if (!m_prepared)
        return false;
    int position = 0;
    for (const QVariant &value : values)
        m_query.bindValue(position++, storable(value));
    m_cursor = 0;
    if (m_query.exec())
        return true;
    qCWarning(lcStorage).noquote() << "failed:" << m_sql.simplified() << "-" << errorText();
    return false;
}

bool SqlStatement::next()
{
    m_cursor = 0;
    return m_query.next();
}

void SqlStatement::finish()
{
    m_query.finish();
}

QString SqlStatement::errorText() const
{
    return m_query.lastError().text();
}

QVariant SqlStatement::value(const char *column) const
{
    const int index = columnIndex(column);
    return index < 0 ? QVariant() : m_query.value(index);
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
    const int index = m_query.record().indexOf(QLatin1String(name));
    if (index < 0)
        qCWarning(lcStorage).noquote() << "no column" << name << "in" << m_sql.simplified();
    m_columns.push_back({ name, index });
    m_cursor = m_columns.size();
    return index;
}

} // namespace cfl
