#pragma once
// Plain values read from and written to the bank's database. Times are seconds since the Unix epoch
// (UTC); 0 means "not set" (e.g. revokedAt == 0: not revoked).

#include <QByteArray>
#include <QDate>
#include <QString>
#include <QStringList>

namespace cfl {

struct User
{
    qint64 id = 0;
    QString username;
    QByteArray passwordHash; // argon2id, PHC string
    QString name;
    QString givenName;
    QString familyName;
    QString email;
    bool emailVerified = false;
    qint64 updatedAt = 0;
    // The other standard claims of OpenID Connect Core §5.1, released by scope (§5.4): profile …
    QString middleName;
    QString nickname;
    QString profileUrl; // "profile": a page about the user
    QString pictureUrl; // "picture"
    QString website;
    QString gender;
    QString birthdate; // YYYY-MM-DD (ISO 8601)
    QString zoneinfo; // a tz database name, "Europe/Berlin"
    QString locale; // BCP 47, "en-GB"
    // … phone (§5.1: E.164 recommended) …
    QString phoneNumber;
    bool phoneNumberVerified = false;
    // … and address (§5.1.1; "formatted" is made from these parts)
    struct Address
    {
        QString streetAddress; // lines joined by '\n'
        QString locality;
        QString region;
        QString postalCode;
        QString country;
    } address;
};

struct BankAccount
{
    QString id; // e.g. "CHK-1001"
    qint64 userId = 0;
    QString kind; // "checking" | "savings"
    QString name;
    QString iban;
    QString currency; // "EUR"
    qint64 balanceCents = 0;
};

struct BankTransaction
{
    qint64 id = 0;
    QString accountId;
    QDate bookedOn;
    QString description;
    QString counterparty;
    QString category; // "salary", "rent", "groceries", "utilities", "transfer", "leisure", "payment"...
    qint64 amountCents = 0; // negative = debit
    qint64 balanceAfterCents = 0;
};

struct Client
{
    QString clientId;
    QString name;
    QByteArray secretHash; // sha256Hex of the secret; empty for public clients
    bool isPublic = false;
    QStringList redirectUris;
    QStringList allowedScopes;
    qint64 createdAt = 0;
    // Where the bank may send John back after logging him out (OpenID Connect RP-Initiated Logout 1.0
    // §3); empty: never.
    QStringList postLogoutRedirectUris;
};

struct Consent
{
    qint64 id = 0;
    qint64 userId = 0;
    QString clientId;
    QStringList scopes; // sorted
    qint64 grantedAt = 0;
    qint64 updatedAt = 0;
    qint64 revokedAt = 0;
};

// A logged-in browser session at the bank (eddy's login; also John's online banking).
struct LoginSession
{
    QByteArray idHash; // sha256Hex of the cookie value
    qint64 userId = 0;
    qint64 authTime = 0;
    qint64 expiresAt = 0;
    qint64 revokedAt = 0;
    // The online banking forms' CSRF token: random, per session, never derived from the cookie
    // (synchronizer token, OWASP CSRF Prevention Cheat Sheet). Empty: a session without one (refused).
    QByteArray csrfToken;
    QStringList amr; // how John authenticated when the session began (RFC 8176 §2: "pwd")
};

// A pending browser interaction: an authorization request waiting for login and consent, or a login
// to online banking. Its id travels in a cookie; its random CSRF token, kept here, in the forms
// (synchronizer token).
struct Interaction
{
    QString id;
    QString kind; // "authorize" | "web-login"
    QString clientId;
    QString redirectUri;
    QStringList scopes;
    QString state;
    QString nonce;
    QString codeChallenge;
    QString codeChallengeMethod;
    QString prompt;
    qint64 maxAge = -1; // -1: not given
    QByteArray csrfToken;
    qint64 userId = 0; // set once John has logged in during this interaction
    qint64 authTime = 0; // when he did
    QStringList amr; // and how (RFC 8176 §2), from the login form or the login session
    QString claims; // the claims request parameter, as ClaimsRequest::stored() (OIDC Core §5.5); '' none
    QString acrValues; // acr_values as given, space-separated (OIDC Core §3.1.2.1)
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
};

struct AuthorizationCode
{
    QByteArray codeHash;
    QString clientId;
    qint64 userId = 0;
    QString redirectUri;
    QStringList scopes;
    QString nonce;
    QString codeChallenge;
    QString codeChallengeMethod;
    qint64 authTime = 0;
    QStringList amr; // RFC 8176
    QString acr; // the class the bank asserted for the login (OIDC Core §2)
    QString claims; // what the claims parameter asked and John consented to (OIDC Core §5.5); '' none
    qint64 issuedAt = 0;
    qint64 expiresAt = 0;
    qint64 redeemedAt = 0;
};

enum class TokenKind { Access, Refresh };

struct IssuedToken
{
    QByteArray tokenHash;
    TokenKind kind = TokenKind::Access;
    QString jti;
    QString clientId;
    qint64 userId = 0;
    QStringList scopes;
    QByteArray codeHash; // the authorization code the family started from (RFC 6749 §4.1.2 replay)
    QString familyId; // refresh token family: all tokens descending from one code
    QByteArray parentHash; // the refresh token this one was rotated from, if any
    QString nonce;
    qint64 authTime = 0;
    // The grant's authentication and claims request, carried from the code to every refresh (OIDC Core
    // §2, §5.5, §12.2).
    QStringList amr;
    QString acr;
    QString claims;
    qint64 issuedAt = 0;
    qint64 expiresAt = 0;
    qint64 rotatedAt = 0; // refresh tokens: when it was exchanged for a new one
    qint64 revokedAt = 0;
    QString revokedReason;
};

struct AuditEntry
{
    qint64 id = 0;
    qint64 at = 0;
    QString event; // "grant", "refusal", "revocation", "login", "login-failed", "consent", ...
    QString clientId;
    QString username;
    QString detail;
    QString checkId; // the check that refused (bank/Check.h), e.g. "token.code.pkce"; empty for other events
};

} // namespace cfl
