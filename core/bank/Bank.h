#pragma once
// The bank: eddy (authorization endpoint, login and consent pages), boris (token, revocation,
// introspection) and banky (resource API), plus OpenID Connect metadata and John's online banking.
// One object on one thread, with its own BankStore connection. Each endpoint lives in its own .cpp
// file as an ordered list of small checks, each naming its rule and RFC section.

#include "bank/BankConfig.h"
#include "bank/OAuthError.h"
#include "crypto/SigningKey.h"
#include "http/FormData.h"
#include "http/HttpMessage.h"
#include "http/Router.h"
#include "storage/BankStore.h"

#include <QJsonObject>

#include <functional>
#include <optional>
#include <variant>

namespace cfl {

// What the bank decided while answering one request, for the trace and the "why did it fail" panel.
struct BankDecision
{
    QString what; // "authorization request validated", "authorization code issued", ...
    int seedStep = 0; // the seed step it realises: 2 (validate the request), 9 (issue the code), 15 (validate
                      // the token)
    std::optional<OAuthError> refusal;
};

class Bank
{
public:
    Bank(BankStore &store, SigningKey signingKey, BankConfig config);

    HttpResponse handle(HttpRequest &request);

    const BankConfig &config() const { return m_config; }
    void setIssuer(const QUrl &issuer) { m_config.issuer = issuer; }
    void setRememberConsent(bool remember) { m_config.rememberConsent = remember; }
    // For codes and tokens issued from now on; those issued before keep the expiry they were given.
    void setLifetimes(qint64 codeLifetime, qint64 accessTokenLifetime, qint64 refreshTokenLifetime)
    {
        m_config.codeLifetime = codeLifetime;
        m_config.accessTokenLifetime = accessTokenLifetime;
        m_config.refreshTokenLifetime = refreshTokenLifetime;
    }
    QString issuer() const;
    // The `aud` of access tokens: banky's identifier (RFC 9068 §3, RFC 8707).
    QString apiAudience() const;
    QJsonObject jwks() const;
    qint64 now() const;
    BankStore &store() { return m_store; }

    // Decisions taken while handling the last request (cleared at the start of each).
    const QList<BankDecision> &lastDecisions() const { return m_decisions; }

private:
    template <typename T> using Checked = std::variant<T, OAuthError>;

    void registerRoutes();
    void decide(const QString &what, int seedStep = 0);
    void refuse(const OAuthError &error);
    void audit(const QString &event, const QString &clientId, const QString &username, const QString &detail);

    // eddy: /authorize (AuthorizationEndpoint.cpp), the login and consent pages (InteractionPages.cpp)
    HttpResponse authorize(HttpRequest &request);
    HttpResponse interactionPage(HttpRequest &request);
    HttpResponse loginSubmit(HttpRequest &request);
    HttpResponse consentSubmit(HttpRequest &request);
    HttpResponse showLogin(
        const Interaction &interaction, const QString &message, const QString &username, int status = 200);
    HttpResponse showConsent(const Interaction &interaction, const User &user);
    HttpResponse finishAuthorization(
        const Interaction &interaction, const User &user, const QStringList &granted);
    HttpResponse redirectWithError(const Interaction &interaction, const OAuthError &error);
    HttpResponse errorPage(const OAuthError &error, const QString &hint = {});
    std::optional<Interaction> interactionFor(const HttpRequest &request, const QString &id, QString *why);
    // Gives the interaction its id, CSRF token and lifetime, stores it, and sends the browser to its
    // page with the cookie that binds it to this browser.
    HttpResponse beginInteraction(Interaction interaction);
    // John's remembered consent for this client covers every one of `scopes`.
    bool consentCovers(qint64 userId, const QString &clientId, const QStringList &scopes) const;
    // Login sessions (cookie "cfl_session") and the password check (Bank.cpp)
    std::optional<LoginSession> currentSession(const HttpRequest &request);
    QByteArray startSession(qint64 userId, qint64 authTime); // returns the Set-Cookie value
    QByteArray csrfTokenFor(const HttpRequest &request) const;
    Checked<User> checkCredentials(const QString &username, const QString &password);

    // boris (TokenEndpoint.cpp, AuthorizationCodeGrant.cpp, RefreshTokenGrant.cpp, ClientAuthentication.cpp,
    // RevocationEndpoint.cpp)
    HttpResponse token(HttpRequest &request);
    HttpResponse revoke(HttpRequest &request);
    HttpResponse introspect(HttpRequest &request);
    Checked<FormData> parseTokenRequestBody(const HttpRequest &request);
    Checked<Client> authenticateClient(const HttpRequest &request, const FormData &form);
    // What boris's three endpoints start with: a well-formed form body and an authenticated client.
    struct ClientRequest
    {
        FormData form;
        Client client;
    };
    Checked<ClientRequest> authenticatedClientRequest(const HttpRequest &request);
    HttpResponse tokenEndpointError(const OAuthError &error);
    Checked<QJsonObject> authorizationCodeGrant(const FormData &form, const Client &client);
    Checked<QJsonObject> refreshTokenGrant(const FormData &form, const Client &client);
    QJsonObject issueTokens(const Client &client, const User &user, const QStringList &scopes,
        const QString &nonce, qint64 authTime, const QByteArray &codeHash, const QString &familyId,
        const QByteArray &parentHash, const QStringList &familyScopes = {});

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

    BankStore &m_store;
    SigningKey m_signingKey;
    BankConfig m_config;
    Router m_router;
    QList<BankDecision> m_decisions;
};

} // namespace cfl
