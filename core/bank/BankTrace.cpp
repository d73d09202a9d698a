#include "bank/BankTrace.h"

#include "http/FormData.h"

namespace cfl {

QString senderOf(const HttpRequest &request)
{
    const QByteArray agent = request.header("User-Agent");
    if (agent.contains("CoolLoan"))
        return QStringLiteral("CoolLoan");
    if (agent.contains("PirateLoan"))
        return QStringLiteral("PirateLoan");
    if (agent.contains("Mozilla") || agent.contains("QtWebEngine") || agent.contains("Chrome"))
        return QStringLiteral("Browser");
    return QStringLiteral("Client");
}

QString bankPartyFor(const QString &path)
{
    if (path == QLatin1String("/token") || path == QLatin1String("/revoke")
        || path == QLatin1String("/introspect"))
        return QStringLiteral("boris");
    if (path.startsWith(QLatin1String("/api/")))
        return QStringLiteral("banky");
    return QStringLiteral("eddy");
}

QList<TraceEvent> traceEventsFor(const BankExchange &exchange, qint64 exchangeId)
{
    const HttpRequest &request = exchange.request;
    const HttpResponse &response = exchange.response;
    const QString path = request.path();
    const QString from = senderOf(request);
    const QString to = bankPartyFor(path);
    const bool fromBrowser = from == QLatin1String("Browser");
    const bool redirectsWithCode = response.status == 302 && response.header("Location").contains("code=");

    TraceEvent base;
    base.exchangeId = exchangeId;
    base.timeMs = exchange.startedAtMs;
    base.source = QStringLiteral("bank");
    base.channel = fromBrowser
        ? TraceChannel::FrontChannel
        : (to == QLatin1String("banky") ? TraceChannel::ResourceApi : TraceChannel::BackChannel);
    base.method = request.method;
    base.url = request.url;
    base.status = response.status;
    base.requestHeaders = request.headers;
    base.requestBody = request.body;
    base.responseHeaders = response.headers;
    base.responseBody = response.body;
    base.durationUs = exchange.durationUs;

    TraceEvent req = base;
    req.kind = TraceKind::Request;
    req.from = from;
    req.to = to;
    TraceEvent resp = base;
    resp.kind = TraceKind::Response;
    resp.from = to;
    resp.to = from;
    req.summary = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), path);
    resp.summary = QStringLiteral("%1 %2")
                       .arg(response.status)
                       .arg(QString::fromLatin1(reasonPhrase(response.status)));

    QList<TraceEvent> events;
    auto action = [&](const QString &summary, int step) {
        TraceEvent e = base;
        e.kind = TraceKind::Action;
        e.channel = TraceChannel::UserAction;
        e.from = QStringLiteral("John");
        e.to = QStringLiteral("Browser");
        e.method.clear();
        e.summary = summary;
        e.step = step;
        events.append(e);
    };

    if (fromBrowser && path == QLatin1String("/authorize")) {
        req.step = 1;
        req.summary = QStringLiteral("authorization request (client_id, redirect_uri, scope, state, PKCE)");
    } else if (fromBrowser && path.startsWith(QLatin1String("/interaction/")) && request.method == "GET") {
        if (response.body.contains("id=\"approve\"")) {
            resp.step = 6;
            resp.summary = QStringLiteral("consent screen");
        } else if (response.body.contains("id=\"password\"")) {
            resp.step = 3;
            resp.summary = QStringLiteral("login screen");
        }
    } else if (fromBrowser && path.endsWith(QLatin1String("/login")) && request.method == "POST") {
        action(QStringLiteral("John types his user name and password"), 4);
        req.step = 5;
        req.summary = QStringLiteral("user name and password");
        if (response.status == 200 || response.status == 401 || response.status == 429)
            resp.summary = QStringLiteral("login refused, form again");
    } else if (fromBrowser && path.endsWith(QLatin1String("/consent")) && request.method == "POST") {
        const auto form = FormData::parse(request.body);
        const bool approved = form && form->valueOr(QStringLiteral("decision")) == QLatin1String("approve");
        action(approved ? QStringLiteral("John accepts") : QStringLiteral("John denies"), approved ? 7 : 0);
        req.step = 8;
        req.summary = approved ? QStringLiteral("consent: approve") : QStringLiteral("consent: deny");
    } else if (path == QLatin1String("/token") && request.method == "POST") {
        const auto form = FormData::parse(request.body);
        if (form && form->valueOr(QStringLiteral("grant_type")) == QLatin1String("authorization_code")) {
            req.step = 12;
            req.summary = QStringLiteral("POST code, client credentials, redirect_uri, code_verifier");
            if (response.status == 200) {
                resp.step = 13;
                resp.summary = QStringLiteral("access token, refresh token, ID token");
            }
        } else if (form && form->valueOr(QStringLiteral("grant_type")) == QLatin1String("refresh_token")) {
            req.summary = QStringLiteral("POST refresh_token (rotation)");
        }
    } else if (path.startsWith(QLatin1String("/api/"))) {
        req.step = 14;
        req.summary = QStringLiteral("%1 %2 with Authorization: Bearer")
                          .arg(QString::fromLatin1(request.method), path);
        if (response.status < 300) {
            resp.step = 16;
            resp.summary = QStringLiteral("the resource");
        }
    }
    if (redirectsWithCode) {
        resp.step = 10;
        resp.summary = QStringLiteral("redirect to the registered callback + code");
    } else if (response.status == 302 && response.header("Location").contains("error=")) {
        resp.summary = QStringLiteral("redirect to the callback + error");
    }

    events.append(req);
    for (const BankDecision &decision : exchange.decisions) {
        TraceEvent e = base;
        e.kind = TraceKind::Decision;
        e.channel = TraceChannel::Internal;
        e.from = e.to = to;
        e.method.clear();
        e.step = (decision.seedStep == 2 || decision.seedStep == 9 || decision.seedStep == 15)
            ? decision.seedStep
            : 0;
        e.summary = decision.what;
        if (decision.refusal) {
            e.summary = decision.refusal->error() + QStringLiteral(": ") + decision.refusal->description();
            if (!decision.check.isEmpty())
                e.summary += QStringLiteral(" (check %1)").arg(decision.check);
            e.refusalRule = decision.refusal->rfc();
            e.expected = decision.refusal->expected();
            e.received = decision.refusal->received();
        }
        events.append(e);
    }
    events.append(resp);
    return events;
}

} // namespace cfl
