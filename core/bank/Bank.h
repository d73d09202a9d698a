#pragma once
// The bank: eddy (authorization endpoint, login and consent pages), boris (token, revocation,
// introspection) and banky (resource API), plus OpenID Connect metadata, userinfo and John's online
// banking — one object on one thread, with its own BankStore connection. Each endpoint is a class of its
// own, an ordered list of named checks (bank/Check.h) over one shared BankContext; Bank routes requests to
// them and adds the headers every response carries.

#include "bank/AuthorizationEndpoint.h"
#include "bank/BankContext.h"
#include "bank/EndSessionEndpoint.h"
#include "bank/HostHeader.h"
#include "bank/InteractionPages.h"
#include "bank/Interactions.h"
#include "bank/IntrospectionEndpoint.h"
#include "bank/LoginSessions.h"
#include "bank/MetadataEndpoints.h"
#include "bank/ResourceApi.h"
#include "bank/RevocationEndpoint.h"
#include "bank/TokenEndpoint.h"
#include "bank/UserInfoEndpoint.h"
#include "bank/WebBanking.h"
#include "http/Router.h"

#include <QJsonObject>
#include <QSet>

namespace cfl {

class Bank
{
public:
    Bank(BankStore &store, SigningKeyRing signingKeys, BankConfig config);
    // One of the bank's worker threads (bank/BankWorkers.h): `store` is the thread's own connection.
    Bank(BankStore &store, SigningKeyRing signingKeys, std::shared_ptr<BankShared> shared);
    // `signingKey` becomes the database's current key, its private JWK stored (tests and fuzzers).
    Bank(BankStore &store, SigningKey signingKey, BankConfig config);

    HttpResponse handle(HttpRequest &request);
    // Whether `request` is one that hashes a password (the login form): the worker threads answer it on
    // their hashing lane (bank/BankWorkers.h).
    static bool hashesPassword(const HttpRequest &request);

    const BankConfig &config() const { return m_context.config(); }
    // The setters change the configuration of every Bank that shares this one's BankShared.
    void setIssuer(const QUrl &issuer)
    {
        m_context.updateConfig([&](BankConfig &config) { config.issuer = issuer; });
    }
    void setRememberConsent(bool remember)
    {
        m_context.updateConfig([&](BankConfig &config) { config.rememberConsent = remember; });
    }
    // For codes and tokens issued from now on; those issued before keep the expiry they were given. The
    // refresh family's lifetime counts from each family's start, so it applies to running families too.
    void setLifetimes(const Lifetimes &lifetimes);
    // The attack lab's switches (bank/Check.h): the named checks stop refusing until switched on again.
    // In memory only; a bank starts with the set its BankConfig names (none, by default).
    void setDisabledChecks(const QSet<QString> &checkIds)
    {
        m_context.updateConfig([&](BankConfig &config) { config.disabledChecks = checkIds; });
    }
    QString issuer() const { return m_context.issuer(); }
    // The `aud` of access tokens: banky's identifier (RFC 9068 §3, RFC 8707).
    QString apiAudience() const { return m_context.apiAudience(); }
    QJsonObject jwks() { return m_context.jwks(); }
    // A new signing key for the next token; the retired one stays in the JWKS while it may be needed.
    std::optional<KeyRotation> rotateSigningKey(QString *error)
    {
        return m_context.signingKeys().rotate(m_context.now(), error);
    }
    qint64 now() const { return m_context.now(); }
    BankStore &store() { return m_context.store(); }

    // Decisions taken while handling the last request (cleared at the start of each).
    const QList<BankDecision> &lastDecisions() const { return m_context.decisions(); }
    const ExchangeSteps &lastSteps() const { return m_context.steps(); }

private:
    void registerRoutes();
    // Deletes expired interactions, codes, login sessions and login failures that no longer count.
    void purgeWhenDue();

    BankContext m_context;
    HostHeader m_host;
    LoginSessions m_sessions;
    Interactions m_interactions;
    AuthorizationEndpoint m_authorization;
    InteractionPages m_pages;
    TokenEndpoint m_token;
    RevocationEndpoint m_revocation;
    IntrospectionEndpoint m_introspection;
    UserInfoEndpoint m_userInfo;
    ResourceApi m_api;
    MetadataEndpoints m_metadata;
    WebBanking m_web;
    EndSessionEndpoint m_endSession;
    Router m_router;
};

} // namespace cfl
