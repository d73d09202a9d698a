// KeyStore: the bank's signing keys, current and retired (OpenID Connect Core §10.1.1).
// (Split from tst_bankstore, issue 9 §5.)

#include "unit/StoreTestSupport.h"

#include <QTest>

using namespace cfl;
using namespace cfl::storetest;

namespace {
SigningKeyRecord publicOnly(const char *kid)
{
    SigningKeyRecord key;
    key.kid = QString::fromLatin1(kid);
    key.publicJwk = QByteArray(R"({"kty":"RSA","kid":")") + kid + R"(","n":"...","e":"AQAB"})";
    return key;
}

QStringList kidsOf(const QList<SigningKeyRecord> &keys)
{
    QStringList kids;
    for (const SigningKeyRecord &key : keys)
        kids << key.kid;
    return kids;
}
} // namespace

class tst_KeyStore : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void signingKey();
    void oneCurrentKeyRetiresTheOthers();
    void retiredKeyIsPublishedUntilItsLastExpiry_data();
    void retiredKeyIsPublishedUntilItsLastExpiry();
    void publicOnlyKeysForTheKeychain();
};

void tst_KeyStore::signingKey()
{
    QVERIFY(!m_store->keys().signingKeyJwk());
    QVERIFY(!m_store->keys().currentKid());
    const QByteArray first = R"({"kty":"RSA","kid":"kid-1","n":"...","d":"..."})";
    const QByteArray second = R"({"kty":"RSA","kid":"kid-2","n":"...","d":"..."})";
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), first, kNow));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), first);
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-2"), second, kNow));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), second);
    QCOMPARE(m_store->keys().currentKid().value_or(QString()), text("kid-2"));
    // Saving a kid again makes it the current key.
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), first, kNow));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), first);
    QVERIFY(!m_store->keys().saveSigningKeyJwk(QString(), first, kNow));
    QVERIFY(!m_store->keys().saveSigningKeyJwk(text("kid-3"), QByteArray(), kNow));
}

void tst_KeyStore::oneCurrentKeyRetiresTheOthers()
{
    QVERIFY(m_store->keys().makeCurrent(publicOnly("kid-1"), kNow));
    QVERIFY(m_store->keys().makeCurrent(publicOnly("kid-2"), kNow + 10));
    const auto first = m_store->keys().key(text("kid-1"));
    const auto second = m_store->keys().key(text("kid-2"));
    QVERIFY(first && second);
    QCOMPARE(first->retiredAt, kNow + 10);
    QCOMPARE(second->retiredAt, 0);
    QCOMPARE(second->createdAt, kNow + 10);
    QCOMPARE(m_store->keys().currentKid().value_or(QString()), text("kid-2"));
}

void tst_KeyStore::retiredKeyIsPublishedUntilItsLastExpiry_data()
{
    QTest::addColumn<qint64>("lastExpiry"); // of kid-1, the retired key; 0: it signed nothing
    QTest::addColumn<qint64>("at");
    QTest::addColumn<QStringList>("published");

    const QStringList both { text("kid-2"), text("kid-1") };
    const QStringList current { text("kid-2") };
    QTest::newRow("signed nothing: gone at once") << qint64(0) << kNow + 10 << current;
    QTest::newRow("a token it signed is valid") << kNow + 600 << kNow + 10 << both;
    QTest::newRow("its last second") << kNow + 600 << kNow + 599 << both;
    QTest::newRow("its last token expired") << kNow + 600 << kNow + 600 << current;
}

void tst_KeyStore::retiredKeyIsPublishedUntilItsLastExpiry()
{
    QFETCH(qint64, lastExpiry);
    QFETCH(qint64, at);
    QFETCH(QStringList, published);
    QVERIFY(m_store->keys().makeCurrent(publicOnly("kid-1"), kNow));
    if (lastExpiry != 0) {
        QVERIFY(m_store->keys().recordSignature(text("kid-1"), lastExpiry - 300));
        QVERIFY(m_store->keys().recordSignature(text("kid-1"), lastExpiry));
        QVERIFY(m_store->keys().recordSignature(text("kid-1"), lastExpiry - 100)); // an earlier exp: kept
    }
    QVERIFY(m_store->keys().makeCurrent(publicOnly("kid-2"), kNow + 10));
    QCOMPARE(m_store->keys().key(text("kid-1"))->lastExpiry, lastExpiry);
    QCOMPARE(kidsOf(m_store->keys().publishedKeys(at)), published);
}

void tst_KeyStore::publicOnlyKeysForTheKeychain()
{
    // The desktop app's rows: the public JWK only, never a private one.
    QVERIFY(m_store->keys().makeCurrent(publicOnly("kid-1"), kNow));
    const auto key = m_store->keys().key(text("kid-1"));
    QVERIFY(key);
    QVERIFY(key->privateJwk.isEmpty());
    QVERIFY(key->publicJwk.contains("\"kid-1\""));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray("absent")), QByteArray());
    QVERIFY(!m_store->keys().recordSignature(text("no-such-kid"), kNow));
}

QTEST_GUILESS_MAIN(tst_KeyStore)
#include "tst_keystore.moc"
