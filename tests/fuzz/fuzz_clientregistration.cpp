// Client registration from JSON: the metadata a registration request carries (RFC 7591 §2: client_name,
// redirect_uris, scope, token_endpoint_auth_method) mapped onto registerClient, which `codeflow-bank
// register-client` calls today and a registration endpoint would call with parsed JSON; then what the
// store keeps of it (redirect_uris are a JSON column, read back by BankStore). Each input runs in a
// transaction that is rolled back. Properties: a registered client has a name of 1–80 characters, only
// redirect URIs that may be registered (RFC 6749 §3.1.2, RFC 8252 §7.1, §7.3) and only known scopes;
// it reads back as it was registered; each of its redirect URIs matches itself; a public client has no
// secret, a confidential one a secret stored as its SHA-256 only.

#include "FuzzSupport.h"
#include "bank/ClientRegistration.h"
#include "bank/RedirectUri.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace cfl;
using namespace cfl::fuzz;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    bank();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument document = QJsonDocument::fromJson(bytesOf(data, size));
    if (!document.isObject())
        return 0;
    const QJsonObject metadata = document.object();
    ClientRegistrationRequest request;
    request.name = metadata.value(QStringLiteral("client_name")).toString();
    for (const QJsonValue &uri : metadata.value(QStringLiteral("redirect_uris")).toArray())
        request.redirectUris.append(uri.toString());
    request.scopes = scopes::parse(metadata.value(QStringLiteral("scope")).toString());
    request.isPublic
        = metadata.value(QStringLiteral("token_endpoint_auth_method")).toString() == QLatin1String("none");

    BankStore &store = *bank().store;
    store.inTransaction([&] {
        const auto result = registerClient(store, request, FuzzBank::Now);
        const auto *client = std::get_if<RegisteredClient>(&result);
        if (!client) {
            require(!std::get<QString>(result).isEmpty(), "a refusal says why");
            return false;
        }
        const QString name = request.name.trimmed();
        require(!name.isEmpty() && name.size() <= 80, "a name of 1 to 80 characters", name.toUtf8());
        require(!request.redirectUris.isEmpty(), "at least one redirect URI (RFC 6749 §3.1.2.2)");
        for (const QString &uri : request.redirectUris)
            require(!redirect::registrationProblem(uri), "only registrable redirect URIs", uri.toUtf8());
        const auto stored = store.clients().client(client->clientId);
        require(stored.has_value(), "a registered client can be read back", client->clientId.toUtf8());
        require(stored->redirectUris == request.redirectUris, "redirect URIs read back as registered",
            QJsonDocument(QJsonArray::fromStringList(stored->redirectUris)).toJson());
        require(stored->name == name, "the name reads back");
        require(stored->isPublic == request.isPublic, "public or confidential as asked");
        for (const QString &scope : stored->allowedScopes)
            require(scopes::find(scope) != nullptr, "only known scopes", scope.toUtf8());
        for (const QString &uri : stored->redirectUris)
            require(redirect::matches(stored->redirectUris, uri), "a registered URI matches itself",
                uri.toUtf8());
        if (request.isPublic) {
            require(client->clientSecret.isEmpty() && stored->secretHash.isEmpty(),
                "a public client has no secret");
        } else {
            require(client->clientSecret.size() >= 43, "a secret of 256 bits");
            require(
                stored->secretHash == sha256Hex(client->clientSecret), "only the secret's SHA-256 is kept");
        }
        return false; // roll back: the next input meets the same database
    });
    return 0;
}
