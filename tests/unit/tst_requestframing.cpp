// checkRequest (core/http/RequestFraming): where the request at the front of a connection ends, and
// whether it keeps within RequestLimits, from the bytes received so far. It must frame requests as
// QHttpServer 6.4 does (otherwise the guard would check one request while Qt reads another) and refuse,
// with the right status, as soon as the bytes so far break a limit — not once the request is whole.

#include "http/RequestFraming.h"

#include <QTest>

using namespace cfl;

namespace {

RequestLimits limits()
{
    RequestLimits l;
    l.maxRequestLineBytes = 64;
    l.maxFieldLineBytes = 32;
    l.maxHeaderBytes = 96;
    l.maxHeaderFields = 4;
    l.bodyLimits = { { "POST", QStringLiteral("/token"), 10 }, { "POST", QStringLiteral("/web/"), 20 } };
    l.defaultMaxBodyBytes = 0;
    return l;
}

} // namespace

Q_DECLARE_METATYPE(RequestCheck::State)

class tst_RequestFraming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frames_data();
    void frames();
    void everyPrefixOfAGoodRequestIsIncomplete();
    void bodyLimitsPerRoute_data();
    void bodyLimitsPerRoute();
    void maxRequestBytesCoversTheLargestRequest();
};

void tst_RequestFraming::frames_data()
{
    QTest::addColumn<QByteArray>("received");
    QTest::addColumn<RequestCheck::State>("state");
    QTest::addColumn<int>("value"); // Complete: length (Whole: all of `received`); Refused: status

    using S = RequestCheck::State;
    const int Whole = -1;
    QTest::newRow("nothing") << QByteArray() << S::Empty << 0;
    // QHttpServer skips these before a request line (left over after a body, RFC 9112 §2.2).
    QTest::newRow("blank lines only") << QByteArray("\r\n\r\n \t\v") << S::Empty << 0;
    QTest::newRow("half a request line") << QByteArray("GET /a") << S::Incomplete << 0;
    QTest::newRow("request line, no header end")
        << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n") << S::Incomplete << 0;
    QTest::newRow("GET, CRLF") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << S::Complete << Whole;
    QTest::newRow("GET, LF only") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << S::Complete << Whole;
    QTest::newRow("GET, no header fields") << QByteArray("GET / HTTP/1.0\r\n\r\n") << S::Complete << Whole;
    QTest::newRow("64 bytes of blank lines")
        << QByteArray(QByteArray("\r\n").repeated(32) + "GET /") << S::Incomplete << 0;
    // RFC 9112 §2.2: "at least one" empty line is ignored, not any number (they stay buffered).
    QTest::newRow("65 bytes of blank lines")
        << QByteArray(QByteArray("\r\n").repeated(32) + "\n") << S::Refused << 400;
    QTest::newRow("leading blank lines count in the length")
        << QByteArray("\r\nGET / HTTP/1.1\r\n\r\n") << S::Complete << Whole;
    QTest::newRow("next request after it is not part of it")
        << QByteArray("GET / HTTP/1.1\r\n\r\nGET /b HT") << S::Complete << 18;
    QTest::newRow("POST with its body")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc") << S::Complete << Whole;
    QTest::newRow("POST, body not all there")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: 3\r\n\r\nab") << S::Incomplete << 0;
    QTest::newRow("Content-Length name in any case, OWS around the value")
        << QByteArray("POST /token HTTP/1.1\r\ncOnTeNt-LeNgTh: \t 3 \r\n\r\nabc") << S::Complete << Whole;
    QTest::newRow("Content-Length 0 on GET")
        << QByteArray("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << S::Complete << Whole;

    // RFC 9110 §15.5.15: decided while the line is still arriving.
    QTest::newRow("request line 64 bytes")
        << QByteArray("GET /" + QByteArray(50, 'a') + " HTTP/1.1\r\n\r\n") << S::Complete << Whole;
    QTest::newRow("request line 65 bytes")
        << QByteArray("GET /" + QByteArray(51, 'a') + " HTTP/1.1\r\n\r\n") << S::Refused << 414;
    // A line that has arrived up to its CR is judged as it will be with its LF.
    QTest::newRow("request line 64 bytes, CR so far")
        << QByteArray("GET /" + QByteArray(50, 'a') + " HTTP/1.1\r") << S::Incomplete << 0;
    QTest::newRow("field line 32 bytes, CR so far")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(29, 'v') + "\r") << S::Incomplete << 0;
    QTest::newRow("request line 65 bytes so far")
        << QByteArray("GET /" + QByteArray(60, 'a')) << S::Refused << 414;
    // RFC 6585 §5
    QTest::newRow("4 fields") << QByteArray("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
                              << S::Complete << Whole;
    QTest::newRow("5 fields") << QByteArray("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n")
                              << S::Refused << 431;
    QTest::newRow("field line 32 bytes")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(29, 'v') + "\r\n\r\n") << S::Complete << Whole;
    QTest::newRow("field line 33 bytes")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(30, 'v') + "\r\n\r\n") << S::Refused << 431;
    QTest::newRow("field line 33 bytes so far")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(31, 'v')) << S::Refused << 431;
    QTest::newRow("header section over 96 bytes") << QByteArray("GET / HTTP/1.1\r\nA: " + QByteArray(28, 'a')
        + "\r\nB: " + QByteArray(28, 'b') + "\r\nC: " + QByteArray(28, 'c') + "\r\n\r\n")
                                                  << S::Refused << 431;
    // RFC 9112 §3, §5.1, §5.2, §6.1, §6.3
    QTest::newRow("two spaces in the request line")
        << QByteArray("GET  / HTTP/1.1\r\n\r\n") << S::Refused << 400;
    QTest::newRow("method not a token") << QByteArray("G(T / HTTP/1.1\r\n\r\n") << S::Refused << 400;
    QTest::newRow("control character in the target")
        << QByteArray("GET /\x01 HTTP/1.1\r\n\r\n") << S::Refused << 400;
    QTest::newRow("HTTP/0.9-style line") << QByteArray("GET /\r\n") << S::Refused << 400;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\n\r\n") << S::Refused << 505;
    QTest::newRow("space before colon")
        << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << S::Refused << 400;
    QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nA: 1\r\n 2\r\n\r\n") << S::Refused << 400;
    QTest::newRow("field without colon") << QByteArray("GET / HTTP/1.1\r\nA\r\n\r\n") << S::Refused << 400;
    QTest::newRow("empty field name") << QByteArray("GET / HTTP/1.1\r\n: x\r\n\r\n") << S::Refused << 400;
    // RFC 9110 §5.5: CR, LF or NUL in a field value are rejected (or made SP); so is every other control.
    QTest::newRow("NUL in a field value")
        << QByteArray("GET / HTTP/1.1\r\nAuthorization: Bearer a\0b\r\n\r\n", 45) << S::Refused << 400;
    QTest::newRow("bare CR in a field value")
        << QByteArray("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n") << S::Refused << 400;
    QTest::newRow("ESC in a field value")
        << QByteArray("GET / HTTP/1.1\r\nX-A: a\x1b[2Jb\r\n\r\n") << S::Refused << 400;
    QTest::newRow("DEL in a field value")
        << QByteArray("GET / HTTP/1.1\r\nX-A: a\x7f\r\n\r\n") << S::Refused << 400;
    QTest::newRow("tab and obs-text in a field value are fine")
        << QByteArray("GET / HTTP/1.1\r\nX-A: a\tb \xc3\xa9\r\n\r\n") << S::Complete << Whole;
    QTest::newRow("Transfer-Encoding")
        << QByteArray("POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << S::Refused << 411;
    QTest::newRow("Transfer-Encoding and Content-Length")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
        << S::Refused << 411;
    QTest::newRow("Content-Length twice, same value")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx") << S::Refused
        << 400;
    QTest::newRow("Content-Length list")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\nx") << S::Refused << 400;
    QTest::newRow("Content-Length with sign")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: +1\r\n\r\nx") << S::Refused << 400;
    QTest::newRow("Content-Length empty")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length:\r\n\r\n") << S::Refused << 400;
    QTest::newRow("Content-Length too many digits")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Length: 0000000000000001\r\n\r\n") << S::Refused
        << 400;
    // RFC 9110 §5.3: a field that is not a list is sent once; RFC 9112 §3.2 for Host, RFC 6265 §5.4 for
    // Cookie.
    QTest::newRow("Host twice") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << S::Refused
                                << 400;
    QTest::newRow("Authorization twice, in another case")
        << QByteArray("GET / HTTP/1.1\r\nAuthorization: A\r\nauthorization: B\r\n\r\n") << S::Refused << 400;
    QTest::newRow("Cookie twice") << QByteArray("GET / HTTP/1.1\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n")
                                  << S::Refused << 400;
    QTest::newRow("Content-Type twice")
        << QByteArray("POST /token HTTP/1.1\r\nContent-Type: a\r\nContent-Type: b\r\n\r\n") << S::Refused
        << 400;
    QTest::newRow("Host, Authorization, Cookie and Content-Type once each")
        << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: b\r\nCookie: c\r\nContent-Type: d\r\n\r\n")
        << S::Complete << Whole;
}

void tst_RequestFraming::frames()
{
    QFETCH(QByteArray, received);
    QFETCH(RequestCheck::State, state);
    QFETCH(int, value);
    const RequestCheck check = checkRequest(received, limits());
    QCOMPARE(check.state, state);
    if (state == RequestCheck::State::Complete)
        QCOMPARE(check.length, value < 0 ? received.size() : value);
    if (state == RequestCheck::State::Refused) {
        QCOMPARE(check.status, value);
        QVERIFY2(check.reason.contains(QLatin1String("RFC ")), qPrintable(check.reason));
    }
}

void tst_RequestFraming::everyPrefixOfAGoodRequestIsIncomplete()
{
    // However the bytes are cut into reads, a request within the limits is never refused on the way, and
    // is complete only once its last byte is there.
    const QByteArray request(
        "\r\nPOST /web/pay HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n01234567890123456789");
    for (qsizetype n = 0; n < request.size(); ++n) {
        const RequestCheck check = checkRequest(QByteArrayView(request).first(n), limits());
        QVERIFY2(check.state == RequestCheck::State::Incomplete || check.state == RequestCheck::State::Empty,
            qPrintable(QString::number(n)));
    }
    const RequestCheck whole = checkRequest(request, limits());
    QCOMPARE(whole.state, RequestCheck::State::Complete);
    QCOMPARE(whole.length, request.size());
    QCOMPARE(whole.method, QByteArray("POST"));
    QCOMPARE(whole.path, QStringLiteral("/web/pay"));
}

void tst_RequestFraming::bodyLimitsPerRoute_data()
{
    QTest::addColumn<QByteArray>("requestLine");
    QTest::addColumn<int>("contentLength");
    QTest::addColumn<bool>("refused");

    QTest::newRow("token at its limit") << QByteArray("POST /token HTTP/1.1") << 10 << false;
    QTest::newRow("token over its limit") << QByteArray("POST /token HTTP/1.1") << 11 << true;
    QTest::newRow("token with a query") << QByteArray("POST /token?x=1 HTTP/1.1") << 11 << true;
    QTest::newRow("token, percent-encoded path") << QByteArray("POST /t%6Fken HTTP/1.1") << 10 << false;
    QTest::newRow("token, absolute form")
        << QByteArray("POST http://127.0.0.1:8421/token HTTP/1.1") << 10 << false;
    QTest::newRow("a path under /web/") << QByteArray("POST /web/a/b HTTP/1.1") << 20 << false;
    QTest::newRow("over the limit under /web/") << QByteArray("POST /web/a/b HTTP/1.1") << 21 << true;
    // "/web/" is a prefix; "/web" and "/webx" are other paths (default: no body).
    QTest::newRow("/web itself") << QByteArray("POST /web HTTP/1.1") << 1 << true;
    QTest::newRow("/webx") << QByteArray("POST /webx HTTP/1.1") << 1 << true;
    QTest::newRow("another method on /token") << QByteArray("PUT /token HTTP/1.1") << 1 << true;
    QTest::newRow("token, other case") << QByteArray("POST /TOKEN HTTP/1.1") << 1 << true;
}

void tst_RequestFraming::bodyLimitsPerRoute()
{
    QFETCH(QByteArray, requestLine);
    QFETCH(int, contentLength);
    QFETCH(bool, refused);
    const QByteArray head
        = requestLine + "\r\nContent-Length: " + QByteArray::number(contentLength) + "\r\n\r\n";
    const RequestCheck check = checkRequest(head, limits());
    if (refused) {
        QCOMPARE(check.state, RequestCheck::State::Refused);
        QCOMPARE(check.status, 413);
    } else {
        QCOMPARE(check.state, RequestCheck::State::Incomplete); // the body is not there yet
    }
}

void tst_RequestFraming::maxRequestBytesCoversTheLargestRequest()
{
    // The socket's read buffer is sized from it: the largest acceptable request must fit.
    const RequestLimits l = limits();
    const QByteArray line = "POST /web/" + QByteArray(l.maxRequestLineBytes - 19, 'a') + " HTTP/1.1";
    QCOMPARE(line.size(), l.maxRequestLineBytes);
    QByteArray request = line + "\r\n";
    request += "Content-Length: 20\r\n";
    request += "A: " + QByteArray(l.maxFieldLineBytes - 3, 'h') + "\r\n"; // field lines at their limit
    request += "B: " + QByteArray(l.maxFieldLineBytes - 3, 'h') + "\r\n";
    request += "\r\n" + QByteArray(20, 'b');
    const RequestCheck check = checkRequest(request, l);
    QCOMPARE(check.state, RequestCheck::State::Complete);
    QVERIFY(request.size() <= l.maxRequestBytes());
}

QTEST_GUILESS_MAIN(tst_RequestFraming)
#include "tst_requestframing.moc"
