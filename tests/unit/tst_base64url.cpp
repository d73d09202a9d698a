#include "crypto/Base64Url.h"
#include "crypto/SecureRandom.h"

#include <QTest>

using namespace cfl;

class tst_Base64Url : public QObject
{
    Q_OBJECT

private slots:
    void encode_data();
    void encode();
    void roundTripsEveryLength();
    void refusesNonCanonicalText_data();
    void refusesNonCanonicalText();
};

void tst_Base64Url::encode_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("text");

    // RFC 4648 §10 vectors, without the padding RFC 7515 §2 drops.
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
    QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    // The two characters that differ from base64: '-' for '+', '_' for '/' (RFC 4648 §5).
    QTest::newRow("url alphabet") << QByteArray("\xfb\xff\xbf", 3) << QByteArray("-_-_");
    QTest::newRow("zero bytes") << QByteArray(4, '\0') << QByteArray("AAAAAA");
}

void tst_Base64Url::encode()
{
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, text);

    QCOMPARE(base64UrlEncode(data), text);
    const auto decoded = base64UrlDecode(text);
    QVERIFY(decoded);
    QCOMPARE(*decoded, data);
    QVERIFY(isBase64UrlText(text));
}

void tst_Base64Url::roundTripsEveryLength()
{
    for (int length = 0; length <= 70; ++length) {
        const QByteArray data = randomBytes(length);
        const QByteArray text = base64UrlEncode(data);
        QVERIFY2(!text.contains('=') && !text.contains('+') && !text.contains('/'), text.constData());
        const auto decoded = base64UrlDecode(text);
        QVERIFY2(decoded, text.constData());
        QCOMPARE(*decoded, data);
    }
}

void tst_Base64Url::refusesNonCanonicalText_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("padding") << QByteArray("Zg==");
    QTest::newRow("one padding character") << QByteArray("Zm8=");
    QTest::newRow("padding inside") << QByteArray("Zg==Zg");
    QTest::newRow("base64 plus") << QByteArray("+_8");
    QTest::newRow("base64 slash") << QByteArray("-/8");
    QTest::newRow("space") << QByteArray("Zm9v Yg");
    QTest::newRow("newline") << QByteArray("Zm9v\nYg");
    QTest::newRow("trailing newline") << QByteArray("Zm9v\n");
    QTest::newRow("tab") << QByteArray("\tZm9v");
    QTest::newRow("dot") << QByteArray("Zm9v.Yg");
    QTest::newRow("NUL") << QByteArray("Zm9v\0Yg", 7);
    QTest::newRow("non-ASCII") << QByteArray("Zm9v\xc3\xa9");
    // 4n+1 characters carry 6 bits too many and 2 too few for a byte.
    QTest::newRow("length 4n+1") << QByteArray("Zm9vY");
    QTest::newRow("single character") << QByteArray("A");
    // "Zh" decodes to "f" like "Zg" but with a non-zero unused bit (RFC 4648 §3.5): accepting it would
    // give one value two texts, and a tampered JWS signature the same bytes as the genuine one.
    QTest::newRow("unused bits set, 1 byte") << QByteArray("Zh");
    QTest::newRow("unused bits set, 2 bytes") << QByteArray("Zm9");
}

void tst_Base64Url::refusesNonCanonicalText()
{
    QFETCH(QByteArray, text);

    QVERIFY(!base64UrlDecode(text));
    QVERIFY(!isBase64UrlText(text));
}

QTEST_GUILESS_MAIN(tst_Base64Url)
#include "tst_base64url.moc"
