#include "crypto/Base64Url.h"
#include "crypto/SecureRandom.h"

#include <QSet>
#include <QTest>

using namespace cfl;

class tst_SecureRandom : public QObject
{
    Q_OBJECT

private slots:
    void randomBytes_data();
    void randomBytes();
    void randomToken();
};

void tst_SecureRandom::randomBytes_data()
{
    QTest::addColumn<int>("count");

    // Around the 4-byte words QRandomGenerator produces.
    for (const int count : { 0, 1, 3, 4, 5, 16, 31, 32, 33, 64 })
        QTest::addRow("%d bytes", count) << count;
}

void tst_SecureRandom::randomBytes()
{
    QFETCH(int, count);

    const QByteArray first = cfl::randomBytes(count);
    QCOMPARE(first.size(), count);
    // Two equal draws of 4 bytes or more would mean a broken generator (p ≤ 2^-32).
    if (count >= 4)
        QVERIFY(first != cfl::randomBytes(count));
}

void tst_SecureRandom::randomToken()
{
    // RFC 6749 §10.10: 32 random bytes = 256 bits = 43 base64url characters.
    QSet<QByteArray> seen;
    for (int i = 0; i < 100; ++i) {
        const QByteArray token = cfl::randomToken();
        QCOMPARE(token.size(), 43);
        QCOMPARE(base64UrlDecode(token)->size(), 32);
        seen.insert(token);
    }
    QCOMPARE(seen.size(), 100);
    QCOMPARE(cfl::randomToken(16).size(), 22);
    QVERIFY(cfl::randomToken(0).isEmpty());
}

QTEST_GUILESS_MAIN(tst_SecureRandom)
#include "tst_securerandom.moc"
