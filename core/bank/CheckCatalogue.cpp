// The catalogue of the bank's named checks: each endpoint's list, in its order, as the endpoint's own
// file defines it (bank/Check.h).

#include "bank/AuthorizationCodeGrant.h"
#include "bank/AuthorizationEndpoint.h"
#include "bank/Check.h"
#include "bank/EndSessionEndpoint.h"
#include "bank/HostHeader.h"
#include "bank/InteractionPages.h"
#include "bank/IntrospectionEndpoint.h"
#include "bank/RefreshTokenGrant.h"
#include "bank/ResourceApi.h"
#include "bank/RevocationEndpoint.h"
#include "bank/TokenEndpoint.h"
#include "bank/UserInfoEndpoint.h"
#include "bank/WebBanking.h"

#include <QSet>

namespace cfl {

Verdict::Verdict(OAuthError error, std::function<void()> consequence)
    : m_error(std::move(error))
    , m_consequence(std::move(consequence))
{ }

void Verdict::carryOut() const
{
    if (m_consequence)
        m_consequence();
}

QList<Endpoint> allEndpoints()
{
    return { Endpoint::AnyRequest, Endpoint::Authorization, Endpoint::InteractionPage, Endpoint::Login,
        Endpoint::Consent, Endpoint::Token, Endpoint::AuthorizationCodeGrant, Endpoint::RefreshTokenGrant,
        Endpoint::Revocation, Endpoint::Introspection, Endpoint::UserInfo, Endpoint::Accounts,
        Endpoint::Transactions, Endpoint::Payments, Endpoint::WebLogout, Endpoint::WebAccount,
        Endpoint::WebPayment, Endpoint::WebRevokeApp, Endpoint::EndSession, Endpoint::EndSessionConfirm };
}

QString endpointName(Endpoint endpoint)
{
    switch (endpoint) {
    case Endpoint::AnyRequest:
        return QStringLiteral("every request, before routing");
    case Endpoint::Authorization:
        return QStringLiteral("GET|POST /authorize");
    case Endpoint::InteractionPage:
        return QStringLiteral("GET /interaction/{id}");
    case Endpoint::Login:
        return QStringLiteral("POST /interaction/{id}/login");
    case Endpoint::Consent:
        return QStringLiteral("POST /interaction/{id}/consent");
    case Endpoint::Token:
        return QStringLiteral("POST /token");
    case Endpoint::AuthorizationCodeGrant:
        return QStringLiteral("POST /token grant_type=authorization_code");
    case Endpoint::RefreshTokenGrant:
        return QStringLiteral("POST /token grant_type=refresh_token");
    case Endpoint::Revocation:
        return QStringLiteral("POST /revoke");
    case Endpoint::Introspection:
        return QStringLiteral("POST /introspect");
    case Endpoint::UserInfo:
        return QStringLiteral("GET|POST /userinfo");
    case Endpoint::Accounts:
        return QStringLiteral("GET /api/accounts");
    case Endpoint::Transactions:
        return QStringLiteral("GET /api/accounts/{id}/transactions");
    case Endpoint::Payments:
        return QStringLiteral("POST /api/payments");
    case Endpoint::WebLogout:
        return QStringLiteral("POST /web/logout");
    case Endpoint::WebAccount:
        return QStringLiteral("GET /web/accounts/{id}");
    case Endpoint::WebPayment:
        return QStringLiteral("POST /web/payments");
    case Endpoint::WebRevokeApp:
        return QStringLiteral("POST /web/apps/{clientId}/revoke");
    case Endpoint::EndSession:
        return QStringLiteral("GET|POST /session/end");
    case Endpoint::EndSessionConfirm:
        return QStringLiteral("POST /session/end/confirm");
    }
    return {};
}

QList<CheckSpec> checksOf(Endpoint endpoint)
{
    switch (endpoint) {
    case Endpoint::AnyRequest:
        return HostHeader::checks();
    case Endpoint::Authorization:
        return AuthorizationEndpoint::checks();
    case Endpoint::InteractionPage:
        return InteractionPages::pageChecks();
    case Endpoint::Login:
        return InteractionPages::loginChecks();
    case Endpoint::Consent:
        return InteractionPages::consentChecks();
    case Endpoint::Token:
        return TokenEndpoint::checks();
    case Endpoint::AuthorizationCodeGrant:
        return AuthorizationCodeGrant::checks();
    case Endpoint::RefreshTokenGrant:
        return RefreshTokenGrant::checks();
    case Endpoint::Revocation:
        return RevocationEndpoint::checks();
    case Endpoint::Introspection:
        return IntrospectionEndpoint::checks();
    case Endpoint::UserInfo:
        return UserInfoEndpoint::checks();
    case Endpoint::Accounts:
        return ResourceApi::accountsChecks();
    case Endpoint::Transactions:
        return ResourceApi::transactionsChecks();
    case Endpoint::Payments:
        return ResourceApi::paymentsChecks();
    case Endpoint::WebLogout:
        return WebBanking::logoutChecks();
    case Endpoint::WebAccount:
        return WebBanking::accountChecks();
    case Endpoint::WebPayment:
        return WebBanking::paymentChecks();
    case Endpoint::WebRevokeApp:
        return WebBanking::revokeAppChecks();
    case Endpoint::EndSession:
        return EndSessionEndpoint::checks();
    case Endpoint::EndSessionConfirm:
        return EndSessionEndpoint::confirmChecks();
    }
    return {};
}

QList<CheckSpec> allChecks()
{
    // Built once: the catalogue is fixed at compile time, and a POST's redirect asks it (findDefence).
    static const QList<CheckSpec> all = [] {
        QList<CheckSpec> checks;
        QSet<QString> seen;
        for (const Endpoint endpoint : allEndpoints()) {
            for (const CheckSpec &check : checksOf(endpoint)) {
                if (!seen.contains(check.id)) {
                    seen.insert(check.id);
                    checks.append(check);
                }
            }
        }
        return checks;
    }();
    return all;
}

QList<CheckSpec> defenceBehaviours()
{
    return { { QStringLiteral("interaction.see_other"),
        QStringLiteral(
            "a redirect that answers a form POST is 303 See Other: the browser follows it with a GET, "
            "and the form — John's password — stays behind"),
        QStringLiteral("RFC 9700 §4.12") } };
}

std::optional<CheckSpec> findDefence(const QString &id)
{
    if (auto check = findCheck(id))
        return check;
    for (const CheckSpec &behaviour : defenceBehaviours()) {
        if (behaviour.id == id)
            return behaviour;
    }
    return std::nullopt;
}

std::optional<CheckSpec> findCheck(const QString &id)
{
    for (const CheckSpec &check : allChecks()) {
        if (check.id == id)
            return check;
    }
    return std::nullopt;
}

} // namespace cfl
