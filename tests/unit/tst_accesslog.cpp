// Log forging (CWE-117): request values decoded by the bank — a path, parameter names, client_id in a
// refusal — reach the headless bank's stderr. escapeForLog (core/http/LogEscaping) makes every control
// character visible, so one request is one line and nothing a client sends can start another, reorder
// what a terminal shows (bidi controls) or be mistaken for an escape of ours (backslash). accessLogLine
// (core/bank/BankServer.cpp) is escaped as a whole, and installLogEscaping does the same for every Qt
// message (qCInfo(lcBank) names client_id in refusals).

#include "bank/BankServer.h"
#include "http/LogEscaping.h"

#include <QLoggingCategory>
#include <QTest>

using namespace cfl;

namespace {

bool hasControlCharacter(const QString &line)
{
    for (const QChar c : line) {
        const char16_t u = c.unicode();
        if (u < 0x20 || (u >= 0x7F && u <= 0x9F) || u == 0x2028 || u == 0x2029 || (u >= 0x202A && u <= 0x202E)
            || (u >= 0x2066 && u <= 0x2069))
            return true;
    }
    return false;
}

BankExchange exchangeFor(const QByteArray &target, const QString &refusal = {})
{
    BankExchange exchange;
    exchange.request.method = "GET";
    exchange.request.url = QUrl::fromEncoded(target); // as QHttpServer builds it from the request line
    exchange.request.remoteAddress = QHostAddress::LocalHost;
    exchange.response.status = refusal.isEmpty() ? 200 : 400;
    if (!refusal.isEmpty()) {
        BankDecision decision;
        decision.what = QStringLiteral("refused");
        decision.refusal = OAuthError::invalidRequest(refusal);
        exchange.decisions.append(decision);
    }
    return exchange;
}

QStringList capturedMessages;

void capture(QtMsgType, const QMessageLogContext &, const QString &message)
{
    capturedMessages.append(message);
}

} // namespace

class tst_AccessLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapesWhatCouldForgeALine_data();
    void escapesWhatCouldForgeALine();
    void accessLogLineIsOneLine_data();
    void accessLogLineIsOneLine();
    void accessLogLineKeepsNamesNotValues();
    void qtMessagesAreEscaped();
};

void tst_AccessLog::escapesWhatCouldForgeALine_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("logged");

    QTest::newRow("plain ASCII") << QStringLiteral("GET /token?code") << QStringLiteral("GET /token?code");
    QTest::newRow("non-ASCII text stays")
        << QStringLiteral("Müller → €5 — ok") << QStringLiteral("Müller → €5 — ok");
    QTest::newRow("emoji (surrogate pair) stays")
        << QStringLiteral("a\U0001F600b") << QStringLiteral("a\U0001F600b");
    QTest::newRow("LF") << QStringLiteral("x\n12:00:00 127.0.0.1 GET /token → 200")
                        << QStringLiteral("x\\n12:00:00 127.0.0.1 GET /token → 200");
    QTest::newRow("CR (overwrites the line in a terminal)")
        << QStringLiteral("x\rfake") << QStringLiteral("x\\rfake");
    QTest::newRow("tab") << QStringLiteral("a\tb") << QStringLiteral("a\\tb");
    QTest::newRow("NUL") << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))
                         << QStringLiteral("a\\x00b");
    QTest::newRow("ESC (terminal colours, cursor moves)")
        << QStringLiteral("\x1b[2J\x1b[31mred") << QStringLiteral("\\x1B[2J\\x1B[31mred");
    QTest::newRow("DEL") << QStringLiteral("a\x7f") << QStringLiteral("a\\x7F");
    QTest::newRow("NEL (C1 next line)") << QStringLiteral("a\u0085b") << QStringLiteral("a\\x85b");
    QTest::newRow("C1 CSI") << QStringLiteral("a\u009bb") << QStringLiteral("a\\x9Bb");
    QTest::newRow("line separator") << QStringLiteral("a\u2028b") << QStringLiteral("a\\u{2028}b");
    QTest::newRow("paragraph separator") << QStringLiteral("a\u2029b") << QStringLiteral("a\\u{2029}b");
    // CVE-2021-42574 ("Trojan Source"): bidi controls make a terminal show the text in another order.
    QTest::newRow("right-to-left override") << QStringLiteral("a\u202eb") << QStringLiteral("a\\u{202E}b");
    QTest::newRow("right-to-left isolate") << QStringLiteral("a\u2067b") << QStringLiteral("a\\u{2067}b");
    QTest::newRow("right-to-left mark") << QStringLiteral("a\u200fb") << QStringLiteral("a\\u{200F}b");
    // A client's own "\n" (backslash, n) must not read like one of our escapes.
    QTest::newRow("backslash") << QStringLiteral("a\\nb") << QStringLiteral("a\\\\nb");
    QTest::newRow("lone surrogate") << QString(QStringLiteral("a") + QChar(char16_t(0xD800))
        + QStringLiteral("b")) << QStringLiteral("a\\u{D800}b");
}

void tst_AccessLog::escapesWhatCouldForgeALine()
{
    QFETCH(QString, text);
    QFETCH(QString, logged);
    QCOMPARE(escapeForLog(text), logged);
    QVERIFY(!hasControlCharacter(escapeForLog(text)));
}

void tst_AccessLog::accessLogLineIsOneLine_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("refusal");
    QTest::addColumn<QString>("mustContain"); // the forged part, escaped

    // The report of issue 10: client_id=x%0A… printed a fake access-log line.
    QTest::newRow("client_id with LF, in the refusal")
        << QByteArray("/authorize?client_id=x%0A12:00:00%20127.0.0.1%20GET%20/token")
        << QStringLiteral("unknown client_id 'x\n12:00:00 127.0.0.1 GET /token'")
        << QStringLiteral("unknown client_id 'x\\n12:00:00 127.0.0.1 GET /token'");
    QTest::newRow("parameter name with CR LF") << QByteArray("/authorize?a%0D%0A12:00:00%20fake=1")
                                               << QString() << QStringLiteral("a\\r\\n12:00:00 fake");
    QTest::newRow("parameter name with ESC")
        << QByteArray("/token?x%1B%5B2J=1") << QString() << QStringLiteral("x\\x1B[2J");
    QTest::newRow("path with LF") << QByteArray("/web/accounts/1%0A12:00:00%20fake") << QString()
                                  << QStringLiteral("/web/accounts/1");
    QTest::newRow("path with NEL and bidi override (UTF-8)")
        << QByteArray("/web/%C2%85%E2%80%AEx") << QString() << QStringLiteral("/web/");
    QTest::newRow("refusal with a name from a form")
        << QByteArray("/token") << QStringLiteral("unknown parameter 'a\u2028b\u202e'")
        << QStringLiteral("'a\\u{2028}b\\u{202E}'");
}

void tst_AccessLog::accessLogLineIsOneLine()
{
    QFETCH(QByteArray, target);
    QFETCH(QString, refusal);
    QFETCH(QString, mustContain);
    const QString line = accessLogLine(exchangeFor(target, refusal));
    QVERIFY2(!hasControlCharacter(line), qPrintable(line));
    QVERIFY2(line.contains(mustContain), qPrintable(line));
}

void tst_AccessLog::accessLogLineKeepsNamesNotValues()
{
    // Escaping changes nothing else: names of parameters, never their values (docs/architecture.md).
    const QString line
        = accessLogLine(exchangeFor("/authorize?client_id=coolloan&code_challenge=secret%0Avalue&state=s"));
    QVERIFY2(line.contains(QStringLiteral("GET /authorize?client_id,code_challenge,state → 200")),
        qPrintable(line));
    QVERIFY(!line.contains(QLatin1String("coolloan")));
    QVERIFY(!line.contains(QLatin1String("secret")));
}

void tst_AccessLog::qtMessagesAreEscaped()
{
    // installLogEscaping hands each message, escaped, to the handler that was there before (Qt's own in
    // the bank; here one that keeps them).
    qInstallMessageHandler(capture);
    installLogEscaping();
    const QString clientId = QStringLiteral("x\n12:00:00 127.0.0.1 GET /token → 200");
    qInfo().noquote() << "refused: invalid_client - unknown client_id" << clientId;
    qWarning("a\rb\x1b[0m");
    qInstallMessageHandler(nullptr);
    QCOMPARE(capturedMessages.size(), 2);
    QCOMPARE(capturedMessages.at(0),
        QStringLiteral(
            "refused: invalid_client - unknown client_id x\\n12:00:00 127.0.0.1 GET /token → 200"));
    QCOMPARE(capturedMessages.at(1), QStringLiteral("a\\rb\\x1B[0m"));
}

QTEST_GUILESS_MAIN(tst_AccessLog)
#include "tst_accesslog.moc"
