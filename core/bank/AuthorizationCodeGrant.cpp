#include "bank/AuthorizationCodeGrant.h"

#include "crypto/Digest.h"
#include "crypto/Pkce.h"

#include <QUuid>

namespace cfl {

namespace {
// What the checks found out about the code so far.
struct CodeExchange
{
    const ClientRequest &request;
    QString code;
    QByteArray codeHash;
    AuthorizationCode record; // empty until the code is found
    QString verifier;
    User user;
};

// check code: present (RFC 6749 §4.1.3)
Verdict codePresent(BankContext &, CodeExchange &x)
{
    x.code = x.request.form.valueOr(QStringLiteral("code"));
    if (!x.code.isEmpty())
        return {};
    return OAuthError::invalidRequest(QStringLiteral("code is missing"), QStringLiteral("RFC 6749 §4.1.3"));
}

// check code: issued by this bank, looked up by its SHA-256 (RFC 6749 §5.2)
Verdict codeKnown(BankContext &bank, CodeExchange &x)
{
    x.codeHash = sha256Hex(x.code.toUtf8());
    x.record = bank.store().grants().code(x.codeHash).value_or(AuthorizationCode {});
    if (!x.record.codeHash.isEmpty())
        return {};
    return OAuthError::invalidGrant(QStringLiteral("unknown authorization code"));
}

// check client: the code was issued to this client (RFC 6749 §4.1.3)
Verdict codeOfThisClient(BankContext &, CodeExchange &x)
{
    if (x.record.clientId == x.request.client.clientId)
        return {};
    return OAuthError::invalidGrant(
        QStringLiteral("authorization code was issued to another client"), QStringLiteral("RFC 6749 §4.1.3"))
        .compared(x.record.clientId, x.request.client.clientId);
}

// check code replay: a code used before is refused, and every token issued from it revoked (RFC 6749
// §4.1.2, §10.5) — only when its own client, authenticated, presents it again (the checks before this)
Verdict codeUnused(BankContext &bank, CodeExchange &x)
{
    if (x.record.redeemedAt == 0)
        return {};
    return Verdict(OAuthError::invalidGrant(
                       QStringLiteral("authorization code was already used; the tokens issued from it have "
                                      "been revoked"),
                       QStringLiteral("RFC 6749 §4.1.2, §10.5")),
        [&bank, codeHash = x.codeHash, clientId = x.request.client.clientId] {
            const int revoked = bank.store().grants().revokeTokensFromCode(
                codeHash, bank.now(), QStringLiteral("authorization code replayed"));
            bank.audit(QStringLiteral("revocation"), clientId, {},
                QStringLiteral("authorization code %1… used twice: %2 token(s) revoked")
                    .arg(QString::fromLatin1(codeHash.left(8)))
                    .arg(revoked));
        });
}

// check expiry: codes are short-lived (RFC 6749 §4.1.2)
Verdict codeFresh(BankContext &bank, CodeExchange &x)
{
    if (x.record.expiresAt > bank.now())
        return {};
    return OAuthError::invalidGrant(QStringLiteral("authorization code expired %1 s ago (codes live %2 s)")
                                        .arg(bank.now() - x.record.expiresAt)
                                        .arg(bank.config().codeLifetime),
        QStringLiteral("RFC 6749 §4.1.2"))
        .compared(QStringLiteral("before %1").arg(x.record.expiresAt), QString::number(bank.now()));
}

// check redirect_uri: identical to the authorization request's (RFC 6749 §4.1.3)
Verdict sameRedirectUri(BankContext &, CodeExchange &x)
{
    const QString redirectUri = x.request.form.valueOr(QStringLiteral("redirect_uri"));
    if (redirectUri == x.record.redirectUri)
        return {};
    return OAuthError::invalidGrant(redirectUri.isEmpty()
            ? QStringLiteral("redirect_uri is missing; send the one of the authorization request")
            : QStringLiteral("redirect_uri differs from the authorization request's"),
        QStringLiteral("RFC 6749 §4.1.3"))
        .compared(x.record.redirectUri, redirectUri);
}

// check PKCE: a code_verifier is sent (RFC 7636 §4.5)
Verdict verifierPresent(BankContext &, CodeExchange &x)
{
    x.verifier = x.request.form.valueOr(QStringLiteral("code_verifier"));
    if (!x.verifier.isEmpty())
        return {};
    return OAuthError::invalidGrant(
        QStringLiteral("code_verifier is missing (PKCE)"), QStringLiteral("RFC 7636 §4.5"));
}

// check PKCE: the verifier is 43–128 unreserved characters (RFC 7636 §4.1)
Verdict verifierFormat(BankContext &, CodeExchange &x)
{
    if (pkce::isValidVerifier(x.verifier.toLatin1()))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("code_verifier must be 43–128 characters of A-Z a-z 0-9 - . _ ~"),
        QStringLiteral("RFC 7636 §4.1"));
}

// check PKCE: BASE64URL(SHA-256(code_verifier)) equals the code_challenge, in constant time (RFC 7636 §4.6)
Verdict verifierMatches(BankContext &, CodeExchange &x)
{
    if (pkce::verifyS256(x.verifier.toLatin1(), x.record.codeChallenge.toLatin1()))
        return {};
    return OAuthError::invalidGrant(
        QStringLiteral("code_verifier does not match the code_challenge"), QStringLiteral("RFC 7636 §4.6"))
        .compared(x.record.codeChallenge, QString::fromLatin1(pkce::s256Challenge(x.verifier.toLatin1())));
}

// redeem: exactly once, even when two requests race — a conditional UPDATE (RFC 6749 §4.1.2)
Verdict redeemedOnce(BankContext &bank, CodeExchange &x)
{
    if (bank.store().grants().markCodeRedeemed(x.codeHash, bank.now()))
        return {};
    return OAuthError::invalidGrant(
        QStringLiteral("authorization code was already used"), QStringLiteral("RFC 6749 §4.1.2"));
}

// check the code's user still exists
Verdict userExists(BankContext &bank, CodeExchange &x)
{
    x.user = bank.store().users().userById(x.record.userId).value_or(User {});
    if (x.user.id != 0)
        return {};
    return OAuthError::invalidGrant(QStringLiteral("the user of this code no longer exists"));
}

const CheckList<CodeExchange> &codeChecks()
{
    static const CheckList<CodeExchange> checks {
        { "token.code.present", "code is present", "RFC 6749 §4.1.3", codePresent },
        { "token.code.known", "the code was issued by this bank", "RFC 6749 §5.2", codeKnown },
        // RFC 6749 §4.1.3's order: the client is authenticated (clientRequestChecks) and the code is its
        // own before the replay check may revoke anything (§10.5): another client holding a used code,
        // even a public one that needs no secret, is refused without touching the owner's tokens.
        { "token.code.client", "the code was issued to this client", "RFC 6749 §4.1.3", codeOfThisClient },
        { "token.code.unused", "a code used before is refused, and its tokens revoked",
            "RFC 6749 §4.1.2, §10.5", codeUnused },
        { "token.code.expiry", "the code has not expired", "RFC 6749 §4.1.2", codeFresh },
        { "token.code.redirect_uri", "redirect_uri is the authorization request's, character for character",
            "RFC 6749 §4.1.3", sameRedirectUri },
        { "token.code.verifier_present", "code_verifier is present", "RFC 7636 §4.5", verifierPresent },
        { "token.code.verifier_format", "code_verifier is 43–128 unreserved characters", "RFC 7636 §4.1",
            verifierFormat },
        { "token.code.pkce", "BASE64URL(SHA-256(code_verifier)) equals the code_challenge", "RFC 7636 §4.6",
            verifierMatches },
        { "token.code.redeem_once", "the code is redeemed once, even when two requests race",
            "RFC 6749 §4.1.2", redeemedOnce },
        { "token.code.user", "the code's user still exists", "RFC 6749 §5.2", userExists },
    };
    return checks;
}
} // namespace

AuthorizationCodeGrant::AuthorizationCodeGrant(BankContext &bank, TokenIssuer &issuer)
    : m_bank(bank)
    , m_issuer(issuer)
{ }

QList<CheckSpec> AuthorizationCodeGrant::checks()
{
    return specsOf(codeChecks());
}

std::variant<QJsonObject, Refusal> AuthorizationCodeGrant::exchange(const ClientRequest &request)
{
    CodeExchange x { request, {}, {}, {}, {}, {} };
    if (auto refusal = runChecks(m_bank, codeChecks(), x))
        return std::move(*refusal);

    m_bank.decide(
        QStringLiteral("code, client secret, redirect URI and PKCE verifier checked: tokens issued"));
    GrantContext grant;
    grant.client = request.client;
    grant.user = x.user;
    grant.scopes = x.record.scopes;
    grant.nonce = x.record.nonce;
    grant.authTime = x.record.authTime;
    grant.amr = x.record.amr;
    grant.acr = x.record.acr;
    grant.claims = x.record.claims;
    grant.codeHash = x.codeHash;
    grant.familyId = QUuid::createUuid().toString(QUuid::WithoutBraces); // a new refresh token family
    const QJsonObject tokens = m_issuer.issue(grant);
    m_bank.audit(QStringLiteral("grant"), request.client.clientId, x.user.username,
        QStringLiteral("tokens issued for code %1… (%2)")
            .arg(QString::fromLatin1(x.codeHash.left(8)), tokens.value(QStringLiteral("scope")).toString()));
    return tokens;
}

} // namespace cfl
