#include "client/ClientNetworkAccess.h"

#include "http/WireFormat.h"

#include <QBuffer>
#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QSharedPointer>

namespace cfl {

namespace {
QByteArray operationName(QNetworkAccessManager::Operation op, const QNetworkRequest &request)
{
    switch (op) {
    case QNetworkAccessManager::GetOperation:
        return "GET";
    case QNetworkAccessManager::PostOperation:
        return "POST";
    case QNetworkAccessManager::PutOperation:
        return "PUT";
    case QNetworkAccessManager::DeleteOperation:
        return "DELETE";
    case QNetworkAccessManager::HeadOperation:
        return "HEAD";
    default:
        return request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
    }
}

QByteArray withoutClientSecret(const QByteArray &body)
{
    QByteArrayList kept;
    for (const QByteArray &pair : body.split('&')) {
        if (!pair.startsWith("client_secret=") && pair != "client_secret")
            kept.append(pair);
    }
    return kept.join('&');
}
} // namespace

ClientNetworkAccess::ClientNetworkAccess(QString party, QObject *parent)
    : QNetworkAccessManager(parent)
    , m_party(std::move(party))
{
    qRegisterMetaType<TraceEvent>();
}

void ClientNetworkAccess::setBasicCredentials(
    const QList<QUrl> &urls, const QString &clientId, const QByteArray &secret)
{
    m_basicUrls = urls;
    // RFC 6749 §2.3.1: each part is form-url-encoded before base64.
    m_basicHeader = wire::basicAuthorization(clientId, QString::fromLatin1(secret));
}

QNetworkReply *ClientNetworkAccess::createRequest(
    Operation op, const QNetworkRequest &originalRequest, QIODevice *outgoingData)
{
    QNetworkRequest request = originalRequest;
    // Who is calling, as the bank sees it: its trace names the sender from this header.
    request.setRawHeader("User-Agent", m_party.toLatin1() + "/" CFL_VERSION " (CodeFlow Lab)");
    // A bank that accepts the connection but never answers must still end in a clear message.
    if (request.transferTimeout() == 0)
        request.setTransferTimeout(TransferTimeoutMs);
    QByteArray body = outgoingData ? outgoingData->readAll() : QByteArray();
    const QUrl target = request.url().adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
    if (m_basicUrls.contains(target)) {
        request.setRawHeader("Authorization", m_basicHeader);
        body = withoutClientSecret(body);
    }
    auto *buffer = new QBuffer;
    buffer->setData(body);
    buffer->open(QIODevice::ReadOnly);
    QNetworkReply *reply = QNetworkAccessManager::createRequest(op, request, outgoingData ? buffer : nullptr);
    buffer->setParent(reply);

    TraceEvent event;
    event.source = m_party.toLower();
    event.from = m_party;
    event.method = operationName(op, request);
    event.url = request.url();
    event.requestBody = body;
    for (const QByteArray &name : request.rawHeaderList())
        event.requestHeaders.append({ name, request.rawHeader(name) });
    if (request.header(QNetworkRequest::ContentTypeHeader).isValid())
        event.requestHeaders.append(
            { "Content-Type", request.header(QNetworkRequest::ContentTypeHeader).toByteArray() });
    const Route route = m_classifier ? m_classifier(event.method, event.url)
                                     : Route { event.url.host(), TraceChannel::BackChannel, 0 };
    event.to = route.to;
    event.channel = route.channel;
    event.step = route.step;
    event.timeMs = QDateTime::currentMSecsSinceEpoch();
    auto timer = QSharedPointer<QElapsedTimer>::create();
    timer->start();

    // Connected before anyone else can read the reply: peek() leaves the body for its real reader.
    connect(reply, &QNetworkReply::finished, this, [this, reply, event, timer]() mutable {
        event.durationUs = timer->nsecsElapsed() / 1000;
        event.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        event.responseHeaders = reply->rawHeaderPairs();
        event.responseBody = reply->peek(reply->bytesAvailable());
        event.summary = event.status == 0 ? QStringLiteral("no answer: %1").arg(reply->errorString())
                                          : QStringLiteral("%1 %2 → %3")
                                                .arg(QString::fromLatin1(event.method), event.url.path())
                                                .arg(event.status);
        Q_EMIT exchanged(event);
    });
    return reply;
}

} // namespace cfl
