// `codeflow-lab --attack ID --weak|--defended` (issue 11), run as its own process with the offscreen
// platform: one JSON line, exit 0 when the outcome is the expected one; --export-trace shows Mallory.

#include "attack/AttackScenario.h"
#include "trace/TraceEvent.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace cfl;
using namespace cfl::attack;

namespace {
struct Finished
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject lastLine() const
    {
        const QList<QByteArray> lines = out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last()).object();
    }
};

Finished runLab(const QStringList &arguments, const QString &home)
{
    QProcess lab;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("HOME"), home); // nothing lands in the real user's directories
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    lab.setProcessEnvironment(environment);
    lab.start(QStringLiteral(CFL_LAB_EXECUTABLE), arguments);
    Finished result;
    if (!lab.waitForStarted() || !lab.waitForFinished(90000)) {
        lab.kill();
        lab.waitForFinished();
        result.err = "did not finish within 90 s";
        return result;
    }
    result.exitCode = lab.exitStatus() == QProcess::NormalExit ? lab.exitCode() : -1;
    result.out = lab.readAllStandardOutput();
    result.err = lab.readAllStandardError();
    return result;
}
} // namespace

class tst_LabAttack : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_home.isValid()); }
    void oneJsonLine_data();
    void oneJsonLine();
    void exportedTraceShowsMallory_data();
    void exportedTraceShowsMallory();
    void exportedMixUpShowsMalloryBank();
    void listAttacks();
    void badArgumentsExit2_data();
    void badArgumentsExit2();

private:
    QTemporaryDir m_home;
};

void tst_LabAttack::oneJsonLine_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("weak");
    for (const Scenario &scenario : allScenarios()) {
        QTest::newRow(qPrintable(scenario.id + QStringLiteral(" weak"))) << scenario.id << true;
        QTest::newRow(qPrintable(scenario.id + QStringLiteral(" defended"))) << scenario.id << false;
    }
}

void tst_LabAttack::oneJsonLine()
{
    QFETCH(QString, id);
    QFETCH(bool, weak);
    const Finished result = runLab(
        { QStringLiteral("--attack"), id, weak ? QStringLiteral("--weak") : QStringLiteral("--defended"),
            QStringLiteral("--exit-when-done") },
        m_home.path());
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE(result.out.trimmed().count('\n'), 0); // one line
    const QJsonObject json = result.lastLine();
    QCOMPARE(json.value(QStringLiteral("attack")).toString(), id);
    QCOMPARE(json.value(QStringLiteral("succeeded")).toBool(), weak);
    for (const char *key : { "stopped_by", "error", "rule", "check", "obtained" })
        QVERIFY2(json.contains(QLatin1String(key)), key);
    const Scenario scenario = *findScenario(id);
    if (weak) {
        QVERIFY(json.value(QStringLiteral("stopped_by")).isNull());
        // What Mallory obtained: John's accounts — or, by login CSRF, John's CoolLoan session; by a 307, his
        // password.
        const QString obtained = json.value(QStringLiteral("obtained")).toString();
        const QString what = id == QLatin1String("login-csrf") ? QStringLiteral("John's CoolLoan session")
            : id == QLatin1String("307-redirect")              ? QStringLiteral("password")
                                                               : QStringLiteral("John's accounts");
        QVERIFY2(obtained.contains(what), qPrintable(obtained));
        // Loud: every weakness of the run is named on stderr.
        for (const Weakness weakness : scenario.weaknesses())
            QVERIFY(result.err.contains("WEAKENED: " + weaknessSpec(weakness).key.toUtf8()));
    } else {
        const DefenceLayer &first = scenario.layers.first();
        QCOMPARE(json.value(QStringLiteral("stopped_by")).toString(), first.party);
        QCOMPARE(json.value(QStringLiteral("error")).toString(), first.error);
        QCOMPARE(json.value(QStringLiteral("check")).toString(), first.check);
        QCOMPARE(json.value(QStringLiteral("rule")).toString(), first.rule);
        QCOMPARE(json.value(QStringLiteral("obtained")).toString(), QStringLiteral("nothing"));
        QVERIFY(!result.err.contains("WEAKENED"));
    }
}

void tst_LabAttack::exportedTraceShowsMallory_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("weak");
    for (const Scenario &scenario : allScenarios()) {
        QTest::newRow(qPrintable(scenario.id + QStringLiteral(" weak"))) << scenario.id << true;
        QTest::newRow(qPrintable(scenario.id + QStringLiteral(" defended"))) << scenario.id << false;
    }
}

// Every run's exported trace shows Mallory: one of her parties sends or receives in it, weak or defended.
void tst_LabAttack::exportedTraceShowsMallory()
{
    QFETCH(QString, id);
    QFETCH(bool, weak);
    const QString file
        = m_home.filePath(id + (weak ? QStringLiteral("-weak.json") : QStringLiteral("-defended.json")));
    const Finished result = runLab(
        { QStringLiteral("--attack"), id, weak ? QStringLiteral("--weak") : QStringLiteral("--defended"),
            QStringLiteral("--export-trace"), file },
        m_home.path());
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QFile exported(file);
    QVERIFY(exported.open(QIODevice::ReadOnly));
    const QJsonArray events = QJsonDocument::fromJson(exported.readAll()).array();
    QVERIFY(!events.isEmpty());
    QSet<QString> parties;
    for (const QJsonValue &event : events) {
        parties.insert(event.toObject().value(QStringLiteral("from")).toString());
        parties.insert(event.toObject().value(QStringLiteral("to")).toString());
    }
    const QSet<QString> mallorys { malloryDevice(), malloryMalware(), malloryListener(), malloryBank() };
    QVERIFY2(parties.intersects(mallorys),
        qPrintable(QStringList(parties.cbegin(), parties.cend()).join(QStringLiteral(", "))));
    if (id == QLatin1String("lax-redirect") && weak) {
        QVERIFY(parties.contains(malloryListener()));
        QVERIFY(parties.contains(malloryMalware()));
    }
}

// The mix-up's second bank has a lifeline of its own: CoolLoan's requests to it, and its own to boris.
void tst_LabAttack::exportedMixUpShowsMalloryBank()
{
    const QString file = m_home.filePath(QStringLiteral("mix-up.json"));
    const Finished result = runLab({ QStringLiteral("--attack"), QStringLiteral("mix-up"),
                                       QStringLiteral("--weak"), QStringLiteral("--export-trace"), file },
        m_home.path());
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QFile exported(file);
    QVERIFY(exported.open(QIODevice::ReadOnly));
    const QJsonArray events = QJsonDocument::fromJson(exported.readAll()).array();
    QSet<QString> toMalloryBank;
    QSet<QString> fromMalloryBank;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("to")).toString() == malloryBank())
            toMalloryBank.insert(event.value(QStringLiteral("from")).toString());
        if (event.value(QStringLiteral("from")).toString() == malloryBank())
            fromMalloryBank.insert(event.value(QStringLiteral("to")).toString());
    }
    QVERIFY(toMalloryBank.contains(QStringLiteral("CoolLoan")));
    QVERIFY(toMalloryBank.contains(QStringLiteral("Browser")));
    QVERIFY(fromMalloryBank.contains(QStringLiteral("boris")));
    QVERIFY(fromMalloryBank.contains(QStringLiteral("banky")));
}

void tst_LabAttack::listAttacks()
{
    const Finished result = runLab({ QStringLiteral("--list-attacks") }, m_home.path());
    QCOMPARE(result.exitCode, 0);
    for (const Scenario &scenario : allScenarios())
        QVERIFY2(result.out.contains(scenario.id.toUtf8()), qPrintable(scenario.id));
}

void tst_LabAttack::badArgumentsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown attack") << QStringList { QStringLiteral("--attack"), QStringLiteral("nope"),
        QStringLiteral("--weak") } << QStringLiteral("unknown attack 'nope'");
    QTest::newRow("neither") << QStringList { QStringLiteral("--attack"), QStringLiteral("code-replay") }
                             << QStringLiteral("exactly one of --weak and --defended");
    QTest::newRow("both") << QStringList { QStringLiteral("--attack"), QStringLiteral("code-replay"),
        QStringLiteral("--weak"), QStringLiteral("--defended") }
                          << QStringLiteral("exactly one of --weak and --defended");
    QTest::newRow("weak alone") << QStringList { QStringLiteral("--weak") }
                                << QStringLiteral("need --attack ID");
}

void tst_LabAttack::badArgumentsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Finished result = runLab(arguments, m_home.path());
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
    QVERIFY(result.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_LabAttack)
#include "tst_labattack.moc"
