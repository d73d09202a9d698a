#pragma once
// Transport-neutral HTTP values. The bank's endpoints see only these; QHttpServer stays behind
// HttpServerAdapter (its API changed in Qt 6.5 and 6.8).

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QUrl>

namespace cfl {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QUrl url; // path and query as received (host from the Host header when given)
    HttpHeaders headers;
    QByteArray body;
    QHostAddress remoteAddress;
    QMap<QString, QString> pathParameters; // filled by the Router, e.g. {"id": "CHK-1001"}

    QString path() const { return url.path(); }
    // Case-insensitive (RFC 9110 §5.1); the first value when repeated.
    QByteArray header(QByteArrayView name) const;
    QByteArray cookie(QByteArrayView name) const;
    QString pathParameter(const QString &name) const { return pathParameters.value(name); }
};

struct HttpResponse
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;

    static HttpResponse json(const QJsonDocument &document, int status = 200);
    static HttpResponse html(const QByteArray &page, int status = 200);
    static HttpResponse text(const QByteArray &text, int status = 200);
    // 303 See Other after a POST, 302 Found for the authorization response (RFC 6749 §4.1.2).
    static HttpResponse redirect(const QUrl &location, int status = 302);
    static HttpResponse empty(int status);

    QByteArray header(QByteArrayView name) const;
    // Replaces any header of that name.
    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);
    // Adds one more (Set-Cookie may repeat).
    HttpResponse &addHeader(const QByteArray &name, const QByteArray &value);
    // RFC 6749 §5.1 / RFC 6750: responses that carry tokens or credentials must not be cached.
    HttpResponse &noStore();
};

QByteArray reasonPhrase(int status);

} // namespace cfl
