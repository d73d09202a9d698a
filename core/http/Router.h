#pragma once
// Method + path pattern → handler. Patterns are literal segments and "{name}" parameters; each segment of
// the request's path is percent-decoded on its own, so a parameter is always exactly one segment. A path
// that matches with another method answers 405 with Allow (QHttpServer 6.4 would answer 404).

#include "http/HttpMessage.h"

#include <QJsonObject>

#include <functional>

namespace cfl {

using HttpHandler = std::function<HttpResponse(HttpRequest &)>;

class Router
{
public:
    void add(const QByteArray &method, const QString &pattern, HttpHandler handler);
    // Fills request.pathParameters and calls the handler; notFound when no pattern matches; 405 when
    // the path matches only with other methods.
    HttpResponse dispatch(
        HttpRequest &request, const std::function<HttpResponse(HttpRequest &)> &notFound) const;

private:
    struct Route
    {
        QByteArray method;
        QStringList segments;
        HttpHandler handler;
    };
    static bool match(const Route &route, const QStringList &segments, QMap<QString, QString> *parameters);
    QList<Route> m_routes;
};

} // namespace cfl
