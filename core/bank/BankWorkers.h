#pragma once
// The threads that answer the bank's requests (docs/architecture.md, "Threads"). QHttpServer reads and
// writes on the thread that owns the listener; every request it reads is a job for these threads. Each
// thread has a Bank of its own over its own connection to the bank's database (a Qt Sql connection serves
// the thread that opened it), and all of them share one BankShared. The jobs wait in one queue and the
// first free thread takes the next: a login that hashes a password (argon2id, tens of milliseconds) holds
// its own thread, and the other requests go on on the others.

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

    // The cores, and two more: while every core hashes a password (PasswordHasher lets no more hashes run
    // at once than there are cores), two threads are still free for everything else.
    static int defaultCount();

    // Starts `count` threads and waits until each has opened its connection and loaded the signing key;
    // false and *error (the first thread's that failed) when one could not, with every thread ended.
    bool start(int count, const Setup &setup, QString *error);
    // Runs `job` on the first free thread. Jobs posted after stop() are dropped.
    void post(Job job);
    // Drops the jobs no thread has taken yet, waits for those under way, and ends the threads (each closes
    // its own connection).
    void stop();
    int count() const { return int(m_threads.size()); }

private:
    void run(const Setup &setup);

    std::mutex m_mutex;
    std::condition_variable m_wake; // a job, or stop
    std::condition_variable m_startedOne;
    std::deque<Job> m_jobs;
    bool m_stopping = false;
    int m_started = 0;
    QString m_startError;
    std::vector<QThread *> m_threads;
};

} // namespace cfl
