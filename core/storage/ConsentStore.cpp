#include "storage/ConsentStore.h"

#include "storage/Database.h"
#include "storage/ScopeList.h"

namespace cfl {

namespace {

// The row mapping: consents.

const QString &consentSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT id, user_id, client_id, scopes, granted_at, updated_at, revoked_at FROM consents ");
    return sql;
}

Consent readConsent(const SqlStatement &row)
{
    Consent consent;
    consent.id = row.integer("id");
    consent.userId = row.integer("user_id");
    consent.clientId = row.text("client_id");
    consent.scopes = scopes::parse(row.text("scopes"));
    consent.grantedAt = row.integer("granted_at");
    consent.updatedAt = row.integer("updated_at");
    consent.revokedAt = row.integer("revoked_at");
    return consent;
}

} // namespace

std::optional<Consent> ConsentStore::activeConsent(qint64 userId, const QString &clientId) const
{
    static const QString sql
        = consentSelect() + QStringLiteral("WHERE user_id = ? AND client_id = ? AND revoked_at = 0");
    return m_db.selectOne(sql, { userId, clientId }, readConsent);
}

QList<Consent> ConsentStore::consentsOf(qint64 userId) const
{
    static const QString sql = consentSelect()
        + QStringLiteral("WHERE user_id = ? AND revoked_at = 0 ORDER BY updated_at DESC, id DESC");
    return m_db.selectAll(sql, { userId }, readConsent);
}

QList<Consent> ConsentStore::allConsents() const
{
    static const QString sql = consentSelect() + QStringLiteral("ORDER BY updated_at DESC, id DESC");
    return m_db.selectAll(sql, {}, readConsent);
}

bool ConsentStore::saveConsent(qint64 userId, const QString &clientId, const QStringList &granted, qint64 now)
{
    // A consent given again after a revocation is a new grant; one widened or narrowed keeps its grant time.
    static const QString sql = QStringLiteral(
        "INSERT INTO consents (user_id, client_id, scopes, granted_at, updated_at, revoked_at) "
        "VALUES (?, ?, ?, ?, ?, 0) "
        "ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, "
        "granted_at = CASE WHEN consents.revoked_at <> 0 THEN excluded.granted_at "
        "ELSE consents.granted_at END, "
        "updated_at = excluded.updated_at, revoked_at = 0");
    return m_db.change(sql, { userId, clientId, scopes::join(scopes::sorted(granted)), now, now }) == 1;
}

bool ConsentStore::revokeConsent(qint64 userId, const QString &clientId, qint64 now)
{
    static const QString sql = QStringLiteral("UPDATE consents SET revoked_at = ?, updated_at = ? "
                                              "WHERE user_id = ? AND client_id = ? AND revoked_at = 0");
    return m_db.change(sql, { now, now, userId, clientId }) == 1;
}

} // namespace cfl
