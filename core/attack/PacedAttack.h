#pragma once
// An attack played at a pace a room can follow (issue 11): the engine (attack/AttackEngine.h) runs on a
// thread of its own — its bank, its parties, their real HTTP — and waits before each exchange until the
// pace has passed since the last one, so that one real exchange happens per step while the window stays
// responsive. Each trace event is handed over as it is recorded, on the thread that owns this object.

#include "attack/AttackEngine.h"

#include <QObject>
#include <QSemaphore>
#include <QTimer>

#include <atomic>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace cfl::attack {

class PacedAttack : public QObject
{
    Q_OBJECT
public:
    explicit PacedAttack(QObject *parent = nullptr);
    // Stops a run under way (its next exchange is not sent) and waits for its thread.
    ~PacedAttack() override;

    // False when a run is already under way.
    bool start(const Scenario &scenario, const QList<Weakness> &weaknesses, int paceMs);
    bool isRunning() const { return m_thread != nullptr; }
    void stop();
    // The outcome of the last run that finished.
    const AttackOutcome &outcome() const { return m_outcome; }

Q_SIGNALS:
    void traceEvent(const cfl::TraceEvent &event);
    // Before each exchange: how many have been let through so far.
    void stepTaken(int steps);
    void finished();

private:
    void onStepWanted();
    void onThreadFinished();

    QThread *m_thread = nullptr;
    QSemaphore m_steps;
    QTimer m_pace;
    std::atomic_bool m_stopped { false };
    int m_stepCount = 0;
    AttackOutcome m_running; // written by the run's thread until it ends
    AttackOutcome m_outcome;
};

} // namespace cfl::attack
