#include "LoopbackHttp.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace cfl::bench {

namespace {

// A request or answer that takes this long means a server stuck, not a slow one: the run is bounded.
constexpr int TimeoutSeconds = 15;
// An answer larger than this is not one of the benchmark's (tokens, userinfo, small pages).
constexpr qsizetype MaxAnswerBytes = 4 * 1024 * 1024;

QByteArray lower(QByteArrayView text)
{
    return text.toByteArray().toLower();
}

// "localhost" is the loopback interface by definition (RFC 6761 §6.3): it is never looked up, so that a
// resolver cannot send the load elsewhere.
QHostAddress loopbackAddress(const QString &host)
{
    return host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
}

} // namespace

QByteArray HttpAnswer::header(QByteArrayView lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

QList<QByteArray> HttpAnswer::all(QByteArrayView lowerCaseName) const
{
    QList<QByteArray> values;
    for (const auto &[name, value] : std::as_const(headers)) {
        if (name == lowerCaseName)
            values.append(value);
    }
    return values;
}

std::optional<QString> nonLoopbackTarget(const QUrl &url)
{
    if (url.scheme() != QLatin1String("http"))
        return QStringLiteral("%1: only plain http on loopback is benchmarked").arg(url.toString());
    const QHostAddress address = loopbackAddress(url.host());
    if (address.isNull() || !address.isLoopback())
        return QStringLiteral("%1: not a loopback address; the benchmark loads this machine only")
            .arg(url.toString());
    if (address.protocol() != QAbstractSocket::IPv4Protocol || url.port() <= 0)
        return QStringLiteral("%1: needs an IPv4 loopback address and a port").arg(url.toString());
    return std::nullopt;
}

LoopbackConnection::LoopbackConnection(const QUrl &origin)
    : m_address(loopbackAddress(origin.host()))
    , m_port(quint16(origin.port()))
    , m_hostHeader(origin.host().toLatin1() + ':' + QByteArray::number(origin.port()))
{
    if (const auto refusal = nonLoopbackTarget(origin)) {
        m_address.clear(); // open() refuses
        m_error = *refusal;
    }
}

LoopbackConnection::~LoopbackConnection()
{
    close();
}

bool LoopbackConnection::open()
{
    if (m_address.isNull())
        return false;
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        m_error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const timeval timeout { TimeoutSeconds, 0 };
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in peer {};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(m_port);
    peer.sin_addr.s_addr = htonl(m_address.toIPv4Address());
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&peer), sizeof peer) != 0) {
        m_error = QStringLiteral("connect to port %1: %2")
                      .arg(m_port)
                      .arg(QString::fromLocal8Bit(std::strerror(errno)));
        close();
        return false;
    }
    m_buffer.clear();
    return true;
}

void LoopbackConnection::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool LoopbackConnection::fill()
{
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            m_buffer.append(chunk, n);
            return m_buffer.size() <= MaxAnswerBytes;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            m_error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
}

bool LoopbackConnection::send(QByteArrayView method, QByteArrayView target, const HeaderList &headers,
    QByteArrayView body, HttpAnswer *answer)
{
    QByteArray request;
    request.reserve(256 + body.size());
    request.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(m_hostHeader);
    request.append("\r\n");
    for (const auto &[name, value] : headers)
        request.append(name).append(": ").append(value).append("\r\n");
    if (method == "POST")
        request.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    request.append("\r\n").append(body);

    const bool reused = m_fd >= 0;
    if (!reused && !open())
        return false;
    bool nothingRead = true;
    if (exchange(request, answer, &nothingRead))
        return true;
    close();
    // A kept-alive connection may have been closed by the server between two requests (RFC 9112 §9.3.1:
    // a client may retry on a new connection when nothing of the answer arrived).
    if (!reused || !nothingRead || !open())
        return false;
    if (exchange(request, answer, &nothingRead))
        return true;
    close();
    return false;
}

bool LoopbackConnection::exchange(const QByteArray &request, HttpAnswer *answer, bool *nothingRead)
{
    for (qsizetype sent = 0; sent < request.size();) {
        const ssize_t n
            = ::send(m_fd, request.constData() + sent, size_t(request.size() - sent), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_error = QString::fromLocal8Bit(std::strerror(errno));
            return false;
        }
        sent += n;
    }
    qsizetype headerEnd;
    while ((headerEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
        if (!fill()) {
            if (m_error.isEmpty())
                m_error = QStringLiteral("connection closed before an answer");
            return false;
        }
        *nothingRead = false;
    }
    *nothingRead = false;
    *answer = {};
    const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
    // RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase]
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine.first().startsWith("HTTP/1.")) {
        m_error = QStringLiteral("not an HTTP/1.x answer");
        return false;
    }
    answer->status = statusLine.at(1).toInt();
    qsizetype contentLength = -1;
    bool chunked = false, closeAfter = statusLine.first() == "HTTP/1.0";
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon <= 0)
            continue;
        QByteArray name = lower(lines.at(i).left(colon).trimmed());
        QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        if (name == "content-length")
            contentLength = value.toLongLong();
        else if (name == "transfer-encoding")
            chunked = lower(value).contains("chunked");
        else if (name == "connection")
            closeAfter = lower(value).contains("close");
        answer->headers.append({ std::move(name), std::move(value) });
    }
    m_buffer.remove(0, headerEnd + 4);
    if (chunked) { // RFC 9112 §7.1
        for (;;) {
            qsizetype lineEnd;
            while ((lineEnd = m_buffer.indexOf("\r\n")) < 0) {
                if (!fill())
                    return false;
            }
            bool ok = false;
            const qsizetype size = m_buffer.left(lineEnd).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || size > MaxAnswerBytes) {
                m_error = QStringLiteral("bad chunk size");
                return false;
            }
            while (m_buffer.size() < lineEnd + 2 + size + 2) {
                if (!fill())
                    return false;
            }
            answer->body.append(m_buffer.constData() + lineEnd + 2, size);
            m_buffer.remove(0, lineEnd + 2 + size + 2);
            if (size == 0) // no trailers in these answers; the last CRLF was removed above
                break;
        }
    } else if (contentLength >= 0) {
        while (m_buffer.size() < contentLength) {
            if (!fill())
                return false;
        }
        answer->body = m_buffer.left(contentLength);
        m_buffer.remove(0, contentLength);
    } else if (answer->status >= 200 && answer->status != 204 && answer->status != 304) {
        while (fill()) { } // RFC 9112 §6.3: the body ends when the connection does
        answer->body = m_buffer;
        m_buffer.clear();
        closeAfter = true;
    }
    if (closeAfter)
        close();
    return true;
}

void CookieJar::take(const HttpAnswer &answer)
{
    for (const QByteArray &setCookie : answer.all("set-cookie")) {
        const QList<QByteArray> parts = setCookie.split(';');
        const qsizetype equals = parts.first().indexOf('=');
        if (equals <= 0)
            continue;
        const QByteArray name = parts.first().left(equals).trimmed();
        const QByteArray value = parts.first().mid(equals + 1).trimmed();
        bool expired = value.isEmpty();
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray attribute = lower(parts.at(i).trimmed());
            if (attribute == "max-age=0" || (attribute.startsWith("expires=") && attribute.contains("1970")))
                expired = true;
        }
        if (expired)
            m_cookies.remove(name);
        else
            m_cookies.insert(name, value);
    }
}

QByteArray CookieJar::header() const
{
    QByteArray header;
    for (auto it = m_cookies.cbegin(); it != m_cookies.cend(); ++it) {
        if (!header.isEmpty())
            header.append("; ");
        header.append(it.key()).append('=').append(it.value());
    }
    return header;
}

} // namespace cfl::bench
