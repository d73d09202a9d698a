// An attack played at a pace (attack/PacedAttack.h): the engine on a thread of its own, one real exchange
// per step, each let through by the pace timer on the caller's thread; every trace event handed over in
// the order the run recorded it, and the outcome the same as the synchronous engine's. Stopped, the run
// sends nothing more and ends at once.

#include "attack/PacedAttack.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace cfl;
using namespace cfl::attack;

class tst_PacedAttack : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void playsOneExchangePerStep();
    void stopEndsTheRun();
};

void tst_PacedAttack::playsOneExchangePerStep()
{
    const Scenario scenario = *findScenario(QStringLiteral("code-replay"));
    PacedAttack player;
    QList<TraceEvent> events;
    connect(&player, &PacedAttack::traceEvent, this,
        [&events](const TraceEvent &event) { events.append(event); });
    QSignalSpy steps(&player, &PacedAttack::stepTaken);
    QSignalSpy finished(&player, &PacedAttack::finished);
    constexpr int PaceMs = 40;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(player.start(scenario, scenario.weaknesses(), PaceMs));
    QVERIFY(player.isRunning());
    QVERIFY2(!player.start(scenario, {}, PaceMs), "one run at a time");
    QVERIFY(finished.wait(60'000));
    QVERIFY(!player.isRunning());
    const AttackOutcome &outcome = player.outcome();
    QVERIFY2(outcome.failure.isEmpty(), qPrintable(outcome.failure));
    QVERIFY(outcome.succeeded);
    QCOMPARE(outcome.attack, scenario.id);
    // code-replay: John's browser (authorize, login page, login, consent page, consent), CoolLoan's token
    // request, Mallory's replay, her API call, CoolLoan's API call — each one step.
    QVERIFY2(steps.size() >= 8, qPrintable(QString::number(steps.size())));
    QVERIFY(clock.elapsed() >= steps.size() * PaceMs);
    // Handed over as recorded, all of them.
    QCOMPARE(events.size(), outcome.trace.size());
    for (int i = 0; i < events.size(); ++i) {
        QCOMPARE(events.at(i).from, outcome.trace.at(i).from);
        QCOMPARE(events.at(i).summary, outcome.trace.at(i).summary);
    }
    // The switched-off check the attack passed, for "Why it worked".
    QVERIFY(!outcome.skipped.isEmpty());
    QCOMPARE(outcome.skipped.first().check, QStringLiteral("token.code.unused"));
    QCOMPARE(outcome.skipped.first().party, QStringLiteral("boris"));
}

void tst_PacedAttack::stopEndsTheRun()
{
    const Scenario scenario = *findScenario(QStringLiteral("code-replay"));
    PacedAttack player;
    QSignalSpy steps(&player, &PacedAttack::stepTaken);
    QSignalSpy finished(&player, &PacedAttack::finished);
    QVERIFY(player.start(scenario, scenario.weaknesses(), 60'000)); // a step a minute
    QTRY_VERIFY_WITH_TIMEOUT(player.isRunning(), 1000);
    player.stop();
    QVERIFY(finished.wait(20'000));
    QCOMPARE(steps.size(), 0);
    QVERIFY(!player.outcome().succeeded);
    QCOMPARE(player.outcome().failure, QStringLiteral("the run was stopped"));
}

QTEST_MAIN(tst_PacedAttack)
#include "tst_pacedattack.moc"
