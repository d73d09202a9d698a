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
    return std::max(1, QThread::idealThreadCount()) + 2;
}

bool BankWorkers::start(int count, const Setup &setup, QString *error)
{
    Q_ASSERT(m_threads.empty());
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
        m_started = 0;
        m_startError.clear();
    }
    for (int i = 0; i < count; ++i) {
        QThread *thread = QThread::create([this, setup] { run(setup); });
        thread->setObjectName(QStringLiteral("bank worker %1").arg(i + 1));
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

void BankWorkers::post(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void BankWorkers::stop()
{
    std::deque<Job> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_jobs);
    }
    m_wake.notify_all();
    for (QThread *thread : m_threads) {
        thread->wait();
        delete thread;
    }
    m_threads.clear();
    // Here, on the thread that posted them: what a job holds (an answer owed to a connection) belongs to it.
    dropped.clear();
}

void BankWorkers::run(const Setup &setup)
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
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_stopping)
                break;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        job(*bank);
    }
    // The Bank before its store, both on the thread that opened the connection.
    bank.reset();
    store.reset();
}

} // namespace cfl
