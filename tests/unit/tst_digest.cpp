#include "crypto/Digest.h"

#include <QTest>

using namespace cfl;

class tst_Digest : public QObject
{
    Q_OBJECT

private slots:
    void sha256_data();
    void sha256();
    void constantTimeEquals_data();
    void constantTimeEquals();
};

void tst_Digest::sha256_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("hex");

    // FIPS 180-2 Appendix B.1 and the empty message.
    QTest::newRow("abc") << QByteArray("abc")
                         << QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    QTest::newRow("empty") << QByteArray()
                           << QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

void tst_Digest::sha256()
{
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, hex);

    QCOMPARE(cfl::sha256(data).size(), 32);
    QCOMPARE(cfl::sha256(data), QByteArray::fromHex(hex));
    QCOMPARE(sha256Hex(data), hex);
}

void tst_Digest::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");

    QTest::newRow("same") << QByteArray("secret") << QByteArray("secret") << true;
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("last byte differs") << QByteArray("secret") << QByteArray("secreT") << false;
    QTest::newRow("first byte differs") << QByteArray("secret") << QByteArray("Secret") << false;
    QTest::newRow("prefix") << QByteArray("secret") << QByteArray("secre") << false;
    QTest::newRow("one empty") << QByteArray() << QByteArray("x") << false;
}

void tst_Digest::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);

    QCOMPARE(cfl::constantTimeEquals(a, b), equal);
    QCOMPARE(cfl::constantTimeEquals(b, a), equal);
}

QTEST_GUILESS_MAIN(tst_Digest)
#include "tst_digest.moc"
