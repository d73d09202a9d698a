#include "storage/Schema.h"

#include "storage/SqlStatement.h"

#include <QStringList>

#include <vector>

namespace cfl {

namespace {

// Times are INTEGER seconds since the epoch (UTC) and 0 means "not set"; texts are never NULL ('' means
// "not given"). Codes, tokens, sessions and client secrets are stored only as their SHA-256 (hex).
// Scope lists are space-separated (RFC 6749 §3.3: scope tokens never contain a space); redirect URI
// lists are JSON arrays.
//
// Append new migrations at the end; never edit one that has shipped. Each list ends by setting the
// user_version it reaches, inside the same transaction.
const std::vector<QStringList> &migrations()
{
    static const std::vector<QStringList> list = {
        // 1: the initial schema.
        {
            QStringLiteral(R"(CREATE TABLE users (
                id             INTEGER PRIMARY KEY,
                username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
                password_hash  TEXT NOT NULL,
                name           TEXT NOT NULL DEFAULT '',
                given_name     TEXT NOT NULL DEFAULT '',
                family_name    TEXT NOT NULL DEFAULT '',
                email          TEXT NOT NULL DEFAULT '',
                email_verified INTEGER NOT NULL DEFAULT 0,
                updated_at     INTEGER NOT NULL DEFAULT 0))"),
            QStringLiteral(R"(CREATE TABLE accounts (
                id            TEXT PRIMARY KEY,
                user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind          TEXT NOT NULL CHECK (kind IN ('checking', 'savings')),
                name          TEXT NOT NULL,
                iban          TEXT NOT NULL UNIQUE,
                currency      TEXT NOT NULL,
                balance_cents INTEGER NOT NULL DEFAULT 0))"),
            QStringLiteral("CREATE INDEX accounts_by_user ON accounts(user_id)"),
            // booked_on is a calendar date, not a time: ISO 8601 text (YYYY-MM-DD), which sorts as dates do.
            QStringLiteral(R"(CREATE TABLE transactions (
                id                  INTEGER PRIMARY KEY,
                account_id          TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                booked_on           TEXT NOT NULL,
                description         TEXT NOT NULL,
                counterparty        TEXT NOT NULL DEFAULT '',
                category            TEXT NOT NULL DEFAULT '',
                amount_cents        INTEGER NOT NULL,
                balance_after_cents INTEGER NOT NULL))"),
            QStringLiteral("CREATE INDEX transactions_by_account ON transactions(account_id, booked_on, id)"),
            QStringLiteral(R"(CREATE TABLE clients (
                client_id      TEXT PRIMARY KEY,
                name           TEXT NOT NULL,
                secret_hash    TEXT NOT NULL DEFAULT '',
                is_public      INTEGER NOT NULL DEFAULT 0,
                redirect_uris  TEXT NOT NULL DEFAULT '[]',
                allowed_scopes TEXT NOT NULL DEFAULT '',
                created_at     INTEGER NOT NULL DEFAULT 0))"),
            QStringLiteral(R"(CREATE TABLE consents (
                id         INTEGER PRIMARY KEY,
                user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                client_id  TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
                scopes     TEXT NOT NULL,
                granted_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                revoked_at INTEGER NOT NULL DEFAULT 0,
                UNIQUE (user_id, client_id)))"),
            QStringLiteral(R"(CREATE TABLE login_sessions (
                id_hash    TEXT PRIMARY KEY,
                user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                auth_time  INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER NOT NULL DEFAULT 0))"),
            QStringLiteral("CREATE INDEX login_sessions_by_expiry ON login_sessions(expires_at)"),
            // An interaction exists before anyone has logged in (user_id 0) and, for "web-login", without a
            // client: no foreign keys here.
            QStringLiteral(R"(CREATE TABLE interactions (
                id                    TEXT PRIMARY KEY,
                kind                  TEXT NOT NULL,
                client_id             TEXT NOT NULL DEFAULT '',
                redirect_uri          TEXT NOT NULL DEFAULT '',
                scopes                TEXT NOT NULL DEFAULT '',
                state                 TEXT NOT NULL DEFAULT '',
                nonce                 TEXT NOT NULL DEFAULT '',
                code_challenge        TEXT NOT NULL DEFAULT '',
                code_challenge_method TEXT NOT NULL DEFAULT '',
                prompt                TEXT NOT NULL DEFAULT '',
                max_age               INTEGER NOT NULL DEFAULT -1,
                csrf_token            TEXT NOT NULL,
                user_id               INTEGER NOT NULL DEFAULT 0,
                auth_time             INTEGER NOT NULL DEFAULT 0,
                created_at            INTEGER NOT NULL,
                expires_at            INTEGER NOT NULL))"),
            QStringLiteral("CREATE INDEX interactions_by_expiry ON interactions(expires_at)"),
            QStringLiteral(R"(CREATE TABLE authorization_codes (
                code_hash             TEXT PRIMARY KEY,
                client_id             TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
                user_id               INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                redirect_uri          TEXT NOT NULL,
                scopes                TEXT NOT NULL,
                nonce                 TEXT NOT NULL DEFAULT '',
                code_challenge        TEXT NOT NULL DEFAULT '',
                code_challenge_method TEXT NOT NULL DEFAULT '',
                auth_time             INTEGER NOT NULL DEFAULT 0,
                issued_at             INTEGER NOT NULL,
                expires_at            INTEGER NOT NULL,
                redeemed_at           INTEGER NOT NULL DEFAULT 0))"),
            QStringLiteral("CREATE INDEX authorization_codes_by_expiry ON authorization_codes(expires_at)"),
            // code_hash has no foreign key on purpose: codes are purged soon after they expire, the tokens
            // issued from them live on.
            QStringLiteral(R"(CREATE TABLE tokens (
                token_hash     TEXT PRIMARY KEY,
                kind           TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
                jti            TEXT NOT NULL DEFAULT '',
                client_id      TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
                user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                scopes         TEXT NOT NULL,
                code_hash      TEXT NOT NULL DEFAULT '',
                family_id      TEXT NOT NULL DEFAULT '',
                parent_hash    TEXT NOT NULL DEFAULT '',
                nonce          TEXT NOT NULL DEFAULT '',
                auth_time      INTEGER NOT NULL DEFAULT 0,
                issued_at      INTEGER NOT NULL,
                expires_at     INTEGER NOT NULL,
                rotated_at     INTEGER NOT NULL DEFAULT 0,
                revoked_at     INTEGER NOT NULL DEFAULT 0,
                revoked_reason TEXT NOT NULL DEFAULT ''))"),
            // The lookups the bank makes: a JWT access token by its jti (resource API, introspection), a
            // refresh token family (reuse detection), the tokens of a code (code replay, RFC 6749 §4.1.2) and
            // of a client for a user (consent revoked).
            QStringLiteral("CREATE INDEX tokens_by_jti ON tokens(jti)"),
            QStringLiteral("CREATE INDEX tokens_by_family ON tokens(family_id)"), // issued_at added in 9
            QStringLiteral("CREATE INDEX tokens_by_code ON tokens(code_hash)"),
            QStringLiteral("CREATE INDEX tokens_by_client_user ON tokens(client_id, user_id)"),
            // Failed logins of unknown usernames count too (no foreign key): throttling must not tell
            // which usernames exist.
            QStringLiteral(R"(CREATE TABLE login_failures (
                id        INTEGER PRIMARY KEY,
                username  TEXT NOT NULL COLLATE NOCASE,
                failed_at INTEGER NOT NULL))"),
            QStringLiteral("CREATE INDEX login_failures_by_user ON login_failures(username, failed_at)"),
            QStringLiteral(R"(CREATE TABLE audit_log (
                id        INTEGER PRIMARY KEY,
                at        INTEGER NOT NULL,
                event     TEXT NOT NULL,
                client_id TEXT NOT NULL DEFAULT '',
                username  TEXT NOT NULL DEFAULT '',
                detail    TEXT NOT NULL DEFAULT ''))"),
            QStringLiteral(R"(CREATE TABLE signing_keys (
                kid         TEXT PRIMARY KEY,
                private_jwk TEXT NOT NULL,
                created_at  INTEGER NOT NULL))"),
            QStringLiteral("PRAGMA user_version = 1"),
        },
        // 2: every refusal names the check that made it (docs/architecture.md, "Rules and where they are
        // enforced"); rows written before say nothing ('').
        {
            QStringLiteral("ALTER TABLE audit_log ADD COLUMN check_id TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("PRAGMA user_version = 2"),
        },
        // 3: each login session has its own random CSRF token, kept here (synchronizer token pattern,
        // OWASP CSRF Prevention Cheat Sheet); before, the forms' token was computed from the cookie, so
        // anyone who saw the cookie could compute it. Sessions from before have none and are ended.
        {
            QStringLiteral("ALTER TABLE login_sessions ADD COLUMN csrf_token TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("UPDATE login_sessions SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER) "
                           "WHERE revoked_at = 0"),
            QStringLiteral("PRAGMA user_version = 3"),
        },
        // 4: failed logins are counted per user name and client address (OWASP ASVS 2.2.1, NIST SP
        // 800-63B §5.2.2): a guesser elsewhere slows down only himself, never John. Rows from before
        // belong to no client ('') and age out.
        {
            QStringLiteral("ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("DROP INDEX login_failures_by_user"),
            QStringLiteral("CREATE INDEX login_failures_by_user_client "
                           "ON login_failures(username, client, failed_at)"),
            QStringLiteral("CREATE INDEX login_failures_by_time ON login_failures(failed_at)"),
            QStringLiteral("PRAGMA user_version = 4"),
        },
        // 5: the rest of OpenID Connect's standard claims (OIDC Core §5.1), released by the profile, phone
        // and address scopes (§5.4). A database from before gets them empty (userinfo leaves empty claims
        // out, §5.3.2); a workshop reset seeds them.
        {
            QStringLiteral("ALTER TABLE users ADD COLUMN middle_name TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN profile_url TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN picture_url TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN website TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN gender TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN birthdate TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN zoneinfo TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN phone_number TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN phone_number_verified INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE users ADD COLUMN street_address TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN locality TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN region TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN postal_code TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE users ADD COLUMN country TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("PRAGMA user_version = 5"),
        },
        // 6: how John authenticated (amr, RFC 8176; acr, OIDC Core §2) with his login session and each
        // grant, and the claims request parameter (OIDC Core §5.5) with the interaction and the grant. amr
        // lists are space-separated like scopes. Everything from before came from the password form, the
        // bank's only login: 'pwd', and acr '0' (bank/AuthenticationContext.cpp says why "0").
        {
            QStringLiteral("ALTER TABLE login_sessions ADD COLUMN amr TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("UPDATE login_sessions SET amr = 'pwd'"),
            QStringLiteral("ALTER TABLE interactions ADD COLUMN amr TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE interactions ADD COLUMN claims TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE interactions ADD COLUMN acr_values TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("UPDATE interactions SET amr = 'pwd' WHERE user_id <> 0"),
            QStringLiteral("ALTER TABLE authorization_codes ADD COLUMN amr TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE authorization_codes ADD COLUMN acr TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE authorization_codes ADD COLUMN claims TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("UPDATE authorization_codes SET amr = 'pwd', acr = '0'"),
            QStringLiteral("ALTER TABLE tokens ADD COLUMN amr TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE tokens ADD COLUMN acr TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE tokens ADD COLUMN claims TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("UPDATE tokens SET amr = 'pwd', acr = '0'"),
            QStringLiteral("PRAGMA user_version = 6"),
        },
        // 7: where a client may have John sent back after logging out (OpenID Connect RP-Initiated Logout
        // 1.0 §3), a JSON array like redirect_uris. The seeded CoolLoan gets its loopback one, as a
        // workshop reset would seed it; other clients from before get none (no redirect after logout).
        {
            QStringLiteral(
                "ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]'"),
            QStringLiteral(
                "UPDATE clients SET post_logout_redirect_uris = '[\"http://127.0.0.1/logged-out\"]' "
                "WHERE client_id = 'coolloan'"),
            QStringLiteral("PRAGMA user_version = 7"),
        },
        // 8: signing key rotation (OIDC Core §10.1.1). A key stops signing when the next one is made
        // (retired_at) and stays in the JWKS while a JWT it signed may still be valid (last_expiry, the
        // latest exp it signed). The desktop app keeps private keys in the keychain: its rows hold the
        // public JWK only. Of the keys from before, only the newest ever signed: the others retire now,
        // and the newest may have signed any access token of the ledger (ID tokens expire with them).
        {
            QStringLiteral("ALTER TABLE signing_keys ADD COLUMN public_jwk TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE signing_keys ADD COLUMN retired_at INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE signing_keys ADD COLUMN last_expiry INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("UPDATE signing_keys SET retired_at = CAST(strftime('%s', 'now') AS INTEGER) "
                           "WHERE rowid <> (SELECT MAX(rowid) FROM signing_keys)"),
            QStringLiteral("UPDATE signing_keys SET last_expiry = (SELECT COALESCE(MAX(expires_at), 0) FROM "
                           "tokens WHERE kind = 'access') WHERE retired_at = 0"),
            QStringLiteral("PRAGMA user_version = 8"),
        },
        // 9: a refresh family's start read in one index seek. Every refresh checks the family's absolute
        // lifetime (RFC 9700 §4.14.2) from its first token; with an index on family_id alone, that read
        // every token of the family, two more at every rotation (docs/benchmarks.md).
        {
            QStringLiteral("DROP INDEX tokens_by_family"),
            QStringLiteral("CREATE INDEX tokens_by_family ON tokens(family_id, issued_at)"),
            QStringLiteral("PRAGMA user_version = 9"),
        },
    };
    return list;
}

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

bool rollback(const QSqlDatabase &db)
{
    SqlStatement statement(db, QStringLiteral("ROLLBACK"));
    return statement.exec();
}

} // namespace

int latestSchemaVersion()
{
    return static_cast<int>(migrations().size());
}

int schemaVersionOf(const QSqlDatabase &db)
{
    SqlStatement statement(db, QStringLiteral("PRAGMA user_version"));
    if (!statement.exec() || !statement.next())
        return -1;
    return static_cast<int>(statement.integer("user_version"));
}

bool migrateSchema(const QSqlDatabase &db, QString *error)
{
    const int latest = latestSchemaVersion();
    for (;;) {
        // The version is read again under the write lock: another process may have migrated meanwhile.
        SqlStatement begin(db, QStringLiteral("BEGIN IMMEDIATE"));
        if (!begin.exec()) {
            setError(
                error, QStringLiteral("cannot lock the database to migrate it: %1").arg(begin.errorText()));
            return false;
        }
        const int version = schemaVersionOf(db);
        if (version < 0) {
            rollback(db);
            setError(error, QStringLiteral("cannot read the database's schema version"));
            return false;
        }
        if (version > latest) {
            rollback(db);
            setError(error,
                QStringLiteral("the database has schema version %1, newer than this build knows (%2)")
                    .arg(version)
                    .arg(latest));
            return false;
        }
        if (version == latest) {
            SqlStatement commit(db, QStringLiteral("COMMIT"));
            if (commit.exec())
                return true;
            const QString reason = commit.errorText();
            rollback(db);
            setError(error, QStringLiteral("cannot read the database's schema version: %1").arg(reason));
            return false;
        }
        for (const QString &sql : migrations()[static_cast<size_t>(version)]) {
            SqlStatement statement(db, sql);
            if (!statement.exec()) {
                const QString reason = statement.errorText();
                rollback(db);
                setError(error,
                    QStringLiteral("migration to schema version %1 failed: %2").arg(version + 1).arg(reason));
                return false;
            }
        }
        SqlStatement commit(db, QStringLiteral("COMMIT"));
        if (!commit.exec()) {
            const QString reason = commit.errorText();
            rollback(db);
            setError(error,
                QStringLiteral("migration to schema version %1 failed: %2").arg(version + 1).arg(reason));
            return false;
        }
    }
}

bool deleteAllRows(const QSqlDatabase &db)
{
    // Foreign keys are checked at COMMIT, so the tables may be emptied in any order.
    SqlStatement defer(db, QStringLiteral("PRAGMA defer_foreign_keys = ON"));
    if (!defer.exec())
        return false;
    // Every table the migrations created (so that a table added later cannot be forgotten here). Table
    // names cannot be bound; they come from sqlite_master, not from any input, and are quoted as identifiers.
    SqlStatement tables(db,
        QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                       "ESCAPE '\\'"));
    if (!tables.exec())
        return false;
    QStringList names;
    while (tables.next())
        names << tables.text("name");
    for (const QString &name : names) {
        QString quoted = name;
        quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
        SqlStatement remove(db, QStringLiteral("DELETE FROM \"%1\"").arg(quoted));
        if (!remove.exec())
            return false;
    }
    return true;
}

} // namespace cfl
