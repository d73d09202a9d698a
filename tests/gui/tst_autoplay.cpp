// codeflow-lab --autoplay --exit-when-done --screenshot: the trainers' and CI's end-to-end run of the
// real executable, with the session's keychain and with none.

#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class tst_Autoplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void autoplay_data();
    void autoplay();
    void badOptionsExit2_data();
    void badOptionsExit2();
};

void tst_Autoplay::autoplay_data()
{
    QTest::addColumn<bool>("withKeychain");
    QTest::addColumn<QString>("secretStore");
    QTest::newRow("keychain") << true << QStringLiteral("keychain");
    QTest::newRow("no keychain: memory") << false << QStringLiteral("memory");
}

void tst_Autoplay::autoplay()
{
    QFETCH(bool, withKeychain);
    QFETCH(QString, secretStore);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString screenshot = dir.filePath(QStringLiteral("finished.png"));
    QProcess lab;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!withKeychain)
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"),
        env.value(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen")));
    lab.setProcessEnvironment(env);
    lab.start(QStringLiteral(CFL_LAB_EXECUTABLE),
        { QStringLiteral("--autoplay"), QStringLiteral("--exit-when-done"), QStringLiteral("--pace"),
            QStringLiteral("0"), QStringLiteral("--screenshot"), screenshot, QStringLiteral("--data-dir"),
            dir.filePath(QStringLiteral("bank")) });
    QVERIFY2(lab.waitForStarted(), qPrintable(lab.errorString()));
    QVERIFY2(lab.waitForFinished(60000), "codeflow-lab --autoplay did not finish within 60 s");
    const QByteArray errors = lab.readAllStandardError();
    QCOMPARE(lab.exitStatus(), QProcess::NormalExit);
    QVERIFY2(lab.exitCode() == 0, errors.constData());

    // One JSON line on stdout.
    const QList<QByteArray> lines = lab.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QJsonParseError parseError;
    const QJsonObject result = QJsonDocument::fromJson(lines.first(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, lines.first().constData());
    QCOMPARE(result.value(QStringLiteral("granted")), QJsonValue(true));
    QCOMPARE(result.value(QStringLiteral("id_token_valid")), QJsonValue(true));
    QVERIFY(result.value(QStringLiteral("api_calls_ok")).toInt() >= 1);
    const QJsonObject offer = result.value(QStringLiteral("loan_offer")).toObject();
    QCOMPARE(offer.value(QStringLiteral("possible")), QJsonValue(true));
    QVERIFY(offer.value(QStringLiteral("amount")).toDouble() > 0);
    QCOMPARE(result.value(QStringLiteral("secret_store")).toString(), secretStore);
    QVERIFY(!result.contains(QStringLiteral("error")));
    QVERIFY(!lines.first().contains("refresh_token")
        && !lines.first().contains("secret\":\"")); // no secret in the report

    // The picture of the whole window at the end.
    QImageReader png(screenshot);
    QCOMPARE(png.format(), QByteArray("png"));
    const QImage image = png.read();
    QVERIFY2(!image.isNull(), qPrintable(png.errorString()));
    QVERIFY(image.width() >= 1000 && image.height() >= 600);
    QVERIFY(QFileInfo(screenshot).size() > 30'000); // a rendered window, not a blank one

    // The client secret really is in the Secret Service (libsecret-tools, as a user would look).
    if (withKeychain) {
        const QString secretTool = QStandardPaths::findExecutable(QStringLiteral("secret-tool"));
        if (secretTool.isEmpty())
            QSKIP("secret-tool (libsecret-tools) is not installed: cannot look into the Secret Service");
        QProcess search;
        search.start(secretTool,
            { QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("user"),
                QStringLiteral("codeflow-lab/coolloan/client-secret") });
        QVERIFY(search.waitForFinished(10000));
        const QByteArray found = search.readAllStandardOutput() + search.readAllStandardError();
        QVERIFY2(found.contains("attribute.server = CodeFlow Lab"), found.constData());
        QVERIFY2(found.contains("secret = ") && !found.contains("secret = \n"), found.constData());
    }
}

void tst_Autoplay::badOptionsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("--exit-when-done alone") << QStringList { QStringLiteral("--exit-when-done") };
    QTest::newRow("--pace not a number")
        << QStringList { QStringLiteral("--autoplay"), QStringLiteral("--pace"), QStringLiteral("soon") };
}

void tst_Autoplay::badOptionsExit2()
{
    QFETCH(QStringList, arguments);
    QProcess lab;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"),
        env.value(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen")));
    lab.setProcessEnvironment(env);
    lab.start(QStringLiteral(CFL_LAB_EXECUTABLE), arguments);
    QVERIFY(lab.waitForFinished(20000));
    QCOMPARE(lab.exitCode(), 2);
    QVERIFY(!lab.readAllStandardError().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Autoplay)
#include "tst_autoplay.moc"
