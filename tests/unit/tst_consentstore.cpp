// ConsentStore: what John granted, revoked, granted again.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "unit/StoreTestSupport.h"

#include <QRegularExpression>
#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

class tst_ConsentStore : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void consents();
};

void tst_ConsentStore::consents()
{
    const qint64 john = johnId();
    const QString coolLoan = text("coolloan");
    QVERIFY(!m_store->consents().activeConsent(john, coolLoan));

    QVERIFY(m_store->consents().saveConsent(
        john, coolLoan, { text("openid"), text("accounts:read"), text("openid") }, kNow));
    std::optional<Consent> consent = m_store->consents().activeConsent(john, coolLoan);
    QVERIFY(consent);
    QCOMPARE(
        consent->scopes, (QStringList { text("accounts:read"), text("openid") })); // sorted, no duplicates
    QCOMPARE(consent->grantedAt, kNow);
    QCOMPARE(consent->revokedAt, 0);
    const qint64 id = consent->id;

    // Saving again replaces the scopes of the same row.
    QVERIFY(m_store->consents().saveConsent(john, coolLoan, { text("openid") }, kNow + 10));
    consent = m_store->consents().activeConsent(john, coolLoan);
    QCOMPARE(consent->id, id);
    QCOMPARE(consent->scopes, QStringList { text("openid") });
    QCOMPARE(consent->grantedAt, kNow);
    QCOMPARE(consent->updatedAt, kNow + 10);
    QCOMPARE(m_store->consents().consentsOf(john).size(), 1);

    QVERIFY(m_store->consents().revokeConsent(john, coolLoan, kNow + 20));
    QVERIFY(!m_store->consents().activeConsent(john, coolLoan));
    QVERIFY(m_store->consents().consentsOf(john).isEmpty());
    QVERIFY(!m_store->consents().revokeConsent(john, coolLoan, kNow + 21)); // nothing active any more

    // Given again after a revocation: a new grant.
    QVERIFY(m_store->consents().saveConsent(john, coolLoan, { text("profile"), text("openid") }, kNow + 30));
    consent = m_store->consents().activeConsent(john, coolLoan);
    QVERIFY(consent);
    QCOMPARE(consent->id, id);
    QCOMPARE(consent->revokedAt, 0);
    QCOMPARE(consent->grantedAt, kNow + 30);
    QCOMPARE(consent->scopes, (QStringList { text("openid"), text("profile") }));

    // Consents belong to a registered client.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(text("FOREIGN KEY constraint failed")));
    QVERIFY(!m_store->consents().saveConsent(john, text("unregistered"), { text("openid") }, kNow));
}

QTEST_GUILESS_MAIN(tst_ConsentStore)
#include "tst_consentstore.moc"
