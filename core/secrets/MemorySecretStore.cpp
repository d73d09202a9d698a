#include "secrets/MemorySecretStore.h"

namespace cfl {

std::optional<QByteArray> MemorySecretStore::read(const QString &key, QString *)
{
    const auto it = m_values.constFind(fullKey(key));
    if (it == m_values.cend())
        return std::nullopt;
    return *it;
}

bool MemorySecretStore::write(const QString &key, const QByteArray &value, QString *error)
{
    if (value.size() > MaxValueBytes) {
        if (error)
            *error = QStringLiteral("a secret may be at most %1 bytes").arg(MaxValueBytes);
        return false;
    }
    m_values.insert(fullKey(key), value);
    return true;
}

bool MemorySecretStore::remove(const QString &key, QString *)
{
    m_values.remove(fullKey(key));
    return true;
}

} // namespace cfl
