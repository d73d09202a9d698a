#include "storage/SqlStatement.h"

#include <QSqlError>

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
    if (m_query.exec())
        return true;
    qCWarning(lcStorage).noquote() << "failed:" << m_sql.simplified() << "-" << errorText();
    return false;
}

QString SqlStatement::errorText() const
{
    return m_query.lastError().text();
}

} // namespace cfl
