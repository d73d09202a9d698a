// The request target as QHttpServer hands it over (QUrl::fromEncoded of the request line's target) and
// everything the bank does with it before an endpoint runs: the query as a form (/authorize, and
// access_token= refused in the query, RFC 6750 §2.1), the Router's path segments (each percent-decoded
// on its own, so "%2F" stays inside one {parameter}), and the access-log line. Properties: a path
// parameter never holds a '/' that came from a separator; the log line is one line (CWE-117).

#include "FuzzSupport.h"
#include "bank/BankServer.h"
#include "http/FormData.h"
#include "http/LogEscaping.h"
#include "http/Router.h"

using namespace cfl;
using namespace cfl::fuzz;

namespace {

const Router &router()
{
    static const Router routes = [] {
        Router r;
        auto ok = [](HttpRequest &) { return HttpResponse::empty(204); };
        r.add("GET", QStringLiteral("/authorize"), ok);
        r.add("GET", QStringLiteral("/api/accounts/{id}/transactions"), ok);
        r.add("POST", QStringLiteral("/interaction/{id}/login"), ok);
        r.add("POST", QStringLiteral("/web/apps/{clientId}/revoke"), ok);
        return r;
    }();
    return routes;
}

bool hasControl(const QString &line)
{
    for (const QChar c : line) {
        if (c.unicode() < 0x20 || (c.unicode() >= 0x7F && c.unicode() <= 0x9F) || c.unicode() == 0x2028
            || c.unicode() == 0x2029)
            return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    application();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto [method, target] = cut(bytesOf(data, size), ' ');
    HttpRequest request = requestTo(method.left(16), target);
    if (request.url.hasQuery())
        FormData::parse(request.url.query(QUrl::FullyEncoded).toUtf8());

    const HttpResponse response
        = router().dispatch(request, [](HttpRequest &) { return HttpResponse::empty(404); });
    require(response.status == 204 || response.status == 404 || response.status == 405, "the router answers");
    for (auto it = request.pathParameters.cbegin(); it != request.pathParameters.cend(); ++it) {
        // The segment as sent, decoded: a '/' in it can only have come from "%2F".
        const QString encodedPath = request.url.path(QUrl::FullyEncoded);
        if (it.value().contains(QLatin1Char('/')))
            require(encodedPath.contains(QLatin1String("%2F"), Qt::CaseInsensitive),
                "a parameter is one segment", target);
    }

    BankExchange exchange;
    exchange.request = request;
    exchange.response = response;
    const QString line = accessLogLine(exchange);
    require(!hasControl(line), "the access-log line is one line", line.toUtf8());
    require(!hasControl(escapeForLog(QString::fromUtf8(target))), "escapeForLog leaves no control character");
    return 0;
}
