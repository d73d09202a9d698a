#include "bank/Interactions.h"

#include "bank/AuthenticationContext.h"
#include "bank/ClaimsRequest.h"
#include "bank/RedirectUri.h"
#include "bank/Scopes.h"
#include "bank/UserClaims.h"
#include "crypto/Digest.h"
#include "crypto/SecureRandom.h"

#include <algorithm>

namespace cfl {

Interactions::Interactions(BankContext &bank)
    : m_bank(bank)
{ }

wire::SetCookie Interactions::cookie()
{
    wire::SetCookie cookie;
    cookie.name = "cfl_interaction";
    cookie.path = "/interaction";
    return cookie;
}

HttpResponse Interactions::begin(Interaction interaction)
{
    interaction.id = QString::fromLatin1(randomToken(24));
    interaction.csrfToken = randomToken();
    interaction.createdAt = m_bank.now();
    interaction.expiresAt = m_bank.now() + m_bank.config().interactionLifetime;
    m_bank.store().sessions().insertInteraction(interaction);
    HttpResponse response
        = HttpResponse::redirect(QUrl(QStringLiteral("/interaction/") + interaction.id), 303);
    wire::SetCookie setCookie = cookie();
    setCookie.value = interaction.id.toLatin1();
    response.addHeader("Set-Cookie", setCookie.toHeaderValue());
    return response;
}

bool Interactions::consentCovers(qint64 userId, const QString &clientId, const QStringList &scopes) const
{
    if (!m_bank.config().rememberConsent)
        return false;
    const auto consent = m_bank.store().consents().activeConsent(userId, clientId);
    return consent && std::all_of(scopes.cbegin(), scopes.cend(), [&](const QString &s) {
        return consent->scopes.contains(s);
    });
}

bool Interactions::clientIdentityUnproven(const Client &client, const QString &redirectUri)
{
    return client.isPublic && redirect::isLoopbackRedirect(redirectUri);
}

QStringList Interactions::scopesToConsent(const Interaction &interaction, const Client &client)
{
    QStringList scopes = interaction.scopes;
    for (const QString &name :
        ClaimsRequest::fromStored(interaction.claims).userClaims(client.allowedScopes)) {
        const QString scope = userclaims::find(name)->scope;
        if (!scopes.contains(scope))
            scopes.append(scope);
    }
    return scopes;
}

bool Interactions::rememberedConsentAnswers(const Interaction &interaction)
{
    const auto client = m_bank.store().clients().client(interaction.clientId);
    if (interaction.userId == 0 || interaction.prompt.contains(QStringLiteral("consent")) || !client
        || !consentCovers(interaction.userId, interaction.clientId, scopesToConsent(interaction, *client)))
        return false;
    if (!client || clientIdentityUnproven(*client, interaction.redirectUri)) {
        m_bank.decide(
            QStringLiteral("John is asked again: his remembered consent does not answer for a public "
                           "client on a loopback redirect URI, where any local program could "
                           "listen (RFC 8252 §8.6)"));
        return false;
    }
    m_bank.decide(QStringLiteral("consent already given earlier for these scopes"));
    return true;
}

HttpResponse Interactions::issueCode(
    const Interaction &interaction, const User &user, const QStringList &granted, bool answeringPost)
{
    // One use, short-lived, bound to client, redirect URI, PKCE challenge, nonce and the granted scopes
    // (RFC 6749 §4.1.2, §10.5; RFC 7636 §4.4).
    const QByteArray code = randomToken();
    AuthorizationCode record;
    record.codeHash = sha256Hex(code);
    record.clientId = interaction.clientId;
    record.userId = user.id;
    record.redirectUri = interaction.redirectUri;
    record.scopes = granted;
    record.nonce = interaction.nonce;
    record.codeChallenge = interaction.codeChallenge;
    record.codeChallengeMethod = interaction.codeChallengeMethod;
    record.authTime = interaction.authTime;
    record.amr = interaction.amr;
    const ClaimsRequest claims = ClaimsRequest::fromStored(interaction.claims);
    record.acr = authn::acrFor(claims, interaction.acrValues);
    // What was asked by name, as John's consent leaves it (OIDC Core §5.5): kept with the grant.
    const Client client = m_bank.store().clients().client(interaction.clientId).value_or(Client {});
    record.claims = claims.consentedTo(interaction.scopes, granted, client.allowedScopes).stored();
    record.issuedAt = m_bank.now();
    record.expiresAt = m_bank.now() + m_bank.config().codeLifetime;
    m_bank.store().grants().insertCode(record);
    if (!interaction.id.isEmpty())
        m_bank.store().sessions().deleteInteraction(interaction.id);
    m_bank.audit(QStringLiteral("grant"), interaction.clientId, user.username,
        QStringLiteral("authorization code %1… issued for %2")
            .arg(QString::fromLatin1(record.codeHash.left(8)), scopes::join(granted)));
    m_bank.decide(
        QStringLiteral("authorization code issued, bound to client, redirect URI, PKCE challenge and nonce"),
        9);

    QList<QPair<QString, QString>> parameters { { QStringLiteral("code"), QString::fromLatin1(code) } };
    if (!interaction.state.isEmpty())
        parameters.append({ QStringLiteral("state"), interaction.state }); // RFC 6749 §4.1.2, §10.12
    parameters.append({ QStringLiteral("iss"), m_bank.issuer() }); // RFC 9207 §2
    HttpResponse response
        = HttpResponse::redirect(redirect::withParameters(interaction.redirectUri, parameters),
            answeringPost ? m_bank.redirectStatusAfterPost() : 302);
    m_bank.answerRealises(seed::RedirectWithCode);
    response.addHeader("Set-Cookie", cookie().expired().toHeaderValue());
    return response;
}

} // namespace cfl
