#include "secrets/KeychainSecretStore.h"

#include "secrets/MemorySecretStore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace cfl {

namespace {
// Runs a QtKeychain job to completion; false and *error on failure or timeout.
bool runJob(QKeychain::Job &job, QString *error)
{
    QEventLoop loop;
    bool finished = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(KeychainSecretStore::TimeoutMs, &loop, &QEventLoop::quit);
    job.start();
    if (!finished)
        loop.exec();
    if (!finished) {
        if (error)
            *error = QStringLiteral("the keychain did not answer within %1 s")
                         .arg(KeychainSecretStore::TimeoutMs / 1000);
        return false;
    }
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound) {
        if (error)
            *error = job.errorString();
        return false;
    }
    return true;
}
} // namespace

QString KeychainSecretStore::location() const
{
#if defined(Q_OS_MACOS)
    return QStringLiteral("macOS Keychain");
#elif defined(Q_OS_WIN)
    return QStringLiteral("Windows Credential Manager");
#else
    return QStringLiteral("the Secret Service (GNOME Keyring / KWallet)");
#endif
}

std::optional<QByteArray> KeychainSecretStore::read(const QString &key, QString *error)
{
    QKeychain::ReadPasswordJob job(QString::fromLatin1(ServiceName));
    job.setAutoDelete(false);
    job.setKey(fullKey(key));
    if (!runJob(job, error) || job.error() == QKeychain::EntryNotFound)
        return std::nullopt;
    return job.binaryData();
}

bool KeychainSecretStore::write(const QString &key, const QByteArray &value, QString *error)
{
    if (value.size() > MaxValueBytes) {
        if (error)
            *error = QStringLiteral("a secret may be at most %1 bytes").arg(MaxValueBytes);
        return false;
    }
    QKeychain::WritePasswordJob job(QString::fromLatin1(ServiceName));
    job.setAutoDelete(false);
    job.setKey(fullKey(key));
    job.setBinaryData(value);
    return runJob(job, error);
}

bool KeychainSecretStore::remove(const QString &key, QString *error)
{
    QKeychain::DeletePasswordJob job(QString::fromLatin1(ServiceName));
    job.setAutoDelete(false);
    job.setKey(fullKey(key));
    return runJob(job, error);
}

bool KeychainSecretStore::probe(QString *error)
{
    // A name of this process's own: two instances starting together must not delete each other's probe.
    const QString key = QStringLiteral("probe-%1-%2")
                            .arg(QCoreApplication::applicationPid())
                            .arg(QRandomGenerator::system()->generate());
    if (!write(key, "probe", error))
        return false;
    const auto value = read(key, error);
    remove(key);
    if (value != QByteArray("probe")) {
        if (error && error->isEmpty())
            *error = QStringLiteral("the keychain did not give back what was written");
        return false;
    }
    return true;
}

std::unique_ptr<SecretStore> SecretStore::openBest(QString *fallbackReason)
{
    auto keychain = std::make_unique<KeychainSecretStore>();
    QString error;
    if (keychain->probe(&error))
        return keychain;
    if (fallbackReason)
        *fallbackReason = error.isEmpty() ? QStringLiteral("no keychain is reachable") : error;
    return std::make_unique<MemorySecretStore>();
}

} // namespace cfl
