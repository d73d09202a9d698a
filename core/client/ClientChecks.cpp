// The catalogue of CoolLoan's own checks (client/ClientChecks.h). Where each one is enforced:
// docs/architecture.md, "CoolLoan".

#include "client/ClientChecks.h"

#include <cstddef>
#include <iterator>

namespace cfl {

namespace {
struct Entry
{
    ClientCheckId check;
    const char *id;
    const char *rule;
    const char *section;
};

// In ClientCheckId's order: the order a grant meets them.
constexpr Entry Catalogue[] = {
    { ClientCheckId::DiscoveryIssuer, "coolloan.discovery.issuer",
        "the discovery document's issuer is exactly the issuer CoolLoan asked",
        "OpenID Connect Discovery §4.3" },
    { ClientCheckId::JwksKeys, "coolloan.jwks.keys", "the bank's JWKS can be read and lists at least one key",
        "RFC 7517 §5" },
    { ClientCheckId::RedirectState, "coolloan.redirect.state",
        "the redirect's state is the one CoolLoan sent", "RFC 6749 §10.12" },
    { ClientCheckId::RedirectIssPresent, "coolloan.redirect.iss_present",
        "the redirect names its issuer when the bank advertises "
        "authorization_response_iss_parameter_supported",
        "RFC 9207 §2.4" },
    { ClientCheckId::RedirectIss, "coolloan.redirect.iss",
        "the redirect's iss is exactly the issuer CoolLoan sent John to", "RFC 9207 §2.4" },
    { ClientCheckId::AccessTokenPresent, "coolloan.token.access_token",
        "the token response carries an access_token", "RFC 6749 §5.1" },
    { ClientCheckId::IdTokenPresent, "coolloan.id_token.present",
        "with openid granted, the token response carries an ID token", "OpenID Connect Core §3.1.3.3" },
    { ClientCheckId::IdTokenSignature, "coolloan.id_token.signature",
        "RS256 by a key of the bank's JWKS, chosen by kid, whatever alg the token names",
        "OpenID Connect Core §3.1.3.7 (6); RFC 8725 §3.1" },
    { ClientCheckId::IdTokenIssuer, "coolloan.id_token.issuer", "iss is exactly the discovered issuer",
        "OpenID Connect Core §3.1.3.7 (2)" },
    { ClientCheckId::IdTokenAudience, "coolloan.id_token.audience", "aud contains CoolLoan's client_id",
        "OpenID Connect Core §3.1.3.7 (3)" },
    { ClientCheckId::IdTokenAuthorizedParty, "coolloan.id_token.azp",
        "with several audiences azp is present; an azp is CoolLoan", "OpenID Connect Core §3.1.3.7 (4, 5)" },
    { ClientCheckId::IdTokenExpiry, "coolloan.id_token.expiry",
        "exp is present and in the future (30 s leeway)", "OpenID Connect Core §3.1.3.7 (9)" },
    { ClientCheckId::IdTokenIssuedAt, "coolloan.id_token.issued_at",
        "iat is present and not in the future (30 s leeway)", "OpenID Connect Core §3.1.3.7 (10)" },
    { ClientCheckId::IdTokenNonce, "coolloan.id_token.nonce", "nonce is the one CoolLoan sent",
        "OpenID Connect Core §3.1.3.7 (11)" },
    { ClientCheckId::IdTokenAtHash, "coolloan.id_token.at_hash",
        "at_hash matches the access token that came with it", "OpenID Connect Core §3.1.3.8, §3.2.2.9" },
    { ClientCheckId::IdTokenSameSubject, "coolloan.id_token.same_subject",
        "a refreshed ID token is about the same sub as the first", "OpenID Connect Core §12.2" },
};

constexpr bool inEnumOrder()
{
    for (std::size_t i = 0; i < std::size(Catalogue); ++i) {
        if (Catalogue[i].check != static_cast<ClientCheckId>(i))
            return false;
    }
    return Catalogue[std::size(Catalogue) - 1].check == ClientCheckId::IdTokenSameSubject;
}
static_assert(inEnumOrder(), "one entry per ClientCheckId, in the enum's order");

const QList<ClientCheck> &specs()
{
    static const QList<ClientCheck> checks = [] {
        QList<ClientCheck> list;
        for (const Entry &entry : Catalogue)
            list.append({ QString::fromUtf8(entry.id), QString::fromUtf8(entry.rule),
                QString::fromUtf8(entry.section) });
        return list;
    }();
    return checks;
}
} // namespace

const ClientCheck &clientCheck(ClientCheckId check)
{
    return specs().at(static_cast<qsizetype>(check));
}

QList<ClientCheck> clientChecks()
{
    return specs();
}

std::optional<ClientCheck> findClientCheck(const QString &id)
{
    for (const ClientCheck &check : specs()) {
        if (check.id == id)
            return check;
    }
    return std::nullopt;
}

} // namespace cfl
