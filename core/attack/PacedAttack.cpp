#include "attack/PacedAttack.h"

#include <QThread>

namespace cfl::attack {

PacedAttack::PacedAttack(QObject *parent)
    : QObject(parent)
{
    m_pace.setSingleShot(true);
    connect(&m_pace, &QTimer::timeout, this, [this] {
        ++m_stepCount;
        Q_EMIT stepTaken(m_stepCount);
        m_steps.release();
    });
}

PacedAttack::~PacedAttack()
{
    stop();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool PacedAttack::start(const Scenario &scenario, const QList<Weakness> &weaknesses, int paceMs)
{
    if (m_thread)
        return false;
    m_stopped = false;
    m_stepCount = 0;
    m_pace.setInterval(std::max(0, paceMs));
    // The run's thread asks for each step through a queued call and waits for the pace timer, which runs
    // here: the pace is the window's, and a stopped run lets the thread go at once.
    RunHooks hooks;
    hooks.event = [this](const TraceEvent &event) {
        QMetaObject::invokeMethod(
            this, [this, event] { Q_EMIT traceEvent(event); }, Qt::QueuedConnection);
    };
    hooks.beforeExchange = [this] {
        if (m_stopped)
            return false;
        QMetaObject::invokeMethod(this, &PacedAttack::onStepWanted, Qt::QueuedConnection);
        m_steps.acquire();
        return !m_stopped;
    };
    m_thread = QThread::create([this, scenario, weaknesses, hooks] {
        m_running = runAttack(scenario, weaknesses, hooks);
        m_running.attack = scenario.id;
    });
    m_thread->setObjectName(QStringLiteral("attack-run"));
    connect(m_thread, &QThread::finished, this, &PacedAttack::onThreadFinished);
    m_thread->start();
    return true;
}

void PacedAttack::stop()
{
    if (!m_thread)
        return;
    m_stopped = true;
    m_pace.stop();
    // Lets a waiting step go (it sees m_stopped and sends nothing); extra permits are reset by start().
    m_steps.release(1);
}

void PacedAttack::onStepWanted()
{
    if (m_stopped) {
        m_steps.release(1);
        return;
    }
    m_pace.start();
}

void PacedAttack::onThreadFinished()
{
    if (!m_thread)
        return;
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    // Permits left by a stop must not let the next run skip its pace.
    while (m_steps.tryAcquire()) { }
    m_outcome = m_running;
    Q_EMIT finished();
}

} // namespace cfl::attack
