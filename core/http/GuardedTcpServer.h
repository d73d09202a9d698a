#pragma once
// The QTcpServer that HttpServerAdapter binds QHttpServer to. It gives every accepted socket a
// ConnectionGuard before QHttpServer sees it, and caps the number of open connections
// (RequestLimits::maxConnections): at the cap it closes an idle connection to make room, or, when every
// connection is in the middle of a request, answers the newcomer 503 and closes it.
//
// With lanes (setLanes), the listening server keeps no connection itself: it hands each one to the lane
// with the fewest, a GuardedTcpServer that never accepts by itself (it listens, paused, on a copy of the
// socket: shareListener), lives on a thread of its own and is bound to a QHttpServer there, so that the
// connection is read, answered and written on that thread. The cap then counts the connections of all
// lanes together; at the cap the listening thread waits for each lane's answer (how many, which idle).

#include "http/RequestLimits.h"

#include <QList>
#include <QPointer>
#include <QTcpServer>

#include <atomic>
#include <optional>

namespace cfl {

class ConnectionGuard;

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(const RequestLimits &limits, QObject *parent = nullptr);

    int openConnections() const; // on this server's thread

    // Every lane must outlive this server's listening, and its thread must run an event loop.
    void setLanes(const QList<GuardedTcpServer *> &lanes);
    // A lane's part, on its thread, before it is bound to its QHttpServer: listens on a copy of
    // `listening`'s socket without ever accepting from it (QHttpServer takes connections only from a
    // listening QTcpServer); the connections come from `listening`. False when the socket could not be
    // copied.
    bool shareListener(const GuardedTcpServer &listening);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Connection
    {
        QPointer<ConnectionGuard> guard;
        quint64 number = 0; // in the order the listening servers accepted them, all of them
    };

    // A lane's part, on its thread: serves a connection the listening server accepted, and tells which
    // idle connection it has had longest (its number), to close it when the listener is at the cap.
    void adopt(qintptr descriptor, quint64 number);
    std::optional<quint64> oldestIdle() const;
    bool closeIdle(quint64 number);

    void handToLane(qintptr descriptor, quint64 number);
    bool makeRoomInLanes();
    void guard(QTcpSocket *socket, quint64 number);
    void refuseFull(qintptr descriptor);

    RequestLimits m_limits;
    QList<Connection> m_connections;
    QList<GuardedTcpServer *> m_lanes;
    // A lane's connections: counted up by the listening server when it hands one over, down here when its
    // socket is gone. The listening server reads them to pick the lane with the fewest.
    std::atomic<int> m_handedOver { 0 };
};

} // namespace cfl
