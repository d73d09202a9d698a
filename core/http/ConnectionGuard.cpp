#include "http/ConnectionGuard.h"

#include "http/HttpMessage.h"
#include "http/LogEscaping.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcLimits, "cfl.http.limits", QtInfoMsg)

namespace cfl {

namespace {
// Room for one more read of the socket beyond the largest request (QAbstractSocket reads what the
// kernel has, up to the read buffer's free space).
constexpr qint64 ReadSlack = 64 * 1024;

QString peerOf(const QTcpSocket *socket)
{
    return socket->peerAddress().toString();
}

// Half-close: the client reads the answer up to end of file while the guard still reads (and drops) what
// the client sends. QAbstractSocket has no half-close of its own.
void shutdownWriting(QTcpSocket *socket)
{
    const qintptr descriptor = socket->socketDescriptor();
    if (descriptor == -1)
        return;
#ifdef Q_OS_WIN
    ::shutdown(SOCKET(descriptor), SD_SEND);
#else
    ::shutdown(int(descriptor), SHUT_WR);
#endif
}
} // namespace

QByteArray guardAnswer(int status, const QString &reason)
{
    // The bank's error shape (RFC 6749 §5.2), so that a client library reads it like any other refusal:
    // temporarily_unavailable when the bank is full (RFC 6749 §4.1.2.1), invalid_request otherwise.
    const QJsonObject error { { QStringLiteral("error"),
                                  status == 503 ? QStringLiteral("temporarily_unavailable")
                                                : QStringLiteral("invalid_request") },
        { QStringLiteral("error_description"), reason } };
    const QByteArray body = QJsonDocument(error).toJson(QJsonDocument::Compact) + '\n';
    QByteArray answer = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    answer += "Content-Type: application/json\r\n";
    answer += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    answer += "Connection: close\r\n";
    answer += "Cache-Control: no-store\r\n";
    answer += "X-Content-Type-Options: nosniff\r\n";
    if (status == 503)
        answer += "Retry-After: 1\r\n";
    answer += "\r\n";
    return answer + body;
}

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const RequestLimits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    // The socket itself never holds more than one largest request and one read: QHttpServer's
    // transaction keeps every byte of the current request until it is complete, and a request larger
    // than the limits is refused before it gets there.
    socket->setReadBufferSize(limits.maxRequestBytes() + ReadSlack);
    connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
    // The answer leaves: from now on the connection is idle, and its idle clock starts.
    connect(socket, &QIODevice::bytesWritten, this, [this] {
        if (m_phase == Phase::Answering) {
            m_phase = Phase::Idle;
            armTimer(m_limits.idleTimeoutMs);
        }
    });
    armTimer(m_limits.idleTimeoutMs);
}

void ConnectionGuard::closeIdle()
{
    m_phase = Phase::Closing;
    armTimer(m_limits.lingerMs);
    m_socket->disconnectFromHost();
}

void ConnectionGuard::refuse(
    QTcpSocket *socket, const RequestLimits &limits, int status, const QString &reason)
{
    qCInfo(lcLimits).noquote() << "refused" << peerOf(socket) << status << escapeForLog(reason);
    QObject::connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);
    QObject::connect(deadline, &QTimer::timeout, socket, &QAbstractSocket::abort);
    deadline->start(limits.lingerMs);
    socket->write(guardAnswer(status, reason));
    socket->disconnectFromHost();
}

QByteArray ConnectionGuard::peekCurrentRequest() const
{
    // No more than is there: QIODevice::peek allocates all it is asked for before it copies, and the
    // largest request allowed (a body limit's worth) is far larger than most that come.
    const qint64 most = m_limits.maxRequestBytes() + 1;
    if (!m_socket->isTransactionStarted())
        return m_socket->peek(std::min(most, m_socket->bytesAvailable()));
    // QHttpServer is inside a request: its transaction began where the request began. Look from there,
    // then put transaction and read position back exactly where they were.
    const qint64 unread = m_socket->bytesAvailable();
    m_socket->rollbackTransaction();
    const qint64 consumed = m_socket->bytesAvailable() - unread;
    QByteArray bytes = m_socket->peek(std::min(std::max(most, consumed), m_socket->bytesAvailable()));
    m_socket->startTransaction();
    const qint64 skipped = m_socket->skip(consumed);
    Q_ASSERT(skipped == consumed);
    Q_UNUSED(skipped);
    return bytes;
}

void ConnectionGuard::onReadyRead()
{
    if (m_phase == Phase::Refusing || m_phase == Phase::Closing) {
        drain();
        return;
    }
    const QByteArray received = peekCurrentRequest();
    const RequestCheck check = checkRequest(received, m_limits);
    switch (check.state) {
    case RequestCheck::State::Empty:
        // Whitespace between requests does not keep a connection alive: the idle clock runs on.
        break;
    case RequestCheck::State::Incomplete:
        if (m_phase == Phase::Idle || m_phase == Phase::Answering) {
            m_phase = Phase::InRequest;
            armTimer(m_limits.requestTimeoutMs);
        }
        break;
    case RequestCheck::State::Complete:
        // QHttpServer reads it right after this slot; its answer may come later, from one of the bank's
        // threads (bank/BankWorkers.h). Until then the connection is owed an answer, not idle: neither its
        // idle timeout nor a newcomer over the connection limit may close it. What follows it is the next
        // request, whose clock starts now; the guard looks at it when QHttpServer gets to it.
        m_phase = Phase::Answering;
        armTimer(m_limits.idleTimeoutMs);
        if (checkRequest(QByteArrayView(received).sliced(check.length), m_limits).state
            != RequestCheck::State::Empty) {
            m_phase = Phase::InRequest;
            armTimer(m_limits.requestTimeoutMs);
        }
        break;
    case RequestCheck::State::Refused: {
        // The request line, when it was read: method and path as sent (escaped, CWE-117).
        const QString what = check.method.isEmpty()
            ? QString()
            : QString::fromLatin1(check.method) + QLatin1Char(' ') + check.path.left(256) + QLatin1Char(' ');
        qCInfo(lcLimits).noquote() << "refused" << peerOf(m_socket) << check.status
                                   << escapeForLog(what + QStringLiteral("- ") + check.reason);
        startRefusing(guardAnswer(check.status, check.reason));
        break;
    }
    }
}

void ConnectionGuard::onTimeout()
{
    switch (m_phase) {
    case Phase::Idle:
        closeIdle();
        break;
    case Phase::Answering:
        // Still owed its answer (a login waiting for a free core to hash on, say): the clock starts again.
        armTimer(m_limits.idleTimeoutMs);
        break;
    case Phase::InRequest:
        qCInfo(lcLimits).noquote() << "refused" << peerOf(m_socket) << 408 << "after"
                                   << m_limits.requestTimeoutMs << "ms";
        startRefusing(guardAnswer(408,
            QStringLiteral("The request did not arrive whole within %1 ms of its first byte (RFC 9110 "
                           "§15.5.9).")
                .arg(m_limits.requestTimeoutMs)));
        break;
    case Phase::Refusing:
        m_phase = Phase::Closing;
        armTimer(m_limits.lingerMs);
        m_socket->disconnectFromHost();
        break;
    case Phase::Closing:
        // The client reads nothing of what is left to write: give up on it.
        m_socket->abort();
        break;
    }
}

void ConnectionGuard::startRefusing(const QByteArray &answer)
{
    m_phase = Phase::Refusing;
    // QHttpServer must not read another byte: it would buffer what was refused, or answer it. Every
    // readyRead receiver but this guard is QHttpServer's.
    QObject::disconnect(m_socket, &QIODevice::readyRead, nullptr, nullptr);
    connect(m_socket, &QIODevice::readyRead, this, &ConnectionGuard::drain);
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->write(answer);
    // Then stop writing, but read and drop what the client still sends for a while before closing:
    // closing a socket with unread data resets the connection, and the client may lose the answer
    // (RFC 9112 §9.6, "tear-down").
    connect(m_socket, &QIODevice::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() == 0)
            shutdownWriting(m_socket);
    });
    m_socket->flush();
    if (m_socket->bytesToWrite() == 0)
        shutdownWriting(m_socket);
    drain();
    armTimer(m_limits.lingerMs);
}

void ConnectionGuard::drain()
{
    m_drained += m_socket->skip(m_socket->bytesAvailable());
    if (m_drained > m_limits.maxLingerBytes)
        m_socket->abort();
}

void ConnectionGuard::armTimer(int ms)
{
    m_timer->start(ms);
}

} // namespace cfl
