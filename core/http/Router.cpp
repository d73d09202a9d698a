#include "http/Router.h"

namespace cfl {

namespace {
QStringList splitPattern(const QString &pattern)
{
    return pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

// The request's path segments, each percent-decoded on its own: a "%2F" is a slash inside one segment, never
// a separator (RFC 3986 §2.2, §7.3). QUrl::path() would decode it first and so move a parameter's end.
QStringList splitRequestPath(const QUrl &url)
{
    QStringList segments;
    const QByteArrayList encoded = url.path(QUrl::FullyEncoded).toLatin1().split('/');
    for (const QByteArray &segment : encoded) {
        if (!segment.isEmpty())
            segments.append(QUrl::fromPercentEncoding(segment));
    }
    return segments;
}
} // namespace

void Router::add(const QByteArray &method, const QString &pattern, HttpHandler handler)
{
    m_routes.append({ method, splitPattern(pattern), std::move(handler) });
}

bool Router::match(const Route &route, const QStringList &segments, QMap<QString, QString> *parameters)
{
    if (route.segments.size() != segments.size())
        return false;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &expected = route.segments.at(i);
        if (expected.startsWith(QLatin1Char('{')) && expected.endsWith(QLatin1Char('}'))) {
            parameters->insert(expected.mid(1, expected.size() - 2), segments.at(i));
        } else if (expected != segments.at(i)) {
            return false;
        }
    }
    return true;
}

HttpResponse Router::dispatch(
    HttpRequest &request, const std::function<HttpResponse(HttpRequest &)> &notFound) const
{
    const QStringList segments = splitRequestPath(request.url);
    QByteArrayList allowed;
    for (const Route &route : m_routes) {
        QMap<QString, QString> parameters;
        if (!match(route, segments, &parameters))
            continue;
        if (route.method == request.method) {
            request.pathParameters = parameters;
            return route.handler(request);
        }
        if (!allowed.contains(route.method))
            allowed.append(route.method);
    }
    if (allowed.isEmpty())
        return notFound(request);
    // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
    HttpResponse response
        = HttpResponse::json(QJsonDocument(QJsonObject {
                                 { QStringLiteral("error"), QStringLiteral("method_not_allowed") },
                                 { QStringLiteral("error_description"),
                                     QStringLiteral("%1 is not allowed on %2; use %3")
                                         .arg(QString::fromLatin1(request.method), request.path(),
                                             QString::fromLatin1(allowed.join(", "))) },
                             }),
            405);
    response.setHeader("Allow", allowed.join(", "));
    return response;
}

} // namespace cfl
