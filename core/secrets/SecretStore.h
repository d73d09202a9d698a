#pragma once
// One place for secrets (docs/architecture.md, "Secrets"): CoolLoan's client secret and refresh
// token, the bank's signing key. The OS keychain in the app; memory in tests and as the *announced*
// fallback when no keychain is reachable — never a plaintext file. Keys are prefixed with the app id
// and values stay under 2,500 bytes (Windows Credential Manager's limit).

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace cfl {

class SecretStore
{
public:
    static constexpr auto AppId = "codeflow-lab";
    static constexpr int MaxValueBytes = 2500;

    // Well-known entries.
    static QString coolLoanClientSecretKey() { return QStringLiteral("coolloan/client-secret"); }
    static QString coolLoanRefreshTokenKey() { return QStringLiteral("coolloan/refresh-token"); }
    static QString bankSigningKeyKey() { return QStringLiteral("bank/signing-key"); }

    virtual ~SecretStore() = default;

    // "keychain" or "memory" (the JSON of --autoplay reports it).
    virtual QString kind() const = 0;
    // Where secrets are, in words for the window ("GNOME Keyring / Secret Service", "memory only").
    virtual QString location() const = 0;
    // nullopt when there is no such entry (or on error, with *error set).
    virtual std::optional<QByteArray> read(const QString &key, QString *error = nullptr) = 0;
    virtual bool write(const QString &key, const QByteArray &value, QString *error = nullptr) = 0;
    virtual bool remove(const QString &key, QString *error = nullptr) = 0;

    // The keychain when one answers, else memory; *fallbackReason says why it fell back.
    static std::unique_ptr<SecretStore> openBest(QString *fallbackReason);
    static QString fullKey(const QString &key) { return QString::fromLatin1(AppId) + QLatin1Char('/') + key; }
};

} // namespace cfl
