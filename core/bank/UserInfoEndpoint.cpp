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

// A claim only when the bank knows it: "If a Claim is not returned, that Claim Name SHOULD be omitted from
// the JSON object" (OIDC Core §5.3.2), never an empty string.
void insertKnown(QJsonObject &claims, const QString &name, const QString &value)
{
    if (!value.isEmpty())
        claims.insert(name, value);
}

// OIDC Core §5.4: what each scope releases. §5.1's standard claims, the address as its §5.1.1 object.
QJsonObject claimsByScope(const User &user, const QStringList &scopes)
{
    QJsonObject claims { { QStringLiteral("sub"), QStringLiteral("user-%1").arg(user.id) } };
    if (scopes.contains(QStringLiteral("profile"))) {
        insertKnown(claims, QStringLiteral("name"), user.name);
        insertKnown(claims, QStringLiteral("given_name"), user.givenName);
        insertKnown(claims, QStringLiteral("family_name"), user.familyName);
        insertKnown(claims, QStringLiteral("middle_name"), user.middleName);
        insertKnown(claims, QStringLiteral("nickname"), user.nickname);
        insertKnown(claims, QStringLiteral("preferred_username"), user.username);
        insertKnown(claims, QStringLiteral("profile"), user.profileUrl);
        insertKnown(claims, QStringLiteral("picture"), user.pictureUrl);
        insertKnown(claims, QStringLiteral("website"), user.website);
        insertKnown(claims, QStringLiteral("gender"), user.gender);
        insertKnown(claims, QStringLiteral("birthdate"), user.birthdate);
        insertKnown(claims, QStringLiteral("zoneinfo"), user.zoneinfo);
        insertKnown(claims, QStringLiteral("locale"), user.locale);
        claims.insert(QStringLiteral("updated_at"), user.updatedAt); // a number: seconds since the epoch
    }
    if (scopes.contains(QStringLiteral("email")) && !user.email.isEmpty()) {
        claims.insert(QStringLiteral("email"), user.email);
        claims.insert(QStringLiteral("email_verified"), user.emailVerified);
    }
    if (scopes.contains(QStringLiteral("address"))) {
        const User::Address &a = user.address;
        QJsonObject address;
        insertKnown(address, QStringLiteral("street_address"), a.streetAddress);
        insertKnown(address, QStringLiteral("locality"), a.locality);
        insertKnown(address, QStringLiteral("region"), a.region);
        insertKnown(address, QStringLiteral("postal_code"), a.postalCode);
        insertKnown(address, QStringLiteral("country"), a.country);
        // §5.1.1 formatted: "the full mailing address, formatted for display", lines joined by "\n".
        QStringList lines { a.streetAddress };
        lines.append(QStringList { a.postalCode, a.locality }.join(QLatin1Char(' ')).trimmed());
        if (!a.region.isEmpty() && a.region != a.locality)
            lines.append(a.region);
        lines.append(a.country);
        lines.removeAll(QString());
        if (!lines.isEmpty()) {
            address.insert(QStringLiteral("formatted"), lines.join(QLatin1Char('\n')));
            claims.insert(QStringLiteral("address"), address);
        }
    }
    if (scopes.contains(QStringLiteral("phone")) && !user.phoneNumber.isEmpty()) {
        claims.insert(QStringLiteral("phone_number"), user.phoneNumber);
        claims.insert(QStringLiteral("phone_number_verified"), user.phoneNumberVerified);
    }
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
    return HttpResponse::json(QJsonDocument(claimsByScope(r.user, bearer.record.scopes))).noStore();
}

} // namespace cfl
