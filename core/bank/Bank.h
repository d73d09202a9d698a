#pragma once
// The bank: eddy (authorization endpoint, login and consent pages), boris (token, revocation,
// introspection) and banky (resource API), plus OpenID Connect metadata and John's online banking.
// One object on one thread, with its own BankStore connection. Each endpoint lives in its own .cpp
// file as an ordered list of small checks, each naming its rule and RFC section.

#include "bank/AuthorizationEndpoint.h"
#include "bank/BankContext.h"
#include "bank/InteractionPages.h"
#include "bank/Interactions.h"
#include "bank/IntrospectionEndpoint.h"
#include "bank/LoginSessions.h"
#include "bank/RevocationEndpoint.h"
#include "bank/TokenEndpoint.h"
#include "http/FormData.h"
#include "http/HttpMessage.h"
#include "http/Router.h"
#include "storage/BankStore.h"

#include <QJsonObject>

#include <functional>
#include <optional>
#include <variant>

namespace cfl {

class Bank
{
public:
    Bank(BankStore &store, SigningKey signingKey, BankConfig config);

    HttpResponse handle(HttpRequest &request);

    const BankConfig &config() const { return m_context.config(); }
    void setIssuer(const QUrl &issuer) { m_context.config().issuer = issuer; }
    void setRememberConsent(bool remember) { m_context.config().rememberConsent = remember; }
    // For codes and tokens issued from now on; those issued before keep the expiry they were given.
    void setLifetimes(qint64 codeLifetime, qint64 accessTokenLifetime, qint64 refreshTokenLifetime);
    QString issuer() const { return m_context.issuer(); }
    // The `aud` of access tokens: banky's identifier (RFC 9068 §3, RFC 8707).
    QString apiAudience() const { return m_context.apiAudience(); }
    QJsonObject jwks() const { return m_context.jwks(); }
    qint64 now() const { return m_context.now(); }
    BankStore &store() { return m_context.store(); }

    // Decisions taken while handling the last request (cleared at the start of each).
    const QList<BankDecision> &lastDecisions() const { return m_context.decisions(); }

private:
    template <typename T> using Checked = std::variant<T, OAuthError>;

    void registerRoutes();
    void decide(const QString &what, int seedStep = 0) { m_context.decide(what, seedStep); }
    void refuse(const OAuthError &error);
    void audit(const QString &event, const QString &clientId, const QString &username, const QString &detail)
    {
        m_context.audit(event, clientId, username, detail);
    }
    HttpResponse errorPage(const OAuthError &error, const QString &hint = {});

    // banky and userinfo (ResourceApi.cpp, UserInfoEndpoint.cpp)
    Checked<IssuedToken> validateBearer(const HttpRequest &request, const QString &requiredScope);
    HttpResponse userInfo(HttpRequest &request);
    HttpResponse apiAccounts(HttpRequest &request);
    HttpResponse apiTransactions(HttpRequest &request);
    HttpResponse apiPayments(HttpRequest &request);

    // Metadata (MetadataEndpoints.cpp)
    HttpResponse openIdConfiguration(HttpRequest &request);
    HttpResponse jwksEndpoint(HttpRequest &request);
    HttpResponse stylesheet(HttpRequest &request);
    HttpResponse home(HttpRequest &request);

    // John's online banking (WebBanking.cpp)
    HttpResponse webHome(HttpRequest &request);
    HttpResponse webLogin(HttpRequest &request);
    HttpResponse webLogout(HttpRequest &request);
    HttpResponse webAccount(HttpRequest &request);
    HttpResponse webPaymentForm(HttpRequest &request);
    HttpResponse webPaymentSubmit(HttpRequest &request);
    HttpResponse webApps(HttpRequest &request);
    HttpResponse webRevokeApp(HttpRequest &request);
    HttpResponse webPage(const QString &templateName, const QString &title, const User &user,
        const HttpRequest &request, QHash<QString, QString> values);
    std::optional<User> webUser(const HttpRequest &request);

    HttpResponse notFound(HttpRequest &request);
    HttpResponse page(const QByteArray &html, int status = 200);

    BankContext m_context;
    LoginSessions m_sessions;
    Interactions m_interactions;
    AuthorizationEndpoint m_authorization;
    InteractionPages m_pages;
    TokenEndpoint m_token;
    RevocationEndpoint m_revocation;
    IntrospectionEndpoint m_introspection;
    BankStore &m_store;
    const SigningKey &m_signingKey;
    const BankConfig &m_config;
    Router m_router;
};

} // namespace cfl
