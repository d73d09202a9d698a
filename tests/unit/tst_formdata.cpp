// application/x-www-form-urlencoded decoding (RFC 6749 Appendix B) and the Basic-credential parts.

#include "http/FormData.h"

#include <QTest>

using namespace cfl;

class tst_FormData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesValues_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::newRow("plain") << QByteArray("a=b") << QStringLiteral("a") << QStringLiteral("b");
        QTest::newRow("plus is a space") << QByteArray("scope=openid+profile") << QStringLiteral("scope")
                                         << QStringLiteral("openid profile");
        QTest::newRow("encoded plus stays a plus")
            << QByteArray("state=a%2Bb") << QStringLiteral("state") << QStringLiteral("a+b");
        QTest::newRow("percent") << QByteArray("redirect_uri=http%3A%2F%2F127.0.0.1%3A80%2Fcb")
                                 << QStringLiteral("redirect_uri")
                                 << QStringLiteral("http://127.0.0.1:80/cb");
        QTest::newRow("utf-8") << QByteArray("name=J%C3%B6rg") << QStringLiteral("name")
                               << QStringLiteral("Jörg");
        QTest::newRow("empty value") << QByteArray("a=&b=1") << QStringLiteral("a") << QString();
        QTest::newRow("no equals sign") << QByteArray("flag&b=1") << QStringLiteral("flag") << QString();
        QTest::newRow("equals in value")
            << QByteArray("x=a=b") << QStringLiteral("x") << QStringLiteral("a=b");
    }
    void decodesValues()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(QString, name);
        QFETCH(QString, value);
        const auto form = FormData::parse(encoded);
        QVERIFY(form);
        QVERIFY(form->contains(name));
        QCOMPARE(form->value(name).value_or(QStringLiteral("<missing>")), value);
    }

    void refusesMalformedInput_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::newRow("truncated escape") << QByteArray("a=%4");
        QTest::newRow("escape at the end") << QByteArray("a=%");
        QTest::newRow("not hex") << QByteArray("a=%zz");
        QTest::newRow("invalid utf-8") << QByteArray("a=%C3%28");
        QTest::newRow("bad name") << QByteArray("%G1=x");
    }
    void refusesMalformedInput()
    {
        QFETCH(QByteArray, encoded);
        QString error;
        QVERIFY(!FormData::parse(encoded, &error));
        QVERIFY2(error.contains(QStringLiteral("malformed")), qPrintable(error));
    }

    void reportsRepeatedNames()
    {
        const auto form = FormData::parse("scope=a&code=1&scope=b&code=2&x=1");
        QVERIFY(form);
        QCOMPARE(form->repeatedNames(), (QStringList { QStringLiteral("scope"), QStringLiteral("code") }));
        QCOMPARE(form->values(QStringLiteral("scope")),
            (QStringList { QStringLiteral("a"), QStringLiteral("b") }));
        QCOMPARE(form->value(QStringLiteral("scope")), std::optional<QString>(QStringLiteral("a")));
        QVERIFY(!form->value(QStringLiteral("missing")));
        QCOMPARE(
            form->valueOr(QStringLiteral("missing"), QStringLiteral("fallback")), QStringLiteral("fallback"));
    }

    void encodingRoundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plus and space") << QStringLiteral("a+b c");
        QTest::newRow("reserved") << QStringLiteral("&=?/#%:");
        QTest::newRow("unicode") << QStringLiteral("Zoë ☺");
        QTest::newRow("secret with colon") << QStringLiteral("s3cr:et");
    }
    void encodingRoundTrips()
    {
        QFETCH(QString, text);
        const QByteArray encoded = formUrlEncode(text);
        QVERIFY2(
            !encoded.contains('+') && !encoded.contains(' ') && !encoded.contains('&'), encoded.constData());
        QCOMPARE(formUrlDecode(encoded).value_or(QStringLiteral("<failed>")), text);
    }
};

QTEST_GUILESS_MAIN(tst_FormData)
#include "tst_formdata.moc"
