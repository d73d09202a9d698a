// The attack lab in the real LabWindow (issue 11): Attack lab → code-replay, Run attack plays a real attack
// (a bank of its own on loopback, Mallory's malware speaking HTTP) at a pace, the diagram gets Mallory's
// red lifeline and "Why it worked"; Run defended is stopped by boris's invalid_grant and "Why it failed"
// names token.code.unused; the red banner is there while a weakness is on — by hand or during a weak run —
// and gone after. Asserted on the run's facts (attack/AttackEngine.h, AttackOutcome), the view's lifelines
// and the banner's visibility.
//
// With CFL_ATTACK_SCREENSHOTS=DIR, it also saves the window after each run (docs/screenshots/).

#include "attack/AttackScenario.h"
#include "gui/LabFixture.h"
#include "trace/TraceEvent.h"
#include "trace/TraceModel.h"
#include "ui/attack/AttackLabView.h"
#include "ui/attack/WeaknessBanner.h"
#include "ui/attack/WeaknessPanel.h"
#include "ui/diagram/ArrowColours.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/theme/Theme.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace cfl;

class tst_AttackLab : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bannerFollowsWeaknessesByHand();
    void codeReplayWeakThenDefended();
    void pkceDowngradePeelsLayerByLayer();
    void codeInjectionThreeLayers();
    void mixUpWeakThenDefended();
    void loginCsrfStoppedByCoolLoansStateCheck();
    void redirect307WeakThenDefended();

private:
    // Clicks `button` and waits for the run to finish (a real bank starts for each run).
    bool run(AttackLabView *view, const char *button);
    void screenshot(const QString &name);
    void verifyExportShowsMallory(AttackLabView *view);

    std::unique_ptr<test::LabSession> m_lab;
};

void tst_AttackLab::initTestCase()
{
    m_lab = std::make_unique<test::LabSession>();
    QVERIFY2(m_lab->isReady(), qPrintable(m_lab->why()));
    QAction *open = m_lab->widget<QAction>("attackLabAction");
    QVERIFY2(open, "no Attack lab action in the window");
    open->trigger();
    AttackLabView *view = m_lab->window()->attackLab();
    QVERIFY(view->isVisible());
    view->setPaceMs(qEnvironmentVariableIsSet("CFL_ATTACK_SCREENSHOTS") ? 200 : 20);
    QVERIFY(view->selectScenario(QStringLiteral("code-replay")));
}

void tst_AttackLab::bannerFollowsWeaknessesByHand()
{
    auto *banner = m_lab->widget<WeaknessBanner>("weaknessBanner");
    QVERIFY(banner);
    QVERIFY2(!banner->isVisible(), "the lab starts with every defence on: no banner");
    WeaknessPanel *panel = m_lab->window()->attackLab()->weaknessPanel();
    QCOMPARE(panel->list()->count(), attack::allWeaknesses().size());

    panel->setChecked(attack::Weakness::CodeReusable, true);
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QLatin1String("code-reusable")), qPrintable(banner->text()));
    panel->setChecked(attack::Weakness::StateNotChecked, true);
    QVERIFY(banner->text().contains(QLatin1String("state-not-checked")));
    panel->setChecked(attack::Weakness::CodeReusable, false);
    QVERIFY(!banner->text().contains(QLatin1String("code-reusable")));
    panel->setChecked(attack::Weakness::StateNotChecked, false);
    QVERIFY2(!banner->isVisible(), "no weakness on: the banner goes");
}

bool tst_AttackLab::run(AttackLabView *view, const char *button)
{
    auto *push = view->findChild<QPushButton *>(QString::fromLatin1(button));
    if (!push || !push->isEnabled())
        return false;
    QSignalSpy finished(view, &AttackLabView::runFinished);
    push->click();
    return finished.wait(90'000);
}

void tst_AttackLab::screenshot(const QString &name)
{
    const QString dir = qEnvironmentVariable("CFL_ATTACK_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // the last arrow and the explanation paint (screenshots only, never asserted on)
    const QSize screen = m_lab->window()->screen()->size();
    const QString path = QDir(dir).filePath(
        QStringLiteral("%1-%2x%3.png").arg(name).arg(screen.width()).arg(screen.height()));
    QVERIFY2(m_lab->window()->grab().save(path), qPrintable(path));
}

void tst_AttackLab::codeReplayWeakThenDefended()
{
    AttackLabView *view = m_lab->window()->attackLab();
    auto *banner = m_lab->widget<WeaknessBanner>("weaknessBanner");

    // Weak: code-reusable on for this run only; the banner names it while it plays.
    QSignalSpy started(view, &AttackLabView::runStarted);
    QSignalSpy finished(view, &AttackLabView::runFinished);
    auto *weak = view->findChild<QPushButton *>(QStringLiteral("runAttackButton"));
    QVERIFY(weak && weak->isEnabled());
    weak->click();
    QCOMPARE(started.size(), 1);
    QVERIFY2(banner->isVisible(), "a weak run is under way: the banner must show");
    QVERIFY(banner->text().contains(QLatin1String("code-reusable")));
    QVERIFY(view->isRunning());
    QVERIFY(finished.wait(90'000));
    const attack::AttackOutcome weakOutcome = view->lastOutcome();
    QVERIFY2(weakOutcome.failure.isEmpty(), qPrintable(weakOutcome.failure));
    QVERIFY(weakOutcome.succeeded);
    QCOMPARE(weakOutcome.malloryTokenSubject, weakOutcome.johnSubject);
    QVERIFY(!weakOutcome.johnSubject.isEmpty());
    QVERIFY2(!banner->isVisible(), "the run is over and nothing is on by hand: no banner");
    // Mallory's malware has a lifeline of her own, in her red.
    QVERIFY2(view->diagram()->lifelines().contains(malloryMalware()),
        qPrintable(view->diagram()->lifelines().join(QStringLiteral(", "))));
    QCOMPARE(diagram::laneColour(malloryMalware()), QColor(theme::Mallory));
    QCOMPARE(view->diagram()->arrowCount(), int(view->trace()->diagramIndexes().size()));
    QVERIFY2(view->explanationText().contains(QLatin1String("Why it worked")),
        qPrintable(view->explanationText()));
    QVERIFY(view->explanationText().contains(QLatin1String("token.code.unused")));
    screenshot(QStringLiteral("attack-code-replay-weak"));
    verifyExportShowsMallory(view);

    // Defended: boris refuses the replay and revokes John's tokens.
    QVERIFY(run(view, "runDefendedButton"));
    const attack::AttackOutcome defended = view->lastOutcome();
    QVERIFY2(defended.failure.isEmpty(), qPrintable(defended.failure));
    QVERIFY(!defended.succeeded);
    QCOMPARE(defended.stoppedBy, QStringLiteral("boris"));
    QCOMPARE(defended.status, 400);
    QCOMPARE(defended.error, QStringLiteral("invalid_grant"));
    QCOMPARE(defended.check, QStringLiteral("token.code.unused"));
    QVERIFY(defended.malloryTokenSubject.isEmpty());
    QCOMPARE(defended.johnsApiCallAfter, 401);
    const QString why = view->explanationText();
    QVERIFY2(why.contains(QLatin1String("Why it failed")), qPrintable(why));
    QVERIFY2(why.contains(QLatin1String("token.code.unused")), qPrintable(why));
    QVERIFY(!banner->isVisible());
    QVERIFY(view->diagram()->lifelines().contains(malloryMalware()));
    screenshot(QStringLiteral("attack-code-replay-defended"));
    verifyExportShowsMallory(view);
}

// File ▸ Export run while the attack lab is shown writes the attack's run: Mallory's exchanges in the
// JSON, her lifeline in the PlantUML, every event of the attack's trace (not the code flow's).
void tst_AttackLab::verifyExportShowsMallory(AttackLabView *view)
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString json = dir.filePath(QStringLiteral("attack.json"));
    const QString uml = dir.filePath(QStringLiteral("attack.puml"));
    QString error;
    QVERIFY2(m_lab->window()->exportRun(json, uml, false, &error), qPrintable(error));
    QFile jsonFile(json);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonArray events = QJsonDocument::fromJson(jsonFile.readAll()).array();
    QVERIFY(!events.isEmpty());
    int fromMallory = 0;
    for (const QJsonValue &event : events)
        fromMallory += event.toObject().value(QStringLiteral("from")).toString() == malloryMalware();
    QVERIFY2(fromMallory > 0, "the exported run has no exchange sent by Mallory's malware");
    QCOMPARE(events.size(), int(view->trace()->events().size()));
    QFile umlFile(uml);
    QVERIFY(umlFile.open(QIODevice::ReadOnly));
    const QString plantUml = QString::fromUtf8(umlFile.readAll());
    QVERIFY2(plantUml.contains(QStringLiteral("participant \"%1\"").arg(malloryMalware())),
        qPrintable(plantUml.left(2000)));
}

void tst_AttackLab::pkceDowngradePeelsLayerByLayer()
{
    AttackLabView *view = m_lab->window()->attackLab();
    QVERIFY(view->selectScenario(QStringLiteral("code-replay")));
    auto *peel = view->findChild<QPushButton *>(QStringLiteral("peelLayersButton"));
    QVERIFY2(!peel->isEnabled(), "code-replay has one layer: nothing to peel");
    // pkce-downgrade: eddy's challenge check, then boris's verifier check — one run each, that layer on.
    QVERIFY(view->selectScenario(QStringLiteral("pkce-downgrade")));
    QVERIFY(peel->isEnabled());
    QSignalSpy finished(view, &AttackLabView::runFinished);
    peel->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 120'000);
    QVERIFY(!view->isRunning());
    const attack::AttackOutcome &last = view->lastOutcome();
    QCOMPARE(last.stoppedBy, QStringLiteral("boris"));
    QCOMPARE(last.check, QStringLiteral("token.code.verifier_present"));
    QVERIFY(last.malloryTokenSubject.isEmpty());
    const QString why = view->explanationText();
    QVERIFY2(why.contains(QLatin1String("authorize.pkce.challenge_present")), qPrintable(why));
    QVERIFY(why.contains(QLatin1String("token.code.verifier_present")));
    QVERIFY2(!why.contains(QLatin1String("Not the expected outcome")), qPrintable(why));
    QVERIFY(!m_lab->widget<WeaknessBanner>("weaknessBanner")->isVisible());
}

// code-injection: weak, Mallory's own CoolLoan session ends up with John's tokens; defended, boris
// refuses the redirect_uri; peeled, the last layer is CoolLoan's own nonce check, with the two nonces
// compared in "Why it failed".
void tst_AttackLab::codeInjectionThreeLayers()
{
    AttackLabView *view = m_lab->window()->attackLab();
    QVERIFY(view->selectScenario(QStringLiteral("code-injection")));

    QVERIFY(run(view, "runAttackButton"));
    const attack::AttackOutcome weak = view->lastOutcome();
    QVERIFY2(weak.failure.isEmpty(), qPrintable(weak.failure));
    QVERIFY(weak.succeeded);
    QVERIFY(weak.accountsServedToMallory.contains(QStringLiteral("CHK-1001")));
    QVERIFY(view->diagram()->lifelines().contains(malloryDevice()));
    QVERIFY(view->diagram()->lifelines().contains(malloryMalware()));
    const QString worked = view->explanationText();
    for (const char *check : { "token.code.redirect_uri", "token.code.pkce", "coolloan.id_token.nonce" })
        QVERIFY2(worked.contains(QLatin1String(check)), check);
    // The values each skipped check compared: John's redirect URI against the one Mallory's session sent.
    QVERIFY2(worked.contains(QLatin1String("http://127.0.0.1:5557/callback")), qPrintable(worked));
    screenshot(QStringLiteral("attack-code-injection-weak"));

    QVERIFY(run(view, "runDefendedButton"));
    const attack::AttackOutcome defended = view->lastOutcome();
    QVERIFY2(defended.failure.isEmpty(), qPrintable(defended.failure));
    QCOMPARE(defended.stoppedBy, QStringLiteral("boris"));
    QCOMPARE(defended.check, QStringLiteral("token.code.redirect_uri"));
    QVERIFY(defended.malloryTokenSubject.isEmpty());
    const QString failed = view->explanationText();
    QVERIFY2(failed.contains(QLatin1String("Why it failed")), qPrintable(failed));
    QVERIFY2(failed.contains(QLatin1String("http://127.0.0.1:5557/callback")), qPrintable(failed));
    screenshot(QStringLiteral("attack-code-injection-defended"));

    QSignalSpy finished(view, &AttackLabView::runFinished);
    view->findChild<QPushButton *>(QStringLiteral("peelLayersButton"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 180'000);
    const attack::AttackOutcome &last = view->lastOutcome();
    QCOMPARE(last.stoppedBy, QStringLiteral("CoolLoan"));
    QCOMPARE(last.check, QStringLiteral("coolloan.id_token.nonce"));
    QVERIFY(last.malloryTokenSubject.isEmpty());
    QVERIFY(last.accountsServedToMallory.isEmpty());
    const QString why = view->explanationText();
    QVERIFY2(why.contains(QLatin1String("coolloan.id_token.nonce")), qPrintable(why));
    QVERIFY2(
        why.contains(QLatin1String("Expected")) && why.contains(QLatin1String("Received")), qPrintable(why));
    QVERIFY2(!why.contains(QLatin1String("Not the expected outcome")), qPrintable(why));
    screenshot(QStringLiteral("attack-code-injection-nonce"));
}

// mix-up (RFC 9700 §4.4): MalloryBank gets a red lifeline of its own; weak, CoolLoan sends John's code
// there and "Why it worked" shows the two issuers the skipped check compared; defended, CoolLoan's own
// coolloan.redirect.iss refuses the redirect, with the same two issuers in "Why it failed".
void tst_AttackLab::mixUpWeakThenDefended()
{
    AttackLabView *view = m_lab->window()->attackLab();
    QVERIFY(view->selectScenario(QStringLiteral("mix-up")));
    auto *banner = m_lab->widget<WeaknessBanner>("weaknessBanner");

    QVERIFY(run(view, "runAttackButton"));
    const attack::AttackOutcome weak = view->lastOutcome();
    QVERIFY2(weak.failure.isEmpty(), qPrintable(weak.failure));
    QVERIFY(weak.succeeded);
    QVERIFY(weak.accountsServedToMallory.contains(QStringLiteral("CHK-1001")));
    QVERIFY2(view->diagram()->lifelines().contains(malloryBank()),
        qPrintable(view->diagram()->lifelines().join(QStringLiteral(", "))));
    QCOMPARE(diagram::laneColour(malloryBank()), QColor(theme::Mallory));
    QCOMPARE(view->diagram()->arrowCount(), int(view->trace()->diagramIndexes().size()));
    const QString worked = view->explanationText();
    QVERIFY2(worked.contains(QLatin1String("Why it worked")), qPrintable(worked));
    QVERIFY(worked.contains(QLatin1String("coolloan.redirect.iss")));
    QVERIFY2(worked.contains(weak.skipped.value(0).expected.toHtmlEscaped()), qPrintable(worked));
    QVERIFY(!banner->isVisible());
    screenshot(QStringLiteral("attack-mix-up-weak"));

    QVERIFY(run(view, "runDefendedButton"));
    const attack::AttackOutcome defended = view->lastOutcome();
    QVERIFY2(defended.failure.isEmpty(), qPrintable(defended.failure));
    QCOMPARE(defended.stoppedBy, QStringLiteral("CoolLoan"));
    QCOMPARE(defended.check, QStringLiteral("coolloan.redirect.iss"));
    QVERIFY(defended.malloryTokenSubject.isEmpty());
    QVERIFY(view->diagram()->lifelines().contains(malloryBank()));
    const QString failed = view->explanationText();
    QVERIFY2(failed.contains(QLatin1String("Why it failed")), qPrintable(failed));
    QVERIFY2(failed.contains(QLatin1String("Expected")) && failed.contains(QLatin1String("Received")),
        qPrintable(failed));
    QVERIFY2(!failed.contains(QLatin1String("Not the expected outcome")), qPrintable(failed));
    screenshot(QStringLiteral("attack-mix-up-defended"));
}

// login-csrf, defended: CoolLoan refuses the redirect for its session's state, and says which two states it
// compared; Mallory's device and her page have their lifelines.
void tst_AttackLab::loginCsrfStoppedByCoolLoansStateCheck()
{
    AttackLabView *view = m_lab->window()->attackLab();
    QVERIFY(view->selectScenario(QStringLiteral("login-csrf")));
    QVERIFY(run(view, "runDefendedButton"));
    const attack::AttackOutcome defended = view->lastOutcome();
    QVERIFY2(defended.failure.isEmpty(), qPrintable(defended.failure));
    QCOMPARE(defended.stoppedBy, QStringLiteral("CoolLoan"));
    QCOMPARE(defended.check, QStringLiteral("coolloan.redirect.state"));
    QVERIFY(defended.accountsShownToJohn.isEmpty());
    QVERIFY(view->diagram()->lifelines().contains(malloryDevice()));
    QVERIFY(view->diagram()->lifelines().contains(malloryListener()));
    const QString why = view->explanationText();
    QVERIFY2(why.contains(QLatin1String("coolloan.redirect.state")), qPrintable(why));
    QVERIFY2(
        why.contains(QLatin1String("Expected")) && why.contains(QLatin1String("Received")), qPrintable(why));
    screenshot(QStringLiteral("attack-login-csrf-defended"));
}

// 307-redirect: weak, John's browser posts his login form again to MalloryApp's callback — his password
// reaches Mallory's listener; defended, eddy answers 303 and "Why it failed" names interaction.see_other.
void tst_AttackLab::redirect307WeakThenDefended()
{
    AttackLabView *view = m_lab->window()->attackLab();
    QVERIFY(view->selectScenario(QStringLiteral("307-redirect")));
    QVERIFY(run(view, "runAttackButton"));
    const attack::AttackOutcome weak = view->lastOutcome();
    QVERIFY2(weak.failure.isEmpty(), qPrintable(weak.failure));
    QVERIFY(weak.passwordAtMallory);
    QVERIFY(view->diagram()->lifelines().contains(malloryListener()));
    const QString worked = view->explanationText();
    QVERIFY2(worked.contains(QLatin1String("interaction.see_other"))
            && worked.contains(QLatin1String("307 Temporary Redirect")),
        qPrintable(worked));
    screenshot(QStringLiteral("attack-307-redirect-weak"));

    QVERIFY(run(view, "runDefendedButton"));
    const attack::AttackOutcome defended = view->lastOutcome();
    QVERIFY2(defended.failure.isEmpty(), qPrintable(defended.failure));
    QVERIFY(!defended.passwordAtMallory);
    QCOMPARE(defended.stoppedBy, QStringLiteral("eddy"));
    QCOMPARE(defended.status, 303);
    const QString why = view->explanationText();
    QVERIFY2(why.contains(QLatin1String("interaction.see_other")), qPrintable(why));
    QVERIFY2(!why.contains(QLatin1String("Not the expected outcome")), qPrintable(why));
    screenshot(QStringLiteral("attack-307-redirect-defended"));
}

CFL_GUI_TEST_MAIN(tst_AttackLab)
#include "tst_attacklab.moc"
