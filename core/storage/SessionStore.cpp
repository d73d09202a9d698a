#include "storage/SessionStore.h"

#include "storage/Database.h"
#include "storage/ScopeList.h"

#include <limits>

namespace cfl {

namespace {

// The row mappings: login_sessions and interactions. Each SELECT names the columns its reader reads.

const QString &sessionSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT id_hash, user_id, auth_time, expires_at, revoked_at, csrf_token, amr FROM login_sessions ");
    return sql;
}

LoginSession readSession(const SqlStatement &row)
{
    LoginSession s;
    s.idHash = row.bytes("id_hash");
    s.userId = row.integer("user_id");
    s.authTime = row.integer("auth_time");
    s.expiresAt = row.integer("expires_at");
    s.revokedAt = row.integer("revoked_at");
    s.csrfToken = row.bytes("csrf_token");
    s.amr = scopes::parse(row.text("amr"));
    return s;
}

const QString &interactionSelect()
{
    static const QString sql = QStringLiteral(
        "SELECT id, kind, client_id, redirect_uri, scopes, state, nonce, code_challenge, "
        "code_challenge_method, prompt, max_age, csrf_token, user_id, auth_time, amr, claims, acr_values, "
        "created_at, expires_at FROM interactions ");
    return sql;
}

Interaction readInteraction(const SqlStatement &row)
{
    Interaction i;
    i.id = row.text("id");
    i.kind = row.text("kind");
    i.clientId = row.text("client_id");
    i.redirectUri = row.text("redirect_uri");
    i.scopes = scopes::parse(row.text("scopes"));
    i.state = row.text("state");
    i.nonce = row.text("nonce");
    i.codeChallenge = row.text("code_challenge");
    i.codeChallengeMethod = row.text("code_challenge_method");
    i.prompt = row.text("prompt");
    i.maxAge = row.integer("max_age");
    i.csrfToken = row.bytes("csrf_token");
    i.userId = row.integer("user_id");
    i.authTime = row.integer("auth_time");
    i.amr = scopes::parse(row.text("amr"));
    i.claims = row.text("claims");
    i.acrValues = row.text("acr_values");
    i.createdAt = row.integer("created_at");
    i.expiresAt = row.integer("expires_at");
    return i;
}

} // namespace

// Login sessions

bool SessionStore::insertSession(const LoginSession &s)
{
    static const QString sql
        = QStringLiteral("INSERT INTO login_sessions (id_hash, user_id, auth_time, "
                         "expires_at, revoked_at, csrf_token, amr) VALUES (?, ?, ?, ?, ?, ?, ?)");
    return m_db.change(sql,
               { s.idHash, s.userId, s.authTime, s.expiresAt, s.revokedAt, s.csrfToken, scopes::join(s.amr) })
        == 1;
}

std::optional<LoginSession> SessionStore::session(const QByteArray &idHash) const
{
    static const QString sql = sessionSelect() + QStringLiteral("WHERE id_hash = ?");
    return m_db.selectOne(sql, { idHash }, readSession);
}

QList<LoginSession> SessionStore::recentSessions(int limit) const
{
    static const QString sql
        = sessionSelect() + QStringLiteral("ORDER BY auth_time DESC, rowid DESC LIMIT ?");
    return m_db.selectAll(sql, { limit < 0 ? -1 : limit }, readSession);
}

bool SessionStore::revokeSession(const QByteArray &idHash, qint64 now)
{
    static const QString sql
        = QStringLiteral("UPDATE login_sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at = 0");
    return m_db.change(sql, { now, idHash }) == 1;
}

// Interactions

bool SessionStore::insertInteraction(const Interaction &i)
{
    static const QString sql
        = QStringLiteral("INSERT INTO interactions (id, kind, client_id, redirect_uri, scopes, state, nonce, "
                         "code_challenge, code_challenge_method, prompt, max_age, csrf_token, user_id, "
                         "auth_time, amr, claims, acr_values, created_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return m_db.change(sql,
               { i.id, i.kind, i.clientId, i.redirectUri, scopes::join(i.scopes), i.state, i.nonce,
                   i.codeChallenge, i.codeChallengeMethod, i.prompt, i.maxAge, i.csrfToken, i.userId,
                   i.authTime, scopes::join(i.amr), i.claims, i.acrValues, i.createdAt, i.expiresAt })
        == 1;
}

std::optional<Interaction> SessionStore::interaction(const QString &id) const
{
    static const QString sql = interactionSelect() + QStringLiteral("WHERE id = ?");
    return m_db.selectOne(sql, { id }, readInteraction);
}

bool SessionStore::updateInteractionLogin(
    const QString &id, qint64 userId, qint64 authTime, const QStringList &amr)
{
    static const QString sql
        = QStringLiteral("UPDATE interactions SET user_id = ?, auth_time = ?, amr = ? WHERE id = ?");
    return m_db.change(sql, { userId, authTime, scopes::join(amr), id }) == 1;
}

bool SessionStore::deleteInteraction(const QString &id)
{
    static const QString sql = QStringLiteral("DELETE FROM interactions WHERE id = ?");
    return m_db.change(sql, { id }) == 1;
}

// Login throttling

SessionStore::LoginFailures SessionStore::loginFailuresSince(
    const QString &username, const QString &client, qint64 since) const
{
    static const QString sql = QStringLiteral(
        "SELECT COUNT(*) AS failures, COALESCE(MAX(failed_at), 0) AS last_at FROM login_failures "
        "WHERE username = ? AND client = ? AND failed_at >= ?");
    const std::optional<LoginFailures> failures
        = m_db.selectOne(sql, { username, client, since }, [](const SqlStatement &row) {
              return LoginFailures { static_cast<int>(row.integer("failures")), row.integer("last_at") };
          });
    // Fails closed: when the count cannot be read, throttling acts as if the limit were reached.
    return failures ? *failures : LoginFailures { std::numeric_limits<int>::max(), 0 };
}

bool SessionStore::recordLoginFailure(const QString &username, const QString &client, qint64 now)
{
    static const QString sql
        = QStringLiteral("INSERT INTO login_failures (username, client, failed_at) VALUES (?, ?, ?)");
    return m_db.change(sql, { username, client, now }) == 1;
}

bool SessionStore::clearLoginFailures(const QString &username, const QString &client)
{
    static const QString sql = QStringLiteral("DELETE FROM login_failures WHERE username = ? AND client = ?");
    return m_db.change(sql, { username, client }) >= 0;
}

int SessionStore::purgeLoginFailures(qint64 before)
{
    static const QString sql = QStringLiteral("DELETE FROM login_failures WHERE failed_at < ?");
    return m_db.change(sql, { before });
}

int SessionStore::purgeExpired(qint64 cutoff)
{
    static const QString interactions = QStringLiteral("DELETE FROM interactions WHERE expires_at < ?");
    static const QString sessions = QStringLiteral("DELETE FROM login_sessions WHERE expires_at < ?");
    const int deletedInteractions = m_db.change(interactions, { cutoff });
    if (deletedInteractions < 0)
        return -1;
    const int deletedSessions = m_db.change(sessions, { cutoff });
    return deletedSessions < 0 ? -1 : deletedInteractions + deletedSessions;
}

} // namespace cfl
