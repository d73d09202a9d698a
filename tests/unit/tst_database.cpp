// The Database and the BankStore that bundles the stores: open, seed, pragmas, migrations, transactions,
// reset, purge, the statement cache. (Split from tst_bankstore, issue 9 §5: each function moved as it was.)

#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "unit/StoreTestSupport.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <limits>

using namespace cfl;
using namespace cfl::storetest;

// Schema 6's columns dropped again: amr and acr, and the claims request (OIDC Core §2, §5.5).
bool withoutSchema6(const QSqlDatabase &db)
{
    for (const char *sql :
        { "ALTER TABLE login_sessions DROP COLUMN amr", "ALTER TABLE interactions DROP COLUMN amr",
            "ALTER TABLE interactions DROP COLUMN claims", "ALTER TABLE interactions DROP COLUMN acr_values",
            "ALTER TABLE authorization_codes DROP COLUMN amr",
            "ALTER TABLE authorization_codes DROP COLUMN acr",
            "ALTER TABLE authorization_codes DROP COLUMN claims", "ALTER TABLE tokens DROP COLUMN amr",
            "ALTER TABLE tokens DROP COLUMN acr", "ALTER TABLE tokens DROP COLUMN claims" }) {
        QSqlQuery query(db);
        if (!query.exec(QString::fromLatin1(sql))) {
            qWarning() << query.lastError().text();
            return false;
        }
    }
    return true;
}

// Takes schema 5's user columns (OIDC Core §5.1's other standard claims) away again, as an older
// database has it.
bool withoutSchema5(const QSqlDatabase &db)
{
    for (const char *column : { "middle_name", "nickname", "profile_url", "picture_url", "website", "gender",
             "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified", "street_address",
             "locality", "region", "postal_code", "country" }) {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("ALTER TABLE users DROP COLUMN %1").arg(QLatin1String(column)))) {
            qWarning() << query.lastError().text();
            return false;
        }
    }
    return true;
}

// Takes schema 7's post-logout redirect URIs (RP-Initiated Logout 1.0 §3) away again.
bool withoutSchema7(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (query.exec(QStringLiteral("ALTER TABLE clients DROP COLUMN post_logout_redirect_uris")))
        return true;
    qWarning() << query.lastError().text();
    return false;
}

// Takes schema 8's key rotation columns (OIDC Core §10.1.1) away again.
bool withoutSchema8(const QSqlDatabase &db)
{
    for (const char *column : { "public_jwk", "retired_at", "last_expiry" }) {
        QSqlQuery query(db);
        if (!query.exec(
                QStringLiteral("ALTER TABLE signing_keys DROP COLUMN %1").arg(QLatin1String(column)))) {
            qWarning() << query.lastError().text();
            return false;
        }
    }
    return true;
}

class tst_Database : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init() { openStore(); }
    void cleanup() { closeStore(); }

    void opensAndSeeds();
    void schemaAndJournalMode();
    void reopenDoesNotReseed();
    void secondConnectionSeesWrites();
    void migratesAVersion1Database();
    void migratingToVersion3EndsOldSessions();
    void migratingToVersion6KeepsPasswordLogins();
    void migratingToVersion7GivesCoolLoanItsLogoutUri();
    void migratingToVersion8KeepsTheNewestKeyCurrent();
    void transactionsRollBack();
    void resetReseeds();
    void purgeExpired();
    void statementsArePreparedOncePerConnection();
    void nestedUseGetsAStatementOfItsOwn();
    void columnsAreReadByName();
};

void tst_Database::opensAndSeeds()
{
    QCOMPARE(m_store->database().path(), QDir(m_dir->path()).absoluteFilePath(text("bank.sqlite")));
    QVERIFY(QFile::exists(m_store->database().path()));
    QVERIFY(m_seed.seeded);
    QCOMPARE(m_seed.coolLoanSecret.size(), 43); // 32 random bytes, base64url

    const std::optional<User> john = m_store->users().userByUsername(text("john"));
    QVERIFY(john);
    QCOMPARE(john->name, text("John Miller"));
    QCOMPARE(john->givenName, text("John"));
    QCOMPARE(john->familyName, text("Miller"));
    // The other standard claims (OIDC Core §5.1, schema 5), as seeded, read back by name.
    QCOMPARE(john->middleName, text("Robert"));
    QCOMPARE(john->birthdate, text("1986-04-12"));
    QCOMPARE(john->zoneinfo, text("Europe/Berlin"));
    QCOMPARE(john->phoneNumber, text("+49 30 5550 1234"));
    QVERIFY(john->phoneNumberVerified);
    QCOMPARE(john->address.postalCode, text("10969"));
    QCOMPARE(john->address.country, text("Germany"));
    QCOMPARE(john->email, text("john.miller@example.com"));
    QVERIFY(john->emailVerified);
    QVERIFY(john->updatedAt > 0);
    QVERIFY(john->passwordHash.startsWith("$argon2id$"));
    QVERIFY(verifyPassword(john->passwordHash, "banking-is-fun"));
    QVERIFY(!verifyPassword(john->passwordHash, "banking-is-no-fun"));

    QCOMPARE(m_store->users().userById(john->id)->username, text("john"));
    QCOMPARE(m_store->users().userByUsername(text("John"))->id, john->id); // usernames ignore case
    QVERIFY(!m_store->users().userByUsername(text("trudy")));
    QVERIFY(!m_store->users().userById(999));
    QCOMPARE(john->id, 1); // written first: his ids are what they were before Mallory

    const std::optional<Client> coolLoan = m_store->clients().client(text("coolloan"));
    QVERIFY(coolLoan);
    QCOMPARE(coolLoan->name, text("CoolLoan"));
    QVERIFY(!coolLoan->isPublic);
    QCOMPARE(coolLoan->redirectUris, QStringList { text("http://127.0.0.1/callback") });
    QCOMPARE(coolLoan->postLogoutRedirectUris, QStringList { text("http://127.0.0.1/logged-out") });
    QCOMPARE(coolLoan->allowedScopes,
        (QStringList { text("openid"), text("profile"), text("email"), text("offline_access"),
            text("accounts:read"), text("transactions:read") }));
    // Stored only as its hash.
    QCOMPARE(coolLoan->secretHash, sha256Hex(m_seed.coolLoanSecret));
}

void tst_Database::schemaAndJournalMode()
{
    QCOMPARE(Database::latestSchemaVersion(), 9);
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    QCOMPARE(m_store->database().journalMode(), text("wal"));
    QVERIFY(QFile::exists(m_store->database().path() + QStringLiteral("-wal")));
}

void tst_Database::reopenDoesNotReseed()
{
    const User john = *m_store->users().userByUsername(text("john"));
    const QByteArray secretHash = m_store->clients().client(text("coolloan"))->secretHash;
    const int count = int(m_store->accounts().transactionsOf(text("CHK-1001")).size());
    QString error;
    QVERIFY2(
        m_store->accounts().makePayment(john.id, text("CHK-1001"), text("Bakery"), 350, {}, kNow, &error),
        qPrintable(error));
    m_store.reset();

    SeedReport seed;
    m_store = BankStore::open(m_dir->path(), &error, &seed);
    QVERIFY2(m_store, qPrintable(error));
    QVERIFY(!seed.seeded);
    QVERIFY(seed.coolLoanSecret.isEmpty());
    QCOMPARE(m_store->users().userByUsername(text("john"))->passwordHash, john.passwordHash);
    QCOMPARE(m_store->clients().client(text("coolloan"))->secretHash, secretHash);
    QCOMPARE(m_store->accounts().transactionsOf(text("CHK-1001")).size(), count + 1);
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
}

void tst_Database::secondConnectionSeesWrites()
{
    // As `codeflow-bank register-client` does while the bank runs: another connection on the same file.
    QString error;
    SeedReport seed;
    const std::unique_ptr<BankStore> other = BankStore::open(m_dir->path(), &error, &seed);
    QVERIFY2(other, qPrintable(error));
    QVERIFY(!seed.seeded);

    Client client;
    client.clientId = text("registered-later");
    client.name = text("Registered Later");
    client.redirectUris = { text("http://127.0.0.1/cb") };
    QVERIFY2(other->clients().insertClient(client, &error), qPrintable(error));
    QVERIFY(m_store->clients().client(text("registered-later")));

    QVERIFY(m_store->grants().insertCode(makeCode("shared-code", kNow + 60)));
    QVERIFY(other->grants().markCodeRedeemed(hashOf("shared-code"), kNow));
    QVERIFY(!m_store->grants().markCodeRedeemed(hashOf("shared-code"), kNow));
}

void tst_Database::migratesAVersion1Database()
{
    // A database as schema version 1 left it: an audit log without check_id, with a row in it (and login
    // sessions without the CSRF token of version 3).
    QVERIFY(m_store->auditLog().record(
        kNow, text("refusal"), text("coolloan"), QString(), text("written by version 1")));
    const QString path = m_store->database().path();
    m_store.reset();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(text("QSQLITE"), text("version-1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        for (const char *sql : { "ALTER TABLE audit_log DROP COLUMN check_id",
                 "ALTER TABLE login_sessions DROP COLUMN csrf_token",
                 "DROP INDEX login_failures_by_user_client", "DROP INDEX login_failures_by_time",
                 "ALTER TABLE login_failures DROP COLUMN client",
                 "CREATE INDEX login_failures_by_user ON login_failures(username, failed_at)",
                 "PRAGMA user_version = 1" }) {
            QSqlQuery query(db);
            QVERIFY2(query.exec(text(sql)), qPrintable(query.lastError().text()));
        }
        QVERIFY(withoutSchema8(db));
        QVERIFY(withoutSchema7(db));
        QVERIFY(withoutSchema6(db));
        QVERIFY(withoutSchema5(db));
        db.close();
    }
    QSqlDatabase::removeDatabase(text("version-1"));

    QString error;
    SeedReport seed;
    m_store = BankStore::open(m_dir->path(), &error, &seed);
    QVERIFY2(m_store, qPrintable(error));
    QVERIFY(!seed.seeded);
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    QVERIFY(m_store->auditLog().record(
        kNow + 1, text("refusal"), text("coolloan"), QString(), text("after"), text("token.code.pkce")));
    const QList<AuditEntry> log = m_store->auditLog().recent();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].checkId, text("token.code.pkce"));
    QCOMPARE(log[1].detail, text("written by version 1"));
    QVERIFY(log[1].checkId.isEmpty());
    // Schema 5's claims arrive empty for users from before (userinfo leaves them out).
    const std::optional<User> john = m_store->users().userByUsername(text("john"));
    QVERIFY(john);
    QCOMPARE(john->name, text("John Miller"));
    QVERIFY(john->phoneNumber.isEmpty());
    QVERIFY(john->address.country.isEmpty());
}

void tst_Database::migratingToVersion7GivesCoolLoanItsLogoutUri()
{
    // A version 6 database: clients without post-logout redirect URIs. The seeded CoolLoan gets its
    // loopback one, as a fresh seed has it; another client gets none (no redirect after logout).
    Client other;
    other.clientId = text("registered-before");
    other.name = text("Before");
    other.redirectUris = { text("https://before.example/cb") };
    QString error;
    QVERIFY2(m_store->clients().insertClient(other, &error), qPrintable(error));
    const QString path = m_store->database().path();
    m_store.reset();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(text("QSQLITE"), text("version-6"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(withoutSchema8(db));
        QVERIFY(withoutSchema7(db));
        QSqlQuery query(db);
        QVERIFY(query.exec(text("PRAGMA user_version = 6")));
        db.close();
    }
    QSqlDatabase::removeDatabase(text("version-6"));

    m_store = BankStore::open(m_dir->path(), &error);
    QVERIFY2(m_store, qPrintable(error));
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    QCOMPARE(m_store->clients().client(text("coolloan"))->postLogoutRedirectUris,
        QStringList { text("http://127.0.0.1/logged-out") });
    QVERIFY(m_store->clients().client(text("registered-before"))->postLogoutRedirectUris.isEmpty());
}

void tst_Database::migratingToVersion3EndsOldSessions()
{
    // A session of schema version 2 has no CSRF token of its own: its forms' token was computed from the
    // cookie. Migrating ends it (John logs in again) rather than leave it without a token.
    LoginSession old;
    old.idHash = hashOf("version-2 session");
    old.userId = johnId();
    old.authTime = kNow;
    old.expiresAt = std::numeric_limits<qint32>::max();
    old.csrfToken = "to be dropped";
    QVERIFY(m_store->sessions().insertSession(old));
    const QString path = m_store->database().path();
    m_store.reset();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(text("QSQLITE"), text("version-2"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        for (const char *sql :
            { "ALTER TABLE login_sessions DROP COLUMN csrf_token", "DROP INDEX login_failures_by_user_client",
                "DROP INDEX login_failures_by_time", "ALTER TABLE login_failures DROP COLUMN client",
                "CREATE INDEX login_failures_by_user ON login_failures(username, failed_at)",
                "PRAGMA user_version = 2" }) {
            QSqlQuery query(db);
            QVERIFY2(query.exec(text(sql)), qPrintable(query.lastError().text()));
        }
        QVERIFY(withoutSchema8(db));
        QVERIFY(withoutSchema7(db));
        QVERIFY(withoutSchema6(db));
        QVERIFY(withoutSchema5(db));
        db.close();
    }
    QSqlDatabase::removeDatabase(text("version-2"));

    QString error;
    m_store = BankStore::open(m_dir->path(), &error);
    QVERIFY2(m_store, qPrintable(error));
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    const auto migrated = m_store->sessions().session(old.idHash);
    QVERIFY(migrated.has_value());
    QVERIFY(migrated->csrfToken.isEmpty());
    QVERIFY(migrated->revokedAt != 0);
}

void tst_Database::migratingToVersion6KeepsPasswordLogins()
{
    // Sessions and grants of schema version 5 all came from the password form, the bank's only login: they
    // say so after the migration (amr "pwd", acr "0"), so that their next ID token does too (OIDC Core §2).
    LoginSession session;
    session.idHash = hashOf("version-5 session");
    session.userId = johnId();
    session.authTime = kNow;
    session.expiresAt = kNow + 3600;
    session.csrfToken = "token";
    QVERIFY(m_store->sessions().insertSession(session));
    QVERIFY(m_store->grants().insertCode(makeCode("version-5 code", kNow + 60)));
    QVERIFY(m_store->grants().insertToken(makeToken("version-5 refresh", TokenKind::Refresh, "f", "c")));
    const QString path = m_store->database().path();
    m_store.reset();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(text("QSQLITE"), text("version-5"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(withoutSchema8(db));
        QVERIFY(withoutSchema7(db));
        QVERIFY(withoutSchema6(db));
        QSqlQuery query(db);
        QVERIFY(query.exec(text("PRAGMA user_version = 5")));
        db.close();
    }
    QSqlDatabase::removeDatabase(text("version-5"));

    QString error;
    m_store = BankStore::open(m_dir->path(), &error);
    QVERIFY2(m_store, qPrintable(error));
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    QCOMPARE(m_store->sessions().session(session.idHash)->amr, QStringList { text("pwd") });
    const auto code = m_store->grants().code(hashOf("version-5 code"));
    QCOMPARE(code->amr, QStringList { text("pwd") });
    QCOMPARE(code->acr, text("0"));
    QVERIFY(code->claims.isEmpty());
    const auto token = m_store->grants().token(hashOf("version-5 refresh"));
    QCOMPARE(token->amr, QStringList { text("pwd") });
    QCOMPARE(token->acr, text("0"));
    QVERIFY(token->claims.isEmpty());
}

void tst_Database::migratingToVersion8KeepsTheNewestKeyCurrent()
{
    // Before schema 8 the newest key signed and the others were never published. Migrating keeps the
    // newest current, published while any access token of the ledger (which it signed) is valid.
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("older"), R"({"kid":"older"})", kNow));
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("newest"), R"({"kid":"newest"})", kNow));
    QVERIFY(m_store->grants().insertToken(makeToken("a1", TokenKind::Access, "family-1", "code-1")));
    const qint64 lastExpiry = m_store->grants().token(hashOf("a1"))->expiresAt;
    const QString path = m_store->database().path();
    m_store.reset();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(text("QSQLITE"), text("version-7"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(text("UPDATE signing_keys SET retired_at = 0")));
        QVERIFY(withoutSchema8(db));
        QVERIFY(query.exec(text("PRAGMA user_version = 7")));
        db.close();
    }
    QSqlDatabase::removeDatabase(text("version-7"));

    QString error;
    m_store = BankStore::open(m_dir->path(), &error);
    QVERIFY2(m_store, qPrintable(error));
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    QCOMPARE(m_store->keys().currentKid().value_or(QString()), text("newest"));
    QVERIFY(m_store->keys().key(text("older"))->retiredAt > 0);
    QCOMPARE(m_store->keys().key(text("newest"))->lastExpiry, lastExpiry);
}

void tst_Database::transactionsRollBack()
{
    QVERIFY(!m_store->inTransaction([&] {
        m_store->auditLog().record(kNow, text("rolled back"), {}, {}, {});
        return false;
    }));
    QVERIFY(m_store->auditLog().recent().isEmpty());

    // Nested: the inner one rolls back alone, the outer one commits.
    QVERIFY(m_store->inTransaction([&] {
        m_store->auditLog().record(kNow, text("outer"), {}, {}, {});
        const bool inner = m_store->inTransaction([&] {
            m_store->auditLog().record(kNow, text("inner"), {}, {}, {});
            return false;
        });
        return !inner;
    }));
    const QList<AuditEntry> log = m_store->auditLog().recent();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log[0].event, text("outer"));

    // And a payment inside a caller's transaction goes with it.
    const qint64 balance = m_store->accounts().account(text("CHK-1001"))->balanceCents;
    QVERIFY(!m_store->inTransaction([&] {
        QString error;
        return !m_store->accounts().makePayment(
            johnId(), text("CHK-1001"), text("Shop"), 100, {}, kNow, &error);
    }));
    QCOMPARE(m_store->accounts().account(text("CHK-1001"))->balanceCents, balance);
}

void tst_Database::resetReseeds()
{
    const qint64 john = johnId();
    const QList<BankTransaction> seeded = m_store->accounts().transactionsOf(text("CHK-1001"));
    QString error;
    QVERIFY(m_store->accounts().makePayment(john, text("CHK-1001"), text("Shop"), 100, {}, kNow, &error));
    QVERIFY(m_store->consents().saveConsent(john, text("coolloan"), { text("openid") }, kNow));
    QVERIFY(m_store->grants().insertToken(makeToken("r1", TokenKind::Refresh, "family-1", "code-1")));
    QVERIFY(m_store->grants().insertCode(makeCode("code-1", kNow + 60)));
    QVERIFY(m_store->auditLog().record(kNow, text("grant"), text("coolloan"), text("john"), {}));
    QVERIFY(m_store->sessions().recordLoginFailure(text("john"), text("127.0.0.1"), kNow));
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), "{}", kNow));
    Client other;
    other.clientId = text("other");
    other.name = text("Other");
    QVERIFY(m_store->clients().insertClient(other, &error));

    SeedReport seed;
    QVERIFY2(m_store->reset(&error, &seed), qPrintable(error));
    QVERIFY(seed.seeded);
    QCOMPARE(seed.coolLoanSecret.size(), 43);
    QVERIFY(seed.coolLoanSecret != m_seed.coolLoanSecret);
    QCOMPARE(m_store->clients().client(text("coolloan"))->secretHash, sha256Hex(seed.coolLoanSecret));

    QVERIFY(!m_store->clients().client(text("other")));
    QCOMPARE(m_store->clients().all().size(), 1);
    QVERIFY(m_store->consents().consentsOf(johnId()).isEmpty());
    QVERIFY(!m_store->grants().token(hashOf("r1")));
    QVERIFY(!m_store->grants().code(hashOf("code-1")));
    QVERIFY(m_store->auditLog().recent().isEmpty());
    QCOMPARE(m_store->sessions().loginFailuresSince(text("john"), text("127.0.0.1"), 0).count, 0);
    QVERIFY(!m_store->keys().signingKeyJwk());
    QCOMPARE(describe(m_store->accounts().transactionsOf(text("CHK-1001"))), describe(seeded));
    QVERIFY(verifyPassword(m_store->users().userByUsername(text("john"))->passwordHash, "banking-is-fun"));
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
}

void tst_Database::purgeExpired()
{
    const qint64 grace = 3600;
    QVERIFY(m_store->sessions().insertInteraction(makeInteraction("old", kNow - grace - 1)));
    QVERIFY(m_store->sessions().insertInteraction(makeInteraction("in-grace", kNow - grace + 1)));
    QVERIFY(m_store->sessions().insertInteraction(makeInteraction("fresh", kNow + 600)));
    QVERIFY(m_store->grants().insertCode(makeCode("old-code", kNow - grace - 1)));
    QVERIFY(m_store->grants().insertCode(makeCode("fresh-code", kNow + 60)));
    LoginSession old;
    old.idHash = hashOf("old-session");
    old.userId = johnId();
    old.authTime = kNow - 2 * 86400;
    old.expiresAt = kNow - 86400;
    QVERIFY(m_store->sessions().insertSession(old));
    LoginSession fresh = old;
    fresh.idHash = hashOf("fresh-session");
    fresh.expiresAt = kNow + 3600;
    QVERIFY(m_store->sessions().insertSession(fresh));

    QCOMPARE(m_store->purgeExpired(kNow, grace), 3);
    QVERIFY(!m_store->sessions().interaction(text("old")));
    QVERIFY(m_store->sessions().interaction(text("in-grace")));
    QVERIFY(m_store->sessions().interaction(text("fresh")));
    QVERIFY(!m_store->grants().code(hashOf("old-code")));
    QVERIFY(m_store->grants().code(hashOf("fresh-code")));
    QVERIFY(!m_store->sessions().session(hashOf("old-session")));
    QVERIFY(m_store->sessions().session(hashOf("fresh-session")));
    QCOMPARE(m_store->purgeExpired(kNow, grace), 0);
    QCOMPARE(m_store->purgeExpired(kNow + 2, grace), 1); // "in-grace" is now past it
}

// Issue 13 found SQLite's parser in every request's profile: a statement is prepared once per connection.
void tst_Database::statementsArePreparedOncePerConnection()
{
    Database &db = m_store->database();
    QVERIFY(m_store->grants().insertCode(makeCode("cached", kNow + 60)));
    QVERIFY(m_store->grants().code(hashOf("cached")));
    const int cached = db.cachedStatements();
    for (int i = 0; i < 100; ++i) {
        QVERIFY(m_store->grants().code(hashOf("cached")));
        QVERIFY(!m_store->grants().code(hashOf("never issued")));
    }
    QCOMPARE(db.cachedStatements(), cached);
    QVERIFY(m_store->grants().recentCodes().size() == 1);
    QCOMPARE(db.cachedStatements(), cached + 1);
    // Each use starts afresh: nothing of the previous call's values or rows is left.
    QCOMPARE(m_store->grants().code(hashOf("cached"))->codeHash, hashOf("cached"));
}

// A statement an outer caller is still reading is never bound again by a nested call of the same SQL.
void tst_Database::nestedUseGetsAStatementOfItsOwn()
{
    Database &db = m_store->database();
    const QString sql = QStringLiteral("SELECT id FROM accounts ORDER BY id");
    QStringList outerRows;
    {
        Database::Statement outer = db.statement(sql);
        QVERIFY(outer->exec());
        while (outer->next()) {
            outerRows << outer->text("id");
            const QList<QString> inner
                = db.selectAll(sql, {}, [](const SqlStatement &row) { return row.text("id"); });
            QCOMPARE(inner, (QList<QString> { text("CHK-1001"), text("CHK-3001"), text("SAV-2001") }));
        }
    }
    QCOMPARE(outerRows, (QStringList { text("CHK-1001"), text("CHK-3001"), text("SAV-2001") }));
}

// Columns are read by the name the SELECT gives them, whatever their position and the order they are read.
void tst_Database::columnsAreReadByName()
{
    Database &db = m_store->database();
    Database::Statement select = db.statement(
        QStringLiteral("SELECT 'one' AS a, 2 AS b UNION ALL SELECT 'three', 4 UNION ALL SELECT 'five', 6"));
    QVERIFY(select->exec());
    QVERIFY(select->next());
    QCOMPARE(select->text("a"), text("one"));
    QCOMPARE(select->integer("b"), 2);
    QVERIFY(select->next());
    QCOMPARE(select->integer("b"), 4); // the other order
    QCOMPARE(select->text("a"), text("three"));
    QVERIFY(select->next());
    QCOMPARE(select->bytes("a"), QByteArray("five"));
    QCOMPARE(select->integer("b"), 6);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(text("no column c in SELECT")));
    QVERIFY(select->text("c").isEmpty());
    QVERIFY(!select->next());
}

QTEST_GUILESS_MAIN(tst_Database)
#include "tst_database.moc"
