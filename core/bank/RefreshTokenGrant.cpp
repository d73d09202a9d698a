#include "bank/RefreshTokenGrant.h"

#include "bank/Scopes.h"
#include "crypto/Digest.h"

#include <algorithm>

namespace cfl {

namespace {
// What the checks found out about the refresh token so far.
struct Refresh
{
    const ClientRequest &request;
    QString presented;
    QByteArray hash;
    IssuedToken record; // empty until the token is found
    QStringList scopes; // of the new access token
    User user;
};

// check refresh_token: present (RFC 6749 §6)
Verdict refreshTokenPresent(BankContext &, Refresh &r)
{
    r.presented = r.request.form.valueOr(QStringLiteral("refresh_token"));
    if (!r.presented.isEmpty())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("refresh_token is missing"), QStringLiteral("RFC 6749 §6"));
}

// check refresh_token: one of this bank's refresh tokens, looked up by its SHA-256 (RFC 6749 §6)
Verdict refreshTokenKnown(BankContext &bank, Refresh &r)
{
    r.hash = sha256Hex(r.presented.toUtf8());
    r.record = bank.store().grants().token(r.hash).value_or(IssuedToken {});
    r.scopes = r.record.scopes;
    if (!r.record.tokenHash.isEmpty() && r.record.kind == TokenKind::Refresh)
        return {};
    return OAuthError::invalidGrant(QStringLiteral("unknown refresh token"), QStringLiteral("RFC 6749 §6"));
}

// check client: the token was issued to this client (RFC 6749 §6)
Verdict refreshTokenOfThisClient(BankContext &, Refresh &r)
{
    if (r.record.clientId == r.request.client.clientId)
        return {};
    return OAuthError::invalidGrant(
        QStringLiteral("refresh token was issued to another client"), QStringLiteral("RFC 6749 §6"))
        .compared(r.record.clientId, r.request.client.clientId);
}

// check reuse: a rotated token that comes back was stolen; its family is revoked (RFC 9700 §4.14.2)
Verdict refreshTokenNotRotated(BankContext &bank, Refresh &r)
{
    if (r.record.rotatedAt == 0)
        return {};
    return Verdict(
        OAuthError::invalidGrant(QStringLiteral("refresh token was already used; every token of its "
                                                "family has been revoked"),
            QStringLiteral("RFC 9700 §4.14.2")),
        [&bank, familyId = r.record.familyId, clientId = r.request.client.clientId] {
            const int revoked = bank.store().grants().revokeFamily(
                familyId, bank.now(), QStringLiteral("rotated refresh token reused"));
            bank.audit(QStringLiteral("revocation"), clientId, {},
                QStringLiteral("rotated refresh token reused: family revoked (%1 token(s))").arg(revoked));
        });
}

// check revocation: a revoked refresh token stops working at once (RFC 7009 §2.1)
Verdict refreshTokenNotRevoked(BankContext &, Refresh &r)
{
    if (r.record.revokedAt == 0)
        return {};
    return OAuthError::invalidGrant(
        QStringLiteral("refresh token has been revoked (%1)").arg(r.record.revokedReason),
        QStringLiteral("RFC 7009 §2.1"));
}

// check expiry (RFC 6749 §6)
Verdict refreshTokenFresh(BankContext &bank, Refresh &r)
{
    if (r.record.expiresAt > bank.now())
        return {};
    return OAuthError::invalidGrant(QStringLiteral("refresh token expired"), QStringLiteral("RFC 6749 §6"));
}

// check the family's absolute lifetime: rotation gives each refresh token a fresh expiry, but the grant
// they carry on began with the code; past BankConfig::refreshFamilyLifetime from then, John has to sign in
// again (RFC 9700 §4.14.2: refresh tokens expire; RFC 6749 §6 invalid_grant). Read live: a trainer who
// shortens it ends the families already past it.
Verdict familyWithinLifetime(BankContext &bank, Refresh &r)
{
    qint64 startedAt = r.record.issuedAt;
    if (const qint64 familyStart = bank.store().grants().familyStartedAt(r.record.familyId); familyStart > 0)
        startedAt = std::min(startedAt, familyStart);
    const qint64 endsAt = startedAt + bank.config().refreshFamilyLifetime;
    if (bank.now() < endsAt)
        return {};
    return OAuthError::invalidGrant(QStringLiteral("the grant behind this refresh token is older than %1 s, "
                                                   "its absolute lifetime: sign in again")
                                        .arg(bank.config().refreshFamilyLifetime),
        QStringLiteral("RFC 9700 §4.14.2, RFC 6749 §6"))
        .compared(QStringLiteral("now < %1").arg(endsAt), QString::number(bank.now()));
}

// check scope: the same as originally granted, or fewer (RFC 6749 §6)
Verdict scopeWithinGrant(BankContext &, Refresh &r)
{
    const auto requested = r.request.form.value(QStringLiteral("scope"));
    if (!requested || requested->isEmpty())
        return {};
    r.scopes = scopes::parse(*requested);
    for (const QString &scope : std::as_const(r.scopes)) {
        if (!r.record.scopes.contains(scope)) {
            return OAuthError::invalidScope(
                QStringLiteral("scope '%1' was not granted originally").arg(scope),
                QStringLiteral("RFC 6749 §6"))
                .compared(scopes::join(r.record.scopes), *requested);
        }
    }
    return {};
}

// check the token's user still exists
Verdict userExists(BankContext &bank, Refresh &r)
{
    r.user = bank.store().users().userById(r.record.userId).value_or(User {});
    if (r.user.id != 0)
        return {};
    return OAuthError::invalidGrant(QStringLiteral("the user of this token no longer exists"));
}

// rotate: exactly once, even when two requests race — a conditional UPDATE; the loser revokes the
// family (RFC 9700 §4.14.2)
Verdict rotatedOnce(BankContext &bank, Refresh &r)
{
    if (bank.store().grants().markTokenRotated(r.hash, bank.now()))
        return {};
    return Verdict(OAuthError::invalidGrant(
                       QStringLiteral("refresh token was already used"), QStringLiteral("RFC 9700 §4.14.2")),
        [&bank, familyId = r.record.familyId] {
            bank.store().grants().revokeFamily(
                familyId, bank.now(), QStringLiteral("rotated refresh token reused"));
        });
}

const CheckList<Refresh> &refreshChecks()
{
    static const CheckList<Refresh> checks {
        { "token.refresh.present", "refresh_token is present", "RFC 6749 §6", refreshTokenPresent },
        { "token.refresh.known", "the refresh token was issued by this bank", "RFC 6749 §6",
            refreshTokenKnown },
        { "token.refresh.client", "the refresh token was issued to this client", "RFC 6749 §6",
            refreshTokenOfThisClient },
        { "token.refresh.not_rotated", "a rotated refresh token used again revokes its whole family",
            "RFC 9700 §4.14.2", refreshTokenNotRotated },
        { "token.refresh.not_revoked", "the refresh token is not revoked", "RFC 7009 §2.1",
            refreshTokenNotRevoked },
        { "token.refresh.expiry", "the refresh token has not expired", "RFC 6749 §6", refreshTokenFresh },
        { "token.refresh.family_lifetime", "the refresh token's family is younger than its absolute lifetime",
            "RFC 9700 §4.14.2, RFC 6749 §6", familyWithinLifetime },
        { "token.refresh.scope", "a requested scope is within the original grant", "RFC 6749 §6",
            scopeWithinGrant },
        { "token.refresh.user", "the refresh token's user still exists", "RFC 6749 §5.2", userExists },
        { "token.refresh.rotate_once", "the refresh token is rotated once, even when two requests race",
            "RFC 9700 §4.14.2", rotatedOnce, CheckEffect::Writes },
    };
    return checks;
}
} // namespace

RefreshTokenGrant::RefreshTokenGrant(BankContext &bank, TokenIssuer &issuer)
    : m_bank(bank)
    , m_issuer(issuer)
{ }

QList<CheckSpec> RefreshTokenGrant::checks()
{
    return specsOf(refreshChecks());
}

namespace {
// The grant a refresh token carries on (RFC 6749 §6), as its checks found it.
GrantContext grantOf(const Refresh &r)
{
    GrantContext grant;
    grant.client = r.request.client;
    grant.user = r.user;
    grant.scopes = r.scopes;
    grant.grantScopes = r.record.scopes; // the new refresh token keeps the grant's scope (RFC 6749 §6)
    grant.nonce = r.record.nonce;
    grant.authTime = r.record.authTime;
    // The login and the claims request of the grant, not of this moment: a refresh is not a login
    // (OIDC Core §12.2).
    grant.amr = r.record.amr;
    grant.acr = r.record.acr;
    grant.claims = r.record.claims;
    grant.codeHash = r.record.codeHash;
    grant.familyId = r.record.familyId;
    grant.parentHash = r.hash;
    return grant;
}
} // namespace

std::optional<SignedAccessToken> RefreshTokenGrant::signAhead(const ClientRequest &request)
{
    Refresh r { request, {}, {}, {}, {}, {} };
    if (!wouldPass(m_bank, refreshChecks(), r))
        return std::nullopt;
    return m_issuer.signAccessToken(grantOf(r));
}

std::variant<QJsonObject, Refusal> RefreshTokenGrant::refresh(
    const ClientRequest &request, const SignedAccessToken *ahead)
{
    Refresh r { request, {}, {}, {}, {}, {} };
    if (auto refusal = runChecks(m_bank, refreshChecks(), r))
        return std::move(*refusal);

    const QJsonObject tokens = m_issuer.issue(grantOf(r), ahead);
    m_bank.audit(QStringLiteral("grant"), request.client.clientId, r.user.username,
        QStringLiteral("refresh token rotated"));
    m_bank.decide(QStringLiteral("refresh token rotated: new access, refresh and ID token"));
    return tokens;
}

} // namespace cfl
