#pragma once
// The one place that calls into QHttpServer (its API changed in Qt 6.5, 6.7 and 6.8: compat/QtCompat.h).
// It turns each QHttpServerRequest into an HttpRequest, asks one handler for an HttpResponse, and
// writes it back: at once, or when the handler answers later from another thread (the bank's worker
// threads, bank/BankWorkers.h), in the order the requests came on each connection. With lanes, each
// connection is read, handled and answered on one of several threads (GuardedTcpServer::setLanes), so that
// a request needs no thread but its own on the way in and out. Routing, 404 and 405 are
// the bank's (Router), not QHttpServer's. Limits on what a client may send, and for how long (RequestLimits),
// are enforced in front of QHttpServer, on the sockets (GuardedTcpServer, ConnectionGuard): Qt 6.4 has none.

#include "http/HttpMessage.h"
#include "http/RequestLimits.h"

#include <QAbstractSocket>
#include <QHostAddress>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace cfl {

class GuardedTcpServer;

class HttpServerAdapter : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(HttpRequest &)>;
    // Takes the answer to one request; callable from any thread, once. The handler's owner makes sure
    // that no answer comes after the adapter is gone (BankServer stops its workers first).
    using Answer = std::function<void(HttpResponse)>;
    using DeferredHandler = std::function<void(HttpRequest &&, Answer)>;

    // Answers each request at once, on the adapter's thread.
    explicit HttpServerAdapter(Handler handler, RequestLimits limits = {}, QObject *parent = nullptr);
    // Answers each request when `handler` calls its Answer.
    explicit HttpServerAdapter(DeferredHandler handler, RequestLimits limits = {}, QObject *parent = nullptr);
    // A thread that serves connections, and the handler it calls (on that thread) for their requests.
    struct Lane
    {
        QThread *thread = nullptr; // running an event loop, from before the adapter until after it is gone
        DeferredHandler handler;
    };
    // Serves each connection on one of `lanes`: the one with the fewest connections when it opens.
    explicit HttpServerAdapter(
        const QList<Lane> &lanes, RequestLimits limits = {}, QObject *parent = nullptr);
    ~HttpServerAdapter() override;

    // Port 0 picks a free port. False and *error (e.g. "address in use") when it cannot listen.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    // Both loopback addresses, 127.0.0.1 and ::1, on one port (0: a free one on both): "localhost" may
    // resolve to either (RFC 8252 §8.3), and a client tries the first it gets. A host without IPv6 gets
    // 127.0.0.1 alone. False and *error when the port is taken on either.
    bool listenOnLoopback(quint16 port, QString *error);
    quint16 port() const;
    QHostAddress address() const; // the first address listened on
    QList<QHostAddress> addresses() const;
    void close();

private:
    GuardedTcpServer *openListener(const QHostAddress &address, quint16 port, QString *error,
        QAbstractSocket::SocketError *code = nullptr);
    void bindListener(GuardedTcpServer *tcpServer);

    class Server;
    std::unique_ptr<Server> m_server;
    RequestLimits m_limits;
    QList<GuardedTcpServer *> m_tcpServers; // the listening ones, owned by m_server (with lanes: by this)
    // With lanes: a Server on each lane's thread, bound to that lane's GuardedTcpServer (laneInboxes).
    QList<Server *> m_laneServers;
    QList<GuardedTcpServer *> m_laneInboxes;
};

} // namespace cfl
