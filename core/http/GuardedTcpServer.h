#pragma once
// The QTcpServer that HttpServerAdapter binds QHttpServer to. It gives every accepted socket a
// ConnectionGuard before QHttpServer sees it, and caps the number of open connections
// (RequestLimits::maxConnections): at the cap it closes an idle connection to make room, or, when every
// connection is in the middle of a request, answers the newcomer 503 and closes it.

#include "http/RequestLimits.h"

#include <QList>
#include <QPointer>
#include <QTcpServer>

namespace cfl {

class ConnectionGuard;

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(const RequestLimits &limits, QObject *parent = nullptr);

    int openConnections() const;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    bool closeAnIdleConnection();

    RequestLimits m_limits;
    QList<QPointer<ConnectionGuard>> m_guards;
};

} // namespace cfl
