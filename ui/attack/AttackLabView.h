#pragma once
// The attack lab in the window (issue 11, docs/architecture.md "Attack lab"): the scenarios as cards,
// Run attack (the scenario's weaknesses on), Run defended (none), Peel layers (one defence back on at a
// time), the attack played at the autoplay pace in a sequence diagram of its own — Mallory's parties on red
// lifelines — and at the end "Why it worked" or "Why it failed". Each run is real: a bank of its own on
// loopback and real parties (attack/PacedAttack.h), one exchange per step. The weaknesses can also be
// toggled by hand for the app's own bank and CoolLoan (WeaknessPanel); the banner names every one on.

#include "attack/AttackEngine.h"
#include "attack/AttackScenario.h"

#include <QList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QListWidget;
class QPushButton;
class QTextBrowser;
QT_END_NAMESPACE

namespace cfl {

class BankHost;
class CoolLoanClient;
class SequenceDiagramView;
class TraceModel;
class WeaknessBanner;
class WeaknessPanel;

namespace attack {
class PacedAttack;
}

class AttackLabView : public QWidget
{
    Q_OBJECT
public:
    // `bank` and `coolLoan` are the app's own, for the weaknesses toggled by hand (either may be null).
    AttackLabView(
        BankHost *bank, CoolLoanClient *coolLoan, WeaknessBanner *banner, QWidget *parent = nullptr);
    ~AttackLabView() override;

    void setPaceMs(int paceMs) { m_paceMs = paceMs; }
    int paceMs() const { return m_paceMs; }
    // Selects a scenario by id; false when there is none.
    bool selectScenario(const QString &id);
    QString currentScenarioId() const;
    bool isRunning() const;

    // The runs, as the buttons start them; false while a run is under way.
    bool runWeak();
    bool runDefended();
    bool runPeeled();

    SequenceDiagramView *diagram() const { return m_diagram; }
    TraceModel *trace() const { return m_trace; }
    WeaknessPanel *weaknessPanel() const { return m_weaknesses; }
    // The outcome of the last run that finished.
    const attack::AttackOutcome &lastOutcome() const { return m_lastOutcome; }
    QString explanationText() const;
    // The weaknesses on now: those toggled by hand and those of the run being played.
    QList<attack::Weakness> activeWeaknesses() const;
    // Applies the toggles again (after Reset workshop restarted the app's bank).
    void reapplyWeaknesses();

Q_SIGNALS:
    // A run began / finished (for Peel layers: each of its runs).
    void runStarted();
    void runFinished();

private:
    struct PlannedRun
    {
        QString title;
        QList<attack::Weakness> weaknesses;
        int expectedLayer; // -1: the attack should succeed
    };
    void showCard();
    bool startRuns(const QList<PlannedRun> &runs);
    void startNext();
    void onRunFinished();
    void updateBanner();
    void updateButtons();
    const attack::Scenario *currentScenario() const;

    BankHost *m_bank;
    CoolLoanClient *m_coolLoan;
    WeaknessBanner *m_banner;
    QList<attack::Scenario> m_scenarios;
    attack::PacedAttack *m_player;
    TraceModel *m_trace;
    QListWidget *m_scenarioList;
    QTextBrowser *m_card;
    QPushButton *m_runWeak;
    QPushButton *m_runDefended;
    QPushButton *m_peel;
    QLabel *m_status;
    SequenceDiagramView *m_diagram;
    QTextBrowser *m_explanation;
    WeaknessPanel *m_weaknesses;
    int m_paceMs = 1200;
    QList<PlannedRun> m_queue;
    PlannedRun m_current { {}, {}, -1 };
    bool m_playing = false;
    QString m_results; // the explanations of this button's runs, newest last
    attack::AttackOutcome m_lastOutcome;
};

} // namespace cfl
