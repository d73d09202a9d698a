#include "http/GuardedTcpServer.h"

#include "http/ConnectionGuard.h"

#include <QTcpSocket>

namespace cfl {

GuardedTcpServer::GuardedTcpServer(const RequestLimits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{ }

int GuardedTcpServer::openConnections() const
{
    int open = 0;
    for (const QPointer<ConnectionGuard> &guard : m_guards) {
        if (guard && !guard->isClosing())
            ++open;
    }
    return open;
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    // As QTcpServer::incomingConnection does, plus the guard, which must be connected to the socket
    // before QHttpServer is (it takes the socket from nextPendingConnection(), after this returns).
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    m_guards.removeAll(nullptr);
    if (openConnections() >= m_limits.maxConnections && !closeAnIdleConnection()) {
        ConnectionGuard::refuse(socket, m_limits, 503,
            QStringLiteral(
                "Too many open connections (at most %1); try again in a moment (RFC 9110 §15.6.4).")
                .arg(m_limits.maxConnections));
        return;
    }
    m_guards.append(new ConnectionGuard(socket, m_limits));
    addPendingConnection(socket);
}

bool GuardedTcpServer::closeAnIdleConnection()
{
    // The oldest idle one: a browser's spare keep-alive connection, most likely.
    for (const QPointer<ConnectionGuard> &guard : m_guards) {
        if (guard && guard->isIdle()) {
            guard->closeIdle();
            return true;
        }
    }
    return false;
}

} // namespace cfl
