// KeyStore: the headless bank's signing key.
// (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "unit/StoreTestSupport.h"

#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

class tst_KeyStore : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void signingKey();
};

void tst_KeyStore::signingKey()
{
    QVERIFY(!m_store->keys().signingKeyJwk());
    const QByteArray first = R"({"kty":"RSA","kid":"kid-1","n":"...","d":"..."})";
    const QByteArray second = R"({"kty":"RSA","kid":"kid-2","n":"...","d":"..."})";
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), first));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), first);
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-2"), second));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), second);
    // Saving a kid again makes it the current key.
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), first));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), first);
    QVERIFY(!m_store->keys().saveSigningKeyJwk(QString(), first));
    QVERIFY(!m_store->keys().saveSigningKeyJwk(text("kid-3"), QByteArray()));
}

QTEST_GUILESS_MAIN(tst_KeyStore)
#include "tst_keystore.moc"
