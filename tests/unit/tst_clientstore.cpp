// ClientStore: registered clients.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "unit/StoreTestSupport.h"

#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

class tst_ClientStore : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void clients();
};

void tst_ClientStore::clients()
{
    Client spa;
    spa.clientId = text("spa-demo");
    spa.name = text("SPA demo");
    spa.isPublic = true;
    spa.redirectUris = { text("http://127.0.0.1/callback"), text("https://spa.example/cb?x=\"1\"") };
    spa.allowedScopes = { text("openid"), text("accounts:read") };
    spa.createdAt = kNow;
    QString error;
    QVERIFY2(m_store->clients().insertClient(spa, &error), qPrintable(error));

    const std::optional<Client> read = m_store->clients().client(text("spa-demo"));
    QVERIFY(read);
    QCOMPARE(read->name, spa.name);
    QVERIFY(read->isPublic);
    QVERIFY(read->secretHash.isEmpty());
    QCOMPARE(read->redirectUris, spa.redirectUris);
    QCOMPARE(read->allowedScopes, spa.allowedScopes);
    QCOMPARE(read->createdAt, kNow);
    QVERIFY(!m_store->clients().client(text("nobody")));

    error.clear();
    QVERIFY(!m_store->clients().insertClient(spa, &error));
    QVERIFY2(error.contains(text("already exists")), qPrintable(error));
    Client nameless;
    QVERIFY(!m_store->clients().insertClient(nameless, &error));

    const QList<Client> all = m_store->clients().all();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].clientId, text("coolloan"));
    QCOMPARE(all[1].clientId, text("spa-demo"));

    QVERIFY(m_store->clients().setClientSecretHash(text("spa-demo"), hashOf("new secret")));
    QCOMPARE(m_store->clients().client(text("spa-demo"))->secretHash, hashOf("new secret"));
    QVERIFY(!m_store->clients().setClientSecretHash(text("nobody"), hashOf("x")));
}

QTEST_GUILESS_MAIN(tst_ClientStore)
#include "tst_clientstore.moc"
