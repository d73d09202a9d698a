#pragma once

#include "secrets/SecretStore.h"

namespace cfl {

// The OS keychain through QtKeychain: Secret Service (GNOME Keyring, KWallet) on Linux, Keychain on
// macOS, Credential Manager on Windows. Calls wait for their job in a local event loop, bounded by a
// timeout, because a locked keyring may otherwise wait for a prompt nobody answers.
class KeychainSecretStore final : public SecretStore
{
public:
    static constexpr auto ServiceName = "CodeFlow Lab";
    static constexpr int TimeoutMs = 5000;

    QString kind() const override { return QStringLiteral("keychain"); }
    QString location() const override;
    std::optional<QByteArray> read(const QString &key, QString *error = nullptr) override;
    bool write(const QString &key, const QByteArray &value, QString *error = nullptr) override;
    bool remove(const QString &key, QString *error = nullptr) override;

    // Writes, reads back and deletes a probe entry: true when the keychain really works.
    bool probe(QString *error);
};

} // namespace cfl
