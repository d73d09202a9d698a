// Signing key rotation (OpenID Connect Core §10.1.1): `codeflow-bank rotate-key` on a fresh directory and
// beside a running bank; the new key signs the next token without a restart; the retired public key stays
// in the JWKS exactly as long as a JWT it signed may be valid; the desktop app's way, with the private key
// outside the database.

#include "BankHarness.h"
#include "crypto/Jwt.h"
#include "crypto/SigningKey.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
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
    QJsonObject json() const // the last line of stdout
    {
        const QList<QByteArray> lines = out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last()).object();
    }
};

Finished runBank(const QStringList &arguments)
{
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(CODEFLOW_BANK_PATH), arguments);
    Finished result;
    if (!finished.wait(ProcessTimeoutMs)) {
        process.kill();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Finished rotateKey(const QString &dataDir)
{
    return runBank({ QStringLiteral("rotate-key"), QStringLiteral("--data-dir"), dataDir });
}

QString kidOf(const QString &jwt)
{
    const auto decoded = decodeJwt(jwt.toLatin1());
    return decoded ? decoded->header.value(QStringLiteral("kid")).toString() : QString();
}

qint64 expOf(const QString &jwt)
{
    const auto decoded = decodeJwt(jwt.toLatin1());
    return decoded ? decoded->payload.value(QStringLiteral("exp")).toInteger() : 0;
}

QStringList kidsOf(const QJsonObject &jwks)
{
    QStringList kids;
    for (const QJsonValue &key : jwks.value(QStringLiteral("keys")).toArray())
        kids << key.toObject().value(QStringLiteral("kid")).toString();
    return kids;
}

} // namespace

class tst_KeyRotation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void rotateKeyOnAFreshDirectory();
    void rotateKeyWhileServeRuns();
    void retiredKeyLeavesWhenItsLastTokenExpires();
    void rotationWithTheKeyOutsideTheDatabase();
    void keysDeletedUnderARunningBankArePublishedAgain();

private:
    QTemporaryDir m_home;
};

void tst_KeyRotation::initTestCase()
{
    QVERIFY(m_home.isValid());
}

void tst_KeyRotation::rotateKeyOnAFreshDirectory()
{
    QTemporaryDir parent;
    const QString dataDir = parent.path() + QStringLiteral("/bank");
    const Finished rotated = rotateKey(dataDir);
    QVERIFY2(rotated.exitCode == 0, rotated.err.constData());
    // A fresh bank is seeded on the way: CoolLoan's secret is shown once, as `serve` would have.
    QVERIFY2(rotated.out.startsWith("coolloan client_secret: "), rotated.out.constData());
    const QJsonObject json = rotated.json();
    const QString kid = json.value(QStringLiteral("kid")).toString();
    const QString retiredKid = json.value(QStringLiteral("retired_kid")).toString();
    QVERIFY(!kid.isEmpty());
    QVERIFY(!retiredKid.isEmpty());
    QVERIFY(kid != retiredKid);
    // The first key signed nothing: it leaves the JWKS at once.
    QVERIFY(json.value(QStringLiteral("retired_key_leaves_jwks_at")).toInteger()
        <= QDateTime::currentSecsSinceEpoch());
    QVERIFY2(rotated.err.contains("leaves the JWKS now"), rotated.err.constData());

    // The bank started on that directory signs with the new key and publishes it alone.
    QString error;
    BankServer server;
    BankServerOptions serverOptions;
    serverOptions.dataDir = dataDir;
    QVERIFY2(server.start(serverOptions, &error), qPrintable(error));
    QCOMPARE(kidsOf(server.bank()->jwks()), QStringList { kid });
    QCOMPARE(server.store()->keys().currentKid().value_or(QString()), kid);
}

void tst_KeyRotation::rotateKeyWhileServeRuns()
{
    QTemporaryDir dataDir;
    ServeProcess serve(QStringLiteral(CODEFLOW_BANK_PATH),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), dataDir.path() },
        quietEnvironment(m_home.path()));
    const QUrl issuer = serve.waitForIssuer();
    QVERIFY2(issuer.isValid() && !issuer.isEmpty(), serve.err().constData());
    QTRY_VERIFY_WITH_TIMEOUT(serve.out().count('\n') >= 2, ProcessTimeoutMs);
    const QByteArray secret = serve.out().split('\n').value(1).mid(int(qstrlen("coolloan client_secret: ")));
    QVERIFY(!secret.isEmpty());

    HttpAgent agent;
    const auto tokens = [&] {
        Browser browser(issuer);
        AuthorizationRequest request;
        const AuthorizationRun run = browser.authorize(request);
        const HttpResult response = agent.postForm(issuer.resolved(QUrl(QStringLiteral("/token"))),
            { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), run.code() },
                { QStringLiteral("redirect_uri"), request.redirectUri },
                { QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier) } },
            { { "Authorization",
                OAuthClient::basicAuthorization(QString::fromLatin1(CoolLoanId), secret) } });
        return TokenSet::from(response);
    };
    const auto jwks = [&] { return agent.get(issuer.resolved(QUrl(QStringLiteral("/jwks")))).json(); };

    const TokenSet before = tokens();
    QVERIFY(!before.idToken.isEmpty());
    const QString oldKid = kidOf(before.idToken);
    QCOMPARE(kidOf(before.accessToken), oldKid);
    QCOMPARE(kidsOf(jwks()), QStringList { oldKid });

    const Finished rotated = rotateKey(dataDir.path());
    QVERIFY2(rotated.exitCode == 0, rotated.err.constData());
    const QJsonObject json = rotated.json();
    const QString newKid = json.value(QStringLiteral("kid")).toString();
    QCOMPARE(json.value(QStringLiteral("retired_kid")).toString(), oldKid);
    // The old key leaves exactly when the last token it signed expires.
    QCOMPARE(json.value(QStringLiteral("retired_key_leaves_jwks_at")).toInteger(), expOf(before.idToken));
    QVERIFY(rotated.out.count('\n') == 1); // not a fresh bank: no CoolLoan secret this time

    // The running bank signs the next tokens with the new key, without a restart ...
    const TokenSet after = tokens();
    QVERIFY(!after.idToken.isEmpty());
    QCOMPARE(kidOf(after.idToken), newKid);
    QCOMPARE(kidOf(after.accessToken), newKid);
    // ... and publishes both keys, the current one first: tokens from before still verify.
    const QJsonObject keys = jwks();
    QCOMPARE(kidsOf(keys), (QStringList { newKid, oldKid }));
    QString error;
    QVERIFY2(verifyRs256(before.idToken.toLatin1(), keys, &error), qPrintable(error));
    QVERIFY2(verifyRs256(after.idToken.toLatin1(), keys, &error), qPrintable(error));
    // banky still takes the access token signed before the rotation.
    const HttpResult accounts = agent.get(issuer.resolved(QUrl(QStringLiteral("/api/accounts"))),
        { { "Authorization", "Bearer " + before.accessToken.toLatin1() } });
    QCOMPARE(accounts.status, 200);
    QVERIFY(serve.stop());
}

void tst_KeyRotation::retiredKeyLeavesWhenItsLastTokenExpires()
{
    // Short lifetimes and the bank's own clock: no waiting.
    TestBank bank;
    BankConfig config;
    config.accessTokenLifetime = 120;
    QString error;
    QVERIFY2(bank.start(&error, config), qPrintable(error));
    OAuthClient client(bank, { QString::fromLatin1(CoolLoanId), bank.coolLoanSecret() });
    const TokenSet before = obtainTokens(bank, client);
    QVERIFY(before.isValid());
    const QString oldKid = kidOf(before.idToken);
    bank.advanceClock(20);
    const TokenSet later = obtainTokens(bank, client); // a later token of the same key: the last one
    QCOMPARE(kidOf(later.idToken), oldKid);

    const Finished rotated = rotateKey(bank.dataDir());
    QVERIFY2(rotated.exitCode == 0, rotated.err.constData());
    const QString newKid = rotated.json().value(QStringLiteral("kid")).toString();
    QCOMPARE(
        rotated.json().value(QStringLiteral("retired_key_leaves_jwks_at")).toInteger(), bank.now() + 120);
    const TokenSet after = obtainTokens(bank, client);
    QCOMPARE(kidOf(after.idToken), newKid);

    HttpAgent agent;
    const auto published = [&] { return kidsOf(agent.get(bank.url(QStringLiteral("/jwks"))).json()); };
    QCOMPARE(published(), (QStringList { newKid, oldKid }));
    bank.advanceClock(119); // the later token's last valid second
    QCOMPARE(client.api(QStringLiteral("/api/accounts"), later.accessToken).status, 200);
    QCOMPARE(published(), (QStringList { newKid, oldKid }));
    bank.advanceClock(1); // every token of the old key has expired: it leaves
    QCOMPARE(published(), QStringList { newKid });
    // The new key's tokens are untouched.
    QString verifyError;
    QVERIFY2(verifyRs256(
                 after.idToken.toLatin1(), agent.get(bank.url(QStringLiteral("/jwks"))).json(), &verifyError),
        qPrintable(verifyError));
}

void tst_KeyRotation::rotationWithTheKeyOutsideTheDatabase()
{
    // The desktop app keeps its private key in the keychain: the database learns the public JWK only.
    const SigningKey keychainKey = SigningKey::generate();
    TestBank bank;
    QString error;
    QVERIFY2(bank.start(&error, {}, keychainKey.toPrivateJwk()), qPrintable(error));
    const auto stored = bank.store().keys().key(keychainKey.kid());
    QVERIFY(stored.has_value());
    QVERIFY(stored->privateJwk.isEmpty());
    QCOMPARE(stored->retiredAt, 0);

    OAuthClient client(bank, { QString::fromLatin1(CoolLoanId), bank.coolLoanSecret() });
    const TokenSet before = obtainTokens(bank, client);
    QCOMPARE(kidOf(before.idToken), keychainKey.kid());

    const auto rotation = bank.server().rotateSigningKey(&error);
    QVERIFY2(rotation, qPrintable(error));
    QCOMPARE(rotation->retiredKid, keychainKey.kid());
    QCOMPARE(rotation->retiredKeyLeavesAt, expOf(before.idToken));
    // The new private key comes back to be kept in the keychain, and nowhere else.
    const auto newKey = SigningKey::fromPrivateJwk(rotation->privateJwk);
    QVERIFY(newKey.has_value());
    QCOMPARE(newKey->kid(), rotation->kid);
    const auto newRow = bank.store().keys().key(rotation->kid);
    QVERIFY(newRow.has_value());
    QVERIFY(newRow->privateJwk.isEmpty());

    const TokenSet after = obtainTokens(bank, client);
    QCOMPARE(kidOf(after.idToken), rotation->kid);
    HttpAgent agent;
    QCOMPARE(kidsOf(agent.get(bank.url(QStringLiteral("/jwks"))).json()),
        (QStringList { rotation->kid, keychainKey.kid() }));

    // The next start with the keychain's new key (the app wrote it there) goes on with it.
    BankServer restarted;
    BankServerOptions options;
    options.dataDir = bank.dataDir();
    options.externalSigningKey = rotation->privateJwk;
    options.config.clock = [now = bank.now()] { return now; };
    bank.server().stop();
    QVERIFY2(restarted.start(options, &error), qPrintable(error));
    QCOMPARE(kidsOf(restarted.bank()->jwks()), (QStringList { rotation->kid, keychainKey.kid() }));
}

void tst_KeyRotation::keysDeletedUnderARunningBankArePublishedAgain()
{
    // `codeflow-bank reset` while the bank runs deletes every key: the key still signing is published
    // again at its next signature, or nobody could verify what it signs.
    TestBank bank;
    QString error;
    QVERIFY2(bank.start(&error), qPrintable(error));
    const QString kid = bank.store().keys().currentKid().value_or(QString());
    SeedReport seed;
    QVERIFY2(bank.store().reset(&error, &seed), qPrintable(error));
    QVERIFY(!bank.store().keys().currentKid());
    OAuthClient client(bank, { QString::fromLatin1(CoolLoanId), seed.coolLoanSecret });
    const TokenSet tokens = obtainTokens(bank, client);
    QCOMPARE(kidOf(tokens.idToken), kid);
    // In the database, where another process (a second serve, the next start) reads it.
    QCOMPARE(bank.store().keys().currentKid().value_or(QString()), kid);
    HttpAgent agent;
    const QJsonObject jwks = agent.get(bank.url(QStringLiteral("/jwks"))).json();
    QCOMPARE(kidsOf(jwks), QStringList { kid });
    QVERIFY2(verifyRs256(tokens.idToken.toLatin1(), jwks, &error), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_KeyRotation)
#include "tst_keyrotation.moc"
