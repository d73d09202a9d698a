// The Cookie request header as the bank reads it (HttpRequest::cookie): RFC 6265 §4.2.1 and §5.4,
// "name=value; name2=value2", from one or more Cookie header fields. The bank's own cookies
// (cfl_session, cfl_interaction) hold base64url tokens that are compared byte for byte, so the parser
// must never hand back a value that belongs to another cookie or to another name.

#include "http/HttpMessage.h"

#include <QTest>

using namespace cfl;

namespace {
void addField(HttpRequest &request, const QByteArray &name, const QByteArray &value)
{
    request.headers.append(qMakePair(name, value));
}
} // namespace

class tst_CookieHeader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsOneCookie_data()
    {
        QTest::addColumn<QByteArrayList>("headers"); // values of the Cookie header fields, in order
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("found");

        const QByteArray session = "cfl_session";
        QTest::newRow("only cookie") << QByteArrayList { "cfl_session=abc" } << session << QByteArray("abc")
                                     << true;
        QTest::newRow("first of several") << QByteArrayList { "cfl_session=abc; theme=dark; lang=en" }
                                          << session << QByteArray("abc") << true;
        QTest::newRow("middle of several") << QByteArrayList { "theme=dark; cfl_session=abc; lang=en" }
                                           << session << QByteArray("abc") << true;
        QTest::newRow("last of several") << QByteArrayList { "theme=dark; lang=en; cfl_session=abc" }
                                         << session << QByteArray("abc") << true;
        // Spaces: RFC 6265 §4.2.1 writes "; " between pairs; user agents and proxies are looser.
        QTest::newRow("no space after the semicolon")
            << QByteArrayList { "theme=dark;cfl_session=abc" } << session << QByteArray("abc") << true;
        QTest::newRow("several spaces and a tab")
            << QByteArrayList { "theme=dark;  \tcfl_session=abc  ;lang=en" } << session << QByteArray("abc")
            << true;
        QTest::newRow("leading and trailing whitespace of the field")
            << QByteArrayList { "  cfl_session=abc  " } << session << QByteArray("abc") << true;
        QTest::newRow("trailing semicolon")
            << QByteArrayList { "cfl_session=abc;" } << session << QByteArray("abc") << true;
        QTest::newRow("empty pairs between semicolons")
            << QByteArrayList { ";; ;cfl_session=abc;;" } << session << QByteArray("abc") << true;
        // No whitespace is allowed around "=" (RFC 6265 §4.2.1): "cfl_session " is another name.
        QTest::newRow("space before the equals sign is part of the name")
            << QByteArrayList { "cfl_session =abc" } << session << QByteArray() << false;
        // The value is everything after the first "=" (base64 padding, or an "=" in the value).
        QTest::newRow("equals signs in the value")
            << QByteArrayList { "cfl_session=YWJj==; x=1" } << session << QByteArray("YWJj==") << true;
        // RFC 6265 §4.1.1 allows DQUOTEs around the value; they reach the bank as sent, so a quoted value
        // never equals the token it encloses (the bank never sets quoted cookies).
        QTest::newRow("quoted value keeps its quotes")
            << QByteArrayList { "cfl_session=\"abc\"" } << session << QByteArray("\"abc\"") << true;
        QTest::newRow("empty value") << QByteArrayList { "cfl_session=; theme=dark" } << session
                                     << QByteArray() << true;
        // Duplicates: RFC 6265 §5.4 sends the cookie with the longer path first; the first one wins.
        QTest::newRow("duplicate name: first wins")
            << QByteArrayList { "cfl_session=first; cfl_session=second" } << session << QByteArray("first")
            << true;
        QTest::newRow("duplicate across header fields: first field wins")
            << QByteArrayList { "cfl_session=first", "cfl_session=second" } << session << QByteArray("first")
            << true;
        // Several Cookie fields (HTTP/2 may split them, RFC 9113 §8.2.3): all are read.
        QTest::newRow("second header field")
            << QByteArrayList { "theme=dark", "cfl_session=abc" } << session << QByteArray("abc") << true;
        // Names are compared exactly: no prefix, suffix or case-insensitive match.
        QTest::newRow("longer name is another cookie")
            << QByteArrayList { "cfl_session_old=abc" } << session << QByteArray() << false;
        QTest::newRow("shorter name is another cookie")
            << QByteArrayList { "cfl_sess=abc" } << session << QByteArray() << false;
        QTest::newRow("names are case-sensitive")
            << QByteArrayList { "CFL_SESSION=abc" } << session << QByteArray() << false;
        QTest::newRow("name inside another cookie's value")
            << QByteArrayList { "x=cfl_session=abc" } << session << QByteArray() << false;
        QTest::newRow("absent") << QByteArrayList { "theme=dark; lang=en" } << session << QByteArray()
                                << false;
        QTest::newRow("no Cookie field") << QByteArrayList {} << session << QByteArray() << false;
        QTest::newRow("empty Cookie field") << QByteArrayList { "" } << session << QByteArray() << false;
        // Malformed pairs are skipped, and the rest of the field is still read.
        QTest::newRow("pair without equals sign is skipped")
            << QByteArrayList { "cfl_session; theme=dark" } << session << QByteArray() << false;
        QTest::newRow("pair without a name is skipped")
            << QByteArrayList { "=abc; cfl_session=def" } << session << QByteArray("def") << true;
        QTest::newRow("garbage before a good pair")
            << QByteArrayList { "@@@; ===; cfl_session=abc" } << session << QByteArray("abc") << true;
        QTest::newRow("empty name is never looked up")
            << QByteArrayList { "=abc" } << QByteArray() << QByteArray() << false;
    }
    void readsOneCookie()
    {
        QFETCH(QByteArrayList, headers);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(bool, found);

        HttpRequest request;
        request.method = "GET";
        request.url = QUrl(QStringLiteral("http://127.0.0.1/web"));
        addField(request, "Accept", "text/html");
        for (const QByteArray &header : headers)
            addField(request, "Cookie", header);
        const QByteArray cookie = request.cookie(name);
        QCOMPARE(cookie, value);
        // Found with an empty value and absent look the same to the bank: neither is a session.
        if (!found)
            QVERIFY(cookie.isEmpty());
    }

    void headerNameIsCaseInsensitive_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::newRow("Cookie") << QByteArray("Cookie");
        QTest::newRow("cookie") << QByteArray("cookie");
        QTest::newRow("COOKIE") << QByteArray("COOKIE");
    }
    void headerNameIsCaseInsensitive()
    {
        // RFC 9110 §5.1: field names are case-insensitive.
        QFETCH(QByteArray, field);
        HttpRequest request;
        addField(request, field, "cfl_interaction=xyz");
        QCOMPARE(request.cookie("cfl_interaction"), QByteArray("xyz"));
        QCOMPARE(request.header("cookie"), QByteArray("cfl_interaction=xyz"));
    }

    void otherHeadersAreNotCookies()
    {
        HttpRequest request;
        addField(request, "Set-Cookie", "cfl_session=fromSetCookie");
        addField(request, "X-Cookie", "cfl_session=fromXCookie");
        addField(request, "Cookie2", "cfl_session=fromCookie2");
        QCOMPARE(request.cookie("cfl_session"), QByteArray());
    }

    void eachCookieOfAFieldIsReadable()
    {
        HttpRequest request;
        addField(request, "Cookie", "a=1; b=2;c=3");
        addField(request, "Cookie", "d=4");
        QCOMPARE(request.cookie("a"), QByteArray("1"));
        QCOMPARE(request.cookie("b"), QByteArray("2"));
        QCOMPARE(request.cookie("c"), QByteArray("3"));
        QCOMPARE(request.cookie("d"), QByteArray("4"));
        QCOMPARE(request.cookie("e"), QByteArray());
    }
};

QTEST_GUILESS_MAIN(tst_CookieHeader)
#include "tst_cookieheader.moc"
