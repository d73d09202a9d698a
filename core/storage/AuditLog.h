#pragma once
// The audit log: every grant, login, consent, revocation and refusal, newest last. A refusal names the
// check behind it (`checkId`, bank/Check.h, e.g. "token.code.pkce").

#include "storage/BankRecords.h"

#include <QList>

namespace cfl {

class Database;

class AuditLog
{
public:
    explicit AuditLog(Database &db)
        : m_db(db)
    { }

    bool record(qint64 at, const QString &event, const QString &clientId, const QString &username,
        const QString &detail, const QString &checkId = {});
    QList<AuditEntry> recent(int limit = 200) const; // newest first

private:
    Database &m_db;
};

} // namespace cfl
