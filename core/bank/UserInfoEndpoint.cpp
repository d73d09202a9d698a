// OpenID Connect Core §5.3: claims about John, released by scope (§5.4).

#include "bank/UserInfoEndpoint.h"

#include "bank/BearerToken.h"
#include "bank/Refusal.h"

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
    const User &user = r.user;
    QJsonObject claims { { QStringLiteral("sub"), QStringLiteral("user-%1").arg(user.id) } };
    if (bearer.record.scopes.contains(QStringLiteral("profile"))) {
        claims.insert(QStringLiteral("name"), user.name);
        claims.insert(QStringLiteral("given_name"), user.givenName);
        claims.insert(QStringLiteral("family_name"), user.familyName);
        claims.insert(QStringLiteral("preferred_username"), user.username);
        claims.insert(QStringLiteral("updated_at"), user.updatedAt);
    }
    if (bearer.record.scopes.contains(QStringLiteral("email"))) {
        claims.insert(QStringLiteral("email"), user.email);
        claims.insert(QStringLiteral("email_verified"), user.emailVerified);
    }
    return HttpResponse::json(QJsonDocument(claims)).noStore();
}

} // namespace cfl
