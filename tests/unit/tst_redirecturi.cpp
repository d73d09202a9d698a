// Redirect URI matching: exact (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3), any port for loopback and only the
// port (RFC 8252 §7.3); registration rules (RFC 8252 §7.1, §7.3); building the redirect.

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
        QTest::newRow("loopback port 65535")
            << loopback << QStringLiteral("http://127.0.0.1:65535/callback") << true;
        QTest::newRow("loopback with query") << QStringList { QStringLiteral("http://127.0.0.1/cb?app=1") }
                                             << QStringLiteral("http://127.0.0.1:4000/cb?app=1") << true;
        QTest::newRow("registered with a port, another port")
            << QStringList { QStringLiteral("http://127.0.0.1:8080/cb") }
            << QStringLiteral("http://127.0.0.1:4000/cb") << true;
        QTest::newRow("[::1] registered, any port") << QStringList { QStringLiteral("http://[::1]/callback") }
                                                    << QStringLiteral("http://[::1]:4000/callback") << true;
        QTest::newRow("localhost registered, any port")
            << QStringList { QStringLiteral("http://localhost/callback") }
            << QStringLiteral("http://localhost:4000/callback") << true;
        // RFC 8252 §7.3: only the port may vary. The host literal, path and query are compared as
        // registered, as strings: no URL parser's normalisation (issue 10 finding 5).
        QTest::newRow("localhost for 127.0.0.1")
            << loopback << QStringLiteral("http://localhost:4000/callback") << false;
        QTest::newRow("[::1] for 127.0.0.1")
            << loopback << QStringLiteral("http://[::1]:4000/callback") << false;
        QTest::newRow("127.0.0.1 for localhost")
            << QStringList { QStringLiteral("http://localhost/callback") }
            << QStringLiteral("http://127.0.0.1:4000/callback") << false;
        QTest::newRow("LOCALHOST for localhost")
            << QStringList { QStringLiteral("http://localhost/callback") }
            << QStringLiteral("http://LOCALHOST:4000/callback") << false;
        QTest::newRow("hex and short form 0x7f.1")
            << loopback << QStringLiteral("http://0x7f.1:4000/callback") << false;
        QTest::newRow("one number 2130706433")
            << loopback << QStringLiteral("http://2130706433:4000/callback") << false;
        QTest::newRow("zero-padded 127.000.000.001")
            << loopback << QStringLiteral("http://127.000.000.001:4000/callback") << false;
        QTest::newRow("short form 127.1")
            << loopback << QStringLiteral("http://127.1:4000/callback") << false;
        QTest::newRow("another loopback address 127.0.0.2")
            << loopback << QStringLiteral("http://127.0.0.2:4000/callback") << false;
        QTest::newRow("percent-encoded path /%63allback")
            << loopback << QStringLiteral("http://127.0.0.1:4000/%63allback") << false;
        QTest::newRow("dot segment in the path")
            << loopback << QStringLiteral("http://127.0.0.1:4000/x/../callback") << false;
        QTest::newRow("double slash")
            << loopback << QStringLiteral("http://127.0.0.1:4000//callback") << false;
        QTest::newRow("empty query added")
            << loopback << QStringLiteral("http://127.0.0.1:4000/callback?") << false;
        QTest::newRow("empty port") << loopback << QStringLiteral("http://127.0.0.1:/callback") << false;
        QTest::newRow("port 0") << loopback << QStringLiteral("http://127.0.0.1:0/callback") << false;
        QTest::newRow("port 65536") << loopback << QStringLiteral("http://127.0.0.1:65536/callback") << false;
        QTest::newRow("zero-padded port")
            << loopback << QStringLiteral("http://127.0.0.1:04000/callback") << false;
        QTest::newRow("non-ASCII digits in the port")
            << loopback << QStringLiteral("http://127.0.0.1:\u0664\u0660\u0660\u0660/callback") << false;
        QTest::newRow("upper-case scheme")
            << loopback << QStringLiteral("HTTP://127.0.0.1:4000/callback") << false;
        QTest::newRow("backslash after the port")
            << loopback << QStringLiteral("http://127.0.0.1:4000\\@evil.example/callback") << false;
        QTest::newRow("userinfo after the host")
            << loopback << QStringLiteral("http://127.0.0.1@evil.example/callback") << false;
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

    void loopbackRedirect_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("127.0.0.1") << QStringLiteral("http://127.0.0.1:4000/cb") << true;
        QTest::newRow("127.0.0.2") << QStringLiteral("http://127.0.0.2/cb") << true;
        QTest::newRow("[::1]") << QStringLiteral("http://[::1]:4000/cb") << true;
        QTest::newRow("localhost") << QStringLiteral("http://LocalHost/cb") << true;
        QTest::newRow("2130706433") << QStringLiteral("http://2130706433/cb") << true;
        QTest::newRow("https") << QStringLiteral("https://127.0.0.1/cb") << false;
        QTest::newRow("web host") << QStringLiteral("http://app.example/cb") << false;
        QTest::newRow("private-use scheme") << QStringLiteral("com.example.app:/cb") << false;
    }
    void loopbackRedirect()
    {
        QFETCH(QString, uri);
        QFETCH(bool, loopback);
        QCOMPARE(redirect::isLoopbackRedirect(uri), loopback);
    }

    void registration_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("https") << QStringLiteral("https://app.example/cb") << true;
        QTest::newRow("http loopback") << QStringLiteral("http://127.0.0.1/cb") << true;
        QTest::newRow("http localhost") << QStringLiteral("http://localhost:8080/cb") << true;
        QTest::newRow("private-use scheme") << QStringLiteral("com.example.app:/cb") << true;
        QTest::newRow("http [::1]") << QStringLiteral("http://[::1]:8080/cb") << true;
        QTest::newRow("http web host") << QStringLiteral("http://app.example/cb") << false;
        // http only on a loopback host written as a literal: redirect::matches compares it as written.
        QTest::newRow("http 0x7f.1") << QStringLiteral("http://0x7f.1/cb") << false;
        QTest::newRow("http 2130706433") << QStringLiteral("http://2130706433/cb") << false;
        QTest::newRow("http 127.000.000.001") << QStringLiteral("http://127.000.000.001/cb") << false;
        QTest::newRow("http loopback with userinfo") << QStringLiteral("http://me@127.0.0.1/cb") << false;
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
