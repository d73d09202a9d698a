#include "bank/Bank.h"

#include "bank/PageRenderer.h"
#include "bank/Refusal.h"

// The pages live in cfl_resources, whose objects end up inside this static library; nothing refers to
// the resource initializer, so the linker drops it and every page would read "missing page template".
// Qt's answer for resources in a static library is Q_INIT_RESOURCE, outside any namespace.
static void initBankPages()
{
    Q_INIT_RESOURCE(cfl_bank_pages);
}

namespace cfl {

namespace {
// Pages may load only the bank's own stylesheet and may never be framed (clickjacking on the consent
// button, RFC 6749 §10.13). No script at all: the pages work without JavaScript.
constexpr auto PageSecurityPolicy
    = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
      "form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";
} // namespace

Bank::Bank(BankStore &store, SigningKey signingKey, BankConfig config)
    : m_context(store, std::move(signingKey), std::move(config))
    , m_sessions(m_context)
    , m_interactions(m_context)
    , m_authorization(m_context, m_sessions, m_interactions)
    , m_pages(m_context, m_sessions, m_interactions)
    , m_token(m_context)
    , m_revocation(m_context)
    , m_introspection(m_context)
    , m_store(m_context.store())
    , m_signingKey(m_context.signingKey())
    , m_config(m_context.config())
{
    static const bool pagesLoaded = (initBankPages(), true);
    Q_UNUSED(pagesLoaded);
    registerRoutes();
}

void Bank::setLifetimes(qint64 codeLifetime, qint64 accessTokenLifetime, qint64 refreshTokenLifetime)
{
    BankConfig &config = m_context.config();
    config.codeLifetime = codeLifetime;
    config.accessTokenLifetime = accessTokenLifetime;
    config.refreshTokenLifetime = refreshTokenLifetime;
}

void Bank::registerRoutes()
{
    auto on = [this](const QByteArray &method, const QString &pattern,
                  HttpResponse (Bank::*handler)(HttpRequest &)) {
        m_router.add(
            method, pattern, [this, handler](HttpRequest &request) { return (this->*handler)(request); });
    };
    auto to = [this](const QByteArray &method, const QString &pattern, auto *endpoint, auto handler) {
        m_router.add(method, pattern,
            [endpoint, handler](HttpRequest &request) { return (endpoint->*handler)(request); });
    };
    on("GET", QStringLiteral("/"), &Bank::home);
    on("GET", QStringLiteral("/static/bank.css"), &Bank::stylesheet);
    m_router.add(
        "GET", QStringLiteral("/favicon.ico"), [](HttpRequest &) { return HttpResponse::empty(204); });
    on("GET", QStringLiteral("/.well-known/openid-configuration"), &Bank::openIdConfiguration);
    on("GET", QStringLiteral("/.well-known/oauth-authorization-server"), &Bank::openIdConfiguration);
    on("GET", QStringLiteral("/jwks"), &Bank::jwksEndpoint);
    // eddy
    to("GET", QStringLiteral("/authorize"), &m_authorization, &AuthorizationEndpoint::handle);
    to("POST", QStringLiteral("/authorize"), &m_authorization, &AuthorizationEndpoint::handle);
    to("GET", QStringLiteral("/interaction/{id}"), &m_pages, &InteractionPages::page);
    to("POST", QStringLiteral("/interaction/{id}/login"), &m_pages, &InteractionPages::login);
    to("POST", QStringLiteral("/interaction/{id}/consent"), &m_pages, &InteractionPages::consent);
    // boris
    to("POST", QStringLiteral("/token"), &m_token, &TokenEndpoint::handle);
    to("POST", QStringLiteral("/revoke"), &m_revocation, &RevocationEndpoint::handle);
    to("POST", QStringLiteral("/introspect"), &m_introspection, &IntrospectionEndpoint::handle);
    on("GET", QStringLiteral("/userinfo"), &Bank::userInfo);
    on("POST", QStringLiteral("/userinfo"), &Bank::userInfo);
    // banky
    on("GET", QStringLiteral("/api/accounts"), &Bank::apiAccounts);
    on("GET", QStringLiteral("/api/accounts/{id}/transactions"), &Bank::apiTransactions);
    on("POST", QStringLiteral("/api/payments"), &Bank::apiPayments);
    // John's online banking
    on("GET", QStringLiteral("/web"), &Bank::webHome);
    on("GET", QStringLiteral("/web/login"), &Bank::webLogin);
    on("POST", QStringLiteral("/web/logout"), &Bank::webLogout);
    on("GET", QStringLiteral("/web/accounts/{id}"), &Bank::webAccount);
    on("GET", QStringLiteral("/web/payments"), &Bank::webPaymentForm);
    on("POST", QStringLiteral("/web/payments"), &Bank::webPaymentSubmit);
    on("GET", QStringLiteral("/web/apps"), &Bank::webApps);
    on("POST", QStringLiteral("/web/apps/{clientId}/revoke"), &Bank::webRevokeApp);
}

HttpResponse Bank::handle(HttpRequest &request)
{
    m_context.startRequest();
    HttpResponse response
        = m_router.dispatch(request, [this](HttpRequest &unmatched) { return notFound(unmatched); });
    response.setHeader("X-Content-Type-Options", "nosniff");
    // A code in a URL must not leak to other sites through Referer (RFC 9700 §4.2.4).
    response.setHeader("Referrer-Policy", "no-referrer");
    if (response.header("Content-Type").startsWith("text/html")) {
        response.setHeader("Content-Security-Policy", PageSecurityPolicy);
        response.setHeader("X-Frame-Options", "DENY");
        if (response.header("Cache-Control").isEmpty())
            response.setHeader("Cache-Control", "no-store");
    }
    return response;
}

void Bank::refuse(const OAuthError &error)
{
    m_context.recordRefusal(CheckSpec {}, error);
}

HttpResponse Bank::notFound(HttpRequest &request)
{
    return notFoundResponse(request);
}

HttpResponse Bank::page(const QByteArray &html, int status)
{
    return HttpResponse::html(html, status);
}

HttpResponse Bank::errorPage(const OAuthError &error, const QString &hint)
{
    refuse(error);
    PageValues values { { QStringLiteral("error"), error.error() },
        { QStringLiteral("description"), error.description() }, { QStringLiteral("rfc"), error.rfc() },
        { QStringLiteral("hint"), hint } };
    return page(PageRenderer::render(QStringLiteral("error.html"), QStringLiteral("Request refused"), values),
        error.status() == 401 || error.status() == 500 ? error.status() : 400);
}

} // namespace cfl
