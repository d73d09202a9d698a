#include "http/GuardedTcpServer.h"

#include "http/ConnectionGuard.h"

#include <QTcpSocket>

#include <algorithm>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace cfl {

namespace {
// Numbers connections in the order they were accepted, over every listener: 127.0.0.1 and ::1 hand theirs
// to the same lanes, and at the cap the lanes compare these numbers to find the oldest idle connection.
std::atomic<quint64> acceptedSoFar { 0 };

qintptr duplicateSocket(qintptr descriptor)
{
#ifdef Q_OS_WIN
    WSAPROTOCOL_INFOW info;
    if (WSADuplicateSocketW(SOCKET(descriptor), GetCurrentProcessId(), &info) != 0)
        return -1;
    const SOCKET copy = WSASocketW(
        FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, WSA_FLAG_OVERLAPPED);
    return copy == INVALID_SOCKET ? -1 : qintptr(copy);
#else
    return ::fcntl(int(descriptor), F_DUPFD_CLOEXEC, 0);
#endif
}

// Runs `function` on `lane`'s thread and waits for its result. Lanes never wait for the listening server's
// thread, so this cannot deadlock.
template <typename Function> auto onLaneThread(GuardedTcpServer *lane, Function function)
{
    decltype(function()) result {};
    QMetaObject::invokeMethod(lane, function, Qt::BlockingQueuedConnection, &result);
    return result;
}
} // namespace

GuardedTcpServer::GuardedTcpServer(const RequestLimits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{ }

int GuardedTcpServer::openConnections() const
{
    return int(std::count_if(m_connections.cbegin(), m_connections.cend(),
        [](const Connection &c) { return c.guard && !c.guard->isClosing(); }));
}

void GuardedTcpServer::setLanes(const QList<GuardedTcpServer *> &lanes)
{
    m_lanes = lanes;
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    const quint64 number = ++acceptedSoFar;
    if (!m_lanes.isEmpty()) {
        handToLane(descriptor, number);
        return;
    }
    // As QTcpServer::incomingConnection does, plus the guard, which must be connected to the socket
    // before QHttpServer is (it takes the socket from nextPendingConnection(), after this returns).
    if (openConnections() >= m_limits.maxConnections) {
        const std::optional<quint64> oldest = oldestIdle();
        if (!oldest || !closeIdle(*oldest)) {
            refuseFull(descriptor);
            return;
        }
    }
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    guard(socket, number);
    addPendingConnection(socket);
}

void GuardedTcpServer::handToLane(qintptr descriptor, quint64 number)
{
    int handedOver = 0;
    for (const GuardedTcpServer *lane : std::as_const(m_lanes))
        handedOver += lane->m_handedOver.load();
    // At the cap by this quick count (which includes connections on their way out): the lanes' own.
    if (handedOver >= m_limits.maxConnections && !makeRoomInLanes()) {
        refuseFull(descriptor);
        return;
    }
    GuardedTcpServer *lane = *std::min_element(
        m_lanes.cbegin(), m_lanes.cend(), [](const GuardedTcpServer *a, const GuardedTcpServer *b) {
            return a->m_handedOver.load() < b->m_handedOver.load();
        });
    ++lane->m_handedOver;
    QMetaObject::invokeMethod(
        lane, [lane, descriptor, number] { lane->adopt(descriptor, number); }, Qt::QueuedConnection);
}

bool GuardedTcpServer::shareListener(const GuardedTcpServer &listening)
{
    const qintptr copy = duplicateSocket(listening.socketDescriptor());
    if (copy == -1)
        return false;
    if (!setSocketDescriptor(copy)) {
#ifdef Q_OS_WIN
        ::closesocket(SOCKET(copy));
#else
        ::close(int(copy));
#endif
        return false;
    }
    pauseAccepting();
    return true;
}

bool GuardedTcpServer::makeRoomInLanes()
{
    int open = 0;
    for (GuardedTcpServer *lane : std::as_const(m_lanes))
        open += onLaneThread(lane, [lane] { return lane->openConnections(); });
    if (open < m_limits.maxConnections)
        return true;
    // As without lanes: the connection idle the longest, whichever lane has it.
    GuardedTcpServer *oldestLane = nullptr;
    quint64 oldest = 0;
    for (GuardedTcpServer *lane : std::as_const(m_lanes)) {
        const std::optional<quint64> idle = onLaneThread(lane, [lane] { return lane->oldestIdle(); });
        if (idle && (!oldestLane || *idle < oldest)) {
            oldestLane = lane;
            oldest = *idle;
        }
    }
    return oldestLane
        && onLaneThread(oldestLane, [oldestLane, oldest] { return oldestLane->closeIdle(oldest); });
}

void GuardedTcpServer::adopt(qintptr descriptor, quint64 number)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        --m_handedOver;
        return;
    }
    connect(socket, &QObject::destroyed, this, [this] { --m_handedOver; });
    guard(socket, number);
    addPendingConnection(socket);
    // What QTcpServer signals once it accepted a connection itself; QAbstractHttpServer takes it from
    // nextPendingConnection() on pendingConnectionAvailable (a private signal, which the meta-object
    // system emits like any other: QMetaObject::invokeMethod invokes signals as well as slots).
    QMetaObject::invokeMethod(this, "pendingConnectionAvailable", Qt::DirectConnection);
    Q_EMIT newConnection();
    // nextPendingConnection() resumed accepting on the shared socket: the listening server alone accepts.
    pauseAccepting();
}

void GuardedTcpServer::guard(QTcpSocket *socket, quint64 number)
{
    m_connections.removeIf([](const Connection &c) { return !c.guard; });
    m_connections.append({ new ConnectionGuard(socket, m_limits), number });
}

void GuardedTcpServer::refuseFull(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    ConnectionGuard::refuse(socket, m_limits, 503,
        QStringLiteral("Too many open connections (at most %1); try again in a moment (RFC 9110 §15.6.4).")
            .arg(m_limits.maxConnections));
}

std::optional<quint64> GuardedTcpServer::oldestIdle() const
{
    // The oldest idle one: a browser's spare keep-alive connection, most likely.
    for (const Connection &c : m_connections) {
        if (c.guard && c.guard->isIdle())
            return c.number;
    }
    return std::nullopt;
}

bool GuardedTcpServer::closeIdle(quint64 number)
{
    for (const Connection &c : std::as_const(m_connections)) {
        if (c.number == number && c.guard && c.guard->isIdle()) {
            c.guard->closeIdle();
            return true;
        }
    }
    return false;
}

} // namespace cfl
