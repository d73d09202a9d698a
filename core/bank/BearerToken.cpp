#include "bank/BearerToken.h"

#include "bank/FormPost.h"
#include "bank/UserClaims.h"
#include "crypto/Jwt.h"

namespace cfl {

namespace {
// check the token travels in the Authorization header only: query and body forms leak into logs and
// histories (RFC 6750 §2.1, §5.3; RFC 9700 §2.5)
Verdict notInTheUrl(BankContext &, BearerRequest &r)
{
    if (!r.http.url.hasQuery() || !r.http.url.query().contains(QStringLiteral("access_token=")))
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral("send the access token in the Authorization header, not the URL"),
        QStringLiteral("RFC 6750 §2.1, §5.3"));
}

// check a token in the body travels as RFC 6750 §2.2 has it: the access_token field of a POST whose body
// is application/x-www-form-urlencoded, valid form encoding, with no field given twice (RFC 6749 §3.2);
// a GET has no body to carry one. Only where the endpoint takes body tokens (userinfo); elsewhere a body
// is the endpoint's own and never read for a token.
Verdict bodyTokenForm(BankContext &, BearerRequest &r)
{
    if (!r.bodyAllowed || r.http.body.isEmpty())
        return {};
    const QByteArray contentType = r.http.header("Content-Type").split(';').value(0).trimmed().toLower();
    if (contentType != "application/x-www-form-urlencoded")
        return {}; // not a form: no token in it (RFC 6750 §2.2 "Content-Type ...
                   // application/x-www-form-urlencoded")
    QString error;
    const auto form = parseFormPost(r.http, {}, &error);
    if (!form)
        return OAuthError::invalidRequest(error, QStringLiteral("RFC 6750 §2.2, RFC 6749 §3.2"));
    if (!form->contains(QStringLiteral("access_token")))
        return {};
    if (r.http.method != "POST")
        return OAuthError::invalidRequest(
            QStringLiteral(
                "a GET has no body: send the access token in the Authorization header or a POST body"),
            QStringLiteral("RFC 6750 §2.2"));
    r.bodyToken = form->valueOr(QStringLiteral("access_token")).toUtf8();
    return {};
}

// check the token comes one way only: "Clients MUST NOT use more than one method to transmit the token in
// each request" — a header and a body token at once are refused, whichever would have been read (RFC 6750
// §2, §3.1 invalid_request)
Verdict oneMethod(BankContext &, BearerRequest &r)
{
    if (r.bodyToken.isEmpty() || r.http.header("Authorization").isEmpty())
        return {};
    return OAuthError::invalidRequest(
        QStringLiteral(
            "the access token came both in the Authorization header and in the body: send it one way"),
        QStringLiteral("RFC 6750 §2, §3.1"));
}

// check a token is sent at all; without one, the challenge carries no error code (RFC 6750 §3.1)
Verdict tokenSent(BankContext &, BearerRequest &r)
{
    if (!r.http.header("Authorization").isEmpty() || !r.bodyToken.isEmpty())
        return {};
    return OAuthError::noBearerToken();
}

// check the scheme: Bearer (RFC 6750 §2.1); a token from the body has none to check
Verdict bearerScheme(BankContext &, BearerRequest &r)
{
    const QByteArray authorization = r.http.header("Authorization");
    if (authorization.isEmpty()) { // the body's token (the checks before made sure there is one)
        r.token = r.bodyToken;
        return {};
    }
    r.token = authorization.mid(7).trimmed();
    if (authorization.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
        return {};
    return OAuthError::invalidRequest(QStringLiteral("the Authorization header must use the Bearer scheme"),
        QStringLiteral("RFC 6750 §2.1"));
}

// check the signature: RS256 with a key of the bank's JWKS, whatever alg the token names (RFC 7515;
// RFC 8725 §3.1). A token this thread accepted before, with the same JWKS, is not verified again
// (crypto/VerifiedJwts.h).
Verdict signature(BankContext &bank, BearerRequest &r)
{
    QString error;
    if (const auto verified = bank.verifiedAccessTokens().verify(r.token, bank.jwks(), &error)) {
        r.header = verified->header;
        r.claims = verified->payload;
        return {};
    }
    // What the checks after this one compare if it is switched off: the token as it claims to be.
    if (const auto unverified = decodeJwt(r.token)) {
        r.header = unverified->header;
        r.claims = unverified->payload;
    }
    return OAuthError::invalidToken(QStringLiteral("access token rejected: %1").arg(error));
}

// check type: an access token, typ at+jwt; an ID token is not for APIs (RFC 9068 §4)
Verdict accessTokenType(BankContext &, BearerRequest &r)
{
    if (r.header.value(QStringLiteral("typ")).toString().compare(QLatin1String("at+jwt"), Qt::CaseInsensitive)
        == 0)
        return {};
    return OAuthError::invalidToken(
        QStringLiteral("this is not an access token (typ must be at+jwt); an ID token is not for APIs"));
}

// check issuer: this bank (RFC 9068 §4)
Verdict issuer(BankContext &bank, BearerRequest &r)
{
    const QString iss = r.claims.value(QStringLiteral("iss")).toString();
    if (iss == bank.issuer())
        return {};
    return OAuthError::invalidToken(QStringLiteral("access token from another issuer"))
        .compared(bank.issuer(), iss);
}

// check audience: banky (RFC 9068 §4, RFC 8707)
Verdict audience(BankContext &bank, BearerRequest &r)
{
    const QString aud = r.claims.value(QStringLiteral("aud")).toString();
    if (aud == bank.apiAudience())
        return {};
    return OAuthError::invalidToken(QStringLiteral("access token is not meant for banky"))
        .compared(bank.apiAudience(), aud);
}

// check expiry (RFC 9068 §4)
Verdict notExpired(BankContext &bank, BearerRequest &r)
{
    const qint64 exp = r.claims.value(QStringLiteral("exp")).toInteger();
    if (exp > bank.now())
        return {};
    return OAuthError::invalidToken(QStringLiteral("access token expired %1 s ago").arg(bank.now() - exp))
        .compared(QStringLiteral("exp > %1").arg(bank.now()), QString::number(exp));
}

// check the ledger: an access token the bank issued, found by its jti (RFC 7009)
Verdict knownToTheLedger(BankContext &bank, BearerRequest &r)
{
    r.record = bank.store()
                   .grants()
                   .tokenByJti(r.claims.value(QStringLiteral("jti")).toString())
                   .value_or(IssuedToken {});
    if (!r.record.tokenHash.isEmpty() && r.record.kind == TokenKind::Access)
        return {};
    // What a stateless resource server believes instead of a ledger: the token's own claims. Only read when
    // this check is switched off (the attack lab's banky-skips-ledger): banky then serves whoever the
    // token's sub names, with the scope it claims — which is what the forged-jwt attack needs.
    r.record = IssuedToken {};
    r.record.jti = r.claims.value(QStringLiteral("jti")).toString();
    r.record.userId = userclaims::userIdOfSubject(r.claims.value(QStringLiteral("sub")).toString());
    r.record.clientId = r.claims.value(QStringLiteral("client_id")).toString();
    r.record.scopes
        = r.claims.value(QStringLiteral("scope")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    r.record.expiresAt = r.claims.value(QStringLiteral("exp")).toInteger();
    return OAuthError::invalidToken(QStringLiteral("access token unknown to the bank"));
}

// check revocation: revoked tokens stop working at once (RFC 7009 §2)
Verdict notRevoked(BankContext &, BearerRequest &r)
{
    if (r.record.revokedAt == 0)
        return {};
    return OAuthError::invalidToken(
        QStringLiteral("access token was revoked (%1)").arg(r.record.revokedReason));
}

// check the ledger's expiry: the expiry the bank stored when it issued the token, not only the JWT's exp —
// the ledger is the bank's word on its own token (RFC 6750 §3.1 invalid_token: "expired, revoked ...")
Verdict ledgerNotExpired(BankContext &bank, BearerRequest &r)
{
    if (r.record.expiresAt > bank.now())
        return {};
    return OAuthError::invalidToken(QStringLiteral("access token expired %1 s ago (the bank's ledger)")
                                        .arg(bank.now() - r.record.expiresAt))
        .compared(QStringLiteral("expires_at > %1").arg(bank.now()), QString::number(r.record.expiresAt));
}

// check scope: the token carries the endpoint's scope (RFC 6750 §3.1 insufficient_scope)
Verdict scope(BankContext &, BearerRequest &r)
{
    if (r.requiredScope.isEmpty() || r.record.scopes.contains(r.requiredScope))
        return {};
    return OAuthError::insufficientScope(r.requiredScope);
}
} // namespace

const CheckList<BearerRequest> &bearerChecks()
{
    static const CheckList<BearerRequest> checks {
        { "api.token.not_in_url", "the access token is not sent in the URL", "RFC 6750 §2.1, §5.3",
            notInTheUrl },
        { "api.token.body_form",
            "a token in the body is the access_token field of a form-encoded POST, given once (userinfo "
            "only)",
            "RFC 6750 §2.2", bodyTokenForm },
        { "api.token.one_method", "the token comes one way only, never in the header and the body at once",
            "RFC 6750 §2, §3.1", oneMethod },
        { "api.token.present", "an access token is sent; without one, a challenge without error code",
            "RFC 6750 §3.1", tokenSent },
        { "api.token.bearer_scheme", "the Authorization scheme is Bearer", "RFC 6750 §2.1", bearerScheme },
        { "api.token.signature", "RS256 signature by a key of the bank's JWKS, whatever alg the token names",
            "RFC 7515, RFC 8725 §3.1", signature },
        { "api.token.type", "typ is at+jwt: an ID token is not an access token", "RFC 9068 §4",
            accessTokenType },
        { "api.token.issuer", "iss is this bank", "RFC 9068 §4", issuer },
        { "api.token.audience", "aud is banky", "RFC 9068 §4, RFC 8707", audience },
        { "api.token.expiry", "the token has not expired", "RFC 9068 §4", notExpired },
        { "api.token.known", "the ledger knows the token, by jti, as an access token", "RFC 7009",
            knownToTheLedger },
        { "api.token.not_revoked", "the token is not revoked", "RFC 7009 §2", notRevoked },
        { "api.token.ledger_expiry",
            "the ledger's expiry of the token has not passed, whatever the JWT's exp", "RFC 6750 §3.1",
            ledgerNotExpired },
        { "api.token.scope", "the token carries the endpoint's scope", "RFC 6750 §3.1", scope },
    };
    return checks;
}

} // namespace cfl
