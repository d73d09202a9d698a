// OpenID Connect Core §5.3: claims about John, released by scope (§5.4).

#include "bank/Bank.h"

#include <QDateTime>
#include <QJsonDocument>

namespace cfl {

HttpResponse Bank::userInfo(HttpRequest &request)
{
    // check the access token carries openid (OIDC Core §5.3: userinfo is for OpenID Connect requests)
    const auto token = validateBearer(request, QStringLiteral("openid"));
    if (const auto *error = std::get_if<OAuthError>(&token)) {
        refuse(*error);
        return error->toBearerResponse(QStringLiteral("userinfo"),
            error->error() == QLatin1String("insufficient_scope") ? QStringLiteral("openid") : QString());
    }
    const IssuedToken &record = std::get<IssuedToken>(token);
    const auto user = m_store.userById(record.userId);
    if (!user)
        return OAuthError::invalidToken(QStringLiteral("the user of this token no longer exists"))
            .toBearerResponse(QStringLiteral("userinfo"));
    QJsonObject claims { { QStringLiteral("sub"), QStringLiteral("user-%1").arg(user->id) } };
    if (record.scopes.contains(QStringLiteral("profile"))) {
        claims.insert(QStringLiteral("name"), user->name);
        claims.insert(QStringLiteral("given_name"), user->givenName);
        claims.insert(QStringLiteral("family_name"), user->familyName);
        claims.insert(QStringLiteral("preferred_username"), user->username);
        claims.insert(QStringLiteral("updated_at"), user->updatedAt);
    }
    if (record.scopes.contains(QStringLiteral("email"))) {
        claims.insert(QStringLiteral("email"), user->email);
        claims.insert(QStringLiteral("email_verified"), user->emailVerified);
    }
    return HttpResponse::json(QJsonDocument(claims)).noStore();
}

} // namespace cfl
