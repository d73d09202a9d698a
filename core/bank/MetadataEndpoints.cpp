// Discovery (OpenID Connect Discovery 1.0 §3, RFC 8414 §2), the JWKS (RFC 7517), the stylesheet and
// the bank's home page.

#include "bank/MetadataEndpoints.h"

#include "bank/AuthenticationContext.h"
#include "bank/PageRenderer.h"
#include "bank/Scopes.h"
#include "bank/UserClaims.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace cfl {

MetadataEndpoints::MetadataEndpoints(BankContext &bank)
    : m_bank(bank)
{ }

HttpResponse MetadataEndpoints::openIdConfiguration(HttpRequest &)
{
    const QString base = m_bank.issuer();
    auto list = [](std::initializer_list<const char *> items) {
        QJsonArray array;
        for (const char *item : items)
            array.append(QString::fromLatin1(item));
        return array;
    };
    QJsonObject metadata {
        { QStringLiteral("issuer"), base },
        { QStringLiteral("authorization_endpoint"), base + QStringLiteral("/authorize") },
        { QStringLiteral("token_endpoint"), base + QStringLiteral("/token") },
        { QStringLiteral("userinfo_endpoint"), base + QStringLiteral("/userinfo") },
        { QStringLiteral("jwks_uri"), base + QStringLiteral("/jwks") },
        { QStringLiteral("revocation_endpoint"), base + QStringLiteral("/revoke") },
        { QStringLiteral("introspection_endpoint"), base + QStringLiteral("/introspect") },
        // OpenID Connect RP-Initiated Logout 1.0 §2.1.
        { QStringLiteral("end_session_endpoint"), base + QStringLiteral("/session/end") },
        { QStringLiteral("scopes_supported"), QJsonArray::fromStringList(scopes::names()) },
        { QStringLiteral("response_types_supported"), list({ "code" }) },
        { QStringLiteral("response_modes_supported"), list({ "query" }) },
        { QStringLiteral("grant_types_supported"), list({ "authorization_code", "refresh_token" }) },
        { QStringLiteral("subject_types_supported"), list({ "public" }) },
        { QStringLiteral("id_token_signing_alg_values_supported"), list({ "RS256" }) },
        { QStringLiteral("token_endpoint_auth_methods_supported"),
            list({ "client_secret_basic", "client_secret_post", "none" }) },
        { QStringLiteral("revocation_endpoint_auth_methods_supported"),
            list({ "client_secret_basic", "client_secret_post", "none" }) },
        { QStringLiteral("introspection_endpoint_auth_methods_supported"),
            list({ "client_secret_basic", "client_secret_post" }) },
        { QStringLiteral("code_challenge_methods_supported"), list({ "S256" }) },
        // Every claim the ID token or userinfo may carry: the protocol's (OIDC Core §2) and the standard
        // claims of §5.1 (bank/UserClaims.h).
        { QStringLiteral("claims_supported"),
            QJsonArray::fromStringList(
                QStringList { QStringLiteral("sub"), QStringLiteral("iss"), QStringLiteral("aud"),
                    QStringLiteral("azp"), QStringLiteral("exp"), QStringLiteral("iat"),
                    QStringLiteral("auth_time"), QStringLiteral("nonce"), QStringLiteral("at_hash"),
                    QStringLiteral("acr"), QStringLiteral("amr") }
                + userclaims::names()) },
        // OIDC Core §2: the one acr the bank asserts for its password login (bank/AuthenticationContext.cpp).
        { QStringLiteral("acr_values_supported"), QJsonArray::fromStringList(authn::supportedAcrValues()) },
        { QStringLiteral("prompt_values_supported"), list({ "none", "login", "consent", "select_account" }) },
        { QStringLiteral("authorization_response_iss_parameter_supported"), true }, // RFC 9207 §3
        { QStringLiteral("request_parameter_supported"), false },
        { QStringLiteral("request_uri_parameter_supported"), false },
        { QStringLiteral("claims_parameter_supported"), true }, // OIDC Core §5.5
    };
    return HttpResponse::json(QJsonDocument(metadata));
}

HttpResponse MetadataEndpoints::jwks(HttpRequest &)
{
    HttpResponse response = HttpResponse::json(QJsonDocument(m_bank.jwks()));
    response.setHeader("Content-Type", "application/jwk-set+json");
    return response;
}

HttpResponse MetadataEndpoints::stylesheet(HttpRequest &)
{
    QFile file(QStringLiteral(":/bank/bank.css"));
    file.open(QIODevice::ReadOnly);
    HttpResponse response = HttpResponse::text(file.readAll());
    response.setHeader("Content-Type", "text/css; charset=utf-8");
    response.setHeader("Cache-Control", "max-age=3600");
    return response;
}

HttpResponse MetadataEndpoints::home(HttpRequest &)
{
    return HttpResponse::html(PageRenderer::render(QStringLiteral("home.html"),
        QStringLiteral("Loopback Bank"), { { QStringLiteral("issuer"), m_bank.issuer() } }));
}

} // namespace cfl
