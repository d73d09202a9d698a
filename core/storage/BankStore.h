#pragma once
// The bank's state in one SQLite file (Qt Sql). Every SQL statement of the project lives in storage/.
// A BankStore owns one QSqlDatabase connection and must be used on the thread that opened it
// (connections are per thread). Schema migrations through PRAGMA user_version; WAL; every multi-row
// change in a transaction.
//
// Methods that change one existing row (set*, revoke*, update*, delete*) return true only when that row
// existed and changed; insert* return false on any SQL error (e.g. a duplicate key). Failures are logged
// under the "cfl.storage" category, without values.

#include "storage/BankRecords.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QSqlDatabase;

namespace cfl {

struct SeedReport
{
    bool seeded = false; // true when open()/reset() created the seed data just now
    QByteArray coolLoanSecret; // CoolLoan's client secret, in clear, only when seeded just now
};

class BankStore
{
public:
    static constexpr auto DatabaseFileName = "bank.sqlite";

    // Opens (creating the directory and file) DIR/bank.sqlite, migrates, seeds when empty.
    static std::unique_ptr<BankStore> open(
        const QString &dataDir, QString *error, SeedReport *seed = nullptr);
    ~BankStore();
    BankStore(const BankStore &) = delete;
    BankStore &operator=(const BankStore &) = delete;

    // The schema version this build migrates to (PRAGMA user_version after open()).
    static int latestSchemaVersion();

    QString databasePath() const;
    int schemaVersion() const; // -1 when it cannot be read
    QString journalMode() const; // "wal" once open() succeeded
    // Deletes every row of every table and seeds again (new CoolLoan secret).
    bool reset(QString *error, SeedReport *seed = nullptr);
    // Runs `work` in one SQL transaction; commits when it returns true, rolls back otherwise. The outermost
    // call takes the write lock at once (BEGIN IMMEDIATE, so busy_timeout applies, not SQLITE_BUSY on the
    // first write); nested calls become savepoints, so the methods below may be called inside `work`.
    bool inTransaction(const std::function<bool()> &work);

    // Users
    std::optional<User> userByUsername(const QString &username) const;
    std::optional<User> userById(qint64 id) const;

    // Bank accounts and transactions
    QList<BankAccount> accountsOf(qint64 userId) const;
    std::optional<BankAccount> account(const QString &accountId) const;
    QList<BankTransaction> transactionsOf(const QString &accountId, int limit = -1) const; // newest first
    // Debits `fromAccountId` (must belong to userId) in one transaction; refuses amounts <= 0 and
    // insufficient funds with *error.
    std::optional<BankTransaction> makePayment(qint64 userId, const QString &fromAccountId,
        const QString &payee, qint64 amountCents, const QString &reference, qint64 now, QString *error);

    // Clients
    std::optional<Client> client(const QString &clientId) const;
    QList<Client> clients() const;
    bool insertClient(const Client &client, QString *error);
    bool setClientSecretHash(const QString &clientId, const QByteArray &secretHash);

    // Consents (one row per user and client; saving again replaces the scopes and clears revokedAt;
    // revokeConsent is true only when it revoked an active consent)
    std::optional<Consent> activeConsent(qint64 userId, const QString &clientId) const;
    QList<Consent> consentsOf(qint64 userId) const; // active ones, newest first
    QList<Consent> allConsents() const; // every user's, revoked ones too, last changed first (the ledger)
    bool saveConsent(qint64 userId, const QString &clientId, const QStringList &scopes, qint64 now);
    bool revokeConsent(qint64 userId, const QString &clientId, qint64 now);

    // Login sessions
    bool insertSession(const LoginSession &session);
    std::optional<LoginSession> session(const QByteArray &idHash) const;
    bool revokeSession(const QByteArray &idHash, qint64 now);
    QList<LoginSession> recentSessions(int limit = 50) const; // latest login first

    // Interactions
    bool insertInteraction(const Interaction &interaction);
    std::optional<Interaction> interaction(const QString &id) const;
    bool updateInteractionLogin(const QString &id, qint64 userId, qint64 authTime);
    bool deleteInteraction(const QString &id);

    // Authorization codes
    bool insertCode(const AuthorizationCode &code);
    std::optional<AuthorizationCode> code(const QByteArray &codeHash) const;
    // Atomic (UPDATE ... WHERE redeemed_at = 0): true only for the one call that redeemed it.
    bool markCodeRedeemed(const QByteArray &codeHash, qint64 now);
    QList<AuthorizationCode> recentCodes(int limit = 50) const; // newest first

    // Tokens
    bool insertToken(const IssuedToken &token);
    std::optional<IssuedToken> token(const QByteArray &tokenHash) const;
    std::optional<IssuedToken> tokenByJti(const QString &jti) const;
    QList<IssuedToken> recentTokens(int limit = 100) const; // newest first
    // A refresh token family through its rotations, and the tokens issued from one code: oldest first.
    QList<IssuedToken> tokenFamily(const QString &familyId) const;
    QList<IssuedToken> tokensFromCode(const QByteArray &codeHash) const;
    // Atomic: true only for the one call that rotated an active (not rotated, not revoked) token.
    bool markTokenRotated(const QByteArray &tokenHash, qint64 now);
    // Each returns how many tokens it revoked (already revoked ones are left as they were).
    int revokeToken(const QByteArray &tokenHash, qint64 now, const QString &reason);
    int revokeTokensFromCode(const QByteArray &codeHash, qint64 now, const QString &reason);
    int revokeFamily(const QString &familyId, qint64 now, const QString &reason);
    int revokeTokensOfClient(qint64 userId, const QString &clientId, qint64 now, const QString &reason);

    // Login throttling, per user name (compared case-insensitively) and client (its address, or an IPv6
    // /64). loginFailuresSince fails closed: count INT_MAX when it cannot be read.
    struct LoginFailures
    {
        int count = 0;
        qint64 lastAt = 0; // the newest failure counted; 0 for none
    };
    LoginFailures loginFailuresSince(const QString &username, const QString &client, qint64 since) const;
    bool recordLoginFailure(const QString &username, const QString &client, qint64 now);
    bool clearLoginFailures(const QString &username, const QString &client);
    // Deletes failures before `before`, which no longer count; returns how many (-1 on error).
    int purgeLoginFailures(qint64 before);

    // Audit log (`checkId`: the named check behind a refusal, e.g. "token.code.pkce")
    bool audit(qint64 at, const QString &event, const QString &clientId, const QString &username,
        const QString &detail, const QString &checkId = {});
    QList<AuditEntry> auditLog(int limit = 200) const; // newest first

    // The headless bank's signing key (the desktop app keeps it in the keychain instead).
    std::optional<QByteArray> signingKeyJwk() const;
    bool saveSigningKeyJwk(const QString &kid, const QByteArray &privateJwk);

    // Deletes interactions, codes and login sessions that expired more than `graceSeconds` ago; returns how
    // many rows it deleted (-1 on error).
    int purgeExpired(qint64 now, qint64 graceSeconds = 3600);

private:
    BankStore(const QString &connectionName, const QString &path);
    QSqlDatabase database() const;
    bool configureConnection(QString *error);
    std::optional<bool> hasUsers() const;
    // Seeds when the database has no users (open) or after deleting every row (reset), in one transaction.
    bool seed(bool replaceEverything, QString *error, SeedReport *report);

    QString m_connectionName; // unique per instance: Qt Sql connections are per name and per thread
    QString m_path;
    int m_transactionDepth = 0;
};

} // namespace cfl
