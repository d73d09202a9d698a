#include "http/HttpMessage.h"

#include "http/WireFormat.h"

#include <QNetworkCookie>

namespace cfl {

namespace {
QByteArray findHeader(const HttpHeaders &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}
} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    return findHeader(headers, name);
}

QByteArray HttpRequest::cookie(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        // RFC 6265 §5.4: "name=value; name2=value2"
        for (const auto &[cookieName, cookieValue] : wire::parseCookieHeader(value)) {
            if (cookieName == name)
                return cookieValue;
        }
    }
    return {};
}

namespace {
HttpResponse withBody(int status, const QByteArray &contentType, QByteArray body)
{
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.setHeader("Content-Type", contentType);
    return response;
}
} // namespace

HttpResponse HttpResponse::json(const QJsonDocument &document, int status)
{
    return withBody(status, "application/json", document.toJson(QJsonDocument::Indented));
}

HttpResponse HttpResponse::html(const QByteArray &page, int status)
{
    return withBody(status, "text/html; charset=utf-8", page);
}

HttpResponse HttpResponse::text(const QByteArray &text, int status)
{
    return withBody(status, "text/plain; charset=utf-8", text);
}

HttpResponse HttpResponse::redirect(const QUrl &location, int status)
{
    HttpResponse response;
    response.status = status;
    response.setHeader("Location", location.toEncoded());
    return response;
}

HttpResponse HttpResponse::empty(int status)
{
    HttpResponse response;
    response.status = status;
    return response;
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    return findHeader(headers, name);
}

HttpResponse &HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    headers.removeIf([&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    headers.append({ name, value });
    return *this;
}

HttpResponse &HttpResponse::addHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append({ name, value });
    return *this;
}

HttpResponse &HttpResponse::noStore()
{
    setHeader("Cache-Control", "no-store");
    setHeader("Pragma", "no-cache");
    return *this;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large"; // RFC 9110 §15.5.14 (RFC 7231 called it "Payload Too Large")
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 421:
        return "Misdirected Request"; // RFC 9110 §15.5.20
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

} // namespace cfl
