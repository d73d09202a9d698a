// The attack lab's weakness table (attack/Weakness.h): data that the bank, CoolLoan, the command line and
// the scenarios all read, so every id in it must name a real check, and every weakness must be played.

#include "attack/AttackScenario.h"
#include "attack/Weakness.h"
#include "bank/Check.h"
#include "client/ClientChecks.h"

#include <QSet>
#include <QTest>

using namespace cfl;
using namespace cfl::attack;

class tst_Weaknesses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCheckExists();
    void keysAreUniqueAndFound();
    void ownerMatchesTheChecks();
    void everyWeaknessIsPlayedOrMarkedForLater();
    void scenarioLayersNameRealChecks();
};

void tst_Weaknesses::everyCheckExists()
{
    for (const WeaknessSpec &spec : allWeaknesses()) {
        QVERIFY2(!spec.bankChecks.isEmpty() || !spec.clientChecks.isEmpty(), qPrintable(spec.key));
        for (const QString &id : spec.bankChecks)
            QVERIFY2(findDefence(id), qPrintable(spec.key + QStringLiteral(": no bank check ") + id));
        for (const QString &id : spec.clientChecks)
            QVERIFY2(findClientCheck(id), qPrintable(spec.key + QStringLiteral(": no CoolLoan check ") + id));
        // The rule shown is the rule of one of the checks it switches off, word for word.
        QStringList rules;
        for (const QString &id : spec.bankChecks)
            rules.append(findDefence(id)->rule);
        for (const QString &id : spec.clientChecks)
            rules.append(findClientCheck(id)->rule);
        QVERIFY2(rules.contains(spec.rule), qPrintable(spec.key + QStringLiteral(": ") + spec.rule));
        QVERIFY2(
            !spec.section.isEmpty() && !spec.breaks.isEmpty() && !spec.title.isEmpty(), qPrintable(spec.key));
    }
}

void tst_Weaknesses::keysAreUniqueAndFound()
{
    QSet<QString> keys;
    int index = 0;
    for (const WeaknessSpec &spec : allWeaknesses()) {
        QCOMPARE(int(spec.weakness), index++); // the table is in the enum's order (weaknessSpec)
        QVERIFY2(!keys.contains(spec.key), qPrintable(spec.key));
        keys.insert(spec.key);
        QCOMPARE(findWeakness(spec.key), std::optional<Weakness>(spec.weakness));
    }
    QCOMPARE(findWeakness(QStringLiteral("no-such-weakness")), std::nullopt);
}

void tst_Weaknesses::ownerMatchesTheChecks()
{
    for (const WeaknessSpec &spec : allWeaknesses()) {
        if (spec.owner == Owner::Bank)
            QVERIFY2(spec.clientChecks.isEmpty(), qPrintable(spec.key));
        else
            QVERIFY2(spec.bankChecks.isEmpty(), qPrintable(spec.key));
    }
}

void tst_Weaknesses::everyWeaknessIsPlayedOrMarkedForLater()
{
    QSet<Weakness> played;
    QSet<QString> scenarioIds;
    for (const Scenario &scenario : allScenarios()) {
        scenarioIds.insert(scenario.id);
        for (const Weakness weakness : scenario.weaknesses())
            played.insert(weakness);
    }
    for (const WeaknessSpec &spec : allWeaknesses()) {
        if (played.contains(spec.weakness)) {
            QVERIFY2(
                spec.laterScenario.isEmpty(), qPrintable(spec.key + QStringLiteral(" is played already")));
            continue;
        }
        // Not played in this slice: the table says which later scenario will (and it is not one of ours).
        QVERIFY2(!spec.laterScenario.isEmpty(),
            qPrintable(spec.key + QStringLiteral(" is played by no scenario")));
        QVERIFY2(!scenarioIds.contains(spec.laterScenario), qPrintable(spec.laterScenario));
    }
}

void tst_Weaknesses::scenarioLayersNameRealChecks()
{
    for (const Scenario &scenario : allScenarios()) {
        QVERIFY2(!scenario.layers.isEmpty(), qPrintable(scenario.id));
        QVERIFY(findScenario(scenario.id));
        for (const DefenceLayer &layer : scenario.layers) {
            // A layer of CoolLoan's is one of its own checks: no HTTP answer, no error code.
            if (layer.party == QLatin1String("CoolLoan")) {
                const auto check = findClientCheck(layer.check);
                QVERIFY2(check, qPrintable(layer.check));
                QCOMPARE(layer.rule, QStringLiteral("%1 (%2)").arg(check->rule, check->section));
                QCOMPARE(layer.status, 0);
                QVERIFY(layer.error.isEmpty());
                QVERIFY2(clientChecksOf(layer.weaknesses).contains(layer.check), qPrintable(layer.check));
                continue;
            }
            const auto check = findDefence(layer.check);
            QVERIFY2(check, qPrintable(layer.check));
            QCOMPARE(layer.rule, QStringLiteral("%1 (%2)").arg(check->rule, check->section));
            // Peeling the layer turns its own check back on.
            QVERIFY2(bankChecksOf(layer.weaknesses).contains(layer.check), qPrintable(layer.check));
        }
    }
}

QTEST_GUILESS_MAIN(tst_Weaknesses)
#include "tst_weaknesses.moc"
