#include "bank/BankWorkers.h"

#include "bank/SigningKeyRing.h"
#include "storage/BankStore.h"

#include <QDateTime>
#include <QThread>

#include <algorithm>

namespace cfl {

BankWorkers::~BankWorkers()
{
    stop();
}

int BankWorkers::defaultCount()
{
    return 2 * std::max(1, QThread::idealThreadCount());
}

bool BankWorkers::start(int count, const Setup &setup, QString *error)
{
    Q_ASSERT(m_threads.empty());
    count = std::max(2, count);
    const int hashing = count / 2;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
        m_started = 0;
        m_startError.clear();
    }
    for (int i = 0; i < count; ++i) {
        const Lane lane = i < hashing ? Lane::Hashing : Lane::Quick;
        QThread *thread = QThread::create([this, setup, lane] { run(setup, lane); });
        thread->setObjectName(lane == Lane::Hashing ? QStringLiteral("bank hashing %1").arg(i + 1)
                                                    : QStringLiteral("bank quick %1").arg(i + 1 - hashing));
        m_threads.push_back(thread);
        thread->start();
    }
    QString failed;
    {
        std::unique_lock lock(m_mutex);
        m_startedOne.wait(lock, [&] { return m_started == count; });
        failed = m_startError;
    }
    if (!failed.isEmpty()) {
        stop();
        if (error)
            *error = failed;
        return false;
    }
    return true;
}

void BankWorkers::post(Lane lane, Job job)
{
    bool wakeQuick = false, wakeHashing = true;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        (lane == Lane::Hashing ? m_hashing : m_quick).push_back(std::move(job));
        if (lane == Lane::Quick) {
            // A quick thread when one waits; a hashing thread too (it may be free) when the waiting
            // quick threads are fewer than the quick jobs.
            wakeQuick = m_idleQuick > 0;
            wakeHashing = m_quick.size() > std::size_t(m_idleQuick);
        }
    }
    if (wakeQuick)
        m_wakeQuick.notify_one();
    if (wakeHashing)
        m_wakeHashing.notify_one();
}

void BankWorkers::stop()
{
    std::deque<Job> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_quick);
        for (Job &job : m_hashing)
            dropped.push_back(std::move(job));
        m_hashing.clear();
    }
    m_wakeQuick.notify_all();
    m_wakeHashing.notify_all();
    for (QThread *thread : m_threads) {
        thread->wait();
        delete thread;
    }
    m_threads.clear();
    // Here, on the thread that posted them: what a job holds (an answer owed to a connection) belongs to it.
    dropped.clear();
}

void BankWorkers::run(const Setup &setup, Lane lane)
{
    QString error;
    std::unique_ptr<BankStore> store = BankStore::open(setup.dataDir, &error);
    std::unique_ptr<Bank> bank;
    if (store) {
        SigningKeyRing keys(*store);
        const BankConfig config = setup.shared->config();
        const qint64 now = config.clock ? config.clock() : QDateTime::currentSecsSinceEpoch();
        if (keys.load(setup.externalSigningKey, now, &error))
            bank = std::make_unique<Bank>(*store, std::move(keys), setup.shared);
    }
    {
        std::lock_guard lock(m_mutex);
        ++m_started;
        if (!bank && m_startError.isEmpty())
            m_startError = QStringLiteral("a bank worker thread could not start: %1").arg(error);
    }
    m_startedOne.notify_all();
    while (bank) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            if (lane == Lane::Quick) {
                ++m_idleQuick;
                m_wakeQuick.wait(lock, [this, lane] { return m_stopping || hasJobFor(lane); });
                --m_idleQuick;
            } else {
                m_wakeHashing.wait(lock, [this, lane] { return m_stopping || hasJobFor(lane); });
            }
            if (m_stopping)
                break;
            // A hashing thread takes a login first, and a quick job only while no login waits.
            std::deque<Job> &queue = lane == Lane::Hashing && !m_hashing.empty() ? m_hashing : m_quick;
            job = std::move(queue.front());
            queue.pop_front();
        }
        job(*bank);
    }
    // The Bank before its store, both on the thread that opened the connection.
    bank.reset();
    store.reset();
}

} // namespace cfl
