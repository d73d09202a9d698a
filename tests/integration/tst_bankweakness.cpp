// `codeflow-bank serve --weakness KEY`, run as its own process (issue 11): the headless bank with named
// defences off, for people who attack it with their own tools. Loud, in memory only, loopback only.

#include "BankHarness.h"
#include "attack/Weakness.h"

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
constexpr int ProcessTimeoutMs = 20000;

struct Finished
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
} // namespace

class tst_BankWeakness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listWeaknessesPrintsTheTable();
    void refusedArguments_data();
    void refusedArguments();
    void weaknessIsLoudAndSwitchesItsChecksOff();
    void nextStartHasNoWeakness();

private:
    Finished run(const QStringList &arguments);
    QTemporaryDir m_home;
};

void tst_BankWeakness::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(CODEFLOW_BANK_PATH)).isExecutable(), CODEFLOW_BANK_PATH);
    QVERIFY(m_home.isValid());
}

Finished tst_BankWeakness::run(const QStringList &arguments)
{
    QProcess process;
    process.setProcessEnvironment(quietEnvironment(m_home.path()));
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(CODEFLOW_BANK_PATH), arguments);
    Finished result;
    if (!finished.wait(ProcessTimeoutMs)) {
        process.kill();
        QSignalSpy killed(&process, &QProcess::finished);
        killed.wait(ProcessTimeoutMs);
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void tst_BankWeakness::listWeaknessesPrintsTheTable()
{
    const Finished result = run({ QStringLiteral("serve"), QStringLiteral("--list-weaknesses") });
    QCOMPARE(result.exitCode, 0);
    for (const attack::WeaknessSpec &spec : attack::allWeaknesses()) {
        QVERIFY2(result.out.contains(spec.key.toUtf8()), qPrintable(spec.key));
        for (const QString &check : spec.bankChecks + spec.clientChecks)
            QVERIFY2(result.out.contains(check.toUtf8()), qPrintable(check));
    }
}

void tst_BankWeakness::refusedArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown key") << QStringList { QStringLiteral("--weakness"), QStringLiteral("everything") }
                                 << QStringLiteral("unknown weakness 'everything'");
    QTest::newRow("empty key") << QStringList { QStringLiteral("--weakness"), QString() }
                               << QStringLiteral("unknown weakness ''");
    QTest::newRow("CoolLoan's weakness")
        << QStringList { QStringLiteral("--weakness"), QStringLiteral("nonce-not-checked") }
        << QStringLiteral("'nonce-not-checked' is a weakness of CoolLoan, not of the bank");
    QTest::newRow("non-loopback listen") << QStringList { QStringLiteral("--listen"),
        QStringLiteral("0.0.0.0"), QStringLiteral("--weakness"), QStringLiteral("code-reusable") }
                                         << QStringLiteral("only on loopback");
    QTest::newRow("non-loopback, weakness first") << QStringList { QStringLiteral("--weakness"),
        QStringLiteral("refresh-not-rotated"), QStringLiteral("--listen"), QStringLiteral("192.0.2.1") }
                                                  << QStringLiteral("only on loopback");
}

void tst_BankWeakness::refusedArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString dir = m_home.path() + QStringLiteral("/refused");
    const Finished result = run(QStringList { QStringLiteral("serve"), QStringLiteral("--port"),
                                    QStringLiteral("0"), QStringLiteral("--data-dir"), dir }
        + arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
    if (message.startsWith(QLatin1String("unknown")))
        QVERIFY2(result.err.contains("code-reusable"), result.err.constData()); // with the list
    // Refused before anything was touched.
    QVERIFY(!QFileInfo::exists(dir));
}

void tst_BankWeakness::weaknessIsLoudAndSwitchesItsChecksOff()
{
    const QString dir = m_home.path() + QStringLiteral("/weak");
    ServeProcess serve(QStringLiteral(CODEFLOW_BANK_PATH),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), dir,
            QStringLiteral("--weakness"), QStringLiteral("code-reusable"), QStringLiteral("--weakness"),
            QStringLiteral("pkce-challenge-optional") },
        quietEnvironment(m_home.path()));
    const QUrl issuer = serve.waitForIssuer();
    QVERIFY2(issuer.isValid() && !issuer.isEmpty(), serve.err().constData());
    // The stderr line names every active weakness and what it switches off.
    QTRY_VERIFY2_WITH_TIMEOUT(serve.err().contains("WEAKENED"), serve.err().constData(), ServeTimeoutMs);
    for (const char *part : { "code-reusable", "token.code.unused", "token.code.redeem_once",
             "pkce-challenge-optional", "authorize.pkce.challenge_present" })
        QVERIFY2(serve.err().contains(part), part);

    // The weaknesses are real: a request without code_challenge gets a code, and a code is redeemed twice.
    // CoolLoan's secret is the second line on stdout (a fresh data directory); it may come after the first.
    QTRY_VERIFY_WITH_TIMEOUT(serve.out().count('\n') >= 2, ServeTimeoutMs);
    const QByteArray out = serve.out();
    const int at = out.indexOf("coolloan client_secret: ");
    QVERIFY2(at >= 0, out.constData());
    const QByteArray secret = out.mid(at + 24, out.indexOf('\n', at) - at - 24).trimmed();
    QVERIFY(!secret.isEmpty());
    Browser browser(issuer);
    const AuthorizationRun stripped = browser.authorize(AuthorizationRequest {}, {}, {},
        { QStringLiteral("-code_challenge"), QStringLiteral("-code_challenge_method") });
    QVERIFY2(!stripped.code().isEmpty(), qPrintable(stripped.describe()));
    const AuthorizationRequest request;
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    HttpAgent coolLoan;
    const FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
        { QStringLiteral("code"), run.code() }, { QStringLiteral("redirect_uri"), request.redirectUri },
        { QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier) } };
    const RawHeaders authorization { { "Authorization",
        OAuthClient::basicAuthorization(QString::fromLatin1(CoolLoanId), secret) } };
    const QUrl token = issuer.resolved(QUrl(QStringLiteral("/token")));
    const HttpResult first = coolLoan.postForm(token, fields, authorization);
    QCOMPARE(first.status, 200);
    const HttpResult second = coolLoan.postForm(token, fields, authorization);
    QVERIFY2(second.status == 200, qPrintable(second.describe()));
    QVERIFY(serve.stop());
}

void tst_BankWeakness::nextStartHasNoWeakness()
{
    const QString dir = m_home.path() + QStringLiteral("/again");
    {
        ServeProcess serve(QStringLiteral(CODEFLOW_BANK_PATH),
            { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), dir,
                QStringLiteral("--weakness"), QStringLiteral("pkce-challenge-optional") },
            quietEnvironment(m_home.path()));
        const QUrl issuer = serve.waitForIssuer();
        QVERIFY(!issuer.isEmpty());
        // Answering a request means its event loop runs, with the signal handler that stops it cleanly.
        HttpAgent agent;
        QCOMPARE(agent.get(issuer.resolved(QUrl(QStringLiteral("/.well-known/openid-configuration")))).status,
            200);
        QVERIFY(serve.stop());
    }
    ServeProcess serve(QStringLiteral(CODEFLOW_BANK_PATH),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), dir },
        quietEnvironment(m_home.path()));
    const QUrl issuer = serve.waitForIssuer();
    QVERIFY(!issuer.isEmpty());
    QVERIFY(!serve.err().contains("WEAKENED"));
    // Nothing was stored: the same data directory, and code_challenge is required again.
    Browser browser(issuer);
    const AuthorizationRun run = browser.authorize(AuthorizationRequest {}, {}, {},
        { QStringLiteral("-code_challenge"), QStringLiteral("-code_challenge_method") });
    QVERIFY2(run.code().isEmpty(), qPrintable(run.describe()));
    QCOMPARE(run.error(), QStringLiteral("invalid_request"));
    QVERIFY(serve.stop());
}

QTEST_GUILESS_MAIN(tst_BankWeakness)
#include "tst_bankweakness.moc"
