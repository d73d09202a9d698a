// Issue 10, "Proof that it holds": the bank killed with SIGKILL at random points while a client runs
// code flows and refreshes, restarted each time on the same data directory, loses nothing a client was
// given and gives nothing twice. `codeflow-bank serve` runs as a process of its own on a fixed port (so
// that the issuer, and with it every token already issued, stays the same across restarts); a seeded
// PRNG (the seed is printed; CFL_CRASH_SEED repeats a run) picks the operations and when to kill. A client
// whose request died with the bank sends it again, as a real client would.
//
// What must hold:
//  - after every kill, the database file passes PRAGMA integrity_check;
//  - granting is all or nothing: a redeemed code always has the tokens issued from it, a rotated refresh
//    token always has its successor (RFC 6749 §4.1.2, RFC 9700 §4.14.2 — one transaction in
//    TokenEndpoint::handle);
//  - every token response the client received is in the ledger, and still valid or revoked by a rule with
//    its reason. A request whose answer died with the bank after its commit is, when sent again, a reuse:
//    refused by a named check (token.code.unused, token.refresh.not_rotated) that revokes what the lost
//    answer held — the test finds those tokens in the ledger, revoked with a reason, and the refusals in
//    the audit log;
//  - the refresh token the client holds last in each family works once;
//  - no code and no refresh token is usable twice: every one the client ever sent is refused at the end.

#include "BankHarness.h"
#include "crypto/Digest.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace cfl;
using namespace cfl::test;

namespace {
// The run: at least this many completed flows and refreshes and this many kills, within the time bound
// (a loaded machine with two cores; the whole test stays under 90 s).
constexpr int MinOperations = 1000;
constexpr int MinKills = 40;
constexpr qint64 RunBoundMs = 70'000;
// The bank lives this long after a start (uniformly at random) before it is killed.
constexpr int MinLifeMs = 60;
constexpr int MaxLifeMs = 600;
// A request that died with the bank is sent again at most this often (a login on a loaded machine may
// take longer than some of the bank's lives).
constexpr int MaxAttempts = 50;
constexpr auto SqlConnection = "tst_crashsafety";

struct Family
{
    QString latest; // the refresh token the client holds
    QString latestAccess;
    bool revokedByRule = false;
};
} // namespace

class tst_CrashSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void killedAtRandomLosesNothingAndGivesNothingTwice();

private:
    bool startBank(QString *why);
    // The bank is up: started again after a kill (integrity checked first).
    bool ensureBank(QString *why);
    void scheduleKill();
    bool integrityOk(QString *why);
    QSqlQuery sql(const QString &statement, const QVariantList &values = {});
    qint64 number(const QString &statement, const QVariantList &values = {});

    HttpResult tokenRequest(const FormFields &fields);
    // One operation; false with *why when a property does not hold.
    bool loginFlow(QString *why);
    bool silentFlow(QString *why);
    bool flow(Browser &browser, QString *why);
    bool exchange(const QString &code, const QByteArray &verifier, QString *why);
    bool refresh(int family, QString *why);
    void received(const TokenSet &tokens, int family);

    QTemporaryDir m_dir;
    QString m_dataDir;
    quint16 m_port = 0;
    QUrl m_issuer;
    QByteArray m_secret;
    std::unique_ptr<ServeProcess> m_bank;
    std::unique_ptr<Browser> m_john; // keeps his session across restarts (it is in the database)
    QTimer m_killTimer;
    QRandomGenerator m_random;
    quint32 m_seed = 0;

    QList<Family> m_families;
    QList<int> m_active; // families the client still refreshes
    QStringList m_codes; // every code the client got
    QStringList m_usedRefreshTokens; // every refresh token the client sent
    QStringList m_accessTokens; // every access token the client got
    QStringList m_refreshTokens; // every refresh token the client got

    int m_kills = 0;
    int m_logins = 0;
    int m_silentFlows = 0;
    int m_refreshes = 0;
    int m_retries = 0;
    int m_lostCodes = 0; // exchanges committed before a kill, their answer lost: revoked by token.code.unused
    int m_lostRefreshes = 0; // the same for rotations: token.refresh.not_rotated
};

void tst_CrashSafety::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(CODEFLOW_BANK_PATH)).isExecutable(), CODEFLOW_BANK_PATH);
    QVERIFY(m_dir.isValid());
    m_dataDir = m_dir.filePath(QStringLiteral("bank"));
    bool fixed = false;
    m_seed = qEnvironmentVariable("CFL_CRASH_SEED").toUInt(&fixed);
    if (!fixed)
        m_seed = QRandomGenerator::global()->generate();
    m_random.seed(m_seed);
    qInfo("crash safety: seed %u (CFL_CRASH_SEED=%u repeats this run)", m_seed, m_seed);

    // The first start picks a free port (port 0: a port probed and closed here could be taken by another
    // test's connection before the bank binds it); every restart asks for that port again, so that the
    // issuer, and so every token issued, stays the same.
    QString why;
    QVERIFY2(startBank(&why), qPrintable(why));
    // "coolloan client_secret: …", shown once on a fresh data directory.
    QTRY_VERIFY(m_bank->out().contains("client_secret: "));
    const QRegularExpressionMatch secret
        = QRegularExpression(QStringLiteral("client_secret: (\\S+)")).match(QString::fromUtf8(m_bank->out()));
    QVERIFY(secret.hasMatch());
    m_secret = secret.captured(1).toLatin1();

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QLatin1String(SqlConnection));
    db.setDatabaseName(QDir(m_dataDir).filePath(QLatin1String(Database::FileName)));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));

    m_john = std::make_unique<Browser>(m_issuer);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_bank && m_bank->isRunning() && m_bank->killNow())
            ++m_kills;
    });
}

void tst_CrashSafety::cleanupTestCase()
{
    m_killTimer.stop();
    QSqlDatabase::database(QLatin1String(SqlConnection)).close();
    QSqlDatabase::removeDatabase(QLatin1String(SqlConnection));
    if (m_bank && m_bank->isRunning())
        QVERIFY2(m_bank->stop(), m_bank->err().right(400).constData());
}

bool tst_CrashSafety::startBank(QString *why)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    m_bank.reset(); // the one before is dead already
    m_bank = std::make_unique<ServeProcess>(QStringLiteral(CODEFLOW_BANK_PATH),
        QStringList {
            QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), m_dataDir },
        environment);
    const QUrl issuer = m_bank->waitForIssuer();
    if (m_port == 0 && issuer.isValid() && issuer.port() > 0)
        m_port = quint16(issuer.port());
    if (!issuer.isValid() || issuer.port() != m_port) {
        *why = QStringLiteral("the bank did not start on port %1: %2")
                   .arg(m_port)
                   .arg(QString::fromUtf8(m_bank->err().right(600)));
        return false;
    }
    m_issuer = issuer;
    return true;
}

bool tst_CrashSafety::ensureBank(QString *why)
{
    if (m_bank->isRunning())
        return true;
    if (!integrityOk(why))
        return false;
    if (!startBank(why))
        return false;
    scheduleKill();
    return true;
}

void tst_CrashSafety::scheduleKill()
{
    m_killTimer.start(MinLifeMs + int(m_random.bounded(MaxLifeMs - MinLifeMs)));
}

bool tst_CrashSafety::integrityOk(QString *why)
{
    QSqlQuery check = sql(QStringLiteral("PRAGMA integrity_check"));
    QStringList problems;
    while (check.next())
        problems << check.value(0).toString();
    if (problems == QStringList { QStringLiteral("ok") })
        return true;
    *why = QStringLiteral("PRAGMA integrity_check after kill %1: %2")
               .arg(m_kills)
               .arg(problems.join(QStringLiteral("; ")) + check.lastError().text());
    return false;
}

QSqlQuery tst_CrashSafety::sql(const QString &statement, const QVariantList &values)
{
    QSqlQuery query(QSqlDatabase::database(QLatin1String(SqlConnection)));
    query.prepare(statement);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        qWarning("%s: %s", qPrintable(statement), qPrintable(query.lastError().text()));
    return query;
}

qint64 tst_CrashSafety::number(const QString &statement, const QVariantList &values)
{
    QSqlQuery query = sql(statement, values);
    return query.next() ? query.value(0).toLongLong() : -1;
}

HttpResult tst_CrashSafety::tokenRequest(const FormFields &fields)
{
    HttpAgent agent;
    return agent.postForm(m_issuer.resolved(QUrl(QStringLiteral("/token"))), fields,
        { { "Authorization", OAuthClient::basicAuthorization(QString::fromLatin1(CoolLoanId), m_secret) } });
}

void tst_CrashSafety::received(const TokenSet &tokens, int family)
{
    m_accessTokens << tokens.accessToken;
    m_refreshTokens << tokens.refreshToken;
    m_families[family].latest = tokens.refreshToken;
    m_families[family].latestAccess = tokens.accessToken;
}

bool tst_CrashSafety::loginFlow(QString *why)
{
    Browser browser(m_issuer); // a browser the bank has never seen: John logs in (argon2id)
    if (!flow(browser, why))
        return false;
    ++m_logins;
    return true;
}

bool tst_CrashSafety::silentFlow(QString *why)
{
    if (!flow(*m_john, why)) // John's session and remembered consent: straight back with a code
        return false;
    ++m_silentFlows;
    return true;
}

bool tst_CrashSafety::flow(Browser &browser, QString *why)
{
    for (int attempt = 0; attempt < MaxAttempts; ++attempt) {
        AuthorizationRequest request;
        const AuthorizationRun run = browser.authorize(request);
        if (run.code().isEmpty()) {
            // The bank died on the way: start again from /authorize.
            if (!m_bank->isRunning()) {
                ++m_retries;
                if (!ensureBank(why))
                    return false;
                continue;
            }
            *why = QStringLiteral("no code from a running bank: %1").arg(run.describe());
            return false;
        }
        m_codes << run.code();
        return exchange(run.code(), request.verifier, why);
    }
    *why = QStringLiteral("no code after %1 attempts").arg(MaxAttempts);
    return false;
}

bool tst_CrashSafety::exchange(const QString &code, const QByteArray &verifier, QString *why)
{
    bool sentBefore = false;
    for (int attempt = 0; attempt < MaxAttempts; ++attempt) {
        const HttpResult response
            = tokenRequest({ { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), code },
                { QStringLiteral("redirect_uri"), QString::fromLatin1(CoolLoanRedirect) },
                { QStringLiteral("code_verifier"), QString::fromLatin1(verifier) } });
        if (response.status == 200) {
            const TokenSet tokens = TokenSet::from(response);
            if (!tokens.isValid() || tokens.refreshToken.isEmpty()) {
                *why = QStringLiteral("a token response without tokens: %1").arg(response.describe());
                return false;
            }
            m_families.append(Family {});
            received(tokens, int(m_families.size() - 1));
            m_active << int(m_families.size() - 1);
            return true;
        }
        if (response.status == 0 && !m_bank->isRunning()) {
            sentBefore = true;
            ++m_retries;
            if (!ensureBank(why))
                return false;
            continue;
        }
        if (response.status == 400 && sentBefore) {
            // The exchange committed before the kill and its answer was lost: sent again, the code is a
            // replay, and the tokens of the lost answer are revoked (token.code.unused, RFC 6749 §10.5).
            // They must be in the ledger (all or nothing), each revoked with its reason.
            // Bound as text: the ledger's hashes are TEXT, a QByteArray would bind as a BLOB and match
            // nothing.
            const QString hash = QString::fromLatin1(sha256Hex(code.toUtf8()));
            const qint64 redeemed = number(
                QStringLiteral("SELECT redeemed_at FROM authorization_codes WHERE code_hash = ?"), { hash });
            const qint64 issued
                = number(QStringLiteral("SELECT count(*) FROM tokens WHERE code_hash = ?"), { hash });
            const qint64 unexplained = number(QStringLiteral("SELECT count(*) FROM tokens WHERE code_hash = "
                                                             "? AND (revoked_at = 0 OR revoked_reason = '')"),
                { hash });
            if (redeemed <= 0 || issued < 2 || unexplained != 0) {
                *why = QStringLiteral(
                    "code sent again after a kill was refused (%1), but the ledger does not "
                    "explain it: redeemed_at %2, %3 token(s) issued from it, %4 not revoked by a rule")
                           .arg(response.describe())
                           .arg(redeemed)
                           .arg(issued)
                           .arg(unexplained);
                return false;
            }
            ++m_lostCodes;
            return true;
        }
        *why = QStringLiteral("code exchange refused without a kill: %1").arg(response.describe());
        return false;
    }
    *why = QStringLiteral("code exchange: no answer after %1 attempts").arg(MaxAttempts);
    return false;
}

bool tst_CrashSafety::refresh(int family, QString *why)
{
    const QString token = m_families[family].latest;
    bool sentBefore = false;
    for (int attempt = 0; attempt < MaxAttempts; ++attempt) {
        m_usedRefreshTokens << token;
        const HttpResult response
            = tokenRequest({ { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
                { QStringLiteral("refresh_token"), token } });
        if (response.status == 200) {
            const TokenSet tokens = TokenSet::from(response);
            if (!tokens.isValid() || tokens.refreshToken.isEmpty()) {
                *why = QStringLiteral("a refresh response without tokens: %1").arg(response.describe());
                return false;
            }
            received(tokens, family);
            ++m_refreshes;
            return true;
        }
        if (response.status == 0 && !m_bank->isRunning()) {
            sentBefore = true;
            ++m_retries;
            if (!ensureBank(why))
                return false;
            continue;
        }
        if (response.status == 400 && sentBefore) {
            // The rotation committed before the kill and its answer was lost: sent again, the token is a
            // reuse, and its family is revoked (token.refresh.not_rotated, RFC 9700 §4.14.2). The lost
            // successor must be in the ledger (all or nothing), and the whole family revoked with a reason.
            const QString hash = QString::fromLatin1(sha256Hex(token.toUtf8()));
            const qint64 rotated
                = number(QStringLiteral("SELECT rotated_at FROM tokens WHERE token_hash = ?"), { hash });
            const qint64 successors = number(
                QStringLiteral("SELECT count(*) FROM tokens WHERE parent_hash = ? AND kind = 'refresh'"),
                { hash });
            const qint64 unexplained = number(
                QStringLiteral("SELECT count(*) FROM tokens WHERE family_id = (SELECT family_id FROM tokens "
                               "WHERE token_hash = ?) AND (revoked_at = 0 OR revoked_reason = '')"),
                { hash });
            if (rotated <= 0 || successors != 1 || unexplained != 0) {
                *why = QStringLiteral(
                    "refresh token sent again after a kill was refused (%1), but the ledger does "
                    "not explain it: rotated_at %2, %3 successor(s), %4 token(s) of the family "
                    "not revoked by a rule")
                           .arg(response.describe())
                           .arg(rotated)
                           .arg(successors)
                           .arg(unexplained);
                return false;
            }
            m_families[family].revokedByRule = true;
            m_active.removeOne(family);
            ++m_lostRefreshes;
            return true;
        }
        *why = QStringLiteral("refresh refused without a kill: %1").arg(response.describe());
        return false;
    }
    *why = QStringLiteral("refresh: no answer after %1 attempts").arg(MaxAttempts);
    return false;
}

void tst_CrashSafety::killedAtRandomLosesNothingAndGivesNothingTwice()
{
    QElapsedTimer clock;
    clock.start();
    QString why;
    scheduleKill();
    int operations = 0;
    while ((operations < MinOperations || m_kills < MinKills) && clock.elapsed() < RunBoundMs) {
        const quint32 dice = m_random.bounded(100u);
        bool ok = false;
        if (dice < 3 || m_active.isEmpty())
            ok = loginFlow(&why);
        else if (dice < 25)
            ok = silentFlow(&why);
        else
            ok = refresh(m_active.at(int(m_random.bounded(quint32(m_active.size())))), &why);
        QVERIFY2(ok,
            qPrintable(QStringLiteral("operation %1, after %2 kill(s), seed %3: %4")
                           .arg(operations)
                           .arg(m_kills)
                           .arg(m_seed)
                           .arg(why)));
        ++operations;
        // Killed between two operations: noticed here rather than by the next request.
        if (!m_bank->isRunning())
            QVERIFY2(ensureBank(&why), qPrintable(why));
    }
    m_killTimer.stop();
    const qint64 runMs = clock.elapsed();
    QVERIFY2(operations >= MinOperations && m_kills >= MinKills,
        qPrintable(QStringLiteral("only %1 operations and %2 kills in %3 ms (seed %4)")
                       .arg(operations)
                       .arg(m_kills)
                       .arg(runMs)
                       .arg(m_seed)));
    QVERIFY2(ensureBank(&why), qPrintable(why));
    QVERIFY2(integrityOk(&why), qPrintable(why));

    // All or nothing, over the whole ledger.
    QCOMPARE(
        number(QStringLiteral("SELECT count(*) FROM authorization_codes c WHERE redeemed_at != 0 AND NOT "
                              "EXISTS (SELECT 1 FROM tokens t WHERE t.code_hash = c.code_hash)")),
        0);
    QCOMPARE(
        number(QStringLiteral("SELECT count(*) FROM tokens r WHERE kind = 'refresh' AND rotated_at != 0 AND "
                              "NOT EXISTS (SELECT 1 FROM tokens c WHERE c.parent_hash = r.token_hash)")),
        0);

    // Every token the client received is in the ledger, valid or revoked with a reason.
    int revokedByRule = 0;
    for (const QStringList *tokens : { &m_accessTokens, &m_refreshTokens }) {
        for (const QString &token : *tokens) {
            QSqlQuery row
                = sql(QStringLiteral("SELECT revoked_at, revoked_reason FROM tokens WHERE token_hash = ?"),
                    { QString::fromLatin1(sha256Hex(token.toUtf8())) });
            QVERIFY2(row.next(), "a token the client received is not in the ledger");
            if (row.value(0).toLongLong() != 0) {
                QVERIFY2(!row.value(1).toString().isEmpty(), "a token revoked without a reason");
                ++revokedByRule;
            }
        }
    }
    // The lost answers were refused by their named checks, in the audit log.
    QVERIFY(number(QStringLiteral("SELECT count(*) FROM audit_log WHERE check_id = 'token.code.unused'"))
        >= m_lostCodes);
    QVERIFY(
        number(QStringLiteral("SELECT count(*) FROM audit_log WHERE check_id = 'token.refresh.not_rotated'"))
        >= m_lostRefreshes);

    // The last access token of each family still opens the API; its refresh token works, once.
    HttpAgent api;
    int lastWorked = 0;
    for (const int family : std::as_const(m_active)) {
        const HttpResult accounts = api.get(m_issuer.resolved(QUrl(QStringLiteral("/api/accounts"))),
            { { "Authorization", "Bearer " + m_families[family].latestAccess.toLatin1() } });
        QVERIFY2(accounts.status == 200, qPrintable(accounts.describe()));
        const QString token = m_families[family].latest;
        const FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
            { QStringLiteral("refresh_token"), token } };
        const HttpResult first = tokenRequest(fields);
        QVERIFY2(first.status == 200, qPrintable(first.describe()));
        const HttpResult second = tokenRequest(fields);
        QVERIFY2(second.status == 400, qPrintable(second.describe()));
        ++lastWorked;
    }

    // Nothing twice: every refresh token and code the client ever sent is refused now.
    m_usedRefreshTokens.removeDuplicates();
    for (const QString &token : std::as_const(m_usedRefreshTokens)) {
        const HttpResult again
            = tokenRequest({ { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
                { QStringLiteral("refresh_token"), token } });
        QVERIFY2(again.status == 400, qPrintable(again.describe()));
    }
    for (const QString &code : std::as_const(m_codes)) {
        const HttpResult again
            = tokenRequest({ { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                { QStringLiteral("code"), code },
                { QStringLiteral("redirect_uri"), QString::fromLatin1(CoolLoanRedirect) },
                { QStringLiteral("code_verifier"), QString::fromLatin1(QByteArray(43, 'x')) } });
        QVERIFY2(again.status == 400, qPrintable(again.describe()));
    }
    QVERIFY2(integrityOk(&why), qPrintable(why));

    qInfo(
        "crash safety (seed %u): %d operations in %lld ms — %d logins, %d silent flows, %d refreshes; %d "
        "SIGKILLs, %d requests sent again; integrity_check ok after every kill; %lld tokens received, all in "
        "the ledger (%d revoked by a rule); %d answer(s) lost after their commit, each refused by its named "
        "check (%d codes, %d refresh tokens) with its tokens revoked; %d families' last refresh token worked "
        "once; %lld codes and %lld used refresh tokens refused when sent again",
        m_seed, operations, runMs, m_logins, m_silentFlows, m_refreshes, m_kills, m_retries,
        qint64(m_accessTokens.size() + m_refreshTokens.size()), revokedByRule, m_lostCodes + m_lostRefreshes,
        m_lostCodes, m_lostRefreshes, lastWorked, qint64(m_codes.size()), qint64(m_usedRefreshTokens.size()));
}

QTEST_GUILESS_MAIN(tst_CrashSafety)
#include "tst_crashsafety.moc"
