// Redirect URI matching: exact (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3), any port for loopback
// (RFC 8252 §7.3); registration rules (RFC 8252 §7.1, §7.3); building the redirect.

#include "bank/RedirectUri.h"

#include <QTest>
#include <QUrlQuery>

using namespace cfl;

class tst_RedirectUri : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data()
    {
        QTest::addColumn<QStringList>("registered");
        QTest::addColumn<QString>("received");
        QTest::addColumn<bool>("expected");
        const QStringList loopback { QStringLiteral("http://127.0.0.1/callback") };
        const QStringList web { QStringLiteral("https://app.example/cb") };
        QTest::newRow("exact") << web << QStringLiteral("https://app.example/cb") << true;
        QTest::newRow("other path") << web << QStringLiteral("https://app.example/cb2") << false;
        QTest::newRow("trailing slash") << web << QStringLiteral("https://app.example/cb/") << false;
        QTest::newRow("extra query") << web << QStringLiteral("https://app.example/cb?x=1") << false;
        QTest::newRow("http instead of https") << web << QStringLiteral("http://app.example/cb") << false;
        QTest::newRow("other port on a web host")
            << web << QStringLiteral("https://app.example:8443/cb") << false;
        QTest::newRow("other host") << web << QStringLiteral("https://evil.example/cb") << false;
        QTest::newRow("empty") << web << QString() << false;
        QTest::newRow("loopback any port")
            << loopback << QStringLiteral("http://127.0.0.1:53123/callback") << true;
        QTest::newRow("loopback no port") << loopback << QStringLiteral("http://127.0.0.1/callback") << true;
        QTest::newRow("localhost for 127.0.0.1")
            << loopback << QStringLiteral("http://localhost:4000/callback") << true;
        QTest::newRow("[::1] for 127.0.0.1")
            << loopback << QStringLiteral("http://[::1]:4000/callback") << true;
        QTest::newRow("loopback other path")
            << loopback << QStringLiteral("http://127.0.0.1:4000/other") << false;
        QTest::newRow("loopback https")
            << loopback << QStringLiteral("https://127.0.0.1:4000/callback") << false;
        QTest::newRow("loopback with fragment")
            << loopback << QStringLiteral("http://127.0.0.1:4000/callback#x") << false;
        QTest::newRow("loopback with userinfo")
            << loopback << QStringLiteral("http://a@127.0.0.1:4000/callback") << false;
        QTest::newRow("lookalike host")
            << loopback << QStringLiteral("http://127.0.0.1.evil.example/callback") << false;
        QTest::newRow("loopback port rule not for web")
            << web << QStringLiteral("http://127.0.0.1:4000/cb") << false;
    }
    void matches()
    {
        QFETCH(QStringList, registered);
        QFETCH(QString, received);
        QFETCH(bool, expected);
        QCOMPARE(redirect::matches(registered, received), expected);
    }

    void registration_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("https") << QStringLiteral("https://app.example/cb") << true;
        QTest::newRow("http loopback") << QStringLiteral("http://127.0.0.1/cb") << true;
        QTest::newRow("http localhost") << QStringLiteral("http://localhost:8080/cb") << true;
        QTest::newRow("private-use scheme") << QStringLiteral("com.example.app:/cb") << true;
        QTest::newRow("http web host") << QStringLiteral("http://app.example/cb") << false;
        QTest::newRow("fragment") << QStringLiteral("https://app.example/cb#x") << false;
        QTest::newRow("relative") << QStringLiteral("/cb") << false;
        QTest::newRow("scheme without dot") << QStringLiteral("myapp:/cb") << false;
    }
    void registration()
    {
        QFETCH(QString, uri);
        QFETCH(bool, accepted);
        const auto problem = redirect::registrationProblem(uri);
        QVERIFY2(problem.has_value() != accepted, qPrintable(problem.value_or(QStringLiteral("accepted"))));
    }

    void appendsParametersEncoded()
    {
        const QUrl url = redirect::withParameters(QStringLiteral("http://127.0.0.1:9/cb?keep=1"),
            { { QStringLiteral("code"), QStringLiteral("abc_-") },
                { QStringLiteral("state"), QStringLiteral("a+b &c") } });
        const QString encoded = QString::fromLatin1(url.toEncoded());
        QVERIFY2(
            encoded.contains(QStringLiteral("keep=1&code=abc_-&state=a%2Bb%20%26c")), qPrintable(encoded));
        QCOMPARE(QUrlQuery(url).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded),
            QStringLiteral("a+b &c"));
    }
};

QTEST_GUILESS_MAIN(tst_RedirectUri)
#include "tst_redirecturi.moc"
