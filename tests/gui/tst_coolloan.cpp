// CoolLoan in the real window: the authorization code flow through John's embedded browser, the
// real bank on loopback and the real keychain (docs/architecture.md).

#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "gui/LabFixture.h"
#include "secrets/SecretStore.h"
#include "storage/SeedData.h"
#include "ui/story/JohnsBrowser.h"

#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>

#include <atomic>

using namespace cfl;
using namespace cfl::test;

namespace {
QStringList narrationOf(const LabSession &lab)
{
    QStringList lines;
    auto *list = lab.widget<QListWidget>("coolLoanNarration");
    for (int i = 0; list && i < list->count(); ++i)
        lines.append(list->item(i)->text());
    return lines;
}

bool anyContains(const QStringList &lines, const QString &text)
{
    return std::any_of(
        lines.cbegin(), lines.cend(), [&](const QString &line) { return line.contains(text); });
}
} // namespace

class tst_CoolLoan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void approve();
    void denyThenStartOver();
    void refreshAfterExpiry_data();
    void refreshAfterExpiry();
    void refreshButtonRotatesTokens();
    void disconnectRevokes();
    // The other error paths, each ending in a clear message in the pane.
    void bankUnreachable();
    void stateMismatch();
    void codeRefused();
    void johnWalksAway();

private:
    static void verifyFailureShown(const LabSession &lab, const QString &title, const QString &detail);
};

void tst_CoolLoan::verifyFailureShown(const LabSession &lab, const QString &title, const QString &detail)
{
    CoolLoanClient *client = lab.window()->coolLoan();
    QCOMPARE(client->phase(), CoolLoanClient::Phase::Failed);
    QVERIFY(client->accessToken().isEmpty());
    auto *error = lab.widget<QLabel>("coolLoanError");
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(title), qPrintable(error->text()));
    QVERIFY2(error->text().contains(detail), qPrintable(error->text()));
    QVERIFY(lab.widget<QPushButton>("startOver")->isVisible());
    QVERIFY(!lab.widget<QLabel>("loanOffer")->isVisible());
}

void tst_CoolLoan::approve()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QSignalSpy checked(client, &CoolLoanClient::idTokenChecked);
    QVERIFY(approveCoolLoan(lab));

    QCOMPARE(client->phase(), CoolLoanClient::Phase::Connected);
    QVERIFY(!client->accessToken().isEmpty());
    QVERIFY(!client->refreshToken().isEmpty());
    QVERIFY(client->grantedScopes().contains(QStringLiteral("transactions:read")));
    QCOMPARE(client->apiCallsOk(), 2); // accounts, then the checking account's transactions

    // CoolLoan validated the ID token itself, and says so.
    QCOMPARE(checked.count(), 1);
    const IdTokenValidation &validation = client->idTokenValidation();
    QVERIFY2(validation.valid, qPrintable(validation.firstFailure()));
    QCOMPARE(validation.claims.value(QStringLiteral("nonce")).toString(), client->nonce());
    auto *idTokenChecks = lab.widget<QLabel>("idTokenChecks");
    QVERIFY(idTokenChecks && idTokenChecks->isVisible());
    QVERIFY2(
        idTokenChecks->text().contains(QStringLiteral("ID token valid")), qPrintable(idTokenChecks->text()));
    for (const char *check : { "signature", "iss", "aud", "exp", "nonce", "at_hash" })
        QVERIFY2(idTokenChecks->text().contains(QStringLiteral("✔&nbsp;") + QLatin1String(check)), check);

    // The offer, from the data John let CoolLoan read.
    QVERIFY(client->offer().possible);
    QVERIFY(client->offer().amount > 0);
    auto *offer = lab.widget<QLabel>("loanOffer");
    QVERIFY(offer && offer->isVisible());
    QVERIFY2(offer->text().contains(QStringLiteral("Your offer")), qPrintable(offer->text()));
    QVERIFY2(offer->text().contains(QLocale(QLocale::English).toString(client->offer().amount, 'f', 0)),
        qPrintable(offer->text()));
    auto *phase = lab.widget<QLabel>("coolLoanPhase");
    QVERIFY(phase && phase->text().contains(QStringLiteral("Connected")));
    QVERIFY(!lab.widget<QLabel>("coolLoanError")->isVisible());
    QVERIFY(lab.widget<QPushButton>("callApi")->isEnabled());
    QVERIFY(lab.widget<QPushButton>("refreshTokens")->isEnabled());
    QVERIFY(lab.widget<QPushButton>("disconnectBank")->isEnabled());

    // Secrets in the keychain (./dev test gives the tests an unlocked gnome-keyring).
    SecretStore *secrets = lab.window()->secrets();
    QCOMPARE(secrets->kind(), QStringLiteral("keychain"));
    const QByteArray clientSecret
        = secrets->read(SecretStore::coolLoanClientSecretKey()).value_or(QByteArray());
    QVERIFY(!clientSecret.isEmpty());
    QCOMPARE(clientSecret, client->settings().clientSecret);
    QCOMPARE(secrets->read(SecretStore::coolLoanRefreshTokenKey()).value_or(QByteArray()),
        client->refreshToken().toLatin1());

    // The bank accepts the stored secret (client_secret_basic at introspection, RFC 7662 §2.1), and
    // refuses another one.
    const QUrl introspect = lab.window()->bank()->issuer().resolved(QUrl(QStringLiteral("/introspect")));
    const QByteArray body = "token=" + client->accessToken().toLatin1();
    const HttpResult accepted = postWithBasicAuth(introspect, QStringLiteral("coolloan"), clientSecret, body);
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.json.value(QStringLiteral("active")).toBool(), true);
    QCOMPARE(postWithBasicAuth(introspect, QStringLiteral("coolloan"), clientSecret + "x", body).status, 401);

    // Nothing secret in the bank's files (database, WAL): only hashes.
    const QByteArray refreshToken = client->refreshToken().toLatin1();
    QDirIterator files(lab.dataDir(), QDir::Files, QDirIterator::Subdirectories);
    int fileCount = 0;
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains(clientSecret), qPrintable(file.fileName()));
        QVERIFY2(!content.contains(refreshToken), qPrintable(file.fileName()));
        ++fileCount;
    }
    QVERIFY(fileCount > 0);
}

void tst_CoolLoan::denyThenStartOver()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QSignalSpy failures(client, &CoolLoanClient::failed);
    QVERIFY(connectAndLogIn(lab));
    QVERIFY(clickInPage(lab.browser(), QStringLiteral("#deny")));
    QTRY_COMPARE_WITH_TIMEOUT(failures.count(), 1, 15000);

    QCOMPARE(client->phase(), CoolLoanClient::Phase::Failed);
    QVERIFY(client->accessToken().isEmpty());
    QVERIFY(client->code().isEmpty());
    auto *error = lab.widget<QLabel>("coolLoanError");
    QVERIFY(error && error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("John said no")), qPrintable(error->text()));
    QVERIFY2(error->text().contains(QStringLiteral("access_denied")), qPrintable(error->text()));
    QVERIFY(!lab.widget<QLabel>("loanOffer")->isVisible());
    QVERIFY(!lab.widget<QPushButton>("callApi")->isEnabled());

    // Start over: back to the beginning, and a second attempt goes all the way.
    auto *startOver = lab.widget<QPushButton>("startOver");
    QVERIFY(startOver && startOver->isVisible());
    QTest::mouseClick(startOver, Qt::LeftButton);
    QCOMPARE(client->phase(), CoolLoanClient::Phase::Idle);
    QVERIFY(!error->isVisible());
    QVERIFY(!startOver->isVisible());
    QVERIFY(lab.widget<QPushButton>("connectBank")->isVisible());
    QVERIFY(lab.widget<QPushButton>("connectBank")->isEnabled());
    QVERIFY(lab.widget<QLabel>("coolLoanPhase")
                ->text()
                .contains(CoolLoanClient::phaseName(CoolLoanClient::Phase::Idle)));

    const QString firstState = client->state();
    QVERIFY(approveCoolLoan(lab)); // a fresh browser session: John logs in again
    QVERIFY(client->state() != firstState);
    QVERIFY(client->idTokenValidation().valid);
    QVERIFY(lab.widget<QLabel>("loanOffer")->isVisible());
    QVERIFY(!error->isVisible());
}

void tst_CoolLoan::refreshAfterExpiry_data()
{
    QTest::addColumn<qint64>("accessTokenLifetime");
    QTest::addColumn<qint64>("bankClockAdvance");
    QTest::addColumn<QString>("narration");

    // CoolLoan sees from expires_in that its token is (about to be) expired and refreshes first.
    QTest::newRow("CoolLoan sees the expiry")
        << qint64(8) << qint64(0) << QStringLiteral("The access token has expired");
    // CoolLoan still thinks its token good; banky answers 401 invalid_token "expired" (RFC 6750
    // §3.1), CoolLoan refreshes and retries. The bank runs 25 s ahead: within the 30 s of leeway that
    // CoolLoan allows the refreshed ID token's iat.
    QTest::newRow("banky says it expired")
        << qint64(20) << qint64(25) << QStringLiteral("banky says the access token expired");
}

void tst_CoolLoan::refreshAfterExpiry()
{
    QFETCH(qint64, accessTokenLifetime);
    QFETCH(qint64, bankClockAdvance);
    QFETCH(QString, narration);

    // The bank's clock runs on the bank's thread.
    auto advance = std::make_shared<std::atomic<qint64>>(0);
    BankConfig bank;
    bank.accessTokenLifetime = accessTokenLifetime;
    bank.clock = [advance] { return QDateTime::currentSecsSinceEpoch() + advance->load(); };
    LabSession lab(bank);
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(approveCoolLoan(lab));
    QCOMPARE(client->refreshCount(), 0);
    QCOMPARE(client->apiCallsOk(), 2);
    const QString firstAccessToken = client->accessToken();
    const QString firstRefreshToken = client->refreshToken();

    if (bankClockAdvance == 0) {
        // CoolLoan refreshes 5 s ahead of the expiry it was told.
        QTRY_VERIFY_WITH_TIMEOUT(
            QDateTime::currentDateTimeUtc().addSecs(5) >= client->accessTokenExpiresAt(), 15000);
    } else {
        advance->store(bankClockAdvance);
        QVERIFY(QDateTime::currentDateTimeUtc().addSecs(5) < client->accessTokenExpiresAt());
    }

    QSignalSpy offers(client, &CoolLoanClient::offerReady);
    auto *callApi = lab.widget<QPushButton>("callApi");
    QVERIFY(callApi->isEnabled());
    QTest::mouseClick(callApi, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!offers.isEmpty() || client->phase() == CoolLoanClient::Phase::Failed, 15000);
    QVERIFY2(!offers.isEmpty(), qPrintable(client->lastError()));

    QCOMPARE(client->refreshCount(), 1);
    QVERIFY(client->accessToken() != firstAccessToken);
    QVERIFY(client->refreshToken() != firstRefreshToken); // rotated (RFC 9700 §4.14.2)
    QVERIFY(client->idTokenValidation().valid);
    QCOMPARE(client->apiCallsOk(), 4);
    QCOMPARE(client->phase(), CoolLoanClient::Phase::Connected);
    const QStringList lines = narrationOf(lab);
    QVERIFY2(anyContains(lines, narration), qPrintable(lines.join(QLatin1Char('\n'))));
    QVERIFY(lab.widget<QLabel>("loanOffer")->isVisible());
    QVERIFY(lab.widget<QLabel>("loanOffer")->text().contains(QStringLiteral("Your offer")));
    QVERIFY(!lab.widget<QLabel>("coolLoanError")->isVisible());
    // The rotated refresh token replaced the old one in the keychain.
    QCOMPARE(lab.window()->secrets()->read(SecretStore::coolLoanRefreshTokenKey()).value_or(QByteArray()),
        client->refreshToken().toLatin1());
}

void tst_CoolLoan::refreshButtonRotatesTokens()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(approveCoolLoan(lab));
    const QString firstRefreshToken = client->refreshToken();

    auto *refresh = lab.widget<QPushButton>("refreshTokens");
    QVERIFY(refresh->isEnabled());
    QTest::mouseClick(refresh, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(client->refreshCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(client->phase(), CoolLoanClient::Phase::Connected, 5000);
    QVERIFY(client->refreshToken() != firstRefreshToken);
    QVERIFY(anyContains(narrationOf(lab), QStringLiteral("New tokens")));

    // The spent refresh token no longer works (rotation).
    const QUrl token = lab.window()->bank()->issuer().resolved(QUrl(QStringLiteral("/token")));
    const HttpResult reused
        = postWithBasicAuth(token, QStringLiteral("coolloan"), client->settings().clientSecret,
            "grant_type=refresh_token&refresh_token=" + firstRefreshToken.toLatin1());
    QCOMPARE(reused.status, 400);
    QCOMPARE(reused.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
}

void tst_CoolLoan::disconnectRevokes()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(approveCoolLoan(lab));
    const QByteArray accessToken = client->accessToken().toLatin1();

    QTest::mouseClick(lab.widget<QPushButton>("disconnectBank"), Qt::LeftButton);
    QCOMPARE(client->phase(), CoolLoanClient::Phase::Disconnected);
    QVERIFY(client->accessToken().isEmpty());
    QVERIFY(!lab.widget<QLabel>("loanOffer")->isVisible());
    QVERIFY(lab.widget<QPushButton>("connectBank")->isEnabled());
    QVERIFY(!lab.window()->secrets()->read(SecretStore::coolLoanRefreshTokenKey()).has_value());

    // RFC 7009 §2.1: revoking the refresh token ended the access token too.
    const QUrl introspect = lab.window()->bank()->issuer().resolved(QUrl(QStringLiteral("/introspect")));
    const auto inactive = [&] {
        const HttpResult result = postWithBasicAuth(
            introspect, QStringLiteral("coolloan"), client->settings().clientSecret, "token=" + accessToken);
        return result.status == 200 && result.json.value(QStringLiteral("active")) == QJsonValue(false);
    };
    QTRY_VERIFY_WITH_TIMEOUT(inactive(), 10000);

    // Connecting again: John logs in, and the bank remembers his consent (rememberConsent).
    QSignalSpy offers(client, &CoolLoanClient::offerReady);
    QVERIFY(connectToBankLogin(lab));
    QVERIFY(submitLogin(lab.browser(), QString::fromLatin1(SeedUsername), QString::fromLatin1(SeedPassword)));
    QTRY_VERIFY_WITH_TIMEOUT(!offers.isEmpty() || client->phase() == CoolLoanClient::Phase::Failed, 20000);
    QVERIFY2(!offers.isEmpty(), qPrintable(client->lastError()));
    QVERIFY(client->accessToken().toLatin1() != accessToken);
}

void tst_CoolLoan::bankUnreachable()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    lab.window()->bank()->stop(); // the bank's port closes
    QSignalSpy failures(client, &CoolLoanClient::failed);
    QTest::mouseClick(lab.widget<QPushButton>("connectBank"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failures.count(), 1, 15000);
    verifyFailureShown(lab, QStringLiteral("The bank is unreachable"),
        lab.window()->coolLoan()->settings().issuer.toString());
}

void tst_CoolLoan::stateMismatch()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(connectToBankLogin(lab));
    QCOMPARE(client->phase(), CoolLoanClient::Phase::WaitingForJohn);

    // Someone pushes their own authorization response into John's browser (CSRF, RFC 6749 §10.12).
    QSignalSpy failures(client, &CoolLoanClient::failed);
    QUrl forged(client->redirectUri());
    forged.setQuery(QStringLiteral("code=attackers-code&state=attackers-state"));
    lab.browser()->open(forged);
    QTRY_COMPARE_WITH_TIMEOUT(failures.count(), 1, 15000);
    verifyFailureShown(lab, QStringLiteral("The state does not match"), QStringLiteral("attackers-state"));
    QVERIFY(client->code().isEmpty()); // the forged code was never sent to boris
}

void tst_CoolLoan::codeRefused()
{
    // Codes that expire the moment they are issued: boris refuses the swap (RFC 6749 §4.1.2), and
    // Qt 6.4 says nothing about a 4xx from the token endpoint: CoolLoan must notice it itself.
    BankConfig bank;
    bank.codeLifetime = 0;
    LabSession lab(bank);
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QSignalSpy failures(client, &CoolLoanClient::failed);
    QVERIFY(connectAndLogIn(lab));
    QVERIFY(clickInPage(lab.browser(), QStringLiteral("#approve")));
    QTRY_COMPARE_WITH_TIMEOUT(failures.count(), 1, 15000);
    verifyFailureShown(lab, QStringLiteral("The bank refused the code"), QStringLiteral("invalid_grant"));
    QVERIFY(!client->code().isEmpty());
}

void tst_CoolLoan::johnWalksAway()
{
    // John leaves the bank's login page (here: for his online banking). The bank never redirects,
    // so CoolLoan waits with no error; the pane must still let him start over.
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(connectToBankLogin(lab));
    const QUrl consentFlowPage = lab.browser()->currentUrl();
    QTest::mouseClick(lab.widget<QPushButton>("openOnlineBanking"), Qt::LeftButton);
    // Online banking asks for a login of its own (another interaction).
    QTRY_VERIFY_WITH_TIMEOUT(lab.browser()->currentUrl() != consentFlowPage, 15000);
    QVERIFY(waitForElement(lab.browser(), QStringLiteral("#password")));
    QCOMPARE(client->phase(), CoolLoanClient::Phase::WaitingForJohn);

    auto *startOver = lab.widget<QPushButton>("startOver");
    QVERIFY(startOver->isVisible());
    QVERIFY(startOver->isEnabled());
    QTest::mouseClick(startOver, Qt::LeftButton);
    QCOMPARE(client->phase(), CoolLoanClient::Phase::Idle);
    QVERIFY(!startOver->isVisible());
    QVERIFY(approveCoolLoan(lab));
}

CFL_GUI_TEST_MAIN(tst_CoolLoan)
#include "tst_coolloan.moc"
