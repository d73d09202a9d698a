#include "bank/BankTrace.h"

#include "http/FormData.h"

#include <algorithm>

namespace cfl {

QString senderOf(const HttpRequest &request)
{
    const QByteArray agent = request.header("User-Agent");
    if (agent.contains("CoolLoan"))
        return QStringLiteral("CoolLoan");
    if (agent.contains("PirateLoan"))
        return QStringLiteral("PirateLoan");
    // The attack lab's attacker parties (attack/AttackParties.h) say who they are, as CoolLoan does.
    if (agent.contains("Mallory-Device"))
        return malloryDevice();
    if (agent.contains("Mallory-Malware"))
        return malloryMalware();
    if (agent.contains("MalloryBank"))
        return malloryBank();
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

    // The steps are said by the code that answered (BankExchange::steps). Steps 1 and 3–8 are John at his
    // browser and the browser talking to eddy: another sender at the same endpoints (PirateLoan logging in
    // as John, a script) is not the seed's user agent and draws no numbered arrow.
    const ExchangeSteps &steps = exchange.steps;
    auto johnsBrowserOnly = [](int step) {
        return step == seed::AuthorizationRequest
            || (step >= seed::LoginScreen && step <= seed::ConsentResponse);
    };
    if (!johnsBrowserOnly(steps.request) || fromBrowser)
        req.step = steps.request;
    if (!johnsBrowserOnly(steps.answer) || fromBrowser)
        resp.step = steps.answer;

    switch (req.step) {
    case seed::AuthorizationRequest:
        req.summary = QStringLiteral("authorization request (client_id, redirect_uri, scope, state, PKCE)");
        break;
    case seed::PushCredential:
        action(QStringLiteral("John types his user name and password"), steps.johnsAction);
        req.summary = QStringLiteral("user name and password");
        if (response.status == 200 || response.status == 401 || response.status == 429)
            resp.summary = QStringLiteral("login refused, form again");
        break;
    case seed::ConsentResponse: {
        const bool approved = steps.johnsAction == seed::Accept;
        action(approved ? QStringLiteral("John accepts") : QStringLiteral("John denies"), steps.johnsAction);
        req.summary = approved ? QStringLiteral("consent: approve") : QStringLiteral("consent: deny");
        break;
    }
    case seed::TokenRequest:
        req.summary = QStringLiteral("POST code, client credentials, redirect_uri, code_verifier");
        break;
    case seed::ResourceRequest:
        req.summary = QStringLiteral("%1 %2 with Authorization: Bearer")
                          .arg(QString::fromLatin1(request.method), path);
        break;
    default:
        // OpenID Connect RP-Initiated Logout 1.0 (bank/EndSessionEndpoint.h): no seed step, arrows of their
        // own.
        if (path == QLatin1String("/session/end"))
            req.summary = QStringLiteral("logout: id_token_hint, post_logout_redirect_uri, state");
        if (path == QLatin1String("/session/end/confirm")) {
            action(QStringLiteral("John confirms: log out of the bank"), 0);
            req.summary = QStringLiteral("John confirms: log out");
        }
        if (path == QLatin1String("/token") && request.method == "POST") {
            const auto form = FormData::parse(request.body);
            if (form && form->valueOr(QStringLiteral("grant_type")) == QLatin1String("refresh_token"))
                req.summary = QStringLiteral("POST refresh_token (rotation)");
        }
    }
    switch (resp.step) {
    case seed::LoginScreen:
        resp.summary = QStringLiteral("login screen");
        break;
    case seed::ConsentScreen:
        resp.summary = QStringLiteral("consent screen");
        break;
    case seed::RedirectWithCode:
        resp.summary = QStringLiteral("redirect to the registered callback + code");
        break;
    case seed::TokenResponse:
        resp.summary = QStringLiteral("access token, refresh token, ID token");
        break;
    case seed::Resource:
        resp.summary = QStringLiteral("the resource");
        break;
    default:
        if (response.status == 302 && response.header("Location").contains("error="))
            resp.summary = QStringLiteral("redirect to the callback + error");
        if (path.startsWith(QLatin1String("/session/end"))) {
            const bool untrusted = std::any_of(exchange.decisions.cbegin(), exchange.decisions.cend(),
                [](const BankDecision &decision) { return decision.refusal.has_value(); });
            if (response.status == 303)
                resp.summary = QStringLiteral("logged out: back to the app's post-logout URI + state");
            else if (response.status == 200 && untrusted && path == QLatin1String("/session/end"))
                resp.summary = QStringLiteral("“Log out of the bank?” (no redirect)");
            else if (response.status == 200)
                resp.summary = QStringLiteral("“You are logged out” (no redirect)");
        }
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
        } else if (decision.isSkippedCheck()) {
            e.expected = decision.expected;
            e.received = decision.received;
        }
        events.append(e);
    }
    events.append(resp);
    return events;
}

} // namespace cfl
