#include "http/HttpServerAdapter.h"

#include "compat/QtCompat.h"
#include "http/GuardedTcpServer.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QLoggingCategory>

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
    explicit Server(Handler handler)
        : m_handler(std::move(handler))
    { }

protected:
#if CFL_QT_HTTPSERVER_RESPONDER_API
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override
    {
        responder.sendResponse(respond(request));
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
        respond(request).write(makeResponder(request, socket));
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }
#endif

private:
    QHttpServerResponse respond(const QHttpServerRequest &request)
    {
        HttpRequest converted = toHttpRequest(request);
        return toQtResponse(m_handler(converted));
    }

    Handler m_handler;
};

HttpServerAdapter::HttpServerAdapter(Handler handler, RequestLimits limits, QObject *parent)
    : QObject(parent)
    , m_server(std::make_unique<Server>(std::move(handler)))
    , m_limits(std::move(limits))
{ }

HttpServerAdapter::~HttpServerAdapter() = default;

bool HttpServerAdapter::listen(const QHostAddress &address, quint16 port, QString *error)
{
    // Our own QTcpServer + bind(): the one way that works from 6.4 to 6.8 (6.8 removed listen()), and the
    // way to own the sockets: each gets its ConnectionGuard before QHttpServer reads from it.
    auto *tcpServer = new GuardedTcpServer(m_limits, m_server.get());
    if (!tcpServer->listen(address, port)) {
        if (error) {
            *error = QStringLiteral("cannot listen on %1 port %2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(tcpServer->errorString());
        }
        delete tcpServer;
        return false;
    }
    m_server->bind(tcpServer);
    m_tcpServer = tcpServer;
    qCDebug(lcHttp) << "listening on" << address << tcpServer->serverPort();
    return true;
}

quint16 HttpServerAdapter::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

QHostAddress HttpServerAdapter::address() const
{
    return m_tcpServer ? m_tcpServer->serverAddress() : QHostAddress();
}

void HttpServerAdapter::close()
{
    if (m_tcpServer)
        m_tcpServer->close();
}

} // namespace cfl
