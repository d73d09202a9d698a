#pragma once

#include "secrets/SecretStore.h"

#include <QHash>

namespace cfl {

// Secrets for this process only: gone when it ends.
class MemorySecretStore final : public SecretStore
{
public:
    QString kind() const override { return QStringLiteral("memory"); }
    QString location() const override { return QStringLiteral("memory only (lost when the app quits)"); }
    std::optional<QByteArray> read(const QString &key, QString *error = nullptr) override;
    bool write(const QString &key, const QByteArray &value, QString *error = nullptr) override;
    bool remove(const QString &key, QString *error = nullptr) override;

private:
    QHash<QString, QByteArray> m_values;
};

} // namespace cfl
