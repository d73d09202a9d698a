#include "storage/GrantLedger.h"

#include "storage/Database.h"
#include "storage/ScopeList.h"

namespace cfl {

namespace {

QString tokenKindName(TokenKind kind)
{
    return kind == TokenKind::Refresh ? QStringLiteral("refresh") : QStringLiteral("access");
}

// The row mappings: authorization_codes and tokens. Each SELECT names the columns its reader reads.

const QString &codeSelect()
{
    static const QString sql
        = QStringLiteral("SELECT code_hash, client_id, user_id, redirect_uri, scopes, nonce, code_challenge, "
                         "code_challenge_method, auth_time, amr, acr, claims, issued_at, expires_at, "
                         "redeemed_at FROM authorization_codes ");
    return sql;
}

AuthorizationCode readCode(const SqlStatement &row)
{
    AuthorizationCode code;
    code.codeHash = row.bytes("code_hash");
    code.clientId = row.text("client_id");
    code.userId = row.integer("user_id");
    code.redirectUri = row.text("redirect_uri");
    code.scopes = scopes::parse(row.text("scopes"));
    code.nonce = row.text("nonce");
    code.codeChallenge = row.text("code_challenge");
    code.codeChallengeMethod = row.text("code_challenge_method");
    code.authTime = row.integer("auth_time");
    code.amr = scopes::parse(row.text("amr"));
    code.acr = row.text("acr");
    code.claims = row.text("claims");
    code.issuedAt = row.integer("issued_at");
    code.expiresAt = row.integer("expires_at");
    code.redeemedAt = row.integer("redeemed_at");
    return code;
}

const QString &tokenSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT token_hash, kind, jti, client_id, user_id, scopes, code_hash, family_id, parent_hash, nonce, "
        "auth_time, amr, acr, claims, issued_at, expires_at, rotated_at, revoked_at, revoked_reason "
        "FROM tokens ");
    return sql;
}

IssuedToken readToken(const SqlStatement &row)
{
    IssuedToken token;
    token.tokenHash = row.bytes("token_hash");
    token.kind = row.text("kind") == QLatin1String("refresh") ? TokenKind::Refresh : TokenKind::Access;
    token.jti = row.text("jti");
    token.clientId = row.text("client_id");
    token.userId = row.integer("user_id");
    token.scopes = scopes::parse(row.text("scopes"));
    token.codeHash = row.bytes("code_hash");
    token.familyId = row.text("family_id");
    token.parentHash = row.bytes("parent_hash");
    token.nonce = row.text("nonce");
    token.authTime = row.integer("auth_time");
    token.amr = scopes::parse(row.text("amr"));
    token.acr = row.text("acr");
    token.claims = row.text("claims");
    token.issuedAt = row.integer("issued_at");
    token.expiresAt = row.integer("expires_at");
    token.rotatedAt = row.integer("rotated_at");
    token.revokedAt = row.integer("revoked_at");
    token.revokedReason = row.text("revoked_reason");
    return token;
}

} // namespace

// Authorization codes

bool GrantLedger::insertCode(const AuthorizationCode &c)
{
    static const QString sql = QStringLiteral(
        "INSERT INTO authorization_codes (code_hash, client_id, user_id, redirect_uri, scopes, "
        "nonce, code_challenge, code_challenge_method, auth_time, amr, acr, claims, issued_at, "
        "expires_at, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return m_db.change(sql,
               { c.codeHash, c.clientId, c.userId, c.redirectUri, scopes::join(c.scopes), c.nonce,
                   c.codeChallenge, c.codeChallengeMethod, c.authTime, scopes::join(c.amr), c.acr, c.claims,
                   c.issuedAt, c.expiresAt, c.redeemedAt })
        == 1;
}

std::optional<AuthorizationCode> GrantLedger::code(const QByteArray &codeHash) const
{
    static const QString sql = codeSelect() + QStringLiteral("WHERE code_hash = ?");
    return m_db.selectOne(sql, { codeHash }, readCode);
}

bool GrantLedger::markCodeRedeemed(const QByteArray &codeHash, qint64 now)
{
    // Single use (RFC 6749 §4.1.2): of two concurrent redemptions exactly one changes the row.
    static const QString sql = QStringLiteral(
        "UPDATE authorization_codes SET redeemed_at = ? WHERE code_hash = ? AND redeemed_at = 0");
    return m_db.change(sql, { now, codeHash }) == 1;
}

QList<AuthorizationCode> GrantLedger::recentCodes(int limit) const
{
    static const QString sql = codeSelect() + QStringLiteral("ORDER BY issued_at DESC, rowid DESC LIMIT ?");
    return m_db.selectAll(sql, { limit < 0 ? -1 : limit }, readCode);
}

int GrantLedger::purgeExpired(qint64 cutoff)
{
    static const QString sql = QStringLiteral("DELETE FROM authorization_codes WHERE expires_at < ?");
    return m_db.change(sql, { cutoff });
}

// Tokens

bool GrantLedger::insertToken(const IssuedToken &t)
{
    static const QString sql = QStringLiteral(
        "INSERT INTO tokens (token_hash, kind, jti, client_id, user_id, scopes, code_hash, family_id, "
        "parent_hash, nonce, auth_time, amr, acr, claims, issued_at, expires_at, rotated_at, revoked_at, "
        "revoked_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return m_db.change(sql,
               { t.tokenHash, tokenKindName(t.kind), t.jti, t.clientId, t.userId, scopes::join(t.scopes),
                   t.codeHash, t.familyId, t.parentHash, t.nonce, t.authTime, scopes::join(t.amr), t.acr,
                   t.claims, t.issuedAt, t.expiresAt, t.rotatedAt, t.revokedAt, t.revokedReason })
        == 1;
}

std::optional<IssuedToken> GrantLedger::token(const QByteArray &tokenHash) const
{
    static const QString sql = tokenSelect() + QStringLiteral("WHERE token_hash = ?");
    return m_db.selectOne(sql, { tokenHash }, readToken);
}

std::optional<IssuedToken> GrantLedger::tokenByJti(const QString &jti) const
{
    // '' is "no jti" (opaque refresh tokens), never a key.
    if (jti.isEmpty())
        return std::nullopt;
    static const QString sql = tokenSelect() + QStringLiteral("WHERE jti = ?");
    return m_db.selectOne(sql, { jti }, readToken);
}

QList<IssuedToken> GrantLedger::recentTokens(int limit) const
{
    static const QString sql = tokenSelect() + QStringLiteral("ORDER BY issued_at DESC, rowid DESC LIMIT ?");
    return m_db.selectAll(sql, { limit < 0 ? -1 : limit }, readToken);
}

QList<IssuedToken> GrantLedger::tokenFamily(const QString &familyId) const
{
    // '' is "no family", never a key (as for jti).
    if (familyId.isEmpty())
        return {};
    static const QString sql
        = tokenSelect() + QStringLiteral("WHERE family_id = ? ORDER BY issued_at, rowid");
    return m_db.selectAll(sql, { familyId }, readToken);
}

qint64 GrantLedger::familyStartedAt(const QString &familyId) const
{
    if (familyId.isEmpty())
        return 0;
    // MIN over the index (family_id, issued_at): one seek, however long the family has rotated.
    static const QString sql
        = QStringLiteral("SELECT MIN(issued_at) AS started FROM tokens WHERE family_id = ?");
    return m_db.selectOne(sql, { familyId }, [](const SqlStatement &row) { return row.integer("started"); })
        .value_or(0);
}

QList<IssuedToken> GrantLedger::tokensFromCode(const QByteArray &codeHash) const
{
    if (codeHash.isEmpty())
        return {};
    static const QString sql
        = tokenSelect() + QStringLiteral("WHERE code_hash = ? ORDER BY issued_at, rowid");
    return m_db.selectAll(sql, { codeHash }, readToken);
}

bool GrantLedger::markTokenRotated(const QByteArray &tokenHash, qint64 now)
{
    // Refresh token rotation (RFC 9700 §4.14.2): of two concurrent uses exactly one wins; the loser's use is
    // a reuse, which the grant answers by revoking the family.
    static const QString sql
        = QStringLiteral("UPDATE tokens SET rotated_at = ? "
                         "WHERE token_hash = ? AND kind = 'refresh' AND rotated_at = 0 AND revoked_at = 0");
    return m_db.change(sql, { now, tokenHash }) == 1;
}

int GrantLedger::revokeToken(const QByteArray &tokenHash, qint64 now, const QString &reason)
{
    static const QString sql = QStringLiteral(
        "UPDATE tokens SET revoked_at = ?, revoked_reason = ? WHERE token_hash = ? AND revoked_at = 0");
    return m_db.change(sql, { now, reason, tokenHash });
}

int GrantLedger::revokeTokensFromCode(const QByteArray &codeHash, qint64 now, const QString &reason)
{
    if (codeHash.isEmpty())
        return 0;
    static const QString sql = QStringLiteral(
        "UPDATE tokens SET revoked_at = ?, revoked_reason = ? WHERE code_hash = ? AND revoked_at = 0");
    return m_db.change(sql, { now, reason, codeHash });
}

int GrantLedger::revokeFamily(const QString &familyId, qint64 now, const QString &reason)
{
    if (familyId.isEmpty())
        return 0;
    static const QString sql = QStringLiteral(
        "UPDATE tokens SET revoked_at = ?, revoked_reason = ? WHERE family_id = ? AND revoked_at = 0");
    return m_db.change(sql, { now, reason, familyId });
}

int GrantLedger::revokeTokensOfClient(
    qint64 userId, const QString &clientId, qint64 now, const QString &reason)
{
    static const QString sql = QStringLiteral("UPDATE tokens SET revoked_at = ?, revoked_reason = ? "
                                              "WHERE client_id = ? AND user_id = ? AND revoked_at = 0");
    return m_db.change(sql, { now, reason, clientId, userId });
}

} // namespace cfl
