// `codeflow-bank`, the headless bank, run as its own process: what workshop attendees type.

#include "BankHarness.h"
#include "crypto/Digest.h"
#include "storage/SeedData.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
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
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
};

} // namespace

class tst_BankCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void version();
    void help();
    void badArgumentsExit2_data();
    void badArgumentsExit2();
    void registerClientPrintsOneJsonObject_data();
    void registerClientPrintsOneJsonObject();
    void serveAndRegisterClientShareADataDirectory();
    void nonLoopbackListenWarns();
    void resetReseeds();
    void rotateKeyOnAnUnusableDirectoryExits1();

private:
    Finished run(const QStringList &arguments);

    QTemporaryDir m_home;
};

void tst_BankCli::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(CODEFLOW_BANK_PATH)).isExecutable(), CODEFLOW_BANK_PATH);
    QVERIFY(m_home.isValid());
}

Finished tst_BankCli::run(const QStringList &arguments)
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
    result.exitStatus = process.exitStatus();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void tst_BankCli::version()
{
    const Finished result = run({ QStringLiteral("--version") });
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.startsWith("codeflow-bank " CFL_VERSION), result.out.constData());
}

void tst_BankCli::help()
{
    const Finished result = run({ QStringLiteral("--help") });
    QCOMPARE(result.exitCode, 0);
    for (const char *command : { "serve", "register-client", "reset", "rotate-key" })
        QVERIFY2(result.out.contains(command), command);
    const Finished serveHelp = run({ QStringLiteral("serve"), QStringLiteral("--help") });
    QCOMPARE(serveHelp.exitCode, 0);
    QVERIFY(serveHelp.out.contains("--code-lifetime"));
}

void tst_BankCli::badArgumentsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    const QString dir = m_home.path() + QStringLiteral("/never-created");
    QTest::newRow("no command") << QStringList {} << QStringLiteral("a command is required");
    QTest::newRow("unknown command") << QStringList { QStringLiteral("frobnicate") }
                                     << QStringLiteral("unknown command 'frobnicate'");
    QTest::newRow("unknown option") << QStringList { QStringLiteral("serve"), QStringLiteral("--bogus") }
                                    << QStringLiteral("bogus");
    QTest::newRow("stray argument") << QStringList { QStringLiteral("serve"), QStringLiteral("now") }
                                    << QStringLiteral("unexpected argument 'now'");
    QTest::newRow("port out of range") << QStringList { QStringLiteral("serve"), QStringLiteral("--port"),
        QStringLiteral("99999") } << QStringLiteral("--port must be a number");
    QTest::newRow("listen on a name")
        << QStringList { QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("bank.example") }
        << QStringLiteral("--listen needs an IP address");
    QTest::newRow("zero code lifetime")
        << QStringList { QStringLiteral("serve"), QStringLiteral("--code-lifetime"), QStringLiteral("0") }
        << QStringLiteral("--code-lifetime must be a number of seconds");
    QTest::newRow("issuer with a query") << QStringList { QStringLiteral("serve"), QStringLiteral("--issuer"),
        QStringLiteral("http://127.0.0.1:1/?x=1") }
                                         << QStringLiteral("--issuer must be an http(s) URL");
    // The key of a bank in use changes: the bank is named, never taken by default.
    QTest::newRow("rotate-key without --data-dir")
        << QStringList { QStringLiteral("rotate-key") } << QStringLiteral("--data-dir is required");
    QTest::newRow("register-client without name") << QStringList { QStringLiteral("register-client"),
        QStringLiteral("--data-dir"), dir, QStringLiteral("--redirect-uri"),
        QStringLiteral("http://127.0.0.1/cb") } << QStringLiteral("--name is required");
    QTest::newRow("register-client without redirect URI") << QStringList { QStringLiteral("register-client"),
        QStringLiteral("--data-dir"), dir, QStringLiteral("--name"),
        QStringLiteral("X") } << QStringLiteral("at least one --redirect-uri is required");
    QTest::newRow("register-client with plain http elsewhere") << QStringList {
        QStringLiteral("register-client"), QStringLiteral("--data-dir"), dir, QStringLiteral("--name"),
        QStringLiteral("X"), QStringLiteral("--redirect-uri"), QStringLiteral("http://evil.example/cb")
    } << QStringLiteral("plain http on a non-loopback host");
    QTest::newRow("register-client with an unknown scope") << QStringList { QStringLiteral("register-client"),
        QStringLiteral("--data-dir"), dir, QStringLiteral("--name"), QStringLiteral("X"),
        QStringLiteral("--redirect-uri"), QStringLiteral("http://127.0.0.1/cb"), QStringLiteral("--scope"),
        QStringLiteral("openid telepathy") } << QStringLiteral("unknown scope 'telepathy'");
}

void tst_BankCli::badArgumentsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Finished result = run(arguments);
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
    QVERIFY(result.err.contains("--help"));
    QVERIFY(result.out.isEmpty());
    // Bad arguments touch nothing.
    QVERIFY(!QFileInfo::exists(m_home.path() + QStringLiteral("/never-created")));
}

void tst_BankCli::registerClientPrintsOneJsonObject_data()
{
    QTest::addColumn<bool>("isPublic");
    QTest::newRow("confidential") << false;
    QTest::newRow("public") << true;
}

void tst_BankCli::registerClientPrintsOneJsonObject()
{
    QFETCH(bool, isPublic);
    QTemporaryDir dataDir;
    QStringList arguments { QStringLiteral("register-client"), QStringLiteral("--data-dir"), dataDir.path(),
        QStringLiteral("--name"), QStringLiteral("Workshop App"), QStringLiteral("--redirect-uri"),
        QStringLiteral("http://127.0.0.1/callback"), QStringLiteral("--redirect-uri"),
        QStringLiteral("https://app.example/cb"), QStringLiteral("--scope"),
        QStringLiteral("openid profile accounts:read") };
    if (isPublic)
        arguments.append(QStringLiteral("--public"));
    const Finished result = run(arguments);
    QCOMPARE(result.exitCode, 0);
    // Exactly one line, one JSON object (a fresh data directory is created and seeded on the way).
    QCOMPARE(result.out.count('\n'), 1);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(result.out, &error);
    QVERIFY2(document.isObject(), qPrintable(error.errorString()));
    const QJsonObject json = document.object();
    const QString clientId = json.value(QStringLiteral("client_id")).toString();
    QVERIFY(clientId.startsWith(QLatin1String("workshop-app-")));
    QCOMPARE(json.contains(QStringLiteral("client_secret")), !isPublic);
    // And what was registered, to see a typo at once: redirect_uris, post_logout_redirect_uris (none).
    QCOMPARE(json.keys().size(), isPublic ? 3 : 4);
    QCOMPARE(json.value(QStringLiteral("redirect_uris")).toArray().size(), 2);
    QVERIFY(json.value(QStringLiteral("post_logout_redirect_uris")).toArray().isEmpty());

    // What the store now holds: the secret only as a hash.
    QString openError;
    const auto store = BankStore::open(dataDir.path(), &openError);
    QVERIFY2(store, qPrintable(openError));
    const auto client = store->clients().client(clientId);
    QVERIFY(client.has_value());
    QCOMPARE(client->name, QStringLiteral("Workshop App"));
    QCOMPARE(client->isPublic, isPublic);
    QCOMPARE(client->redirectUris,
        (QStringList {
            QStringLiteral("http://127.0.0.1/callback"), QStringLiteral("https://app.example/cb") }));
    QCOMPARE(client->allowedScopes,
        (QStringList {
            QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("accounts:read") }));
    if (!isPublic) {
        const QByteArray secret = json.value(QStringLiteral("client_secret")).toString().toLatin1();
        QVERIFY(isBase64UrlString(QString::fromLatin1(secret)));
        QCOMPARE(client->secretHash, sha256Hex(secret));
    }
    QVERIFY(store->users().userByUsername(QStringLiteral("john")).has_value());
}

void tst_BankCli::serveAndRegisterClientShareADataDirectory()
{
    QTemporaryDir dataDir;
    ServeProcess serve(QStringLiteral(CODEFLOW_BANK_PATH),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), dataDir.path() },
        quietEnvironment(m_home.path()));
    QTRY_VERIFY_WITH_TIMEOUT(!serve.firstLine().isEmpty(), ProcessTimeoutMs);

    // The first line of stdout is the issuer URL, and nothing else.
    const QUrl issuer(QString::fromUtf8(serve.firstLine()), QUrl::StrictMode);
    QVERIFY2(issuer.isValid(), serve.firstLine().constData());
    QCOMPARE(issuer.scheme(), QStringLiteral("http"));
    // On loopback the bank is "localhost", apart from its clients' 127.0.0.1 callbacks (RFC 8252 §8.3).
    QCOMPARE(issuer.host(), QStringLiteral("localhost"));
    QVERIFY(issuer.port() > 0);
    QVERIFY(issuer.path().isEmpty());
    HttpAgent agent;
    const HttpResult metadata
        = agent.get(issuer.resolved(QUrl(QStringLiteral("/.well-known/openid-configuration"))));
    QCOMPARE(metadata.status, 200);
    QCOMPARE(
        metadata.json().value(QStringLiteral("issuer")).toString(), QString::fromUtf8(serve.firstLine()));

    // A workshop attendee registers an app while the bank runs ...
    const Finished registered = run({ QStringLiteral("register-client"), QStringLiteral("--data-dir"),
        dataDir.path(), QStringLiteral("--name"), QStringLiteral("Live App"),
        QStringLiteral("--redirect-uri"), QStringLiteral("http://127.0.0.1/cb") });
    QCOMPARE(registered.exitCode, 0);
    const QJsonObject client = QJsonDocument::fromJson(registered.out).object();
    const QString clientId = client.value(QStringLiteral("client_id")).toString();
    const QByteArray secret = client.value(QStringLiteral("client_secret")).toString().toLatin1();
    QVERIFY(!clientId.isEmpty());
    QVERIFY(!secret.isEmpty());

    // ... and uses it at once against the running bank, front channel and back channel.
    Browser browser(issuer);
    AuthorizationRequest request;
    request.clientId = clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7100/cb");
    request.scope = QStringLiteral("openid accounts:read");
    request.state = QStringLiteral("state-that-must-not-be-logged-7f3a9");
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(run.sawLoginPage, qPrintable(run.describe()));
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    QCOMPARE(run.response.value(QStringLiteral("state")), request.state);
    const HttpResult token = agent.postForm(issuer.resolved(QUrl(QStringLiteral("/token"))),
        { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
            { QStringLiteral("code"), run.code() }, { QStringLiteral("redirect_uri"), request.redirectUri },
            { QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier) } },
        { { "Authorization", OAuthClient::basicAuthorization(clientId, secret) } });
    QCOMPARE(token.status, 200);
    QVERIFY(TokenSet::from(token).isValid());

    // One log line per request on stderr, naming query parameters but never their values.
    const int requests = 1 + int(run.trail.size()) + 1; // metadata, the browser's requests, the token
    QTRY_COMPARE_WITH_TIMEOUT(int(serve.err().count(" → ")), requests, ProcessTimeoutMs);
    QVERIFY2(serve.err().contains(
                 "GET /authorize?response_type,client_id,redirect_uri,scope,state,nonce,code_challenge,"
                 "code_challenge_method"),
        serve.err().constData());
    QVERIFY(serve.err().contains("POST /token"));
    // (John's workshop password is printed on purpose at start; the values below never are.)
    for (const QByteArray &secretValue : { request.state.toUtf8(), request.nonce.toUtf8(),
             run.code().toUtf8(), request.verifier, secret, TokenSet::from(token).accessToken.toUtf8() }) {
        QVERIFY2(!serve.err().contains(secretValue), secretValue.constData());
        QVERIFY2(!serve.out().contains(secretValue), secretValue.constData());
    }
    QVERIFY(!serve.err().contains("WARNING"));

    QVERIFY2(serve.stop(), serve.err().constData());
    QVERIFY(serve.err().contains("stopped"));
}

void tst_BankCli::nonLoopbackListenWarns()
{
    QTemporaryDir dataDir;
    ServeProcess serve(QStringLiteral(CODEFLOW_BANK_PATH),
        { QStringLiteral("--listen"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"),
            QStringLiteral("0"), QStringLiteral("--data-dir"), dataDir.path() },
        quietEnvironment(m_home.path()));
    QTRY_VERIFY_WITH_TIMEOUT(!serve.firstLine().isEmpty(), ProcessTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(serve.err().contains("WARNING"), ProcessTimeoutMs);
    QVERIFY(serve.err().contains("not a loopback address"));
    QVERIFY(serve.stop());
}

void tst_BankCli::resetReseeds()
{
    QTemporaryDir dataDir;
    // reset works on a fresh directory too, and prints CoolLoan's new secret.
    const Finished first = run({ QStringLiteral("reset"), QStringLiteral("--data-dir"), dataDir.path() });
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.out.startsWith("coolloan client_secret: "), first.out.constData());
    const QByteArray firstSecret = first.out.mid(int(qstrlen("coolloan client_secret: "))).trimmed();
    QVERIFY(isBase64UrlString(QString::fromLatin1(firstSecret)));

    // Change the bank: a client, a payment.
    const Finished registered = run({ QStringLiteral("register-client"), QStringLiteral("--data-dir"),
        dataDir.path(), QStringLiteral("--name"), QStringLiteral("Doomed App"),
        QStringLiteral("--redirect-uri"), QStringLiteral("http://127.0.0.1/cb") });
    QCOMPARE(registered.exitCode, 0);
    const QString clientId
        = QJsonDocument::fromJson(registered.out).object().value(QStringLiteral("client_id")).toString();
    qint64 seededBalance = 0;
    {
        QString error;
        const auto store = BankStore::open(dataDir.path(), &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(store->clients().client(clientId).has_value());
        const auto john = store->users().userByUsername(QString::fromLatin1(SeedUsername));
        QVERIFY(john.has_value());
        seededBalance = store->accounts().account(QString::fromLatin1(SeedCheckingAccountId))->balanceCents;
        QVERIFY(store->accounts().makePayment(john->id, QString::fromLatin1(SeedCheckingAccountId),
            QStringLiteral("Somebody"), 1000, {}, QDateTime::currentSecsSinceEpoch(), &error));
    }

    const Finished reset = run({ QStringLiteral("reset"), QStringLiteral("--data-dir"), dataDir.path() });
    QCOMPARE(reset.exitCode, 0);
    const QByteArray newSecret = reset.out.mid(int(qstrlen("coolloan client_secret: "))).trimmed();
    QVERIFY(!newSecret.isEmpty());
    QVERIFY(newSecret != firstSecret);

    QString error;
    const auto store = BankStore::open(dataDir.path(), &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(!store->clients().client(clientId).has_value());
    const auto coolLoan = store->clients().client(QString::fromLatin1(SeedCoolLoanClientId));
    QVERIFY(coolLoan.has_value());
    QCOMPARE(coolLoan->secretHash, sha256Hex(newSecret));
    QCOMPARE(
        store->accounts().account(QString::fromLatin1(SeedCheckingAccountId))->balanceCents, seededBalance);
    QVERIFY(!store->keys().signingKeyJwk().has_value()); // "a new signing key is made at the next start"
}

void tst_BankCli::rotateKeyOnAnUnusableDirectoryExits1()
{
    // A file where the directory should be: nothing can be created under it (root ignores permissions).
    QTemporaryDir parent;
    const QString file = parent.path() + QStringLiteral("/not-a-directory");
    QFile placeholder(file);
    QVERIFY(placeholder.open(QIODevice::WriteOnly));
    placeholder.close();
    const Finished result
        = run({ QStringLiteral("rotate-key"), QStringLiteral("--data-dir"), file + QStringLiteral("/bank") });
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.startsWith("codeflow-bank: "), result.err.constData());
    QVERIFY2(result.err.contains("not-a-directory"), result.err.constData());
    QVERIFY(result.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_BankCli)
#include "tst_bankcli.moc"
