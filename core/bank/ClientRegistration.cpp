#include "bank/ClientRegistration.h"

#include "bank/RedirectUri.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "crypto/SecureRandom.h"

#include <QRegularExpression>

namespace cfl {

std::variant<RegisteredClient, QString> registerClient(
    BankStore &store, const ClientRegistrationRequest &request, qint64 now)
{
    const QString name = request.name.trimmed();
    if (name.isEmpty() || name.size() > 80)
        return QStringLiteral("a client needs a name of 1 to 80 characters");
    if (request.redirectUris.isEmpty())
        return QStringLiteral("a client needs at least one redirect URI (RFC 6749 §3.1.2.2)");
    for (const QString &uri : request.redirectUris) {
        if (const auto problem = redirect::registrationProblem(uri))
            return *problem;
    }
    for (const QString &uri : request.postLogoutRedirectUris) {
        if (const auto problem = redirect::registrationProblem(uri))
            return QStringLiteral("post-logout redirect URI: %1").arg(*problem);
    }
    QStringList scopes = request.scopes;
    if (scopes.isEmpty()) {
        scopes = { QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
            QStringLiteral("offline_access"), QStringLiteral("accounts:read"),
            QStringLiteral("transactions:read") };
    }
    for (const QString &scope : scopes) {
        if (!scopes::find(scope))
            return QStringLiteral("unknown scope '%1'; known scopes: %2")
                .arg(scope, scopes::join(scopes::names()));
    }

    // client_id: a readable slug of the name plus randomness, so two attendees' "My App" never collide.
    QString slug = name.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    slug = slug.mid(0, 24);
    while (slug.startsWith(QLatin1Char('-')))
        slug.remove(0, 1);
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    if (slug.isEmpty())
        slug = QStringLiteral("client");

    RegisteredClient result;
    result.clientId = slug + QLatin1Char('-')
        + QString::fromLatin1(randomToken(6)).toLower().replace(QLatin1Char('_'), QLatin1Char('x'));
    result.record.clientId = result.clientId;
    result.record.name = name;
    result.record.isPublic = request.isPublic;
    result.record.redirectUris = request.redirectUris;
    result.record.postLogoutRedirectUris = request.postLogoutRedirectUris;
    result.record.allowedScopes = scopes::parse(scopes.join(QLatin1Char(' ')));
    result.record.createdAt = now;
    if (!request.isPublic) {
        result.clientSecret = randomToken(32);
        result.record.secretHash = sha256Hex(result.clientSecret);
    }
    QString error;
    if (!store.clients().insertClient(result.record, &error))
        return QStringLiteral("could not save the client: %1").arg(error);
    store.auditLog().record(now, QStringLiteral("client-registered"), result.clientId, {},
        QStringLiteral("%1 (%2)").arg(
            name, request.isPublic ? QStringLiteral("public") : QStringLiteral("confidential")));
    return result;
}

std::variant<QByteArray, QString> rotateClientSecret(BankStore &store, const QString &clientId)
{
    const auto client = store.clients().client(clientId);
    if (!client)
        return QStringLiteral("no client with id '%1'").arg(clientId);
    if (client->isPublic)
        return QStringLiteral("%1 is a public client: it has no secret").arg(client->name);
    QByteArray secret = randomToken(32);
    if (!store.clients().setClientSecretHash(clientId, sha256Hex(secret)))
        return QStringLiteral("could not save the new secret");
    return secret;
}

} // namespace cfl
