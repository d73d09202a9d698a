#pragma once
// A small HTTP/1.1 client for load on loopback servers (cfl-bench --side-by-side): one blocking, kept-alive
// TCP connection per instance, used by one thread. It does per request only what a load generator must
// (write the request, read the status line, the headers and the body by Content-Length or chunks, RFC 9112
// §6–7), so that the servers measured, not the client, are the limit: cfl-bench --side-by-side prints the
// client's own CPU share next to each server's (docs/benchmarks.md).

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QUrl>

#include <optional>
#include <utility>

namespace cfl::bench {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

struct HttpAnswer
{
    int status = 0;
    HeaderList headers; // names in lower case
    QByteArray body;

    QByteArray header(QByteArrayView lowerCaseName) const;
    QList<QByteArray> all(QByteArrayView lowerCaseName) const;
};

// Why `url` may not be a target, or nothing: the benchmark loads this machine's loopback interface only
// and never another host.
std::optional<QString> nonLoopbackTarget(const QUrl &url);

class LoopbackConnection
{
public:
    // `origin` must pass nonLoopbackTarget(); the connection opens on the first request.
    explicit LoopbackConnection(const QUrl &origin);
    ~LoopbackConnection();
    LoopbackConnection(const LoopbackConnection &) = delete;
    LoopbackConnection &operator=(const LoopbackConnection &) = delete;

    // One request, the whole answer read. `target` is the path and query. False on a network or framing
    // error (see error()); an answer with any status is true. A request on a kept-alive connection the
    // server closed meanwhile is sent once more on a new one.
    bool send(QByteArrayView method, QByteArrayView target, const HeaderList &headers, QByteArrayView body,
        HttpAnswer *answer);
    QString error() const { return m_error; }

private:
    bool open();
    void close();
    bool exchange(const QByteArray &request, HttpAnswer *answer, bool *nothingRead);
    bool fill(); // reads more into m_buffer; false at EOF or on error

    QHostAddress m_address;
    quint16 m_port = 0;
    QByteArray m_hostHeader;
    int m_fd = -1;
    QByteArray m_buffer;
    QString m_error;
};

// The cookies one user agent holds for one server: names and values only (RFC 6265 §5.3, simplified: one
// host, any path, deletion by an empty value, Max-Age=0 or an expiry in 1970).
class CookieJar
{
public:
    void take(const HttpAnswer &answer);
    QByteArray header() const; // "a=1; b=2", empty without cookies

private:
    QMap<QByteArray, QByteArray> m_cookies;
};

} // namespace cfl::bench
