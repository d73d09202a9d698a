#include "http/HttpServerAdapter.h"

#include "compat/QtCompat.h"
#include "http/GuardedTcpServer.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>

#include <deque>
#include <memory>
#include <optional>

Q_LOGGING_CATEGORY(lcHttp, "cfl.http", QtInfoMsg)

namespace cfl {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

HttpRequest toHttpRequest(const QHttpServerRequest &request)
{
    HttpRequest converted;
    converted.method = methodName(request.method());
    converted.url = request.url();
    converted.body = request.body();
    converted.remoteAddress = request.remoteAddress();
#if CFL_QT_HTTPSERVER_HTTPHEADERS
    converted.headers = request.headers().toListOfPairs();
#else
    converted.headers = request.headers();
#endif
    return converted;
}

QHttpServerResponse toQtResponse(const HttpResponse &response)
{
    QByteArray contentType = response.header("Content-Type");
    QHttpServerResponse qtResponse(
        contentType.isEmpty() ? QByteArray("application/octet-stream") : contentType, response.body,
        static_cast<QHttpServerResponse::StatusCode>(response.status));
#if CFL_QT_HTTPSERVER_HTTPHEADERS
    QHttpHeaders headers = qtResponse.headers();
    for (const auto &[name, value] : response.headers) {
        if (name.compare("Content-Type", Qt::CaseInsensitive) != 0)
            headers.append(name, value);
    }
    qtResponse.setHeaders(std::move(headers));
#else
    for (const auto &[name, value] : response.headers) {
        if (name.compare("Content-Type", Qt::CaseInsensitive) != 0)
            qtResponse.addHeader(name, value);
    }
#endif
    return qtResponse;
}

} // namespace

class HttpServerAdapter::Server : public QAbstractHttpServer
{
public:
    explicit Server(DeferredHandler handler)
        : m_handler(std::move(handler))
    { }

protected:
#if CFL_QT_HTTPSERVER_RESPONDER_API
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override
    {
        const QString connection
            = request.remoteAddress().toString() + QLatin1Char(' ') + QString::number(request.remotePort());
        enqueue(request, connection, std::make_shared<Pending>(std::move(responder)));
        return true;
    }
#if CFL_QT_HTTPSERVER_MISSING_HANDLER_LVALUE
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &) override { }
#else
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &&) override { }
#endif
#else
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        const QString connection = QString::number(quintptr(socket), 16);
        Connection &known = m_connections[connection];
        if (!known.socket) {
            known.socket = socket;
            // The responder writes to the socket it was made for: nothing may be written once it is gone.
            connect(
                socket, &QObject::destroyed, this, [this, connection] { m_connections.remove(connection); });
        }
        enqueue(request, connection, std::make_shared<Pending>(makeResponder(request, socket)));
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }
#endif

private:
    // One request whose answer is owed: its responder, and the answer once the handler gave it.
    struct Pending
    {
        explicit Pending(QHttpServerResponder &&r)
            : responder(std::move(r))
        { }
        QHttpServerResponder responder;
        std::optional<QHttpServerResponse> response;
    };
    struct Connection
    {
#if !CFL_QT_HTTPSERVER_RESPONDER_API
        QPointer<QTcpSocket> socket;
#endif
        std::deque<std::shared_ptr<Pending>> owed; // in the order the requests came
    };

    void enqueue(
        const QHttpServerRequest &request, const QString &connection, std::shared_ptr<Pending> pending)
    {
        m_connections[connection].owed.push_back(pending);
        m_handler(toHttpRequest(request), [this, connection, pending](HttpResponse response) {
            if (QThread::currentThread() == thread()) {
                answer(connection, *pending, std::move(response));
                return;
            }
            QMetaObject::invokeMethod(
                this,
                [this, connection, pending, response = std::move(response)]() mutable {
                    answer(connection, *pending, std::move(response));
                },
                Qt::QueuedConnection);
        });
    }

    // A client may send its next request before the answer to the one before (HTTP/1.1 pipelining, RFC 9112
    // §9.3.2): answers leave in the order of the requests, each once those before it have left.
    void answer(const QString &connection, Pending &pending, HttpResponse response)
    {
        pending.response.emplace(toQtResponse(response));
        const auto known = m_connections.find(connection);
        if (known == m_connections.end())
            return; // the connection closed meanwhile
        std::deque<std::shared_ptr<Pending>> &owed = known->owed;
        while (!owed.empty() && owed.front()->response) {
            const std::shared_ptr<Pending> next = std::move(owed.front());
            owed.pop_front();
            // The responder ends here, whoever still holds the Pending (a copy of the Answer may outlive
            // this call): Qt >= 6.5 reads the connection's next request only once it is gone.
            QHttpServerResponder responder = std::move(next->responder);
#if CFL_QT_HTTPSERVER_RESPONDER_API
            responder.sendResponse(*next->response);
#else
            next->response->write(std::move(responder));
#endif
            next->response.reset();
        }
#if CFL_QT_HTTPSERVER_RESPONDER_API
        if (owed.empty())
            m_connections.erase(known);
#endif
    }

    DeferredHandler m_handler;
    QHash<QString, Connection> m_connections;
};

HttpServerAdapter::HttpServerAdapter(Handler handler, RequestLimits limits, QObject *parent)
    : HttpServerAdapter(DeferredHandler([handler = std::move(handler)](HttpRequest &&request, Answer answer) {
        answer(handler(request));
    }),
        std::move(limits), parent)
{ }

HttpServerAdapter::HttpServerAdapter(DeferredHandler handler, RequestLimits limits, QObject *parent)
    : QObject(parent)
    , m_server(std::make_unique<Server>(std::move(handler)))
    , m_limits(std::move(limits))
{ }

HttpServerAdapter::HttpServerAdapter(const QList<Lane> &lanes, RequestLimits limits, QObject *parent)
    : QObject(parent)
    , m_limits(std::move(limits))
{
    for (const Lane &lane : lanes) {
        // Made here, then moved with its inbox to the lane's thread, where QHttpServer reads the inbox's
        // connections and the lane's handler answers them.
        auto *server = new Server(lane.handler);
        auto *inbox = new GuardedTcpServer(m_limits, server);
        server->moveToThread(lane.thread);
        m_laneServers.append(server);
        m_laneInboxes.append(inbox);
    }
}

HttpServerAdapter::~HttpServerAdapter()
{
    close();
    // Each lane's server and its connections go on the lane's own thread.
    for (Server *server : std::as_const(m_laneServers)) {
        if (server->thread()->isRunning())
            QMetaObject::invokeMethod(
                server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        else
            delete server;
    }
}

GuardedTcpServer *HttpServerAdapter::openListener(
    const QHostAddress &address, quint16 port, QString *error, QAbstractSocket::SocketError *code)
{
    // Our own QTcpServer + bind(): the one way that works from 6.4 to 6.8 (6.8 removed listen()), and the
    // way to own the sockets: each gets its ConnectionGuard before QHttpServer reads from it.
    auto *tcpServer = new GuardedTcpServer(m_limits);
    if (!tcpServer->listen(address, port)) {
        if (error) {
            *error = QStringLiteral("cannot listen on %1 port %2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(tcpServer->errorString());
        }
        if (code)
            *code = tcpServer->serverError();
        delete tcpServer;
        return nullptr;
    }
    return tcpServer;
}

void HttpServerAdapter::bindListener(GuardedTcpServer *tcpServer)
{
    if (m_server) {
        tcpServer->setParent(m_server.get());
        m_server->bind(tcpServer);
    } else {
        tcpServer->setParent(this);
        tcpServer->setLanes(m_laneInboxes);
    }
    if (m_tcpServers.isEmpty()) {
        // Each lane's server binds its inbox once that listens, on a copy of the first listener's socket.
        for (qsizetype i = 0; i < m_laneServers.size(); ++i) {
            Server *server = m_laneServers.at(i);
            GuardedTcpServer *inbox = m_laneInboxes.at(i);
            QMetaObject::invokeMethod(
                server,
                [server, inbox, tcpServer] {
                    if (!inbox->shareListener(*tcpServer))
                        qCWarning(lcHttp)
                            << "a lane could not share the listening socket:" << inbox->errorString();
                    server->bind(inbox);
                },
                Qt::BlockingQueuedConnection);
        }
    }
    m_tcpServers.append(tcpServer);
    qCDebug(lcHttp) << "listening on" << tcpServer->serverAddress() << tcpServer->serverPort();
}

bool HttpServerAdapter::listen(const QHostAddress &address, quint16 port, QString *error)
{
    GuardedTcpServer *tcpServer = openListener(address, port, error);
    if (!tcpServer)
        return false;
    bindListener(tcpServer);
    return true;
}

bool HttpServerAdapter::listenOnLoopback(quint16 port, QString *error)
{
    // With port 0 the IPv4 listener picks the port, which someone else may hold on ::1: a few tries with
    // a new port before giving up.
    constexpr int Tries = 8;
    for (int attempt = 0; attempt < Tries; ++attempt) {
        std::unique_ptr<GuardedTcpServer> v4(
            openListener(QHostAddress(QHostAddress::LocalHost), port, error));
        if (!v4)
            return false;
        QAbstractSocket::SocketError v6Error = QAbstractSocket::UnknownSocketError;
        std::unique_ptr<GuardedTcpServer> v6(
            openListener(QHostAddress(QHostAddress::LocalHostIPv6), v4->serverPort(), error, &v6Error));
        if (v6) {
            bindListener(v4.release());
            bindListener(v6.release());
            return true;
        }
        if (v6Error != QAbstractSocket::AddressInUseError) {
            // No IPv6 loopback on this host: "localhost" can only mean 127.0.0.1 here.
            qCInfo(lcHttp) << "no IPv6 loopback (" << (error ? *error : QString()) << "): 127.0.0.1 only";
            if (error)
                error->clear();
            bindListener(v4.release());
            return true;
        }
        if (port != 0)
            return false;
    }
    return false;
}

quint16 HttpServerAdapter::port() const
{
    return m_tcpServers.isEmpty() ? 0 : m_tcpServers.constFirst()->serverPort();
}

QHostAddress HttpServerAdapter::address() const
{
    return m_tcpServers.isEmpty() ? QHostAddress() : m_tcpServers.constFirst()->serverAddress();
}

QList<QHostAddress> HttpServerAdapter::addresses() const
{
    QList<QHostAddress> list;
    for (const GuardedTcpServer *tcpServer : m_tcpServers)
        list.append(tcpServer->serverAddress());
    return list;
}

void HttpServerAdapter::close()
{
    for (GuardedTcpServer *tcpServer : std::as_const(m_tcpServers))
        tcpServer->close();
    // The lanes' copies of the listening socket too: else the port would still take connections that
    // nobody accepts.
    for (GuardedTcpServer *inbox : std::as_const(m_laneInboxes)) {
        if (inbox->thread()->isRunning())
            QMetaObject::invokeMethod(
                inbox, [inbox] { inbox->close(); }, Qt::BlockingQueuedConnection);
    }
}

} // namespace cfl
