#include "bank/Bank.h"

#include "bank/PageRenderer.h"
#include "crypto/Base64Url.h"
#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "crypto/SecureRandom.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBank, "cfl.bank", QtWarningMsg)

// The pages live in cfl_resources, whose objects end up inside this static library; nothing refers to
// the resource initializer, so the linker drops it and every page would read "missing page template".
// Qt's answer for resources in a static library is Q_INIT_RESOURCE, outside any namespace.
static void initBankPages()
{
    Q_INIT_RESOURCE(cfl_bank_pages);
}

namespace cfl {

namespace {
constexpr QByteArrayView SessionCookie = "cfl_session";

// Pages may load only the bank's own stylesheet and may never be framed (clickjacking on the consent
// button, RFC 6749 §10.13). No script at all: the pages work without JavaScript.
constexpr auto PageSecurityPolicy
    = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
      "form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";
} // namespace

Bank::Bank(BankStore &store, SigningKey signingKey, BankConfig config)
    : m_store(store)
    , m_signingKey(std::move(signingKey))
    , m_config(std::move(config))
{
    static const bool pagesLoaded = (initBankPages(), true);
    Q_UNUSED(pagesLoaded);
    if (!m_config.clock)
        m_config.clock = [] { return QDateTime::currentSecsSinceEpoch(); };
    registerRoutes();
}

void Bank::registerRoutes()
{
    auto on = [this](const QByteArray &method, const QString &pattern,
                  HttpResponse (Bank::*handler)(HttpRequest &)) {
        m_router.add(
            method, pattern, [this, handler](HttpRequest &request) { return (this->*handler)(request); });
    };
    on("GET", QStringLiteral("/"), &Bank::home);
    on("GET", QStringLiteral("/static/bank.css"), &Bank::stylesheet);
    m_router.add(
        "GET", QStringLiteral("/favicon.ico"), [](HttpRequest &) { return HttpResponse::empty(204); });
    on("GET", QStringLiteral("/.well-known/openid-configuration"), &Bank::openIdConfiguration);
    on("GET", QStringLiteral("/.well-known/oauth-authorization-server"), &Bank::openIdConfiguration);
    on("GET", QStringLiteral("/jwks"), &Bank::jwksEndpoint);
    // eddy
    on("GET", QStringLiteral("/authorize"), &Bank::authorize);
    on("POST", QStringLiteral("/authorize"), &Bank::authorize);
    on("GET", QStringLiteral("/interaction/{id}"), &Bank::interactionPage);
    on("POST", QStringLiteral("/interaction/{id}/login"), &Bank::loginSubmit);
    on("POST", QStringLiteral("/interaction/{id}/consent"), &Bank::consentSubmit);
    // boris
    on("POST", QStringLiteral("/token"), &Bank::token);
    on("POST", QStringLiteral("/revoke"), &Bank::revoke);
    on("POST", QStringLiteral("/introspect"), &Bank::introspect);
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
    m_decisions.clear();
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

QString Bank::issuer() const
{
    QString text = m_config.issuer.toString(QUrl::FullyEncoded);
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

QString Bank::apiAudience() const
{
    return issuer() + QStringLiteral("/api");
}

QJsonObject Bank::jwks() const
{
    return QJsonObject { { QStringLiteral("keys"), QJsonArray { m_signingKey.publicJwk() } } };
}

qint64 Bank::now() const
{
    return m_config.clock();
}

void Bank::decide(const QString &what, int seedStep)
{
    m_decisions.append({ what, seedStep, std::nullopt });
}

void Bank::refuse(const OAuthError &error)
{
    m_decisions.append({ QStringLiteral("refused: %1").arg(error.error()), 0, error });
    qCInfo(lcBank).noquote() << "refused:" << error.error() << "-" << error.description();
}

void Bank::audit(
    const QString &event, const QString &clientId, const QString &username, const QString &detail)
{
    m_store.audit(now(), event, clientId, username, detail);
}

HttpResponse Bank::notFound(HttpRequest &request)
{
    const QString description = QStringLiteral("nothing at %1").arg(request.path());
    if (request.header("Accept").contains("text/html") && !request.path().startsWith(QLatin1String("/api"))) {
        return page(PageRenderer::render(QStringLiteral("error.html"), QStringLiteral("Not found"),
                        { { QStringLiteral("error"), QStringLiteral("not_found") },
                            { QStringLiteral("description"), description },
                            { QStringLiteral("hint"), QStringLiteral("Start at the bank's home page.") } }),
            404);
    }
    return HttpResponse::json(
        QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("not_found") },
            { QStringLiteral("error_description"), description } }),
        404);
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

// --- login sessions ---------------------------------------------------------------------------

std::optional<LoginSession> Bank::currentSession(const HttpRequest &request)
{
    const QByteArray cookie = request.cookie(SessionCookie);
    if (cookie.isEmpty())
        return std::nullopt;
    auto session = m_store.session(sha256Hex(cookie));
    if (!session || session->revokedAt != 0 || session->expiresAt <= now())
        return std::nullopt;
    return session;
}

QByteArray Bank::startSession(qint64 userId, qint64 authTime)
{
    const QByteArray value = randomToken();
    LoginSession session;
    session.idHash = sha256Hex(value);
    session.userId = userId;
    session.authTime = authTime;
    session.expiresAt = now() + m_config.sessionLifetime;
    m_store.insertSession(session);
    return QByteArray(SessionCookie.data(), SessionCookie.size()) + '=' + value
        + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + QByteArray::number(m_config.sessionLifetime);
}

QByteArray Bank::csrfTokenFor(const HttpRequest &request) const
{
    // Derived from the secret session cookie: another site can neither read nor compute it.
    const QByteArray cookie = request.cookie(SessionCookie);
    return cookie.isEmpty() ? QByteArray() : base64UrlEncode(sha256("csrf:" + cookie));
}

Bank::Checked<User> Bank::checkCredentials(const QString &username, const QString &password)
{
    // Throttle guessing per user name (RFC 6749 §10.10 spirit; OWASP ASVS 2.2.1).
    const qint64 since = now() - m_config.loginFailureWindow;
    if (m_store.loginFailuresSince(username, since) >= m_config.maxLoginFailures) {
        audit(QStringLiteral("login-throttled"), {}, username, QStringLiteral("too many failed attempts"));
        return OAuthError::tooManyAttempts((m_config.loginFailureWindow + 59) / 60);
    }
    const auto user = m_store.userByUsername(username);
    // Verify against a dummy hash for unknown users too, so that timing does not tell which names exist.
    static const QByteArray dummyHash = hashPassword("not-a-real-password");
    const bool ok
        = verifyPassword(user ? user->passwordHash : dummyHash, password.toUtf8()) && user.has_value();
    if (!ok) {
        m_store.recordLoginFailure(username, now());
        audit(QStringLiteral("login-failed"), {}, username, QStringLiteral("wrong user name or password"));
        return OAuthError::wrongCredentials();
    }
    m_store.clearLoginFailures(username);
    audit(QStringLiteral("login"), {}, username, QStringLiteral("password verified"));
    return *user;
}

} // namespace cfl
