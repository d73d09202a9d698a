#include "storage/AuditLog.h"

#include "storage/Database.h"

namespace cfl {

namespace {

// The row mapping: audit_log.
AuditEntry readEntry(const SqlStatement &row)
{
    AuditEntry entry;
    entry.id = row.integer("id");
    entry.at = row.integer("at");
    entry.event = row.text("event");
    entry.clientId = row.text("client_id");
    entry.username = row.text("username");
    entry.detail = row.text("detail");
    entry.checkId = row.text("check_id");
    return entry;
}

} // namespace

bool AuditLog::record(qint64 at, const QString &event, const QString &clientId, const QString &username,
    const QString &detail, const QString &checkId)
{
    static const QString sql = QStringLiteral(
        "INSERT INTO audit_log (at, event, client_id, username, detail, check_id) VALUES (?, ?, ?, ?, ?, ?)");
    return m_db.change(sql, { at, event, clientId, username, detail, checkId }) == 1;
}

QList<AuditEntry> AuditLog::recent(int limit) const
{
    static const QString sql = QStringLiteral("SELECT id, at, event, client_id, username, detail, check_id "
                                              "FROM audit_log ORDER BY id DESC LIMIT ?");
    return m_db.selectAll(sql, { limit < 0 ? -1 : limit }, readEntry);
}

} // namespace cfl
