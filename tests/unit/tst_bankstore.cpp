#include "crypto/Digest.h"
#include "crypto/PasswordHasher.h"
#include "storage/BankStore.h"
#include "storage/Money.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <iterator>
#include <limits>
#include <memory>

using namespace cfl;

namespace {

// A fixed "now" for everything the tests write (the seed itself follows the real clock).
constexpr qint64 kNow = 1750000000;

QString text(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

QByteArray hashOf(const char *value)
{
    return sha256Hex(QByteArray(value));
}

// One line per transaction, every field: what "the same history" means.
QStringList describe(const QList<BankTransaction> &transactions)
{
    QStringList lines;
    for (const BankTransaction &t : transactions)
        lines << QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8")
                     .arg(t.id)
                     .arg(t.accountId, t.bookedOn.toString(Qt::ISODate), t.description, t.counterparty,
                         t.category)
                     .arg(t.amountCents)
                     .arg(t.balanceAfterCents);
    return lines;
}

IssuedToken makeToken(const char *value, TokenKind kind, const char *family, const char *code,
    const QString &clientId = text("coolloan"))
{
    IssuedToken token;
    token.tokenHash = hashOf(value);
    token.kind = kind;
    token.jti = kind == TokenKind::Access ? QString::fromLatin1(value) + QStringLiteral("-jti") : QString();
    token.clientId = clientId;
    token.userId = 1;
    token.scopes = { text("openid"), text("accounts:read") };
    token.codeHash = hashOf(code);
    token.familyId = QString::fromLatin1(family);
    token.nonce = text("n-0S6_WzA2Mj");
    token.authTime = kNow - 30;
    token.issuedAt = kNow;
    token.expiresAt = kNow + (kind == TokenKind::Access ? 300 : 86400);
    return token;
}

Interaction makeInteraction(const char *id, qint64 expiresAt)
{
    Interaction i;
    i.id = QString::fromLatin1(id);
    i.kind = text("authorize");
    i.clientId = text("coolloan");
    i.redirectUri = text("http://127.0.0.1:53682/callback");
    i.scopes = { text("openid"), text("accounts:read") };
    i.state = text("af0ifjsldkj & more");
    i.codeChallenge = text("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    i.codeChallengeMethod = text("S256");
    i.csrfToken = "csrf-token-value";
    i.createdAt = expiresAt - 600;
    i.expiresAt = expiresAt;
    return i;
}

AuthorizationCode makeCode(const char *value, qint64 expiresAt)
{
    AuthorizationCode code;
    code.codeHash = hashOf(value);
    code.clientId = text("coolloan");
    code.userId = 1;
    code.redirectUri = text("http://127.0.0.1:53682/callback");
    code.scopes = { text("openid"), text("profile") };
    code.nonce = text("nonce-1");
    code.codeChallenge = text("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    code.codeChallengeMethod = text("S256");
    code.authTime = expiresAt - 90;
    code.issuedAt = expiresAt - 60;
    code.expiresAt = expiresAt;
    return code;
}

} // namespace

class tst_BankStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void opensAndSeeds();
    void schemaAndJournalMode();
    void seededAccountsAreConsistent();
    void seedIsDeterministic();
    void seededSecondCustomer();
    void reopenDoesNotReseed();
    void secondConnectionSeesWrites();
    void clients();
    void consents();
    void sessions();
    void interactions();
    void codeIsRedeemedOnce();
    void tokenRotationIsOnceAndOnlyForLiveRefreshTokens();
    void revocationCounts();
    void paymentBooksAndDebits();
    void paymentRefusals_data();
    void paymentRefusals();
    void formatMoney_data();
    void formatMoney();
    void loginFailures();
    void auditLogNewestFirst();
    void auditLogNamesTheRefusingCheck();
    void migratesAVersion1Database();
    void migratingToVersion3EndsOldSessions();
    void sessionKeepsItsCsrfToken();
    void transactionsRollBack();
    void resetReseeds();
    void signingKey();
    void purgeExpired();
    void ledgerCodesNewestFirst();
    void ledgerTokensNewestFirst();
    void tokenFamilyThroughRotations();
    void tokensFromCode();
    void ledgerSessionsAndConsents();

private:
    qint64 johnId() const { return m_store->users().userByUsername(text("john")).value_or(User {}).id; }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BankStore> m_store;
    SeedReport m_seed;
};

void tst_BankStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QString error;
    m_store = BankStore::open(m_dir->path(), &error, &m_seed);
    QVERIFY2(m_store, qPrintable(error));
}

void tst_BankStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void tst_BankStore::opensAndSeeds()
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
    QCOMPARE(coolLoan->allowedScopes,
        (QStringList { text("openid"), text("profile"), text("email"), text("offline_access"),
            text("accounts:read"), text("transactions:read") }));
    // Stored only as its hash.
    QCOMPARE(coolLoan->secretHash, sha256Hex(m_seed.coolLoanSecret));
}

void tst_BankStore::schemaAndJournalMode()
{
    QCOMPARE(Database::latestSchemaVersion(), 4);
    QCOMPARE(m_store->database().schemaVersion(), Database::latestSchemaVersion());
    QCOMPARE(m_store->database().journalMode(), text("wal"));
    QVERIFY(QFile::exists(m_store->database().path() + QStringLiteral("-wal")));
}

void tst_BankStore::seededAccountsAreConsistent()
{
    const QList<BankAccount> accounts = m_store->accounts().accountsOf(johnId());
    QCOMPARE(accounts.size(), 2);
    QCOMPARE(accounts[0].id, text("CHK-1001"));
    QCOMPARE(accounts[0].kind, text("checking"));
    QCOMPARE(accounts[1].id, text("SAV-2001"));
    QCOMPARE(accounts[1].kind, text("savings"));
    QVERIFY(accounts[0].iban != accounts[1].iban);

    const QDate today = QDate::currentDate();
    int total = 0;
    for (const BankAccount &account : accounts) {
        QCOMPARE(account.currency, text("EUR"));
        QCOMPARE(account.userId, johnId());
        QVERIFY(account.iban.startsWith(text("DE")));
        QCOMPARE(m_store->accounts().account(account.id)->balanceCents, account.balanceCents);

        QList<BankTransaction> history = m_store->accounts().transactionsOf(account.id); // newest first
        QVERIFY(!history.isEmpty());
        QCOMPARE(history.first().balanceAfterCents, account.balanceCents);
        std::reverse(history.begin(), history.end());
        for (int i = 0; i < history.size(); ++i) {
            const BankTransaction &t = history[i];
            QCOMPARE(t.accountId, account.id);
            QVERIFY2(t.bookedOn >= today.addMonths(-3) && t.bookedOn <= today,
                qPrintable(describe({ t }).first()));
            QVERIFY(t.amountCents != 0);
            QVERIFY(!t.description.isEmpty());
            QVERIFY(t.balanceAfterCents >= 0);
            if (i > 0) {
                QVERIFY(t.bookedOn >= history[i - 1].bookedOn);
                QCOMPARE(t.balanceAfterCents, history[i - 1].balanceAfterCents + t.amountCents);
            }
        }
        total += int(history.size());
        QCOMPARE(m_store->accounts().transactionsOf(account.id, 5).size(), 5);
    }
    qInfo("seeded %d transactions", total);
    QVERIFY2(total >= 80 && total <= 150, qPrintable(QString::number(total)));

    const QList<BankTransaction> checking = m_store->accounts().transactionsOf(text("CHK-1001"));
    const QList<BankTransaction> savings = m_store->accounts().transactionsOf(text("SAV-2001"));
    const auto inCategory = [](const QList<BankTransaction> &list, const char *category) {
        QList<BankTransaction> found;
        std::copy_if(list.begin(), list.end(), std::back_inserter(found),
            [&](const BankTransaction &t) { return t.category == QLatin1String(category); });
        return found;
    };
    const QList<BankTransaction> salaries = inCategory(checking, "salary");
    QVERIFY(salaries.size() >= 2);
    for (const BankTransaction &t : salaries) {
        QCOMPARE(t.amountCents, 345000);
        QCOMPARE(t.counterparty, text("Acme Tools GmbH"));
    }
    QVERIFY(inCategory(checking, "rent").size() >= 2);
    QVERIFY(inCategory(checking, "utilities").size() >= 4);
    QVERIFY(inCategory(checking, "phone").size() >= 2);
    QVERIFY(inCategory(checking, "transport").size() >= 2);
    QVERIFY(inCategory(checking, "leisure").size() >= 5);
    const QList<BankTransaction> groceries = inCategory(checking, "groceries");
    QVERIFY(groceries.size() >= 25); // several times a week
    for (const BankTransaction &t : groceries)
        QVERIFY2(t.amountCents <= -2000 && t.amountCents >= -12000, qPrintable(describe({ t }).first()));
    QVERIFY(!inCategory(savings, "interest").isEmpty());

    // A transfer appears in both accounts, same day, opposite amounts.
    const QList<BankTransaction> out = inCategory(checking, "transfer");
    const QList<BankTransaction> in = inCategory(savings, "transfer");
    QVERIFY(!out.isEmpty());
    QCOMPARE(out.size(), in.size());
    for (int i = 0; i < out.size(); ++i) {
        QCOMPARE(out[i].bookedOn, in[i].bookedOn);
        QCOMPARE(out[i].amountCents, -in[i].amountCents);
    }
}

void tst_BankStore::seedIsDeterministic()
{
    QTemporaryDir otherDir;
    QVERIFY(otherDir.isValid());
    QString error;
    SeedReport otherSeed;
    const std::unique_ptr<BankStore> other = BankStore::open(otherDir.path(), &error, &otherSeed);
    QVERIFY2(other, qPrintable(error));
    QVERIFY(otherSeed.seeded);

    for (const QString &account : { text("CHK-1001"), text("SAV-2001") }) {
        QCOMPARE(describe(other->accounts().transactionsOf(account)),
            describe(m_store->accounts().transactionsOf(account)));
        QCOMPARE(other->accounts().account(account)->balanceCents,
            m_store->accounts().account(account)->balanceCents);
    }
    // The content is fixed; the secrets are not.
    QVERIFY(otherSeed.coolLoanSecret != m_seed.coolLoanSecret);
    QVERIFY(other->users().userByUsername(text("john"))->passwordHash
        != m_store->users().userByUsername(text("john"))->passwordHash);
}

void tst_BankStore::seededSecondCustomer()
{
    // Mallory: a customer of her own, so that every ownership check has someone to refuse.
    const std::optional<User> mallory = m_store->users().userByUsername(text("mallory"));
    QVERIFY(mallory);
    QVERIFY(mallory->id != johnId());
    QCOMPARE(mallory->name, text("Mallory Jones"));
    QCOMPARE(mallory->email, text("mallory.jones@example.com"));
    QVERIFY(verifyPassword(mallory->passwordHash, "mallory-knows"));
    QVERIFY(!verifyPassword(mallory->passwordHash, "banking-is-fun"));

    const QList<BankAccount> accounts = m_store->accounts().accountsOf(mallory->id);
    QCOMPARE(accounts.size(), 1);
    const BankAccount &current = accounts.first();
    QCOMPARE(current.id, text("CHK-3001"));
    QCOMPARE(current.userId, mallory->id);
    QCOMPARE(current.currency, text("EUR"));
    for (const BankAccount &johns : m_store->accounts().accountsOf(johnId()))
        QVERIFY(johns.iban != current.iban);

    QList<BankTransaction> history = m_store->accounts().transactionsOf(current.id); // newest first
    QVERIFY(history.size() >= 3);
    QCOMPARE(history.first().balanceAfterCents, current.balanceCents);
    std::reverse(history.begin(), history.end());
    for (int i = 1; i < history.size(); ++i) {
        QVERIFY(history[i].bookedOn >= history[i - 1].bookedOn);
        QCOMPARE(history[i].balanceAfterCents, history[i - 1].balanceAfterCents + history[i].amountCents);
        QVERIFY(history[i].balanceAfterCents >= 0);
    }
    // Her bookings are not John's.
    for (const BankTransaction &t : history)
        QCOMPARE(t.accountId, current.id);
}

void tst_BankStore::reopenDoesNotReseed()
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

void tst_BankStore::secondConnectionSeesWrites()
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

void tst_BankStore::clients()
{
    Client spa;
    spa.clientId = text("spa-demo");
    spa.name = text("SPA demo");
    spa.isPublic = true;
    spa.redirectUris = { text("http://127.0.0.1/callback"), text("https://spa.example/cb?x=\"1\"") };
    spa.allowedScopes = { text("openid"), text("accounts:read") };
    spa.createdAt = kNow;
    QString error;
    QVERIFY2(m_store->clients().insertClient(spa, &error), qPrintable(error));

    const std::optional<Client> read = m_store->clients().client(text("spa-demo"));
    QVERIFY(read);
    QCOMPARE(read->name, spa.name);
    QVERIFY(read->isPublic);
    QVERIFY(read->secretHash.isEmpty());
    QCOMPARE(read->redirectUris, spa.redirectUris);
    QCOMPARE(read->allowedScopes, spa.allowedScopes);
    QCOMPARE(read->createdAt, kNow);
    QVERIFY(!m_store->clients().client(text("nobody")));

    error.clear();
    QVERIFY(!m_store->clients().insertClient(spa, &error));
    QVERIFY2(error.contains(text("already exists")), qPrintable(error));
    Client nameless;
    QVERIFY(!m_store->clients().insertClient(nameless, &error));

    const QList<Client> all = m_store->clients().all();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].clientId, text("coolloan"));
    QCOMPARE(all[1].clientId, text("spa-demo"));

    QVERIFY(m_store->clients().setClientSecretHash(text("spa-demo"), hashOf("new secret")));
    QCOMPARE(m_store->clients().client(text("spa-demo"))->secretHash, hashOf("new secret"));
    QVERIFY(!m_store->clients().setClientSecretHash(text("nobody"), hashOf("x")));
}

void tst_BankStore::consents()
{
    const qint64 john = johnId();
    const QString coolLoan = text("coolloan");
    QVERIFY(!m_store->consents().activeConsent(john, coolLoan));

    QVERIFY(m_store->consents().saveConsent(
        john, coolLoan, { text("openid"), text("accounts:read"), text("openid") }, kNow));
    std::optional<Consent> consent = m_store->consents().activeConsent(john, coolLoan);
    QVERIFY(consent);
    QCOMPARE(
        consent->scopes, (QStringList { text("accounts:read"), text("openid") })); // sorted, no duplicates
    QCOMPARE(consent->grantedAt, kNow);
    QCOMPARE(consent->revokedAt, 0);
    const qint64 id = consent->id;

    // Saving again replaces the scopes of the same row.
    QVERIFY(m_store->consents().saveConsent(john, coolLoan, { text("openid") }, kNow + 10));
    consent = m_store->consents().activeConsent(john, coolLoan);
    QCOMPARE(consent->id, id);
    QCOMPARE(consent->scopes, QStringList { text("openid") });
    QCOMPARE(consent->grantedAt, kNow);
    QCOMPARE(consent->updatedAt, kNow + 10);
    QCOMPARE(m_store->consents().consentsOf(john).size(), 1);

    QVERIFY(m_store->consents().revokeConsent(john, coolLoan, kNow + 20));
    QVERIFY(!m_store->consents().activeConsent(john, coolLoan));
    QVERIFY(m_store->consents().consentsOf(john).isEmpty());
    QVERIFY(!m_store->consents().revokeConsent(john, coolLoan, kNow + 21)); // nothing active any more

    // Given again after a revocation: a new grant.
    QVERIFY(m_store->consents().saveConsent(john, coolLoan, { text("profile"), text("openid") }, kNow + 30));
    consent = m_store->consents().activeConsent(john, coolLoan);
    QVERIFY(consent);
    QCOMPARE(consent->id, id);
    QCOMPARE(consent->revokedAt, 0);
    QCOMPARE(consent->grantedAt, kNow + 30);
    QCOMPARE(consent->scopes, (QStringList { text("openid"), text("profile") }));

    // Consents belong to a registered client.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(text("FOREIGN KEY constraint failed")));
    QVERIFY(!m_store->consents().saveConsent(john, text("unregistered"), { text("openid") }, kNow));
}

void tst_BankStore::sessions()
{
    LoginSession session;
    session.idHash = hashOf("session cookie");
    session.userId = johnId();
    session.authTime = kNow;
    session.expiresAt = kNow + 3600;
    QVERIFY(m_store->sessions().insertSession(session));

    std::optional<LoginSession> read = m_store->sessions().session(session.idHash);
    QVERIFY(read);
    QCOMPARE(read->idHash, session.idHash);
    QCOMPARE(read->userId, session.userId);
    QCOMPARE(read->authTime, kNow);
    QCOMPARE(read->expiresAt, kNow + 3600);
    QCOMPARE(read->revokedAt, 0);

    QVERIFY(m_store->sessions().revokeSession(session.idHash, kNow + 5));
    QCOMPARE(m_store->sessions().session(session.idHash)->revokedAt, kNow + 5);
    QVERIFY(!m_store->sessions().revokeSession(session.idHash, kNow + 6));
    QVERIFY(!m_store->sessions().session(hashOf("unknown")));
}

void tst_BankStore::interactions()
{
    Interaction interaction = makeInteraction("interaction-1", kNow + 600);
    interaction.nonce = text("n-0S6_WzA2Mj");
    interaction.prompt = text("login consent");
    interaction.maxAge = 0;
    QVERIFY(m_store->sessions().insertInteraction(interaction));

    std::optional<Interaction> read = m_store->sessions().interaction(interaction.id);
    QVERIFY(read);
    QCOMPARE(read->kind, interaction.kind);
    QCOMPARE(read->clientId, interaction.clientId);
    QCOMPARE(read->redirectUri, interaction.redirectUri);
    QCOMPARE(read->scopes, interaction.scopes);
    QCOMPARE(read->state, interaction.state);
    QCOMPARE(read->nonce, interaction.nonce);
    QCOMPARE(read->codeChallenge, interaction.codeChallenge);
    QCOMPARE(read->codeChallengeMethod, interaction.codeChallengeMethod);
    QCOMPARE(read->prompt, interaction.prompt);
    QCOMPARE(read->maxAge, 0);
    QCOMPARE(read->csrfToken, interaction.csrfToken);
    QCOMPARE(read->userId, 0);
    QCOMPARE(read->authTime, 0);
    QCOMPARE(read->createdAt, interaction.createdAt);
    QCOMPARE(read->expiresAt, interaction.expiresAt);

    // A web login: no client, no max_age given.
    Interaction webLogin;
    webLogin.id = text("interaction-2");
    webLogin.kind = text("web-login");
    webLogin.csrfToken = "csrf-2";
    webLogin.createdAt = kNow;
    webLogin.expiresAt = kNow + 600;
    QVERIFY(m_store->sessions().insertInteraction(webLogin));
    QCOMPARE(m_store->sessions().interaction(webLogin.id)->maxAge, -1);
    QVERIFY(m_store->sessions().interaction(webLogin.id)->clientId.isEmpty());

    QVERIFY(m_store->sessions().updateInteractionLogin(interaction.id, johnId(), kNow + 42));
    read = m_store->sessions().interaction(interaction.id);
    QCOMPARE(read->userId, johnId());
    QCOMPARE(read->authTime, kNow + 42);
    QVERIFY(!m_store->sessions().updateInteractionLogin(text("unknown"), johnId(), kNow));

    QVERIFY(m_store->sessions().deleteInteraction(interaction.id));
    QVERIFY(!m_store->sessions().interaction(interaction.id));
    QVERIFY(!m_store->sessions().deleteInteraction(interaction.id));
}

void tst_BankStore::codeIsRedeemedOnce()
{
    const AuthorizationCode code = makeCode("the-code", kNow + 60);
    QVERIFY(m_store->grants().insertCode(code));
    std::optional<AuthorizationCode> read = m_store->grants().code(code.codeHash);
    QVERIFY(read);
    QCOMPARE(read->clientId, code.clientId);
    QCOMPARE(read->userId, code.userId);
    QCOMPARE(read->redirectUri, code.redirectUri);
    QCOMPARE(read->scopes, code.scopes);
    QCOMPARE(read->nonce, code.nonce);
    QCOMPARE(read->codeChallenge, code.codeChallenge);
    QCOMPARE(read->codeChallengeMethod, code.codeChallengeMethod);
    QCOMPARE(read->authTime, code.authTime);
    QCOMPARE(read->issuedAt, code.issuedAt);
    QCOMPARE(read->expiresAt, code.expiresAt);
    QCOMPARE(read->redeemedAt, 0);

    QVERIFY(m_store->grants().markCodeRedeemed(code.codeHash, kNow + 1));
    QVERIFY(!m_store->grants().markCodeRedeemed(code.codeHash, kNow + 2));
    QCOMPARE(m_store->grants().code(code.codeHash)->redeemedAt, kNow + 1);
    QVERIFY(!m_store->grants().markCodeRedeemed(hashOf("never issued"), kNow));
    QVERIFY(!m_store->grants().code(hashOf("never issued")));

    // The same code twice is refused (primary key).
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(text("UNIQUE constraint failed")));
    QVERIFY(!m_store->grants().insertCode(code));
}

// Sequential uses only; the same under real concurrency: tests/integration/tst_singleuse.cpp.
void tst_BankStore::tokenRotationIsOnceAndOnlyForLiveRefreshTokens()
{
    const IssuedToken refresh = makeToken("refresh-1", TokenKind::Refresh, "family-1", "code-1");
    const IssuedToken access = makeToken("access-1", TokenKind::Access, "family-1", "code-1");
    QVERIFY(m_store->grants().insertToken(refresh));
    QVERIFY(m_store->grants().insertToken(access));

    const std::optional<IssuedToken> read = m_store->grants().tokenByJti(access.jti);
    QVERIFY(read);
    QCOMPARE(read->tokenHash, access.tokenHash);
    QCOMPARE(read->kind, TokenKind::Access);
    QCOMPARE(read->clientId, access.clientId);
    QCOMPARE(read->userId, access.userId);
    QCOMPARE(read->scopes, access.scopes);
    QCOMPARE(read->codeHash, access.codeHash);
    QCOMPARE(read->familyId, access.familyId);
    QVERIFY(read->parentHash.isEmpty());
    QCOMPARE(read->nonce, access.nonce);
    QCOMPARE(read->authTime, access.authTime);
    QCOMPARE(read->issuedAt, access.issuedAt);
    QCOMPARE(read->expiresAt, access.expiresAt);
    QVERIFY(!m_store->grants().tokenByJti(QString()));
    QCOMPARE(m_store->grants().token(refresh.tokenHash)->kind, TokenKind::Refresh);

    QVERIFY(m_store->grants().markTokenRotated(refresh.tokenHash, kNow + 10));
    QVERIFY(!m_store->grants().markTokenRotated(refresh.tokenHash, kNow + 11));
    QCOMPARE(m_store->grants().token(refresh.tokenHash)->rotatedAt, kNow + 10);

    IssuedToken child = makeToken("refresh-2", TokenKind::Refresh, "family-1", "code-1");
    child.parentHash = refresh.tokenHash;
    QVERIFY(m_store->grants().insertToken(child));
    QCOMPARE(m_store->grants().token(child.tokenHash)->parentHash, refresh.tokenHash);

    // Neither a revoked refresh token nor an access token rotates.
    QCOMPARE(m_store->grants().revokeToken(child.tokenHash, kNow + 12, text("test")), 1);
    QVERIFY(!m_store->grants().markTokenRotated(child.tokenHash, kNow + 13));
    QVERIFY(!m_store->grants().markTokenRotated(access.tokenHash, kNow + 13));
    QVERIFY(!m_store->grants().markTokenRotated(hashOf("unknown"), kNow + 13));
}

void tst_BankStore::revocationCounts()
{
    Client other;
    other.clientId = text("other");
    other.name = text("Other");
    QString error;
    QVERIFY2(m_store->clients().insertClient(other, &error), qPrintable(error));

    IssuedToken rotated = makeToken("r1", TokenKind::Refresh, "family-1", "code-1");
    rotated.rotatedAt = kNow;
    IssuedToken alreadyRevoked = makeToken("a0", TokenKind::Access, "family-1", "code-1");
    alreadyRevoked.revokedAt = kNow - 5;
    alreadyRevoked.revokedReason = text("earlier");
    for (const IssuedToken &token :
        { rotated, alreadyRevoked, makeToken("r2", TokenKind::Refresh, "family-1", "code-1"),
            makeToken("a1", TokenKind::Access, "family-1", "code-1"),
            makeToken("r3", TokenKind::Refresh, "family-2", "code-2"),
            makeToken("a3", TokenKind::Access, "family-2", "code-2"),
            makeToken("o1", TokenKind::Refresh, "family-3", "code-3", text("other")),
            makeToken("o2", TokenKind::Access, "family-3", "code-3", text("other")),
            makeToken("o3", TokenKind::Access, "family-4", "code-4", text("other")) })
        QVERIFY(m_store->grants().insertToken(token));

    QCOMPARE(m_store->grants().revokeFamily(text("family-1"), kNow + 1, text("refresh token reuse")), 3);
    QCOMPARE(m_store->grants().revokeFamily(text("family-1"), kNow + 2, text("again")), 0);
    QCOMPARE(m_store->grants().token(hashOf("r2"))->revokedReason, text("refresh token reuse"));
    QCOMPARE(m_store->grants().token(hashOf("r2"))->revokedAt, kNow + 1);
    QCOMPARE(m_store->grants().token(hashOf("a0"))->revokedReason, text("earlier")); // left as it was
    QCOMPARE(m_store->grants().token(hashOf("a0"))->revokedAt, kNow - 5);
    QCOMPARE(m_store->grants().revokeFamily(QString(), kNow, text("none")), 0);

    QCOMPARE(m_store->grants().revokeTokensFromCode(hashOf("code-2"), kNow + 3, text("code replay")), 2);
    QCOMPARE(m_store->grants().revokeTokensFromCode(hashOf("code-2"), kNow + 4, text("code replay")), 0);

    QCOMPARE(m_store->grants().revokeToken(hashOf("o1"), kNow + 5, text("revocation endpoint")), 1);
    QCOMPARE(m_store->grants().revokeToken(hashOf("o1"), kNow + 6, text("revocation endpoint")), 0);
    QCOMPARE(
        m_store->grants().revokeTokensOfClient(johnId(), text("other"), kNow + 7, text("consent revoked")),
        2);
    QCOMPARE(
        m_store->grants().revokeTokensOfClient(johnId(), text("other"), kNow + 8, text("consent revoked")),
        0);
    QCOMPARE(
        m_store->grants().revokeTokensOfClient(johnId(), text("coolloan"), kNow + 9, text("consent revoked")),
        0);
}

void tst_BankStore::paymentBooksAndDebits()
{
    const qint64 john = johnId();
    const qint64 before = m_store->accounts().account(text("CHK-1001"))->balanceCents;
    QString error;
    const std::optional<BankTransaction> payment = m_store->accounts().makePayment(
        john, text("CHK-1001"), text("  CoolLoan Ltd  "), 12345, text("Loan fee 2025-06"), kNow, &error);
    QVERIFY2(payment, qPrintable(error));
    QVERIFY(payment->id > 0);
    QCOMPARE(payment->accountId, text("CHK-1001"));
    QCOMPARE(payment->amountCents, -12345);
    QCOMPARE(payment->balanceAfterCents, before - 12345);
    QCOMPARE(payment->counterparty, text("CoolLoan Ltd"));
    QCOMPARE(payment->description, text("Loan fee 2025-06"));
    QCOMPARE(payment->category, text("payment"));
    QCOMPARE(payment->bookedOn, QDateTime::fromSecsSinceEpoch(kNow).date());
    QCOMPARE(m_store->accounts().account(text("CHK-1001"))->balanceCents, before - 12345);
    QCOMPARE(describe(m_store->accounts().transactionsOf(text("CHK-1001"), 1)), describe({ *payment }));

    // Without a reference; the whole balance of the savings account.
    const qint64 savings = m_store->accounts().account(text("SAV-2001"))->balanceCents;
    const std::optional<BankTransaction> all = m_store->accounts().makePayment(
        john, text("SAV-2001"), text("Car dealer"), savings, QString(), kNow, &error);
    QVERIFY2(all, qPrintable(error));
    QCOMPARE(all->description, text("Payment to Car dealer"));
    QCOMPARE(all->balanceAfterCents, 0);
    QCOMPARE(m_store->accounts().account(text("SAV-2001"))->balanceCents, 0);
}

void tst_BankStore::paymentRefusals_data()
{
    QTest::addColumn<bool>("otherUser");
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("payee");
    QTest::addColumn<bool>("overdraw"); // one cent more than SAV-2001 holds, instead of amountCents
    QTest::addColumn<qint64>("amountCents");
    QTest::addColumn<QString>("expectedError"); // empty: the insufficient funds message

    QTest::newRow("insufficient funds")
        << false << text("SAV-2001") << text("Shop") << true << qint64(0) << QString();
    QTest::newRow("zero") << false << text("SAV-2001") << text("Shop") << false << qint64(0)
                          << text("the amount must be more than 0.00");
    QTest::newRow("negative") << false << text("SAV-2001") << text("Shop") << false << qint64(-500)
                              << text("the amount must be more than 0.00");
    QTest::newRow("no payee") << false << text("SAV-2001") << text("  ") << false << qint64(100)
                              << text("a payment needs a payee");
    QTest::newRow("not your account") << true << text("SAV-2001") << text("Shop") << false << qint64(100)
                                      << text("account SAV-2001 is not one of your accounts");
    QTest::newRow("no such account") << false << text("SAV-9999") << text("Shop") << false << qint64(100)
                                     << text("account SAV-9999 is not one of your accounts");
}

void tst_BankStore::paymentRefusals()
{
    QFETCH(bool, otherUser);
    QFETCH(QString, account);
    QFETCH(QString, payee);
    QFETCH(bool, overdraw);
    QFETCH(qint64, amountCents);
    QFETCH(QString, expectedError);

    const qint64 balance = m_store->accounts().account(text("SAV-2001"))->balanceCents;
    const int count = int(m_store->accounts().transactionsOf(text("SAV-2001")).size());
    if (overdraw)
        amountCents = balance + 1;
    if (expectedError.isEmpty())
        expectedError
            = QStringLiteral("insufficient funds: balance is %1").arg(cfl::formatMoney(balance, text("EUR")));

    QString error;
    const qint64 user = otherUser ? johnId() + 1 : johnId();
    QVERIFY(!m_store->accounts().makePayment(user, account, payee, amountCents, text("ref"), kNow, &error));
    QCOMPARE(error, expectedError);
    QCOMPARE(m_store->accounts().account(text("SAV-2001"))->balanceCents, balance);
    QCOMPARE(m_store->accounts().transactionsOf(text("SAV-2001")).size(), count);
}

void tst_BankStore::formatMoney_data()
{
    QTest::addColumn<qint64>("cents");
    QTest::addColumn<QString>("expected");

    QTest::newRow("zero") << qint64(0) << text("0.00 EUR");
    QTest::newRow("cents") << qint64(5) << text("0.05 EUR");
    QTest::newRow("negative cents") << qint64(-5) << text("-0.05 EUR");
    QTest::newRow("hundreds") << qint64(99999) << text("999.99 EUR");
    QTest::newRow("thousands") << qint64(123456) << text("1,234.56 EUR");
    QTest::newRow("negative thousands") << qint64(-345000) << text("-3,450.00 EUR");
    QTest::newRow("millions") << qint64(100000000) << text("1,000,000.00 EUR");
    QTest::newRow("smallest") << std::numeric_limits<qint64>::min() << text("-92,233,720,368,547,758.08 EUR");
}

void tst_BankStore::formatMoney()
{
    QFETCH(qint64, cents);
    QFETCH(QString, expected);
    QCOMPARE(cfl::formatMoney(cents, text("EUR")), expected);
}

void tst_BankStore::loginFailures()
{
    const QString john = text("john");
    const QString here = text("127.0.0.1");
    const QString elsewhere = text("2001:db8::/64");
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, 0).count, 0);
    QVERIFY(m_store->sessions().recordLoginFailure(john, here, kNow));
    QVERIFY(m_store->sessions().recordLoginFailure(john, here, kNow + 10));
    QVERIFY(m_store->sessions().recordLoginFailure(text("JOHN"), here, kNow + 20));
    QVERIFY(m_store->sessions().recordLoginFailure(
        text("trudy"), here, kNow + 20)); // unknown usernames count too
    QVERIFY(m_store->sessions().recordLoginFailure(john, elsewhere, kNow + 30));

    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow).count, 3);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow).lastAt, kNow + 20);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow + 5).count, 2);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, kNow + 21).count, 0);
    QCOMPARE(
        m_store->sessions().loginFailuresSince(john, elsewhere, kNow).count, 1); // each client its own count
    QCOMPARE(m_store->sessions().loginFailuresSince(text("trudy"), here, kNow).count, 1);

    // John logging in from here forgets his failures from here only.
    QVERIFY(m_store->sessions().clearLoginFailures(john, here));
    QCOMPARE(m_store->sessions().loginFailuresSince(john, here, 0).count, 0);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, elsewhere, 0).count, 1);
    QCOMPARE(m_store->sessions().loginFailuresSince(text("trudy"), here, 0).count, 1);

    // Failures that no longer count are purged.
    QCOMPARE(m_store->sessions().purgeLoginFailures(kNow + 25), 1); // trudy's
    QCOMPARE(m_store->sessions().loginFailuresSince(text("trudy"), here, 0).count, 0);
    QCOMPARE(m_store->sessions().loginFailuresSince(john, elsewhere, 0).count, 1);
}

void tst_BankStore::auditLogNewestFirst()
{
    QVERIFY(m_store->auditLog().recent().isEmpty());
    QVERIFY(m_store->auditLog().record(kNow, text("login"), QString(), text("john"), text("password")));
    QVERIFY(m_store->auditLog().record(
        kNow + 1, text("consent"), text("coolloan"), text("john"), text("openid accounts:read")));
    QVERIFY(m_store->auditLog().record(
        kNow + 2, text("grant"), text("coolloan"), text("john"), text("authorization_code")));

    const QList<AuditEntry> log = m_store->auditLog().recent();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log[0].event, text("grant"));
    QCOMPARE(log[0].at, kNow + 2);
    QCOMPARE(log[0].clientId, text("coolloan"));
    QCOMPARE(log[0].username, text("john"));
    QCOMPARE(log[0].detail, text("authorization_code"));
    QCOMPARE(log[1].event, text("consent"));
    QCOMPARE(log[2].event, text("login"));
    QVERIFY(log[2].clientId.isEmpty());
    QVERIFY(log[0].id > log[1].id && log[1].id > log[2].id);

    QCOMPARE(m_store->auditLog().recent(2).size(), 2);
    QCOMPARE(m_store->auditLog().recent(2)[0].event, text("grant"));
}

void tst_BankStore::auditLogNamesTheRefusingCheck()
{
    QVERIFY(m_store->auditLog().record(
        kNow, text("grant"), text("coolloan"), text("john"), text("tokens issued")));
    QVERIFY(m_store->auditLog().record(kNow + 1, text("refusal"), text("coolloan"), QString(),
        text("invalid_grant: code_verifier does not match the code_challenge"), text("token.code.pkce")));

    const QList<AuditEntry> log = m_store->auditLog().recent();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].event, text("refusal"));
    QCOMPARE(log[0].checkId, text("token.code.pkce"));
    QCOMPARE(log[1].event, text("grant"));
    QVERIFY(log[1].checkId.isEmpty());
}

void tst_BankStore::migratesAVersion1Database()
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
}

void tst_BankStore::migratingToVersion3EndsOldSessions()
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

void tst_BankStore::sessionKeepsItsCsrfToken()
{
    LoginSession session;
    session.idHash = hashOf("a session");
    session.userId = johnId();
    session.authTime = kNow;
    session.expiresAt = kNow + 3600;
    session.csrfToken = "Zm9ybS10b2tlbi1vZi10aGlzLXNlc3Npb24tb25seQ";
    QVERIFY(m_store->sessions().insertSession(session));
    QCOMPARE(m_store->sessions().session(session.idHash)->csrfToken, session.csrfToken);
}

void tst_BankStore::transactionsRollBack()
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

void tst_BankStore::resetReseeds()
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
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), "{}"));
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

void tst_BankStore::signingKey()
{
    QVERIFY(!m_store->keys().signingKeyJwk());
    const QByteArray first = R"({"kty":"RSA","kid":"kid-1","n":"...","d":"..."})";
    const QByteArray second = R"({"kty":"RSA","kid":"kid-2","n":"...","d":"..."})";
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), first));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), first);
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-2"), second));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), second);
    // Saving a kid again makes it the current key.
    QVERIFY(m_store->keys().saveSigningKeyJwk(text("kid-1"), first));
    QCOMPARE(m_store->keys().signingKeyJwk().value_or(QByteArray()), first);
    QVERIFY(!m_store->keys().saveSigningKeyJwk(QString(), first));
    QVERIFY(!m_store->keys().saveSigningKeyJwk(text("kid-3"), QByteArray()));
}

void tst_BankStore::purgeExpired()
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

// The ledger's read queries (the inspection panels): newest first, limited, every state included.

void tst_BankStore::ledgerCodesNewestFirst()
{
    QVERIFY(m_store->grants().recentCodes().isEmpty());
    QVERIFY(m_store->grants().insertCode(makeCode("code-a", kNow + 60)));
    QVERIFY(m_store->grants().insertCode(makeCode("code-b", kNow + 70)));
    // Issued in the same second as code-b: insertion order decides.
    AuthorizationCode c = makeCode("code-c", kNow + 70);
    QVERIFY(m_store->grants().insertCode(c));
    QVERIFY(m_store->grants().markCodeRedeemed(hashOf("code-a"), kNow + 1));

    const QList<AuthorizationCode> codes = m_store->grants().recentCodes();
    QCOMPARE(codes.size(), 3);
    QCOMPARE(codes[0].codeHash, hashOf("code-c"));
    QCOMPARE(codes[1].codeHash, hashOf("code-b"));
    QCOMPARE(codes[2].codeHash, hashOf("code-a"));
    QCOMPARE(codes[2].redeemedAt, kNow + 1); // redeemed ones stay in the ledger
    QCOMPARE(codes[0].codeChallenge, c.codeChallenge);
    QCOMPARE(codes[0].nonce, c.nonce);
    QCOMPARE(codes[0].scopes, c.scopes);

    QCOMPARE(m_store->grants().recentCodes(2).size(), 2);
    QCOMPARE(m_store->grants().recentCodes(2)[0].codeHash, hashOf("code-c"));
    QCOMPARE(m_store->grants().recentCodes(0).size(), 0);
    QCOMPARE(m_store->grants().recentCodes(-1).size(), 3); // no limit
}

void tst_BankStore::ledgerTokensNewestFirst()
{
    QVERIFY(m_store->grants().recentTokens().isEmpty());
    IssuedToken older = makeToken("access-old", TokenKind::Access, "family-1", "code-1");
    older.issuedAt = kNow - 100;
    IssuedToken revoked = makeToken("refresh-revoked", TokenKind::Refresh, "family-1", "code-1");
    revoked.issuedAt = kNow - 100;
    revoked.revokedAt = kNow - 50;
    revoked.revokedReason = text("reuse");
    QVERIFY(m_store->grants().insertToken(older));
    QVERIFY(m_store->grants().insertToken(revoked));
    QVERIFY(m_store->grants().insertToken(makeToken("access-new", TokenKind::Access, "family-2", "code-2")));

    const QList<IssuedToken> tokens = m_store->grants().recentTokens();
    QCOMPARE(tokens.size(), 3);
    QCOMPARE(tokens[0].tokenHash, hashOf("access-new"));
    QCOMPARE(tokens[1].tokenHash, hashOf("refresh-revoked"));
    QCOMPARE(tokens[1].kind, TokenKind::Refresh);
    QCOMPARE(tokens[1].revokedAt, kNow - 50);
    QCOMPARE(tokens[1].revokedReason, text("reuse"));
    QCOMPARE(tokens[2].tokenHash, hashOf("access-old"));
    QCOMPARE(m_store->grants().recentTokens(1).size(), 1);
    QCOMPARE(m_store->grants().recentTokens(1)[0].tokenHash, hashOf("access-new"));
}

void tst_BankStore::tokenFamilyThroughRotations()
{
    // refresh-1 → refresh-2 → refresh-3 in family-1; another family alongside.
    IssuedToken first = makeToken("refresh-1", TokenKind::Refresh, "family-1", "code-1");
    IssuedToken second = makeToken("refresh-2", TokenKind::Refresh, "family-1", "code-1");
    second.parentHash = first.tokenHash;
    second.issuedAt = kNow + 10;
    IssuedToken third = makeToken("refresh-3", TokenKind::Refresh, "family-1", "code-1");
    third.parentHash = second.tokenHash;
    third.issuedAt = kNow + 20;
    // Inserted out of order: the family still reads in issue order.
    for (const IssuedToken &token :
        { third, first, makeToken("other", TokenKind::Refresh, "family-2", "code-2"), second })
        QVERIFY(m_store->grants().insertToken(token));
    QVERIFY(m_store->grants().markTokenRotated(first.tokenHash, kNow + 10));
    QVERIFY(m_store->grants().markTokenRotated(second.tokenHash, kNow + 20));

    const QList<IssuedToken> family = m_store->grants().tokenFamily(text("family-1"));
    QCOMPARE(family.size(), 3);
    QCOMPARE(family[0].tokenHash, first.tokenHash);
    QCOMPARE(family[0].rotatedAt, kNow + 10);
    QCOMPARE(family[1].tokenHash, second.tokenHash);
    QCOMPARE(family[1].parentHash, first.tokenHash);
    QCOMPARE(family[1].rotatedAt, kNow + 20);
    QCOMPARE(family[2].tokenHash, third.tokenHash);
    QCOMPARE(family[2].parentHash, second.tokenHash);
    QCOMPARE(family[2].rotatedAt, 0);

    QCOMPARE(m_store->grants().revokeFamily(text("family-1"), kNow + 30, text("refresh token reuse")), 3);
    for (const IssuedToken &token : m_store->grants().tokenFamily(text("family-1")))
        QCOMPARE(token.revokedAt, kNow + 30);
    QCOMPARE(m_store->grants().tokenFamily(text("family-2")).size(), 1);
    QVERIFY(m_store->grants().tokenFamily(text("family-unknown")).isEmpty());
    QVERIFY(m_store->grants().tokenFamily(QString()).isEmpty());
}

void tst_BankStore::tokensFromCode()
{
    for (const IssuedToken &token : { makeToken("a1", TokenKind::Access, "family-1", "code-1"),
             makeToken("r1", TokenKind::Refresh, "family-1", "code-1"),
             makeToken("a2", TokenKind::Access, "family-2", "code-2") })
        QVERIFY(m_store->grants().insertToken(token));

    QList<IssuedToken> issued = m_store->grants().tokensFromCode(hashOf("code-1"));
    QCOMPARE(issued.size(), 2);
    QCOMPARE(issued[0].tokenHash, hashOf("a1"));
    QCOMPARE(issued[1].tokenHash, hashOf("r1"));
    // What a replayed code does to them (RFC 6749 §4.1.2), as the ledger then shows it.
    QCOMPARE(m_store->grants().revokeTokensFromCode(
                 hashOf("code-1"), kNow + 5, text("authorization code replayed")),
        2);
    issued = m_store->grants().tokensFromCode(hashOf("code-1"));
    QCOMPARE(issued[0].revokedReason, text("authorization code replayed"));
    QCOMPARE(issued[1].revokedAt, kNow + 5);
    QCOMPARE(m_store->grants().tokensFromCode(hashOf("code-2")).size(), 1);
    QVERIFY(m_store->grants().tokensFromCode(QByteArray()).isEmpty());
}

void tst_BankStore::ledgerSessionsAndConsents()
{
    QVERIFY(m_store->sessions().recentSessions().isEmpty());
    QVERIFY(m_store->consents().allConsents().isEmpty());
    LoginSession early;
    early.idHash = hashOf("early");
    early.userId = johnId();
    early.authTime = kNow - 600;
    early.expiresAt = kNow - 1; // expired: still listed
    LoginSession late = early;
    late.idHash = hashOf("late");
    late.authTime = kNow;
    late.expiresAt = kNow + 3600;
    QVERIFY(m_store->sessions().insertSession(early));
    QVERIFY(m_store->sessions().insertSession(late));
    QVERIFY(m_store->sessions().revokeSession(early.idHash, kNow));

    QList<LoginSession> sessions = m_store->sessions().recentSessions();
    QCOMPARE(sessions.size(), 2);
    QCOMPARE(sessions[0].idHash, late.idHash);
    QCOMPARE(sessions[0].expiresAt, kNow + 3600);
    QCOMPARE(sessions[1].idHash, early.idHash);
    QCOMPARE(sessions[1].revokedAt, kNow);
    QCOMPARE(m_store->sessions().recentSessions(1).size(), 1);

    Client other;
    other.clientId = text("other");
    other.name = text("Other");
    QString error;
    QVERIFY2(m_store->clients().insertClient(other, &error), qPrintable(error));
    QVERIFY(m_store->consents().saveConsent(johnId(), text("coolloan"), { text("openid") }, kNow));
    QVERIFY(m_store->consents().saveConsent(
        johnId(), text("other"), { text("openid"), text("accounts:read") }, kNow + 10));
    QVERIFY(m_store->consents().revokeConsent(johnId(), text("other"), kNow + 20));

    // The ledger shows revoked consents too (consentsOf does not), last changed first.
    const QList<Consent> consents = m_store->consents().allConsents();
    QCOMPARE(consents.size(), 2);
    QCOMPARE(consents[0].clientId, text("other"));
    QCOMPARE(consents[0].revokedAt, kNow + 20);
    QCOMPARE(consents[0].scopes, (QStringList { text("accounts:read"), text("openid") }));
    QCOMPARE(consents[1].clientId, text("coolloan"));
    QCOMPARE(consents[1].revokedAt, 0);
    QCOMPARE(m_store->consents().consentsOf(johnId()).size(), 1);
}

QTEST_GUILESS_MAIN(tst_BankStore)
#include "tst_bankstore.moc"
