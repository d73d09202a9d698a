#pragma once
// What boris mints once a grant has passed its checks: a JWT access token (RFC 9068), a refresh token
// (opaque, rotated), and an ID token (OpenID Connect Core §2, §3.1.3.6) — from one value, the grant.

#include "bank/BankContext.h"
#include "storage/BankRecords.h"

#include <QJsonObject>
#include <QStringList>

namespace cfl {

// Everything tokens are minted from, whichever grant produced them (RFC 6749 §4.1.3, §6).
struct GrantContext
{
    Client client;
    User user;
    QStringList scopes; // of this access token; a refresh may narrow them (RFC 6749 §6)
    QStringList grantScopes; // of the grant, which a new refresh token keeps; empty: `scopes`
    QString nonce; // of the authorization request, for the ID token (OIDC Core §3.1.3.6)
    qint64 authTime = 0;
    QStringList amr; // how John authenticated (RFC 8176), in every ID token (OIDC Core §2)
    QString acr; // the class the bank asserted for that login (OIDC Core §2)
    QString claims; // the claims request John consented to (OIDC Core §5.5), ClaimsRequest::stored()
    QByteArray codeHash; // the code the grant started from: a replay revokes by it (RFC 6749 §10.5)
    QString familyId; // the refresh token family (RFC 9700 §4.14.2)
    QByteArray parentHash; // the refresh token this one rotates, if any
};

// An access token signed ahead of the transaction that records it (TokenIssuer::signAccessToken).
struct SignedAccessToken
{
    QString jti;
    qint64 issuedAt = 0;
    QJsonObject claims; // what was signed (RFC 9068 §2.2)
    QByteArray token; // the JWT
};

class TokenIssuer
{
public:
    explicit TokenIssuer(BankContext &bank);

    // Stores the tokens in the ledger and returns the token response (RFC 6749 §5.1), with its id_token,
    // if any, still as its claims: the ledger keeps nothing of an ID token, so TokenEndpoint signs it with
    // signIdToken() once the grant's transaction committed. An RSA signature costs more than the rest of
    // a refresh, and inside the transaction it held every other writer of the bank (docs/benchmarks.md).
    // `ahead`, an access token signed before the transaction, is issued only if it says exactly what this
    // grant's access token would say now (the same claims, signed at most a second ago); otherwise the
    // access token is signed here.
    QJsonObject issue(const GrantContext &grant, const SignedAccessToken *ahead = nullptr);
    // The access token `grant` yields now, signed (RFC 9068 §2.1, RS256); recorded nowhere until issue().
    SignedAccessToken signAccessToken(const GrantContext &grant);
    // Replaces the response's id_token claims with the signed ID token (RFC 7515, RS256).
    void signIdToken(QJsonObject &response);

private:
    QJsonObject accessClaims(const GrantContext &grant, const QString &jti, qint64 issuedAt) const;
    SignedAccessToken signAccessTokenAt(const GrantContext &grant, qint64 issuedAt);

    BankContext &m_bank;
};

} // namespace cfl
