#include "bank/BankWorkers.h"

#include "bank/SigningKeyRing.h"
#include "storage/BankStore.h"

#include <QDateTime>
#include <QEventLoop>
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
    Q_ASSERT(m_hashingThreads.empty() && m_serving.empty());
    count = std::max(2, count);
    const int hashing = count / 2;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
        m_started = 0;
        m_startError.clear();
    }
    m_serving.resize(std::size_t(count - hashing));
    for (int i = 0; i < count; ++i) {
        QThread *thread = nullptr;
        if (i < hashing) {
            thread = QThread::create([this, setup] { runHashing(setup); });
            thread->setObjectName(QStringLiteral("bank hashing %1").arg(i + 1));
            m_hashingThreads.push_back(thread);
        } else {
            const std::size_t index = std::size_t(i - hashing);
            thread = QThread::create([this, setup, index] { runServing(setup, index); });
            thread->setObjectName(QStringLiteral("bank serving %1").arg(index + 1));
            m_serving[index].thread = thread;
        }
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

void BankWorkers::hash(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_hashing.push_back(std::move(job));
    }
    m_wakeHashing.notify_one();
}

void BankWorkers::stopHashing()
{
    std::deque<Job> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_hashing);
    }
    m_wakeHashing.notify_all();
    for (QThread *thread : m_hashingThreads) {
        thread->wait();
        delete thread;
    }
    m_hashingThreads.clear();
    // Here, not on a hashing thread: what a job holds (an answer owed to a connection) is answered from any
    // thread, and dropping it answers nothing.
    dropped.clear();
}

void BankWorkers::stop()
{
    stopHashing();
    for (const Serving &serving : m_serving)
        serving.thread->quit(); // ends its event loop, also one that has not started yet
    for (const Serving &serving : m_serving) {
        serving.thread->wait();
        delete serving.thread;
    }
    m_serving.clear();
}

BankWorkers::Opened BankWorkers::open(const Setup &setup, Bank **publish)
{
    Opened opened;
    QString error;
    opened.store = BankStore::open(setup.dataDir, &error);
    if (opened.store) {
        SigningKeyRing keys(*opened.store);
        const BankConfig config = setup.shared->config();
        const qint64 now = config.clock ? config.clock() : QDateTime::currentSecsSinceEpoch();
        if (keys.load(setup.externalSigningKey, now, &error))
            opened.bank = std::make_unique<Bank>(*opened.store, std::move(keys), setup.shared);
    }
    if (publish)
        *publish = opened.bank.get(); // read by others only after start() returned, so after started()
    started(opened.bank != nullptr, error);
    return opened;
}

void BankWorkers::started(bool ok, const QString &error)
{
    {
        std::lock_guard lock(m_mutex);
        ++m_started;
        if (!ok && m_startError.isEmpty())
            m_startError = QStringLiteral("a bank worker thread could not start: %1").arg(error);
    }
    m_startedOne.notify_all();
}

void BankWorkers::runHashing(const Setup &setup)
{
    Opened opened = open(setup);
    while (opened.bank) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wakeHashing.wait(lock, [this] { return m_stopping || !m_hashing.empty(); });
            if (m_stopping)
                break;
            job = std::move(m_hashing.front());
            m_hashing.pop_front();
        }
        job(*opened.bank);
    }
    // The Bank before its store, both on the thread that opened the connection.
    opened.bank.reset();
    opened.store.reset();
}

void BankWorkers::runServing(const Setup &setup, std::size_t index)
{
    Opened opened = open(setup, &m_serving[index].bank);
    if (opened.bank) {
        QEventLoop loop;
        loop.exec(); // until stop() quits this thread
    }
    opened.bank.reset();
    opened.store.reset();
}

} // namespace cfl
