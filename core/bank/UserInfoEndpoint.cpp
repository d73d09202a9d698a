// OpenID Connect Core §5.3: claims about John, released by scope (§5.4) and by name (§5.5).

#include "bank/UserInfoEndpoint.h"

#include "bank/BearerToken.h"
#include "bank/ClaimsRequest.h"
#include "bank/Refusal.h"
#include "bank/UserClaims.h"

#include <QJsonDocument>

namespace cfl {

namespace {
const QString Realm = QStringLiteral("userinfo");

struct UserInfoRequest
{
    const BearerRequest &bearer;
    User user;
};

// check the token's user still exists
Verdict userExists(BankContext &bank, UserInfoRequest &r)
{
    r.user = bank.store().users().userById(r.bearer.record.userId).value_or(User {});
    if (r.user.id != 0)
        return {};
    return OAuthError::invalidToken(QStringLiteral("the user of this token no longer exists"));
}

// OIDC Core §5.4: what the token's scopes release, and §5.5: what the claims request asked for userinfo
// and John consented to (bank/UserClaims.h: the standard claims of §5.1, unknown ones left out).
QJsonObject releasedClaims(BankContext &bank, const User &user, const IssuedToken &token)
{
    QJsonObject claims = userclaims::byScope(user, token.scopes);
    const ClaimsRequest request = ClaimsRequest::fromStored(token.claims);
    // Most tokens carry no claims request, and then there is no registration to read.
    if (request.claims(ClaimsRequest::Target::UserInfo).isEmpty())
        return claims;
    const QStringList allowed
        = bank.store().clients().client(token.clientId).value_or(Client {}).allowedScopes;
    userclaims::insertNamed(claims, user, request.userClaims(ClaimsRequest::Target::UserInfo, allowed));
    return claims;
}

const CheckList<UserInfoRequest> &userChecks()
{
    static const CheckList<UserInfoRequest> checks {
        { "userinfo.user", "the token's user still exists", "RFC 6750 §3.1", userExists },
    };
    return checks;
}
} // namespace

UserInfoEndpoint::UserInfoEndpoint(BankContext &bank)
    : m_bank(bank)
{ }

QList<CheckSpec> UserInfoEndpoint::checks()
{
    return specsOf(bearerChecks()) + specsOf(userChecks());
}

HttpResponse UserInfoEndpoint::handle(HttpRequest &request)
{
    // userinfo is for OpenID Connect requests: the access token must carry openid (OIDC Core §5.3).
    // The token in the Authorization header, or in a form-encoded POST body (OIDC Core §5.3.1, RFC 6750
    // §2.2).
    BearerRequest bearer(request, QStringLiteral("openid"), /*bodyAllowed=*/true);
    if (const auto refusal = runChecks(m_bank, bearerChecks(), bearer))
        return refuse(m_bank, *refusal, RefusalForm::bearerChallenge(Realm, bearer.requiredScope),
            { bearer.record.clientId });
    m_bank.decide(
        QStringLiteral("access token validated: signature, issuer, audience, expiry, revocation, scope"), 15);

    UserInfoRequest r { bearer, {} };
    if (const auto refusal = runChecks(m_bank, userChecks(), r))
        return refuse(m_bank, *refusal, RefusalForm::bearerChallenge(Realm), { bearer.record.clientId });
    return HttpResponse::json(QJsonDocument(releasedClaims(m_bank, r.user, bearer.record))).noStore();
}

} // namespace cfl
