#pragma once
// The threads that answer the bank's requests (docs/architecture.md, "Threads and processes"). QHttpServer
// reads and writes on the thread that owns the listener; every request it reads is a job for these threads.
// Each thread has a Bank of its own over its own connection to the bank's database (a Qt Sql connection
// serves the thread that opened it), and all of them share one BankShared. Jobs come in two lanes, each with
// its own queue: a login that hashes a password (argon2id, tens of milliseconds of CPU) goes to the hashing
// lane, everything else to the quick lane. Quick threads never take a hashing job, so however many logins
// wait, a quick request never waits behind one; hashing threads take quick jobs while no login waits.

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
    enum class Lane { Quick, Hashing };

    BankWorkers() = default;
    BankWorkers(const BankWorkers &) = delete;
    BankWorkers &operator=(const BankWorkers &) = delete;
    ~BankWorkers();

    // One hashing thread per core (no more hashes at once would finish sooner, and each holds its argon2id
    // memory while it runs) and as many quick threads.
    static int defaultCount();

    // Starts `count` threads, half of them (rounded down, at least one) hashing, the others quick, and waits
    // until each has opened its connection and loaded the signing key; false and *error (the first
    // thread's that failed) when one could not, with every thread ended. `count` is at least 2.
    bool start(int count, const Setup &setup, QString *error);
    // Runs `job` on the first free thread that serves `lane`. Jobs posted after stop() are dropped.
    void post(Lane lane, Job job);
    // Drops the jobs no thread has taken yet, waits for those under way, and ends the threads (each closes
    // its own connection).
    void stop();
    int count() const { return int(m_threads.size()); }

private:
    void run(const Setup &setup, Lane lane);
    bool hasJobFor(Lane lane) const
    {
        return !m_quick.empty() || (lane == Lane::Hashing && !m_hashing.empty());
    }

    std::mutex m_mutex;
    std::condition_variable m_wakeQuick; // a quick job, or stop
    std::condition_variable m_wakeHashing; // a hashing job, a quick job no quick thread is free for, or stop
    std::condition_variable m_startedOne;
    std::deque<Job> m_quick;
    std::deque<Job> m_hashing;
    int m_idleQuick = 0; // quick threads waiting for a job
    bool m_stopping = false;
    int m_started = 0;
    QString m_startError;
    std::vector<QThread *> m_threads;
};

} // namespace cfl
