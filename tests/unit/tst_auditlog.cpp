// AuditLog: newest first, and the check behind a refusal.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "unit/StoreTestSupport.h"

#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

class tst_AuditLog : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void auditLogNewestFirst();
    void auditLogNamesTheRefusingCheck();
};

void tst_AuditLog::auditLogNewestFirst()
{
    QVERIFY(m_store->auditLog().recent().isEmpty());
    QVERIFY(m_store->auditLog().record(kNow, text("login"), QString(), text("john"), text("password")));
    QVERIFY(m_store->auditLog().record(
        kNow + 1, text("consent"), text("coolloan"), text("john"), text("openid accounts:read")));
    QVERIFY(m_store->auditLog().record(
        kNow + 2, text("grant"), text("coolloan"), text("john"), text("authorization_code")));

    const QList<AuditEntry> log = m_store->auditLog().recent();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log[0].event, text("grant"));
    QCOMPARE(log[0].at, kNow + 2);
    QCOMPARE(log[0].clientId, text("coolloan"));
    QCOMPARE(log[0].username, text("john"));
    QCOMPARE(log[0].detail, text("authorization_code"));
    QCOMPARE(log[1].event, text("consent"));
    QCOMPARE(log[2].event, text("login"));
    QVERIFY(log[2].clientId.isEmpty());
    QVERIFY(log[0].id > log[1].id && log[1].id > log[2].id);

    QCOMPARE(m_store->auditLog().recent(2).size(), 2);
    QCOMPARE(m_store->auditLog().recent(2)[0].event, text("grant"));
}

void tst_AuditLog::auditLogNamesTheRefusingCheck()
{
    QVERIFY(m_store->auditLog().record(
        kNow, text("grant"), text("coolloan"), text("john"), text("tokens issued")));
    QVERIFY(m_store->auditLog().record(kNow + 1, text("refusal"), text("coolloan"), QString(),
        text("invalid_grant: code_verifier does not match the code_challenge"), text("token.code.pkce")));

    const QList<AuditEntry> log = m_store->auditLog().recent();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].event, text("refusal"));
    QCOMPARE(log[0].checkId, text("token.code.pkce"));
    QCOMPARE(log[1].event, text("grant"));
    QVERIFY(log[1].checkId.isEmpty());
}

QTEST_GUILESS_MAIN(tst_AuditLog)
#include "tst_auditlog.moc"
