#include "bank/BankHost.h"

#include "bank/ClientRegistration.h"
#include "crypto/Digest.h"

namespace cfl {

BankHost::BankHost(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("bank"));
}

BankHost::~BankHost()
{
    stop();
}

bool BankHost::start(const BankServerOptions &options, QString *error)
{
    m_thread.start();
    m_server = new BankServer;
    m_server->moveToThread(&m_thread);
    connect(m_server, &BankServer::exchanged, this, &BankHost::exchanged); // queued: different threads
    bool ok = false;
    QMetaObject::invokeMethod(
        m_server,
        [&] {
            ok = m_server->start(options, error);
            m_issuer = m_server->issuer();
        },
        Qt::BlockingQueuedConnection);
    if (!ok)
        stop();
    return ok;
}

void BankHost::stop()
{
    if (!m_thread.isRunning())
        return;
    if (m_server) {
        // The server and its database connection are destroyed on their own thread.
        QMetaObject::invokeMethod(
            m_server, [server = m_server] { delete server; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

void BankHost::withStore(const std::function<void(BankStore &)> &work)
{
    if (!m_server)
        return;
    QMetaObject::invokeMethod(
        m_server,
        [&] {
            if (m_server->store())
                work(*m_server->store());
        },
        Qt::BlockingQueuedConnection);
}

void BankHost::setRememberConsent(bool remember)
{
    if (!m_server)
        return;
    QMetaObject::invokeMethod(m_server, [server = m_server, remember] {
        if (server->bank())
            server->bank()->setRememberConsent(remember);
    });
}

void BankHost::setLifetimes(const Lifetimes &lifetimes)
{
    if (!m_server)
        return;
    QMetaObject::invokeMethod(m_server, [server = m_server, lifetimes] {
        if (server->bank())
            server->bank()->setLifetimes(lifetimes);
    });
}

void BankHost::setDisabledChecks(const QSet<QString> &checkIds)
{
    if (!m_server)
        return;
    QMetaObject::invokeMethod(
        m_server, [server = m_server, checkIds] { server->setDisabledChecks(checkIds); });
}

BankConfig BankHost::config()
{
    BankConfig config;
    if (!m_server)
        return config;
    QMetaObject::invokeMethod(
        m_server,
        [&] {
            if (m_server->bank())
                config = m_server->bank()->config();
        },
        Qt::BlockingQueuedConnection);
    return config;
}

QByteArray BankHost::ensureClientSecret(const QString &clientId, const QByteArray &candidateSecret)
{
    QByteArray secret = candidateSecret;
    withStore([&](BankStore &store) {
        const auto client = store.clients().client(clientId);
        if (!client)
            return;
        if (!secret.isEmpty() && constantTimeEquals(sha256Hex(secret), client->secretHash))
            return;
        const auto rotated = rotateClientSecret(store, clientId);
        secret = std::holds_alternative<QByteArray>(rotated) ? std::get<QByteArray>(rotated) : QByteArray();
    });
    return secret;
}

std::optional<KeyRotation> BankHost::rotateSigningKey(QString *error)
{
    if (!m_server) {
        *error = tr("the bank is not running");
        return std::nullopt;
    }
    std::optional<KeyRotation> rotation;
    QMetaObject::invokeMethod(
        m_server, [&] { rotation = m_server->rotateSigningKey(error); }, Qt::BlockingQueuedConnection);
    return rotation;
}

} // namespace cfl
