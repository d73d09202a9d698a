#pragma once
// One guard per accepted connection, in front of QHttpServer (which reads the same socket after it):
// enforces RequestLimits as bytes arrive, and the request and idle timeouts. QHttpServer 6.4 has none of
// these (docs/architecture.md, "Qt versions"); the guard needs nothing from it but the socket.
//
// How it sees the request without taking it away from QHttpServer: its readyRead slot is connected
// first (GuardedTcpServer connects it before the socket is handed out), and it only peeks. QHttpServer
// reads each request inside a QIODevice transaction that starts where the request starts, so the guard
// rolls that transaction back, peeks the whole request so far, and restores the transaction and the read
// position exactly as they were. When a request breaks a limit, the guard disconnects QHttpServer from
// the socket before it reads another byte, answers itself and closes.

#include "http/RequestFraming.h"
#include "http/RequestLimits.h"

#include <QObject>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QTimer;
QT_END_NAMESPACE

namespace cfl {

class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    // Becomes a child of `socket`; connects to it at once (before anyone else may).
    ConnectionGuard(QTcpSocket *socket, const RequestLimits &limits);

    // No request under way: the connection may be closed without owing anyone an answer.
    bool isIdle() const { return m_phase == Phase::Idle; }
    // Refusing a request or closing: no longer counts as an open connection.
    bool isClosing() const { return m_phase == Phase::Refusing || m_phase == Phase::Closing; }
    void closeIdle();

    // For a connection that is not handed to QHttpServer at all: `status` now, then close.
    static void refuse(QTcpSocket *socket, const RequestLimits &limits, int status, const QString &reason);

private:
    // Answering: a whole request was read and its answer has not left yet.
    enum class Phase { Idle, InRequest, Answering, Refusing, Closing };

    void onReadyRead();
    void onTimeout();
    QByteArray peekCurrentRequest() const;
    void startRefusing(const QByteArray &answer);
    void drain();
    void armTimer(int ms);

    QTcpSocket *m_socket;
    RequestLimits m_limits;
    QTimer *m_timer;
    Phase m_phase = Phase::Idle;
    qint64 m_drained = 0;
};

// Builds the HTTP/1.1 error answer the guard sends: {"error", "error_description": reason} as JSON,
// Connection: close.
QByteArray guardAnswer(int status, const QString &reason);

} // namespace cfl
