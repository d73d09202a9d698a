#pragma once
// The bank inside the desktop app: a BankServer living on its own QThread (docs/architecture.md, "Threads and
// processes"), so that argon2 hashing or a slow query never blocks the window. Calls into the bank go through
// queued/blocking invocations; its exchanges arrive as queued signals.

#include "bank/BankServer.h"

#include <QObject>
#include <QThread>

namespace cfl {

class BankHost : public QObject
{
    Q_OBJECT
public:
    explicit BankHost(QObject *parent = nullptr);
    ~BankHost() override;

    // Starts the thread and the server on it; returns when it listens (or failed). May be called again
    // after stop(): the same host then runs a new server (Reset workshop).
    bool start(const BankServerOptions &options, QString *error);
    void stop();

    QUrl issuer() const { return m_issuer; }
    // Runs `work` with the bank's store on the bank's thread and waits for it.
    void withStore(const std::function<void(BankStore &)> &work);
    bool isRunning() const { return m_server != nullptr; }
    // Trainer settings, applied on the bank's thread without a restart (queued: the GUI does not wait).
    void setRememberConsent(bool remember);
    void setLifetimes(const Lifetimes &lifetimes);
    // The attack lab's switches (BankServer::setDisabledChecks), queued like the trainer settings.
    void setDisabledChecks(const QSet<QString> &checkIds);
    // A copy of the running bank's configuration (waits for the bank's thread; after queued setters).
    BankConfig config();
    // Makes sure `clientId` has `candidateSecret` as its secret; rotates it (and returns the new one)
    // when the candidate is empty or does not match the stored hash.
    QByteArray ensureClientSecret(const QString &clientId, const QByteArray &candidateSecret);
    // A new signing key for the running bank (BankServer::rotateSigningKey; waits for the bank's thread).
    std::optional<KeyRotation> rotateSigningKey(QString *error);

Q_SIGNALS:
    void exchanged(const cfl::BankExchange &exchange);

private:
    QThread m_thread;
    BankServer *m_server = nullptr; // lives on m_thread
    QUrl m_issuer;
};

} // namespace cfl
