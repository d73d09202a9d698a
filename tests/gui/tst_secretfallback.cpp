// No keychain reachable: the window says so in a banner and keeps secrets in memory for the session,
// never in a file. This process has no session bus at all:
// main() points D-Bus at nothing before anything can connect (so that QtKeychain fails at once instead of
// hanging).

#include "client/CoolLoanClient.h"
#include "gui/LabFixture.h"
#include "secrets/SecretStore.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QStandardPaths>

using namespace cfl;
using namespace cfl::test;

class tst_SecretFallback : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bannerAndMemoryStore();
};

void tst_SecretFallback::bannerAndMemoryStore()
{
    // No bus: the store falls back at once, not after the keychain's timeout.
    QElapsedTimer probe;
    probe.start();
    QString reason;
    const std::unique_ptr<SecretStore> best = SecretStore::openBest(&reason);
    QCOMPARE(best->kind(), QStringLiteral("memory"));
    QVERIFY(!reason.isEmpty());
    QVERIFY2(
        probe.elapsed() < 2000, qPrintable(QStringLiteral("fell back after %1 ms").arg(probe.elapsed())));

    LabSession lab;
    QVERIFY2(lab.isReady(), qPrintable(lab.why()));

    SecretStore *secrets = lab.window()->secrets();
    QCOMPARE(secrets->kind(), QStringLiteral("memory"));
    auto *banner = lab.widget<QLabel>("secretBanner");
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QStringLiteral("No keychain is reachable")), qPrintable(banner->text()));
    QVERIFY2(banner->text().contains(QStringLiteral("in memory for this session only")),
        qPrintable(banner->text()));
    QVERIFY2(banner->text().contains(reason.toHtmlEscaped()), qPrintable(banner->text())); // says why
    auto *status = lab.widget<QLabel>("bankStatus");
    QVERIFY2(status->text().contains(QStringLiteral("memory only")), qPrintable(status->text()));

    // The app works all the same, with its secrets in memory.
    CoolLoanClient *client = lab.window()->coolLoan();
    QVERIFY(approveCoolLoan(lab));
    QVERIFY(client->idTokenValidation().valid);
    const QByteArray clientSecret
        = secrets->read(SecretStore::coolLoanClientSecretKey()).value_or(QByteArray());
    QVERIFY(!clientSecret.isEmpty());
    QCOMPARE(clientSecret, client->settings().clientSecret);
    QCOMPARE(secrets->read(SecretStore::coolLoanRefreshTokenKey()).value_or(QByteArray()),
        client->refreshToken().toLatin1());
    const QByteArray signingKey = secrets->read(SecretStore::bankSigningKeyKey()).value_or(QByteArray());
    QVERIFY(signingKey.contains("\"d\""));

    // Never a plaintext file: not in the bank's directory, not in the settings.
    const QByteArray privateExponent
        = QJsonDocument::fromJson(signingKey).object().value(QStringLiteral("d")).toString().toLatin1();
    QVERIFY(!privateExponent.isEmpty());
    QStringList roots { lab.dataDir() };
    for (const auto location : { QStandardPaths::AppConfigLocation, QStandardPaths::AppDataLocation,
             QStandardPaths::GenericConfigLocation })
        roots.append(QStandardPaths::writableLocation(location));
    for (const QString &root : std::as_const(roots)) {
        QDirIterator files(root, QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray content = file.readAll();
            QVERIFY2(!content.contains(clientSecret), qPrintable(file.fileName()));
            QVERIFY2(!content.contains(client->refreshToken().toLatin1()), qPrintable(file.fileName()));
            QVERIFY2(!content.contains(privateExponent), qPrintable(file.fileName()));
        }
    }
}

int main(int argc, char *argv[])
{
    // Before QApplication, before QtKeychain: no session bus (a socket that does not exist).
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    cfl::test::prepareGuiProcess();
    QApplication app(argc, argv);
    cfl::test::configureGuiApplication("tst_SecretFallback");
    tst_SecretFallback tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_secretfallback.moc"
