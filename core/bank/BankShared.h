#pragma once
// What the bank's threads share besides the database file (docs/architecture.md, "Threads and processes").
// The bank answers on several worker threads, each with a Bank of its own and its own SQLite connection
// (bank/BankWorkers.h); what one of them, or the trainer, changes in memory must hold for all:
//
//   the configuration   the attack lab's switches, the trainer's lifetimes, the issuer once listening
//   the hash budget     how many argon2 hashes logins with unknown user names may still cost
//   private keys        the desktop app's signing keys, kept in its keychain, not in the database
//   the purge clock     when expired rows were last deleted, so that one thread purges, not each
//
// Every member is safe to use from any thread.

#include "bank/BankConfig.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>

#include <atomic>
#include <functional>
#include <optional>

namespace cfl {

class BankShared
{
public:
    explicit BankShared(BankConfig config);

    // The configuration as it is now, and a number that changes with every update: a Bank copies the
    // configuration when the number moved since its last request (BankContext::startRequest).
    BankConfig config() const;
    quint64 configVersion() const { return m_configVersion.load(std::memory_order_acquire); }
    void updateConfig(const std::function<void(BankConfig &)> &change);

    // True, and one hash spent, when the budget for unknown user names has one (a token bucket on the
    // bank's clock: BankConfig::unknownUserHashBurst, unknownUserHashInterval), for all clients together.
    // In memory: a restart begins with a full bucket.
    bool takeUnknownUserHash(qint64 now, const BankConfig &config);

    // A private signing key (JWK) that the database does not hold (the desktop app's, from its keychain).
    void keepPrivateKey(const QString &kid, const QByteArray &privateJwk);
    std::optional<QByteArray> privateKey(const QString &kid) const;

    // True for the one caller that should purge now: none had in the last `interval` seconds of the
    // bank's clock (or the clock was set back).
    bool claimPurge(qint64 now, qint64 interval);

private:
    mutable QMutex m_configMutex;
    BankConfig m_config;
    std::atomic<quint64> m_configVersion { 1 };

    QMutex m_budgetMutex;
    int m_hashTokens = 0;
    qint64 m_hashRefilledAt = 0;

    mutable QMutex m_keysMutex;
    QHash<QString, QByteArray> m_privateKeys;

    std::atomic<qint64> m_purgedAt { 0 };
};

} // namespace cfl
