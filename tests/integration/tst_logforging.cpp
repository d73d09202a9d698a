// Issue 10 §9, end to end: `codeflow-bank serve` writes one line per request to stderr, and Qt's messages
// (with QT_LOGGING_RULES the bank's refusals, naming client_id) go there too. A client_id of
// "x%0A12:00:00 127.0.0.1 GET /forged → 200" printed a fake access-log line; now every line the bank
// writes is its own, with the request's control characters escaped (CWE-117).

#include "BankHarness.h"
#include "RawHttpClient.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_LogForging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestValuesCannotStartALine();
};

void tst_LogForging::requestValuesCannotStartALine()
{
    QVERIFY2(QFileInfo(QStringLiteral(CODEFLOW_BANK_PATH)).isExecutable(), CODEFLOW_BANK_PATH);
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    // The bank's own refusal messages too (qCInfo(lcBank), off by default).
    environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("cfl.bank.info=true"));
    ServeProcess bank(QStringLiteral(CODEFLOW_BANK_PATH),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"),
            home.filePath(QStringLiteral("bank")) },
        environment);
    const QUrl issuer = bank.waitForIssuer();
    QVERIFY2(issuer.port() > 0, bank.err().constData());

    const QByteArray forged = "12:00:00%20127.0.0.1%20GET%20/forged%20%E2%86%92%20200";
    const QList<QByteArray> targets {
        "/authorize?response_type=code&client_id=x%0A" + forged, // in the refusal: unknown client_id '…'
        "/authorize?x%0D%0A" + forged + "=1", // a parameter name (the access log names them)
        "/web/accounts/1%0A" + forged, // the path
        "/authorize?client_id=%1B%5B2J%1B%5BH" + forged, // clear the terminal, then a fake line
    };
    for (const QByteArray &target : targets) {
        RawHttpClient client(quint16(issuer.port()));
        QVERIFY(client.waitConnected());
        client.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QVERIFY(client.waitForResponses(1));
    }
    QVERIFY(bank.stop());

    const QList<QByteArray> lines = bank.err().split('\n');
    int mentions = 0;
    for (const QByteArray &line : lines) {
        // Nothing a client sent begins a line, and no line holds a control character.
        QVERIFY2(!line.startsWith("12:00:00 127.0.0.1 GET /forged"), line.constData());
        for (const char c : line)
            QVERIFY2(uchar(c) >= 0x20 && c != 0x7f, line.constData());
        if (line.contains("/forged"))
            ++mentions;
    }
    // The values are still there to read, escaped: three access-log lines and the bank's own refusals.
    QVERIFY2(mentions >= 4, bank.err().constData());
    QVERIFY2(
        bank.err().contains("unknown client_id 'x\\n12:00:00 127.0.0.1 GET /forged"), bank.err().constData());
    QVERIFY2(bank.err().contains("\\x1B[2J"), bank.err().constData());
}

QTEST_GUILESS_MAIN(tst_LogForging)
#include "tst_logforging.moc"
