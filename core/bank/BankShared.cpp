#include "bank/BankShared.h"

#include <QMutexLocker>

#include <algorithm>

namespace cfl {

BankShared::BankShared(BankConfig config)
    : m_config(std::move(config))
{ }

BankConfig BankShared::config() const
{
    QMutexLocker lock(&m_configMutex);
    return m_config;
}

void BankShared::updateConfig(const std::function<void(BankConfig &)> &change)
{
    QMutexLocker lock(&m_configMutex);
    change(m_config);
    m_configVersion.fetch_add(1, std::memory_order_acq_rel);
}

bool BankShared::takeUnknownUserHash(qint64 now, const BankConfig &config)
{
    QMutexLocker lock(&m_budgetMutex);
    const qint64 interval = std::max<qint64>(config.unknownUserHashInterval, 1);
    if (m_hashRefilledAt == 0 || now < m_hashRefilledAt) { // first use, or a clock set back: full
        m_hashTokens = config.unknownUserHashBurst;
        m_hashRefilledAt = now;
    }
    const qint64 earned = (now - m_hashRefilledAt) / interval;
    if (earned > 0) {
        m_hashTokens = int(std::min<qint64>(config.unknownUserHashBurst, m_hashTokens + earned));
        m_hashRefilledAt += earned * interval;
    }
    if (m_hashTokens <= 0)
        return false;
    --m_hashTokens;
    return true;
}

void BankShared::keepPrivateKey(const QString &kid, const QByteArray &privateJwk)
{
    QMutexLocker lock(&m_keysMutex);
    m_privateKeys.insert(kid, privateJwk);
}

std::optional<QByteArray> BankShared::privateKey(const QString &kid) const
{
    QMutexLocker lock(&m_keysMutex);
    const auto found = m_privateKeys.constFind(kid);
    if (found == m_privateKeys.constEnd())
        return std::nullopt;
    return *found;
}

bool BankShared::claimPurge(qint64 now, qint64 interval)
{
    qint64 last = m_purgedAt.load(std::memory_order_acquire);
    do {
        if (last != 0 && now >= last && now - last < interval)
            return false;
    } while (!m_purgedAt.compare_exchange_weak(last, now, std::memory_order_acq_rel));
    return true;
}

} // namespace cfl
