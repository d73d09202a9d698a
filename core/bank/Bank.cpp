#include "bank/Bank.h"

#include "bank/Refusal.h"

#include <QDateTime>

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

namespace {
SigningKeyRing adopted(BankStore &store, SigningKey key, const BankConfig &config)
{
    SigningKeyRing ring(store);
    ring.adopt(std::move(key), config.clock ? config.clock() : QDateTime::currentSecsSinceEpoch());
    return ring;
}
} // namespace

Bank::Bank(BankStore &store, SigningKey signingKey, BankConfig config)
    : Bank(store, adopted(store, std::move(signingKey), config), std::move(config))
{ }

Bank::Bank(BankStore &store, SigningKeyRing signingKeys, BankConfig config)
    : Bank(store, std::move(signingKeys), std::make_shared<BankShared>(std::move(config)))
{ }

Bank::Bank(BankStore &store, SigningKeyRing signingKeys, std::shared_ptr<BankShared> shared)
    : m_context(store, std::move(signingKeys), std::move(shared))
    , m_host(m_context)
    , m_sessions(m_context)
    , m_interactions(m_context)
    , m_authorization(m_context, m_sessions, m_interactions)
    , m_pages(m_context, m_sessions, m_interactions)
    , m_token(m_context)
    , m_revocation(m_context)
    , m_introspection(m_context)
    , m_userInfo(m_context)
    , m_api(m_context)
    , m_metadata(m_context)
    , m_web(m_context, m_sessions, m_interactions)
    , m_endSession(m_context, m_sessions)
{
    static const bool pagesLoaded = (initBankPages(), true);
    Q_UNUSED(pagesLoaded);
    registerRoutes();
}

void Bank::setLifetimes(const Lifetimes &lifetimes)
{
    m_context.updateConfig([&](BankConfig &config) {
        config.codeLifetime = lifetimes.code;
        config.accessTokenLifetime = lifetimes.accessToken;
        config.refreshTokenLifetime = lifetimes.refreshToken;
        config.refreshFamilyLifetime = lifetimes.refreshFamily;
    });
}

bool Bank::hashesPassword(const HttpRequest &request)
{
    // The login form's POST (registerRoutes): InteractionPages::login verifies the password with argon2id.
    const QString path = request.path();
    return request.method == "POST" && path.startsWith(QLatin1String("/interaction/"))
        && path.endsWith(QLatin1String("/login"));
}

void Bank::registerRoutes()
{
    auto on = [this](const QByteArray &method, const QString &pattern, auto *endpoint, auto handler) {
        m_router.add(method, pattern,
            [endpoint, handler](HttpRequest &request) { return (endpoint->*handler)(request); });
    };
    on("GET", QStringLiteral("/"), &m_metadata, &MetadataEndpoints::home);
    on("GET", QStringLiteral("/static/bank.css"), &m_metadata, &MetadataEndpoints::stylesheet);
    m_router.add(
        "GET", QStringLiteral("/favicon.ico"), [](HttpRequest &) { return HttpResponse::empty(204); });
    on("GET", QStringLiteral("/.well-known/openid-configuration"), &m_metadata,
        &MetadataEndpoints::openIdConfiguration);
    on("GET", QStringLiteral("/.well-known/oauth-authorization-server"), &m_metadata,
        &MetadataEndpoints::openIdConfiguration);
    on("GET", QStringLiteral("/jwks"), &m_metadata, &MetadataEndpoints::jwks);
    // eddy
    on("GET", QStringLiteral("/authorize"), &m_authorization, &AuthorizationEndpoint::handle);
    on("POST", QStringLiteral("/authorize"), &m_authorization, &AuthorizationEndpoint::handle);
    on("GET", QStringLiteral("/interaction/{id}"), &m_pages, &InteractionPages::page);
    on("POST", QStringLiteral("/interaction/{id}/login"), &m_pages,
        &InteractionPages::login); // hashesPassword
    on("POST", QStringLiteral("/interaction/{id}/consent"), &m_pages, &InteractionPages::consent);
    on("GET", QStringLiteral("/session/end"), &m_endSession, &EndSessionEndpoint::handle);
    on("POST", QStringLiteral("/session/end"), &m_endSession, &EndSessionEndpoint::handle);
    on("POST", QStringLiteral("/session/end/confirm"), &m_endSession, &EndSessionEndpoint::confirm);
    // boris
    on("POST", QStringLiteral("/token"), &m_token, &TokenEndpoint::handle);
    on("POST", QStringLiteral("/revoke"), &m_revocation, &RevocationEndpoint::handle);
    on("POST", QStringLiteral("/introspect"), &m_introspection, &IntrospectionEndpoint::handle);
    on("GET", QStringLiteral("/userinfo"), &m_userInfo, &UserInfoEndpoint::handle);
    on("POST", QStringLiteral("/userinfo"), &m_userInfo, &UserInfoEndpoint::handle);
    // banky
    on("GET", QStringLiteral("/api/accounts"), &m_api, &ResourceApi::accounts);
    on("GET", QStringLiteral("/api/accounts/{id}/transactions"), &m_api, &ResourceApi::transactions);
    on("POST", QStringLiteral("/api/payments"), &m_api, &ResourceApi::payments);
    // John's online banking
    on("GET", QStringLiteral("/web"), &m_web, &WebBanking::home);
    on("GET", QStringLiteral("/web/login"), &m_web, &WebBanking::login);
    on("POST", QStringLiteral("/web/logout"), &m_web, &WebBanking::logout);
    on("GET", QStringLiteral("/web/accounts/{id}"), &m_web, &WebBanking::account);
    on("GET", QStringLiteral("/web/payments"), &m_web, &WebBanking::paymentForm);
    on("POST", QStringLiteral("/web/payments"), &m_web, &WebBanking::paymentSubmit);
    on("GET", QStringLiteral("/web/apps"), &m_web, &WebBanking::apps);
    on("POST", QStringLiteral("/web/apps/{clientId}/revoke"), &m_web, &WebBanking::revokeApp);
}

void Bank::purgeWhenDue()
{
    // Rows that no longer count go, so that guessing or abandoned sign-ins cannot grow the database without
    // bound (OWASP ASVS 2.2.1): on the bank's clock, at most every purgeInterval seconds.
    const qint64 now = m_context.now();
    const BankConfig &config = m_context.config();
    if (!m_context.shared().claimPurge(now, config.purgeInterval))
        return;
    m_context.store().purgeExpired(now);
    m_context.store().sessions().purgeLoginFailures(now - config.loginFailureWindow);
}

HttpResponse Bank::handle(HttpRequest &request)
{
    m_context.startRequest();
    purgeWhenDue();
    // Before routing: a request for another host is not the bank's to answer (bank/HostHeader.h).
    std::optional<HttpResponse> refused = m_host.refusal(request);
    HttpResponse response = refused
        ? std::move(*refused)
        : m_router.dispatch(request, [](HttpRequest &unmatched) { return notFoundResponse(unmatched); });
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

} // namespace cfl
