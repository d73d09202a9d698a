// The bank answers only requests meant for it (issue 10 §8). A page on a name its owner points at
// 127.0.0.1 (DNS rebinding) sends the browser's requests to the bank under the attacker's name in Host;
// the bank answers 421 Misdirected Request (RFC 9110 §7.2, §15.5.20). A request without exactly one valid
// Host is a 400 (RFC 9112 §3.2). Allowed: the issuer's host:port, and the literals 127.0.0.1 and [::1] —
// read from the issuer, whatever name it has. Raw requests over a real socket: QNetworkAccessManager would
// write its own Host.

#include "BankHarness.h"
#include "RawHttpClient.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_HostHeader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void host_data();
    void host();
    void rebindingReachesNoEndpoint_data();
    void rebindingReachesNoEndpoint();
    void publicIssuerNameIsAllowed();

private:
    // `headLines` between the request line and the blank line; {port} and {issuer} filled in.
    QByteArray exchange(TestBank &bank, const QByteArray &requestLine, const QByteArray &headLines,
        const QByteArray &body = {});

    std::unique_ptr<TestBank> m_bank;
};

void tst_HostHeader::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
}

QByteArray tst_HostHeader::exchange(
    TestBank &bank, const QByteArray &requestLine, const QByteArray &headLines, const QByteArray &body)
{
    QByteArray head = headLines;
    head.replace("{port}", QByteArray::number(bank.issuer().port()));
    head.replace("{issuer}", bank.issuer().authority().toUtf8());
    RawHttpClient client(bank.server().port());
    if (!client.waitConnected())
        return {};
    client.send(requestLine + "\r\n" + head + "Content-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body);
    if (!client.waitForResponses(1, 20000))
        return client.received();
    return client.responses().first();
}

void tst_HostHeader::host_data()
{
    QTest::addColumn<QByteArray>("headLines");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("says"); // in the body

    const QByteArray served = "\"issuer\"";
    // The bank's own names.
    QTest::newRow("the issuer's host:port") << QByteArray("Host: {issuer}\r\n") << 200 << served;
    QTest::newRow("127.0.0.1 on the issuer's port")
        << QByteArray("Host: 127.0.0.1:{port}\r\n") << 200 << served;
    QTest::newRow("[::1] on the issuer's port") << QByteArray("Host: [::1]:{port}\r\n") << 200 << served;
    QTest::newRow("the header's name in capitals") << QByteArray("HOST: {issuer}\r\n") << 200 << served;

    // DNS rebinding: a name that points here is not the bank's.
    const QByteArray misdirected = "meant for another host";
    QTest::newRow("an attacker's name, the bank's port")
        << QByteArray("Host: rebind.attacker.example:{port}\r\n") << 421 << misdirected;
    QTest::newRow("a name made of the loopback address")
        << QByteArray("Host: 127.0.0.1.nip.io:{port}\r\n") << 421 << misdirected;
    QTest::newRow("an attacker's name, no port")
        << QByteArray("Host: attacker.example\r\n") << 421 << misdirected;
    QTest::newRow("another loopback literal")
        << QByteArray("Host: 127.0.0.2:{port}\r\n") << 421 << misdirected;

    // Not a Host at all (RFC 9112 §3.2).
    QTest::newRow("no Host") << QByteArray() << 400 << QByteArray("no Host header");
    // (Two Host lines: the connection's framing may refuse them before the bank sees them.)
    QTest::newRow("empty Host") << QByteArray("Host: \r\n") << 400 << QByteArray("not a host[:port]");
    QTest::newRow("userinfo") << QByteArray("Host: attacker@127.0.0.1:{port}\r\n") << 400
                              << QByteArray("not a host[:port]");
    QTest::newRow("port out of range")
        << QByteArray("Host: 127.0.0.1:70000\r\n") << 400 << QByteArray("not a host[:port]");
    QTest::newRow("empty port") << QByteArray("Host: 127.0.0.1:\r\n") << 400
                                << QByteArray("not a host[:port]");
    QTest::newRow("a path") << QByteArray("Host: 127.0.0.1:{port}/x\r\n") << 400
                            << QByteArray("not a host[:port]");
}

void tst_HostHeader::host()
{
    QFETCH(QByteArray, headLines);
    QFETCH(int, status);
    QFETCH(QByteArray, says);
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const QByteArray response
        = exchange(*m_bank, "GET /.well-known/openid-configuration HTTP/1.1", headLines);
    QVERIFY2(!response.isEmpty(), "no answer");
    QCOMPARE(RawHttpClient::statusOf(response), status);
    QVERIFY2(RawHttpClient::bodyOf(response).contains(says), response.constData());
    if (status == 200)
        return;
    // A clear answer, {"error", "error_description"}, and the refusal names its check in the trace and the
    // audit log.
    QVERIFY(RawHttpClient::headerOf(response, "Content-Type").startsWith("application/json"));
    const QJsonObject error = QJsonDocument::fromJson(RawHttpClient::bodyOf(response)).object();
    QCOMPARE(error.value(QStringLiteral("error")).toString(),
        status == 421 ? QStringLiteral("misdirected_request") : QStringLiteral("invalid_request"));
    QVERIFY(!error.value(QStringLiteral("error_description")).toString().isEmpty());
    QCOMPARE(exchanges.count(), 1);
    const BankExchange served = exchanges.first().at(0).value<BankExchange>();
    QVERIFY(!served.decisions.isEmpty());
    QCOMPARE(served.decisions.last().check,
        status == 421 ? QStringLiteral("request.host.allowed") : QStringLiteral("request.host.valid"));
    QCOMPARE(m_bank->store().auditLog().recent(1).first().checkId, served.decisions.last().check);
}

void tst_HostHeader::rebindingReachesNoEndpoint_data()
{
    QTest::addColumn<QByteArray>("requestLine");
    QTest::addColumn<QByteArray>("body");
    // Online banking with the browser's cookie, the token endpoint, a payment: none of them runs.
    QTest::newRow("online banking") << QByteArray("GET /web HTTP/1.1") << QByteArray();
    QTest::newRow("a payment form post")
        << QByteArray("POST /web/payments HTTP/1.1") << QByteArray("payee=Mallory&amount=1000.00");
    QTest::newRow("the token endpoint")
        << QByteArray("POST /token HTTP/1.1") << QByteArray("grant_type=authorization_code&code=x");
    QTest::newRow("a page that does not exist") << QByteArray("GET /nothing HTTP/1.1") << QByteArray();
}

void tst_HostHeader::rebindingReachesNoEndpoint()
{
    QFETCH(QByteArray, requestLine);
    QFETCH(QByteArray, body);
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const QByteArray response = exchange(*m_bank, requestLine,
        "Host: rebind.attacker.example:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Cookie: cfl_session=whatever\r\n",
        body);
    QCOMPARE(RawHttpClient::statusOf(response), 421);
    QCOMPARE(exchanges.count(), 1);
    const QList<BankDecision> decisions = exchanges.first().at(0).value<BankExchange>().decisions;
    QCOMPARE(decisions.size(), 1); // the refusal, and nothing an endpoint decided
    QCOMPARE(decisions.first().check, QStringLiteral("request.host.allowed"));
}

void tst_HostHeader::publicIssuerNameIsAllowed()
{
    // Listening elsewhere with a public name (codeflow-bank serve --issuer): that name, on its port.
    TestBank bank;
    BankConfig config;
    config.issuer = QUrl(QStringLiteral("https://bank.example"));
    QString error;
    QVERIFY2(bank.start(&error, config), qPrintable(error));
    const QByteArray line = "GET /jwks HTTP/1.1";
    QCOMPARE(RawHttpClient::statusOf(exchange(bank, line, "Host: bank.example\r\n")), 200);
    QCOMPARE(RawHttpClient::statusOf(exchange(bank, line, "Host: BANK.example:443\r\n")), 200);
    QCOMPARE(RawHttpClient::statusOf(exchange(bank, line, "Host: bank.example:8443\r\n")), 421);
    QCOMPARE(RawHttpClient::statusOf(exchange(bank, line, "Host: bank.example.attacker.example\r\n")), 421);
    // A loopback literal, on whatever port the bank listens (a proxy in front, or a client's plain Host).
    QCOMPARE(RawHttpClient::statusOf(exchange(
                 bank, line, "Host: 127.0.0.1:" + QByteArray::number(bank.server().port()) + "\r\n")),
        200);
    QCOMPARE(RawHttpClient::statusOf(exchange(bank, line, "Host: 127.0.0.1\r\n")), 200);
}

QTEST_GUILESS_MAIN(tst_HostHeader)
#include "tst_hostheader.moc"
