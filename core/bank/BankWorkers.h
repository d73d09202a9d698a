#pragma once
// The threads that answer the bank's requests (docs/architecture.md, "Threads and processes"). Each has a
// Bank of its own over its own connection to the bank's database (a Qt Sql connection serves the thread that
// opened it), and all of them share one BankShared. Two kinds:
// - serving threads run an event loop: the bank's HTTP server hands each connection to one of them
//   (HttpServerAdapter's lanes), which reads its requests, answers them with its own Bank and writes the
//   answers, all on that thread;
// - hashing threads take the one request that hashes a password, a login (argon2id, tens of milliseconds
//   of CPU), from a queue of their own: no request on a serving thread ever waits behind a hash.

#include "bank/Bank.h"
#include "bank/BankShared.h"

#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace cfl {

class BankWorkers
{
public:
    struct Setup
    {
        QString dataDir; // the database the bank opened and seeded (BankStore::open)
        std::optional<QByteArray> externalSigningKey; // as BankServerOptions
        std::shared_ptr<BankShared> shared;
    };
    using Job = std::function<void(Bank &)>;

    BankWorkers() = default;
    BankWorkers(const BankWorkers &) = delete;
    BankWorkers &operator=(const BankWorkers &) = delete;
    ~BankWorkers();

    // A serving and a hashing thread per core: no more hashes at once would finish sooner (and each holds
    // its argon2id memory while it runs), nor would more threads serve more requests.
    static int defaultCount();

    // Starts `count` threads, half of them (rounded down, at least one) hashing, the others serving, and
    // waits until each has opened its connection and loaded the signing key; false and *error (the first
    // thread's that failed) when one could not, with every thread ended. `count` is at least 2.
    bool start(int count, const Setup &setup, QString *error);
    int count() const { return int(m_hashingThreads.size() + m_serving.size()); }

    // The serving threads, each running an event loop, and the Bank each uses (only on its thread).
    int servingCount() const { return int(m_serving.size()); }
    QThread *servingThread(int index) const { return m_serving.at(std::size_t(index)).thread; }
    Bank &servingBank(int index) const { return *m_serving.at(std::size_t(index)).bank; }

    // Runs `job` on the first free hashing thread. Jobs posted after stopHashing() are dropped.
    void hash(Job job);
    // Drops the jobs no hashing thread has taken yet, waits for those under way and ends the hashing
    // threads: no answer comes from one after this.
    void stopHashing();
    // stopHashing(), then ends the serving threads' event loops and the threads (each closes its own
    // connection). What they serve (HttpServerAdapter's lanes) must be gone before.
    void stop();

private:
    struct Serving
    {
        QThread *thread = nullptr;
        Bank *bank = nullptr;
    };
    // The thread's store and Bank (none when it could not open them: then m_startError says why), the Bank
    // also in *publish.
    struct Opened
    {
        std::unique_ptr<BankStore> store;
        std::unique_ptr<Bank> bank;
    };
    Opened open(const Setup &setup, Bank **publish = nullptr);
    void started(bool ok, const QString &error);
    void runHashing(const Setup &setup);
    void runServing(const Setup &setup, std::size_t index);

    std::mutex m_mutex;
    std::condition_variable m_wakeHashing; // a hashing job, or stop
    std::condition_variable m_startedOne;
    std::deque<Job> m_hashing;
    bool m_stopping = false;
    int m_started = 0;
    QString m_startError;
    std::vector<QThread *> m_hashingThreads;
    std::vector<Serving> m_serving;
};

} // namespace cfl
