// The first run and the trainer settings: every setting survives a restart and reaches the running
// lab (the bank's lifetimes in real codes and tokens, remembered consent on John's next visit, the text
// scale and the browser zoom); Reset workshop gives a fresh database, a new signing key and removes the
// app's keychain entries; the story shows on the first run only and comes back from Help.
//
// QSettings write to a temporary XDG_CONFIG_HOME made in main(), never to the user's own settings.

#include "bank/BankHost.h"
#include "client/CoolLoanClient.h"
#include "client/PirateLoanClient.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"
#include "gui/LabFixture.h"
#include "secrets/SecretStore.h"
#include "storage/SeedData.h"
#include "trace/TraceModel.h"
#include "ui/shell/AboutDialog.h"
#include "ui/shell/SettingsDialog.h"
#include "ui/shell/WelcomeView.h"
#include "ui/story/JohnsBrowser.h"
#include "ui/theme/Theme.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebEngineView>

#include <algorithm>
#include <memory>
#include <optional>

using namespace cfl;
using namespace cfl::test;

Q_DECLARE_METATYPE(cfl::TrainerSettings)

namespace {
// The "kid" of the bank's first published key (GET /jwks); empty when it cannot be read.
QString publishedKeyId(const QUrl &issuer)
{
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(
        network.get(QNetworkRequest(issuer.resolved(QUrl(QStringLiteral("/jwks"))))));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
        return {};
    const QJsonArray keys
        = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("keys")).toArray();
    return keys.isEmpty() ? QString() : keys.first().toObject().value(QStringLiteral("kid")).toString();
}

QString kidOf(const QString &jwt)
{
    const auto decoded = decodeJwt(jwt.toLatin1());
    return decoded ? decoded->header.value(QStringLiteral("kid")).toString() : QString();
}

// Opens Settings → Trainer settings… the way a trainer does.
SettingsDialog *openSettings(LabWindow *window)
{
    window->settingsAction()->trigger();
    SettingsDialog *dialog = window->settingsDialog();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

void clickButton(SettingsDialog *dialog, QDialogButtonBox::StandardButton which)
{
    auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("settingsButtons"));
    QVERIFY(buttons);
    QTest::mouseClick(buttons->button(which), Qt::LeftButton);
}

// A second (or third) grant in the same window: CoolLoan starts over, John logs in at eddy again.
// connectToBankLogin looks for "#password" only once CoolLoan has sent the browser to the bank (openFresh:
// a new page). Before that the page shown can be the previous grant's login page: with remembered consent
// that grant went from the login form straight to CoolLoan's callback, and under load the browser commits
// that navigation after CoolLoan already has its offer. A "#password" found there sent submitLogin into
// the new page, still empty.
bool startFlowAndLogIn(LabSession &lab)
{
    lab.window()->coolLoan()->startOver();
    auto *connectBank = lab.widget<QPushButton>("connectBank");
    if (!QTest::qWaitFor([&] { return connectBank->isEnabled(); }, 5000))
        return false;
    return connectToBankLogin(lab)
        && submitLogin(lab.browser(), QString::fromLatin1(SeedUsername), QString::fromLatin1(SeedPassword));
}
} // namespace

class tst_Settings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void settingsSurviveRestart_data();
    void settingsSurviveRestart();
    void lifetimesReachIssuedCodesAndTokens();
    void rememberConsentOffShowsConsentAgain();
    void cancelledResetLosesNothing();
    void resetWorkshop();
    void rotateSigningKeyReachesTheNextFlow();
    void storyOnFirstRunOnly();
    void storyLeadsIntoTheWalkthrough();
    void aboutShowsVersionsAndLicences();
};

void tst_Settings::init()
{
    QSettings().clear();
}

void tst_Settings::cleanup()
{
    QSettings().clear();
    theme::applyUiScale(100);
}

void tst_Settings::settingsSurviveRestart_data()
{
    QTest::addColumn<TrainerSettings>("wanted");
    TrainerSettings projector;
    projector.codeLifetime = 45;
    projector.accessTokenLifetime = 90;
    projector.refreshTokenLifetime = 2 * 3600;
    projector.refreshFamilyLifetime = 5 * 60;
    projector.rememberConsent = false;
    projector.scalePercent = 150;
    QTest::newRow("short lifetimes, forgetful bank, projector") << projector;
    TrainerSettings largest;
    largest.codeLifetime = TrainerSettings::MaxCodeLifetime;
    largest.accessTokenLifetime = TrainerSettings::MaxAccessTokenLifetime;
    largest.refreshTokenLifetime = TrainerSettings::MaxRefreshTokenLifetime;
    largest.refreshFamilyLifetime = TrainerSettings::MaxRefreshFamilyLifetime;
    largest.rememberConsent = true;
    largest.scalePercent = theme::MaxScalePercent;
    QTest::newRow("longest lifetimes, 250 %") << largest;
}

void tst_Settings::settingsSurviveRestart()
{
    QFETCH(TrainerSettings, wanted);
    const qreal baseSize = QApplication::font().pointSizeF();
    {
        LabSession lab;
        QVERIFY2(lab.isReady(), qPrintable(lab.why()));
        QVERIFY(lab.window()->trainerSettings() != wanted);
        SettingsDialog *dialog = openSettings(lab.window());
        QVERIFY(dialog);
        dialog->setSettings(wanted);
        QCOMPARE(dialog->settings(), wanted);
        clickButton(dialog, QDialogButtonBox::Ok);
        QVERIFY(!dialog->isVisible());

        // At once, without a restart.
        QCOMPARE(lab.window()->trainerSettings(), wanted);
        const BankConfig running = lab.window()->bank()->config();
        QCOMPARE(running.codeLifetime, wanted.codeLifetime);
        QCOMPARE(running.accessTokenLifetime, wanted.accessTokenLifetime);
        QCOMPARE(running.refreshTokenLifetime, wanted.refreshTokenLifetime);
        QCOMPARE(running.refreshFamilyLifetime, wanted.refreshFamilyLifetime);
        QCOMPARE(running.rememberConsent, wanted.rememberConsent);
        QCOMPARE(theme::uiScalePercent(), wanted.scalePercent);
        QCOMPARE(QApplication::font().pointSizeF(), baseSize * wanted.scalePercent / 100.0);
        QCOMPARE(lab.browser()->zoom(), wanted.scalePercent / 100.0);
        QCOMPARE(lab.browser()->view()->zoomFactor(), wanted.scalePercent / 100.0);
        // The panes follow the application's font, style-sheeted buttons included.
        QCOMPARE(
            lab.widget<QPushButton>("connectBank")->font().pointSizeF(), QApplication::font().pointSizeF());
    }
    theme::applyUiScale(100);

    // The next start reads them back.
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    QCOMPARE(lab.window()->trainerSettings(), wanted);
    const BankConfig running = lab.window()->bank()->config();
    QCOMPARE(running.codeLifetime, wanted.codeLifetime);
    QCOMPARE(running.accessTokenLifetime, wanted.accessTokenLifetime);
    QCOMPARE(running.refreshTokenLifetime, wanted.refreshTokenLifetime);
    QCOMPARE(running.refreshFamilyLifetime, wanted.refreshFamilyLifetime);
    QCOMPARE(running.rememberConsent, wanted.rememberConsent);
    QCOMPARE(theme::uiScalePercent(), wanted.scalePercent);
    QCOMPARE(lab.browser()->zoom(), wanted.scalePercent / 100.0);
    SettingsDialog *dialog = openSettings(lab.window());
    QVERIFY(dialog);
    QCOMPARE(dialog->settings(), wanted);
    clickButton(dialog, QDialogButtonBox::Cancel);
}

void tst_Settings::lifetimesReachIssuedCodesAndTokens()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    SettingsDialog *dialog = openSettings(lab.window());
    QVERIFY(dialog);
    TrainerSettings settings = dialog->settings();
    settings.codeLifetime = 42;
    settings.accessTokenLifetime = 77;
    settings.refreshTokenLifetime = 3 * 3600;
    dialog->setSettings(settings);
    clickButton(dialog, QDialogButtonBox::Apply);
    QVERIFY(dialog->isVisible()); // Apply keeps the dialog open
    clickButton(dialog, QDialogButtonBox::Cancel); // closes; what was applied stays

    // A real grant: the token response, and what the bank recorded for the code and the refresh token.
    QVERIFY(approveCoolLoan(lab));
    CoolLoanClient *coolLoan = lab.window()->coolLoan();
    QCOMPARE(coolLoan->tokenResponse().value(QStringLiteral("expires_in")).toInteger(), 77);
    std::optional<AuthorizationCode> code;
    std::optional<IssuedToken> refresh;
    lab.window()->bank()->withStore([&](BankStore &store) {
        code = store.grants().code(sha256Hex(coolLoan->code().toLatin1()));
        refresh = store.grants().token(sha256Hex(coolLoan->refreshToken().toLatin1()));
    });
    QVERIFY(code);
    QCOMPARE(code->expiresAt - code->issuedAt, 42);
    QVERIFY(refresh);
    QCOMPARE(refresh->expiresAt - refresh->issuedAt, 3 * 3600);
}

void tst_Settings::rememberConsentOffShowsConsentAgain()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    CoolLoanClient *coolLoan = lab.window()->coolLoan();
    QVERIFY(lab.window()->trainerSettings().rememberConsent);
    QVERIFY(approveCoolLoan(lab)); // John approves once; the bank remembers

    // Remembered: after the login, straight back to CoolLoan, no consent page.
    QSignalSpy offers(coolLoan, &CoolLoanClient::offerReady);
    QVERIFY(startFlowAndLogIn(lab));
    QTRY_COMPARE_WITH_TIMEOUT(offers.count(), 1, 20000);

    // The trainer turns it off: the bank asks John again, in this very run.
    SettingsDialog *dialog = openSettings(lab.window());
    QVERIFY(dialog);
    TrainerSettings settings = dialog->settings();
    settings.rememberConsent = false;
    dialog->setSettings(settings);
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(startFlowAndLogIn(lab));
    QVERIFY2(
        waitForElement(lab.browser(), QStringLiteral("#approve")), describePage(lab.browser()).constData());
    QVERIFY2(pageText(lab.browser()).contains(QStringLiteral("ask you again")),
        describePage(lab.browser()).constData());
    QVERIFY(clickInPage(lab.browser(), QStringLiteral("#approve")));
    QTRY_COMPARE_WITH_TIMEOUT(offers.count(), 2, 20000);
    // ...and every time while it is off.
    QVERIFY(startFlowAndLogIn(lab));
    QVERIFY2(
        waitForElement(lab.browser(), QStringLiteral("#approve")), describePage(lab.browser()).constData());
}

void tst_Settings::cancelledResetLosesNothing()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    const QString kid = publishedKeyId(lab.window()->bank()->issuer());
    QVERIFY(!kid.isEmpty());
    const auto secret = lab.window()->secrets()->read(SecretStore::coolLoanClientSecretKey());
    QVERIFY(secret);

    SettingsDialog *dialog = openSettings(lab.window());
    QVERIFY(dialog);
    QString asked;
    dialog->setConfirmation([&](QWidget *, const QString &, const QString &text) {
        asked = text;
        return false;
    });
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("resetWorkshop")), Qt::LeftButton);
    // The question says exactly what goes.
    QVERIFY(asked.contains(lab.window()->bankDatabasePath().toHtmlEscaped()));
    for (const char *lost : { "payment", "consent", "token", "new signing key", "keychain", "client secret",
             "refresh token", "trace" })
        QVERIFY2(asked.contains(QLatin1String(lost)), lost);
    // Nothing happened.
    QCOMPARE(publishedKeyId(lab.window()->bank()->issuer()), kid);
    QCOMPARE(lab.window()->secrets()->read(SecretStore::coolLoanClientSecretKey()), secret);
}

void tst_Settings::resetWorkshop()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    LabWindow *window = lab.window();
    SecretStore *secrets = window->secrets();
    QVERIFY(approveCoolLoan(lab));

    // Before: a payment in the ledger, a signing key, CoolLoan's secret and refresh token in the keychain.
    qint64 paymentId = 0;
    window->bank()->withStore([&](BankStore &store) {
        const auto john = store.users().userByUsername(QString::fromLatin1(SeedUsername));
        QString error;
        const auto payment = store.accounts().makePayment(john->id,
            QString::fromLatin1(SeedCheckingAccountId), QStringLiteral("Workshop pizza"), 4200,
            QStringLiteral("before the reset"), QDateTime::currentSecsSinceEpoch(), &error);
        paymentId = payment ? payment->id : 0;
    });
    QVERIFY(paymentId > 0);
    const QUrl oldIssuer = window->bank()->issuer();
    const QString oldKid = publishedKeyId(oldIssuer);
    QVERIFY(!oldKid.isEmpty());
    const auto oldSecret = secrets->read(SecretStore::coolLoanClientSecretKey());
    const auto oldKey = secrets->read(SecretStore::bankSigningKeyKey());
    QVERIFY(oldSecret && oldKey);
    QVERIFY(secrets->read(SecretStore::coolLoanRefreshTokenKey()));
    QVERIFY(window->trace()->size() > 0);

    // Between the wipe and the restart, the keychain holds none of the app's entries.
    QList<std::optional<QByteArray>> whileCleared;
    connect(window, &LabWindow::workshopCleared, this, [&] {
        for (const QString &key : { SecretStore::coolLoanClientSecretKey(),
                 SecretStore::coolLoanRefreshTokenKey(), SecretStore::bankSigningKeyKey() })
            whileCleared << secrets->read(key);
    });
    QSignalSpy resets(window, &LabWindow::workshopReset);
    SettingsDialog *dialog = openSettings(window);
    QVERIFY(dialog);
    dialog->setConfirmation([](QWidget *, const QString &, const QString &) { return true; });
    QVERIFY(dialog->resetWorkshop());
    QCOMPARE(resets.count(), 1);
    QCOMPARE(window->trace()->size(), 0); // a new run starts
    QCOMPARE(whileCleared.size(), 3);
    for (const auto &value : std::as_const(whileCleared))
        QVERIFY(!value.has_value());

    // After: a fresh database, a new key published, new secrets written, everyone back at the start.
    QVERIFY(window->isReady());
    QVERIFY(window->bank()->isRunning());
    bool paymentGone = false;
    qint64 balance = 0;
    window->bank()->withStore([&](BankStore &store) {
        const auto transactions = store.accounts().transactionsOf(QString::fromLatin1(SeedCheckingAccountId));
        paymentGone = std::none_of(transactions.cbegin(), transactions.cend(),
            [](const BankTransaction &t) { return t.counterparty == QLatin1String("Workshop pizza"); });
        balance = store.accounts().account(QString::fromLatin1(SeedCheckingAccountId))->balanceCents;
    });
    QVERIFY(paymentGone);
    QVERIFY(balance > 0);
    const QString newKid = publishedKeyId(window->bank()->issuer());
    QVERIFY(!newKid.isEmpty());
    QVERIFY(newKid != oldKid);
    const auto newKey = secrets->read(SecretStore::bankSigningKeyKey());
    const auto newSecret = secrets->read(SecretStore::coolLoanClientSecretKey());
    QVERIFY(newKey && *newKey != *oldKey);
    QVERIFY(newSecret && *newSecret != *oldSecret);
    QVERIFY(!secrets->read(SecretStore::coolLoanRefreshTokenKey()));
    QCOMPARE(window->coolLoan()->phase(), CoolLoanClient::Phase::Idle);
    QVERIFY(window->coolLoan()->accessToken().isEmpty());
    QCOMPARE(window->coolLoan()->settings().clientSecret, *newSecret);
    QCOMPARE(window->coolLoan()->settings().issuer, window->bank()->issuer());
    QVERIFY(!window->pirateLoan()->isLoggedIn());

    // And the workshop goes on: CoolLoan's new secret and the new key work end to end.
    QVERIFY(approveCoolLoan(lab));
    QVERIFY(window->coolLoan()->idTokenValidation().valid);
}

void tst_Settings::rotateSigningKeyReachesTheNextFlow()
{
    // OIDC Core §10.1.1 in the window: the trainer rotates the running bank's key; the next grant's ID
    // token names the new kid, CoolLoan validates it, and the keychain holds the new key.
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    LabWindow *window = lab.window();
    CoolLoanClient *coolLoan = window->coolLoan();
    QVERIFY(approveCoolLoan(lab));
    const QString oldKid = kidOf(coolLoan->idToken());
    QVERIFY(!oldKid.isEmpty());
    const auto oldKey = window->secrets()->read(SecretStore::bankSigningKeyKey());
    QVERIFY(oldKey);

    SettingsDialog *dialog = openSettings(window);
    QVERIFY(dialog);
    auto *rotate = dialog->findChild<QPushButton *>(QStringLiteral("rotateSigningKey"));
    QVERIFY(rotate);
    QTest::mouseClick(rotate, Qt::LeftButton);
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("rotateResult"));
    QVERIFY(result && result->isVisible());
    const QString newKid = publishedKeyId(window->bank()->issuer()); // the current key comes first
    QVERIFY(!newKid.isEmpty());
    QVERIFY(newKid != oldKid);
    // It says what happened: the new kid, and that the old key stays while its tokens may be valid.
    QVERIFY2(result->text().contains(newKid), qPrintable(result->text()));
    QVERIFY2(result->text().contains(oldKid), qPrintable(result->text()));
    QVERIFY2(result->text().contains(QLatin1String("stays in the JWKS until")), qPrintable(result->text()));
    // Every group at its full height, the result too, as far as the screen allows: not squashed to two
    // thirds of a 1024×768 screen (QWidget::adjustSize's limit for windows).
    const int fits = qMin(dialog->sizeHint().height(), dialog->screen()->availableGeometry().height());
    QTRY_VERIFY2(
        dialog->height() >= fits, qPrintable(QStringLiteral("%1 < %2").arg(dialog->height()).arg(fits)));
    // For the README and for looking at: CFL_SETTINGS_SCREENSHOT=FILE.png saves the dialog as it is now.
    if (const QString shot = qEnvironmentVariable("CFL_SETTINGS_SCREENSHOT"); !shot.isEmpty())
        QVERIFY2(dialog->grab().save(shot), qPrintable(shot));
    const auto newKey = window->secrets()->read(SecretStore::bankSigningKeyKey());
    QVERIFY(newKey && *newKey != *oldKey);
    clickButton(dialog, QDialogButtonBox::Cancel);

    QSignalSpy offers(coolLoan, &CoolLoanClient::offerReady);
    QVERIFY(startFlowAndLogIn(lab));
    QTRY_COMPARE_WITH_TIMEOUT(offers.count(), 1, 20000);
    QCOMPARE(kidOf(coolLoan->idToken()), newKid);
    QVERIFY(coolLoan->idTokenValidation().valid);
}

void tst_Settings::storyOnFirstRunOnly()
{
    QTemporaryDir data;
    LabOptions options;
    options.dataDir = data.path();
    options.firstRunWelcome = true;
    {
        LabWindow window(options);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *welcome = window.findChild<WelcomeView *>(QStringLiteral("welcomeView"));
        QVERIFY(welcome);
        QVERIFY(welcome->isVisible());
        QCOMPARE(welcome->currentPage(), 0);
        QVERIFY(welcome->pageCount() >= 4 && welcome->pageCount() <= 5);
        QVERIFY(welcome->findChild<QWidget *>(QStringLiteral("illustration-john")));
        QVERIFY(welcome->findChild<QWidget *>(QStringLiteral("illustration-pirateloan-password")));
        QVERIFY(welcome->findChild<QWidget *>(QStringLiteral("illustration-coolloan-key")));
        QVERIFY(theme::illustration(QStringLiteral("consent")));
        // It covers the lab, below the menu bar.
        QVERIFY(welcome->geometry().top() >= window.menuBar()->geometry().bottom());
        QCOMPARE(welcome->width(), window.width());

        // Keyboard and buttons.
        QTest::keyClick(welcome, Qt::Key_Right);
        QCOMPARE(welcome->currentPage(), 1);
        QTest::keyClick(welcome, Qt::Key_Left);
        QCOMPARE(welcome->currentPage(), 0);
        QTest::mouseClick(welcome->findChild<QPushButton *>(QStringLiteral("welcomeNext")), Qt::LeftButton);
        QCOMPARE(welcome->currentPage(), 1);
        QTest::keyClick(welcome, Qt::Key_End);
        QCOMPARE(welcome->currentPage(), welcome->pageCount() - 1);
        QVERIFY(!welcome->findChild<QPushButton *>(QStringLiteral("welcomeNext"))->isVisible());
        QVERIFY(welcome->findChild<QPushButton *>(QStringLiteral("welcomeAutoplay"))->isVisible());
        QTest::keyClick(welcome, Qt::Key_Right); // nothing after the last panel
        QCOMPARE(welcome->currentPage(), welcome->pageCount() - 1);
        QSignalSpy dismissed(welcome, &WelcomeView::dismissed);
        QTest::keyClick(welcome, Qt::Key_Escape);
        QCOMPARE(dismissed.count(), 1);
        QVERIFY(!welcome->isVisible());
    }
    // The second run starts in the lab.
    {
        LabWindow window(options);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!window.welcomeView()->isVisible());
        // Help → The story brings it back, from the start.
        window.storyAction()->trigger();
        QVERIFY(window.welcomeView()->isVisible());
        QCOMPARE(window.welcomeView()->currentPage(), 0);
        QTest::mouseClick(
            window.welcomeView()->findChild<QPushButton *>(QStringLiteral("welcomeSkip")), Qt::LeftButton);
        QVERIFY(!window.welcomeView()->isVisible());
    }
    // Scripted runs (--autoplay) never show it, first run or not.
    QSettings().remove(WelcomeView::shownKey());
    options.firstRunWelcome = false;
    LabWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.welcomeView()->isVisible());
}

void tst_Settings::storyLeadsIntoTheWalkthrough()
{
    QTemporaryDir data;
    LabOptions options;
    options.dataDir = data.path();
    options.firstRunWelcome = true;
    LabWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    WelcomeView *welcome = window.welcomeView();
    QVERIFY(welcome->isVisible());
    welcome->setPage(welcome->pageCount() - 1);

    // "Watch Autoplay" closes the story and triggers the toolbar's Autoplay.
    QSignalSpy autoplay(window.autoplayAction(), &QAction::triggered);
    QTest::mouseClick(welcome->findChild<QPushButton *>(QStringLiteral("welcomeAutoplay")), Qt::LeftButton);
    QCOMPARE(autoplay.count(), 1);
    QVERIFY(!welcome->isVisible());

    // "Be John" closes it and starts CoolLoan's flow: John's browser goes to the bank's login page.
    window.showStory();
    welcome->setPage(welcome->pageCount() - 1);
    QTest::mouseClick(welcome->findChild<QPushButton *>(QStringLiteral("welcomeConnect")), Qt::LeftButton);
    QVERIFY(!welcome->isVisible());
    QVERIFY(window.coolLoan()->phase() != CoolLoanClient::Phase::Idle);
    QVERIFY2(waitForElement(window.browser(), QStringLiteral("#password")),
        describePage(window.browser()).constData());
}

void tst_Settings::aboutShowsVersionsAndLicences()
{
    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));
    lab.window()->aboutAction()->trigger();
    auto *about = lab.window()->findChild<AboutDialog *>(QStringLiteral("aboutDialog"));
    QVERIFY(about);
    QVERIFY(about->isVisible());
    const QString text = about->text();
    QVERIFY(text.contains(QStringLiteral(CFL_VERSION)));
    QVERIFY(text.contains(QString::fromLatin1(qVersion())));
    QVERIFY(text.contains(QStringLiteral(QT_VERSION_STR)));
    for (const char *licence : { "MIT", "LGPLv3", "QtKeychain", "BSD", "cjose", "CC0", "Apache-2.0",
             "OpenSSL", "SQLite", "public domain", "Chromium" })
        QVERIFY2(text.contains(QLatin1String(licence)), licence);
    about->close();
}

// QSettings go to a temporary XDG_CONFIG_HOME, never to the user's own (nor to ~/.qttest, where
// QStandardPaths' test mode would put them).
int main(int argc, char *argv[])
{
    QTemporaryDir config;
    if (!config.isValid())
        return 1;
    qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());
    prepareGuiProcess();
    QApplication app(argc, argv);
    configureGuiApplication("tst_settings");
    tst_Settings test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_settings.moc"
