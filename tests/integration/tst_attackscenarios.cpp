// The attack lab's scenarios (attack/AttackScenario.h), each played by the engine against a real bank on
// loopback with real SQLite: weak, the attack succeeds on facts (banky served John's accounts to
// Mallory's party, whose token carries John's sub); one row per defence layer (every other weakness on),
// the first refusal is that layer's, Mallory holds nothing, and what must be revoked is; defended, the
// first layer stops it. Control: CoolLoan's normal flow with each weakness on alone, and with none.

#include "attack/AttackEngine.h"
#include "storage/SeedData.h"
#include "trace/TraceExport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

#include <algorithm>

using namespace cfl;
using namespace cfl::attack;

class tst_AttackScenarios : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void weakRunSucceeds_data();
    void weakRunSucceeds();
    void layerStopsTheAttack_data();
    void layerStopsTheAttack();
    void defendedRunMeetsTheFirstLayer_data();
    void defendedRunMeetsTheFirstLayer();
    void normalFlowStillWorks_data();
    void normalFlowStillWorks();
    void traceShowsMallorysLifeline();
    void mixUpSendsJohnsCodeToMalloryBank();
};

namespace {
void addScenarioRows()
{
    QTest::addColumn<QString>("id");
    for (const Scenario &scenario : allScenarios())
        QTest::newRow(qPrintable(scenario.id)) << scenario.id;
}

// The requests of a run that reached MalloryBank's token endpoint (the mix-up).
QList<TraceEvent> tokenRequestsAtMalloryBank(const AttackOutcome &outcome)
{
    QList<TraceEvent> requests;
    for (const TraceEvent &event : outcome.trace) {
        if (event.kind == TraceKind::Request && event.to == malloryBank()
            && event.url.path() == QLatin1String("/token"))
            requests.append(event);
    }
    return requests;
}

// What must have been revoked when the attack was stopped.
void verifyRevocations(const QString &id, const AttackOutcome &outcome)
{
    if (id == QLatin1String("code-replay")) // RFC 6749 §10.5: CoolLoan's tokens from the replayed code
        QCOMPARE(outcome.johnsApiCallAfter, 401);
    if (id == QLatin1String("refresh-theft")) // RFC 9700 §4.14.2: the whole family, CoolLoan's too
        QCOMPARE(outcome.johnsRefreshAfter, 400);
}
} // namespace

void tst_AttackScenarios::weakRunSucceeds_data()
{
    addScenarioRows();
}

void tst_AttackScenarios::weakRunSucceeds()
{
    QFETCH(QString, id);
    const Scenario scenario = *findScenario(id);
    const AttackOutcome outcome = runWeak(scenario);
    QVERIFY2(outcome.failure.isEmpty(), qPrintable(outcome.failure));
    QVERIFY2(outcome.succeeded, qPrintable(QString::fromUtf8(QJsonDocument(outcome.toJson()).toJson())));
    if (id == QLatin1String("307-redirect")) {
        // John's own browser posted his login form — his password — to MalloryApp's callback.
        QVERIFY(outcome.passwordAtMallory);
        QVERIFY(outcome.accountsServedToMallory.isEmpty());
    } else if (id == QLatin1String("login-csrf")) {
        // Login CSRF turns it around: CoolLoan, in John's session, was served Mallory's account, not his.
        QVERIFY(outcome.accountsShownToJohn.contains(QString::fromLatin1(SeedMalloryAccountId)));
        QVERIFY(!outcome.accountsShownToJohn.contains(QString::fromLatin1(SeedCheckingAccountId)));
        QVERIFY(outcome.accountsServedToMallory.isEmpty());
    } else {
        // Facts: banky served John's accounts to Mallory's party, never her own; her token is John's.
        QVERIFY(outcome.accountsServedToMallory.contains(QString::fromLatin1(SeedCheckingAccountId)));
        QVERIFY(!outcome.accountsServedToMallory.contains(QString::fromLatin1(SeedMalloryAccountId)));
        QVERIFY(!outcome.malloryTokenSubject.isEmpty());
        if (!outcome.johnSubject.isEmpty())
            QCOMPARE(outcome.malloryTokenSubject, outcome.johnSubject);
    }
    QVERIFY2(outcome.stoppedBy.isEmpty(), qPrintable(outcome.check));
    // The holes show in the trace: each switched-off check that would have refused says it was skipped.
    bool skipped = false;
    for (const TraceEvent &event : outcome.trace)
        skipped = skipped || event.summary.startsWith(QLatin1String("check skipped:"));
    QVERIFY(skipped);
    if (id == QLatin1String("code-replay"))
        QCOMPARE(outcome.johnsApiCallAfter, 200); // nobody noticed
    if (id == QLatin1String("code-injection")) {
        // "Why it worked" shows what each skipped check compared and would have refused: the bank's two and
        // CoolLoan's own.
        QStringList compared;
        for (const SkippedCheck &check : outcome.skipped) {
            if (!check.expected.isEmpty() && !check.received.isEmpty() && check.expected != check.received)
                compared.append(check.check);
        }
        QCOMPARE(compared,
            QStringList({ QStringLiteral("token.code.redirect_uri"), QStringLiteral("token.code.pkce"),
                QStringLiteral("coolloan.id_token.nonce") }));
        QCOMPARE(outcome.skipped.first().received, QStringLiteral("http://127.0.0.1:5557/callback"));
    }
}

void tst_AttackScenarios::layerStopsTheAttack_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("layer");
    for (const Scenario &scenario : allScenarios()) {
        for (int i = 0; i < scenario.layers.size(); ++i) {
            QTest::newRow(qPrintable(QStringLiteral("%1 / %2").arg(scenario.id, scenario.layers.at(i).check)))
                << scenario.id << i;
        }
    }
}

void tst_AttackScenarios::layerStopsTheAttack()
{
    QFETCH(QString, id);
    QFETCH(int, layer);
    const Scenario scenario = *findScenario(id);
    const DefenceLayer &expected = scenario.layers.at(layer);
    const AttackOutcome outcome = runPeeled(scenario, layer);
    QVERIFY2(outcome.failure.isEmpty(), qPrintable(outcome.failure));
    QVERIFY2(!outcome.succeeded, qPrintable(outcome.obtained));
    QCOMPARE(outcome.stoppedBy, expected.party);
    QCOMPARE(outcome.status, expected.status);
    QCOMPARE(outcome.error, expected.error);
    QCOMPARE(outcome.check, expected.check);
    QCOMPARE(outcome.rule, expected.rule);
    // Mallory holds nothing, and banky served her nothing (nor John's session her account).
    QVERIFY(outcome.malloryTokenSubject.isEmpty());
    QVERIFY(outcome.accountsServedToMallory.isEmpty());
    QVERIFY(outcome.accountsShownToJohn.isEmpty());
    QVERIFY(!outcome.passwordAtMallory);
    verifyRevocations(id, outcome);
    QString why;
    QVERIFY2(isExpected(scenario, outcome, layer, &why), qPrintable(why));
}

void tst_AttackScenarios::defendedRunMeetsTheFirstLayer_data()
{
    addScenarioRows();
}

void tst_AttackScenarios::defendedRunMeetsTheFirstLayer()
{
    QFETCH(QString, id);
    const Scenario scenario = *findScenario(id);
    const AttackOutcome outcome = runDefended(scenario);
    QVERIFY(outcome.weaknesses.isEmpty());
    QString why;
    QVERIFY2(isExpected(scenario, outcome, 0, &why), qPrintable(why));
    QCOMPARE(outcome.toJson().value(QStringLiteral("stopped_by")).toString(), scenario.layers.first().party);
    QCOMPARE(outcome.toJson().value(QStringLiteral("obtained")).toString(), QStringLiteral("nothing"));
    verifyRevocations(id, outcome);
}

void tst_AttackScenarios::normalFlowStillWorks_data()
{
    QTest::addColumn<QStringList>("keys");
    QTest::newRow("none") << QStringList {};
    // CoolLoan's weaknesses switch off checks of the real CoolLoanClient; the scripted CoolLoan of the
    // control has none to switch off, so their rows show only that the bank is unaffected.
    for (const WeaknessSpec &spec : allWeaknesses())
        QTest::newRow(qPrintable(spec.key)) << QStringList { spec.key };
}

void tst_AttackScenarios::normalFlowStillWorks()
{
    QFETCH(QStringList, keys);
    QList<Weakness> weaknesses;
    for (const QString &key : keys)
        weaknesses.append(*findWeakness(key));
    const NormalFlowOutcome outcome = runNormalFlow(weaknesses);
    QVERIFY2(outcome.succeeded, qPrintable(outcome.failure));
}

void tst_AttackScenarios::traceShowsMallorysLifeline()
{
    const AttackOutcome outcome = runWeak(*findScenario(QStringLiteral("lax-redirect")));
    QSet<QString> parties;
    for (const TraceEvent &event : outcome.trace) {
        parties.insert(event.from);
        parties.insert(event.to);
    }
    // The bank saw Mallory's malware by its User-Agent; her listener recorded John's redirect.
    QVERIFY(parties.contains(malloryMalware()));
    QVERIFY(parties.contains(malloryListener()));
    QVERIFY(parties.contains(malloryDevice()));
    const QString uml = traceToPlantUml(outcome.trace, false);
    QVERIFY2(uml.contains(QStringLiteral("participant \"Mallory's listener\"")), qPrintable(uml.left(2000)));
    QVERIFY(uml.contains(QStringLiteral("participant \"Mallory's malware\"")));
    const QJsonArray json = traceToJson(outcome.trace, false);
    bool malwareInJson = false;
    for (const QJsonValue &event : json)
        malwareInJson
            = malwareInJson || event.toObject().value(QStringLiteral("from")).toString() == malloryMalware();
    QVERIFY(malwareInJson);
}

// The mix-up (RFC 9700 §4.4): weak, CoolLoan sends John's code and its PKCE verifier to MalloryBank's token
// endpoint, and the skipped iss check compared MalloryBank's issuer with the honest bank's; defended,
// CoolLoan refuses the redirect on those two values and nothing reaches MalloryBank's token endpoint.
void tst_AttackScenarios::mixUpSendsJohnsCodeToMalloryBank()
{
    const Scenario scenario = *findScenario(QStringLiteral("mix-up"));
    const AttackOutcome weak = runWeak(scenario);
    QVERIFY2(weak.succeeded, qPrintable(weak.failure + weak.obtained));
    const QList<TraceEvent> stolen = tokenRequestsAtMalloryBank(weak);
    QCOMPARE(stolen.size(), 1);
    QCOMPARE(stolen.first().from, QStringLiteral("CoolLoan"));
    QVERIFY(stolen.first().requestBody.contains("grant_type=authorization_code"));
    QVERIFY(stolen.first().requestBody.contains("&code="));
    QVERIFY(stolen.first().requestBody.contains("&code_verifier="));
    QCOMPARE(weak.skipped.size(), 1);
    const SkippedCheck &skipped = weak.skipped.first();
    QCOMPARE(skipped.party, QStringLiteral("CoolLoan"));
    QCOMPARE(skipped.check, QStringLiteral("coolloan.redirect.iss"));
    QCOMPARE(skipped.rule, scenario.layers.first().rule);
    // Expected: MalloryBank, the bank the login started with; received: the honest bank, which eddy names.
    QVERIFY2(skipped.expected.startsWith(QLatin1String("http://127.0.0.1:")), qPrintable(skipped.expected));
    QVERIFY(!skipped.received.isEmpty());
    QVERIFY(skipped.received != skipped.expected);
    // MalloryBank redeemed it at boris, and banky served her: the bank saw MalloryBank, not CoolLoan.
    bool redeemedAtBoris = false;
    bool servedByBanky = false;
    for (const TraceEvent &event : weak.trace) {
        redeemedAtBoris = redeemedAtBoris
            || (event.kind == TraceKind::Response && event.from == QLatin1String("boris")
                && event.to == malloryBank() && event.status == 200);
        servedByBanky = servedByBanky
            || (event.kind == TraceKind::Response && event.from == QLatin1String("banky")
                && event.to == malloryBank() && event.status == 200);
    }
    QVERIFY(redeemedAtBoris);
    QVERIFY(servedByBanky);

    const AttackOutcome defended = runDefended(scenario);
    QVERIFY2(defended.failure.isEmpty(), qPrintable(defended.failure));
    QCOMPARE(defended.stoppedBy, QStringLiteral("CoolLoan"));
    QCOMPARE(defended.check, QStringLiteral("coolloan.redirect.iss"));
    QVERIFY(tokenRequestsAtMalloryBank(defended).isEmpty());
    QVERIFY(defended.skipped.isEmpty());
    const auto refusal = std::find_if(defended.trace.cbegin(), defended.trace.cend(),
        [](const TraceEvent &event) { return !event.refusalRule.isEmpty(); });
    QVERIFY(refusal != defended.trace.cend());
    QCOMPARE(refusal->from, QStringLiteral("CoolLoan"));
    QVERIFY2(refusal->summary.contains(QLatin1String("coolloan.redirect.iss")), qPrintable(refusal->summary));
    // Expected: MalloryBank's issuer (a port of this run); received: the iss of eddy's redirect.
    QVERIFY(refusal->expected.startsWith(QLatin1String("http://127.0.0.1:")));
    QVERIFY(refusal->received != refusal->expected);
    QString eddysIss;
    for (const TraceEvent &event : defended.trace) {
        if (event.kind != TraceKind::Response || event.from != QLatin1String("eddy")
            || event.status / 100 != 3)
            continue;
        for (const auto &[name, value] : event.responseHeaders) {
            const QUrl location = QUrl::fromEncoded(value);
            if (name.compare("Location", Qt::CaseInsensitive) == 0
                && location.path() == QLatin1String("/callback"))
                eddysIss = QUrlQuery(location).queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded);
        }
    }
    QCOMPARE(refusal->received, eddysIss);
    // Both lifelines in the exported trace: MalloryBank, drawn in PlantUML as one of Mallory's parties.
    const QString uml = traceToPlantUml(defended.trace, false);
    QVERIFY2(uml.contains(QStringLiteral("participant \"MalloryBank\"")), qPrintable(uml.left(2000)));
}

QTEST_GUILESS_MAIN(tst_AttackScenarios)
#include "tst_attackscenarios.moc"
