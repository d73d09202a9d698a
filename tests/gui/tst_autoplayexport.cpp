// codeflow-lab --autoplay --exit-when-done --export-trace --export-plantuml: the exported trace of a real run
// covers the seed's steps in order, as JSON and as PlantUML, with codes, tokens, secrets, passwords and
// cookies masked unless --include-secrets is given.

#include "storage/SeedData.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {
// The seed diagram (docs/architecture.md, "The seed diagram") numbers 16 arrows with autonumber.
constexpr int kSeedSteps = 16;
} // namespace

class tst_AutoplayExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportedTrace_data();
    void exportedTrace();
    void plantUml();

private:
    struct Run
    {
        QByteArray json;
        QByteArray uml;
    };
    Run m_masked;
    Run m_clear;
    static bool run(bool includeSecrets, Run *result);
};

bool tst_AutoplayExport::run(bool includeSecrets, Run *result)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return false;
    const QString json = dir.filePath(QStringLiteral("run.json"));
    const QString uml = dir.filePath(QStringLiteral("run.puml"));
    QStringList arguments { QStringLiteral("--autoplay"), QStringLiteral("--exit-when-done"),
        QStringLiteral("--pace"), QStringLiteral("0"), QStringLiteral("--data-dir"),
        dir.filePath(QStringLiteral("bank")), QStringLiteral("--export-trace"), json,
        QStringLiteral("--export-plantuml"), uml };
    if (includeSecrets)
        arguments.append(QStringLiteral("--include-secrets"));
    QProcess lab;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"),
        env.value(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen")));
    lab.setProcessEnvironment(env);
    lab.start(QStringLiteral(CFL_LAB_EXECUTABLE), arguments);
    if (!lab.waitForStarted() || !lab.waitForFinished(90000)) {
        qWarning("codeflow-lab did not run to the end within 90 s");
        lab.kill();
        lab.waitForFinished();
        return false;
    }
    if (lab.exitStatus() != QProcess::NormalExit || lab.exitCode() != 0) {
        qWarning().noquote() << "codeflow-lab failed:" << lab.readAllStandardOutput()
                             << lab.readAllStandardError();
        return false;
    }
    QFile jsonFile(json);
    QFile umlFile(uml);
    if (!jsonFile.open(QIODevice::ReadOnly) || !umlFile.open(QIODevice::ReadOnly)) {
        qWarning("the export files are missing");
        return false;
    }
    result->json = jsonFile.readAll();
    result->uml = umlFile.readAll();
    return true;
}

void tst_AutoplayExport::initTestCase()
{
    QVERIFY(run(false, &m_masked));
    QVERIFY(run(true, &m_clear));
}

void tst_AutoplayExport::exportedTrace_data()
{
    QTest::addColumn<bool>("includeSecrets");
    QTest::newRow("masked") << false;
    QTest::newRow("--include-secrets") << true;
}

void tst_AutoplayExport::exportedTrace()
{
    QFETCH(bool, includeSecrets);
    const QByteArray bytes = includeSecrets ? m_clear.json : m_masked.json;
    QJsonParseError parseError {};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    QVERIFY(document.isArray());
    const QJsonArray events = document.array();
    QVERIFY(events.size() > kSeedSteps);

    // Every event has the fields the issue names; the seed's steps appear 1..16, in order.
    QList<int> steps;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        for (const char *field : { "step", "from", "to", "method", "url", "status" })
            QVERIFY2(event.contains(QLatin1String(field)), field);
        const int step = event.value(QStringLiteral("step")).toInt();
        if (step > 0 && !steps.contains(step))
            steps.append(step);
    }
    QList<int> expected;
    for (int step = 1; step <= kSeedSteps; ++step)
        expected.append(step);
    QCOMPARE(steps, expected);

    // Tokens: a compact JWS is "eyJ…" — whole in the clear export, never more than a prefix otherwise.
    static const QRegularExpression longJwt(QStringLiteral(R"(eyJ[A-Za-z0-9_\-]{20,})"));
    static const QRegularExpression quotedJwt(QStringLiteral(R"("eyJ[A-Za-z0-9_\-]{20,})"));
    const QString text = QString::fromUtf8(bytes);
    const QByteArray password(cfl::SeedPassword);
    if (includeSecrets) {
        QVERIFY(text.contains(longJwt));
        QVERIFY(bytes.contains(password)); // John's login form, as typed
        return;
    }
    const QRegularExpressionMatch leak = longJwt.match(text);
    QVERIFY2(!leak.hasMatch(), qPrintable(leak.captured()));
    QVERIFY(!text.contains(quotedJwt));
    QVERIFY(!bytes.contains(password));
    QVERIFY(!bytes.contains(QUrl::toPercentEncoding(QString::fromLatin1(password))));

    // Header by header: credentials keep their scheme, cookies their names, nothing else.
    int authorizations = 0;
    int cookies = 0;
    int codes = 0;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        for (const char *side : { "request_headers", "response_headers" }) {
            for (const QJsonValue &header : event.value(QLatin1String(side)).toArray()) {
                const QString name = header.toArray().at(0).toString().toLower();
                const QString headerValue = header.toArray().at(1).toString();
                if (name == QLatin1String("authorization")) {
                    ++authorizations;
                    QVERIFY2(headerValue == QStringLiteral("Basic …(masked)")
                            || headerValue == QStringLiteral("Bearer …(masked)"),
                        qPrintable(headerValue));
                } else if (name == QLatin1String("cookie") || name == QLatin1String("set-cookie")) {
                    ++cookies;
                    for (const QString &line : headerValue.split(QLatin1Char('\n'))) {
                        static const QRegularExpression cookieValue(QStringLiteral(R"(^[^=;]+=([^;]*))"));
                        const QRegularExpressionMatch match = cookieValue.match(line.trimmed());
                        QVERIFY2(!match.hasMatch() || match.captured(1).isEmpty()
                                || match.captured(1).endsWith(QLatin1String("(masked)")),
                            qPrintable(headerValue));
                    }
                }
            }
        }
        // The code in the callback URL (step 11) and in the token request (step 12).
        static const QRegularExpression code(QStringLiteral(R"([?&]code=([^&]*))"));
        for (const QString &where : { event.value(QStringLiteral("url")).toString(),
                 event.value(QStringLiteral("request_body")).toString() }) {
            const QRegularExpressionMatch match = code.match(where);
            if (match.hasMatch() || where.startsWith(QLatin1String("code="))) {
                ++codes;
                const QString shown = QUrl::fromPercentEncoding(
                    (match.hasMatch() ? match.captured(1) : where.section(QLatin1Char('&'), 0, 0).mid(5))
                        .toUtf8());
                QVERIFY2(shown.endsWith(QLatin1String("(masked)")), qPrintable(where));
            }
        }
    }
    QVERIFY(authorizations >= 2); // Basic at boris, Bearer at banky
    QVERIFY(cookies >= 1); // eddy's session
    QVERIFY(codes >= 1);
}

void tst_AutoplayExport::plantUml()
{
    const QString uml = QString::fromUtf8(m_masked.uml);
    QVERIFY2(uml.startsWith(QLatin1String("@startuml")), qPrintable(uml.left(100)));
    QVERIFY(uml.trimmed().endsWith(QLatin1String("@enduml")));
    for (const char *participant :
        { "as RO", "as UA", "participant 3rd", "participant Auth", "participant Token", "participant R " })
        QVERIFY2(uml.contains(QLatin1String(participant)), participant);
    // One numbered arrow per seed step, in order of first appearance; the step's parties as in the seed.
    static const QRegularExpression arrow(
        QStringLiteral(R"(^(\w+) -{1,2}(?:\[#[0-9A-Fa-f]{6}\])?> (\w+) : <b>(\d+)</b> )"),
        QRegularExpression::MultilineOption);
    QList<int> steps;
    QHash<int, QString> parties;
    for (auto it = arrow.globalMatch(uml); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const int step = match.captured(3).toInt();
        if (!steps.contains(step)) {
            steps.append(step);
            parties.insert(step, match.captured(1) + QLatin1Char('>') + match.captured(2));
        }
    }
    QList<int> expected;
    for (int step = 1; step <= kSeedSteps; ++step)
        expected.append(step);
    QCOMPARE(steps, expected);
    const QHash<int, QString> seed { { 1, QStringLiteral("UA>Auth") }, { 2, QStringLiteral("Auth>Auth") },
        { 3, QStringLiteral("Auth>UA") }, { 4, QStringLiteral("RO>UA") }, { 5, QStringLiteral("UA>Auth") },
        { 6, QStringLiteral("Auth>UA") }, { 7, QStringLiteral("RO>UA") }, { 8, QStringLiteral("UA>Auth") },
        { 10, QStringLiteral("Auth>UA") }, { 11, QStringLiteral("UA>3rd") },
        { 12, QStringLiteral("3rd>Token") }, { 13, QStringLiteral("Token>3rd") },
        { 14, QStringLiteral("3rd>R") }, { 15, QStringLiteral("R>R") }, { 16, QStringLiteral("R>3rd") } };
    for (auto it = seed.cbegin(); it != seed.cend(); ++it)
        QVERIFY2(parties.value(it.key()) == it.value(),
            qPrintable(QStringLiteral("step %1: %2").arg(it.key()).arg(parties.value(it.key()))));
    static const QRegularExpression longJwt(QStringLiteral(R"(eyJ[A-Za-z0-9_\-]{20,})"));
    QVERIFY(!uml.contains(longJwt));
}

QTEST_GUILESS_MAIN(tst_AutoplayExport)
#include "tst_autoplayexport.moc"
