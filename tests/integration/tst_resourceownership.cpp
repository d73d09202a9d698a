// Two customers, one bank: a token or a session opens its owner's accounts and nobody else's. banky
// answers another customer's account exactly like a missing one (no oracle for which ids exist), and so
// does the online banking account page. John and Mallory are both seeded (storage/SeedData.h).

#include "BankHarness.h"
#include "storage/SeedData.h"

#include <QJsonArray>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
const QString John = QString::fromLatin1(SeedUsername);
const QString Mallory = QString::fromLatin1(SeedMalloryUsername);

Credentials credentialsOf(const QString &username)
{
    if (username == Mallory)
        return { Mallory, QString::fromLatin1(SeedMalloryPassword) };
    return {};
}

QString errorOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error")).toString();
}

QString percentEncoded(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}
} // namespace

class tst_ResourceOwnership : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void apiListsOnlyTheOwnersAccounts_data();
    void apiListsOnlyTheOwnersAccounts();
    void apiTransactionsOnlyForTheOwner_data();
    void apiTransactionsOnlyForTheOwner();
    void apiPaymentsOnlyFromTheOwnersAccount();
    void webAccountPageOnlyForTheOwner_data();
    void webAccountPageOnlyForTheOwner();

private:
    // CoolLoan's access token for `username`, who logs in and consents in a browser of their own.
    QString accessTokenOf(const QString &username);
    QStringList accountIdsOf(const QString &username);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan;
    QHash<QString, QString> m_accessTokens; // by username
};

void tst_ResourceOwnership::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    // Both customers exist, each with accounts of their own.
    QCOMPARE(accountIdsOf(John),
        (QStringList {
            QString::fromLatin1(SeedCheckingAccountId), QString::fromLatin1(SeedSavingsAccountId) }));
    QCOMPARE(accountIdsOf(Mallory), QStringList { QString::fromLatin1(SeedMalloryAccountId) });
}

QString tst_ResourceOwnership::accessTokenOf(const QString &username)
{
    if (!m_accessTokens.contains(username)) {
        Browser browser(*m_bank);
        AuthorizationRequest request;
        request.scope = QStringLiteral("openid accounts:read transactions:read");
        const AuthorizationRun run = browser.authorize(request, credentialsOf(username));
        if (run.code().isEmpty()) {
            qWarning("%s got no code:\n  %s", qPrintable(username), qPrintable(run.describe()));
            return {};
        }
        const TokenSet tokens = TokenSet::from(m_coolLoan->exchangeCode(run.code(), request.verifier));
        m_accessTokens.insert(username, tokens.accessToken);
    }
    return m_accessTokens.value(username);
}

QStringList tst_ResourceOwnership::accountIdsOf(const QString &username)
{
    const auto user = m_bank->store().users().userByUsername(username);
    QStringList ids;
    for (const BankAccount &account : m_bank->store().accounts().accountsOf(user ? user->id : -1))
        ids.append(account.id);
    return ids;
}

void tst_ResourceOwnership::apiListsOnlyTheOwnersAccounts_data()
{
    QTest::addColumn<QString>("username");
    QTest::newRow("John") << John;
    QTest::newRow("Mallory") << Mallory;
}

void tst_ResourceOwnership::apiListsOnlyTheOwnersAccounts()
{
    QFETCH(QString, username);
    const QString token = accessTokenOf(username);
    QVERIFY(!token.isEmpty());
    const HttpResult response = m_coolLoan->api(QStringLiteral("/api/accounts"), token);
    QCOMPARE(response.status, 200);
    QStringList ids;
    for (const QJsonValue &account : response.json().value(QStringLiteral("accounts")).toArray())
        ids.append(account.toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(ids, accountIdsOf(username));
}

void tst_ResourceOwnership::apiTransactionsOnlyForTheOwner_data()
{
    QTest::addColumn<QString>("username"); // whose token
    QTest::addColumn<QString>("accountId");
    QTest::addColumn<bool>("owner");

    QTest::newRow("John, his checking") << John << QString::fromLatin1(SeedCheckingAccountId) << true;
    QTest::newRow("Mallory, her account") << Mallory << QString::fromLatin1(SeedMalloryAccountId) << true;
    // IDOR (OWASP API1:2023): an id in the path is no permission.
    QTest::newRow("Mallory, John's checking")
        << Mallory << QString::fromLatin1(SeedCheckingAccountId) << false;
    QTest::newRow("Mallory, John's savings") << Mallory << QString::fromLatin1(SeedSavingsAccountId) << false;
    QTest::newRow("John, Mallory's account") << John << QString::fromLatin1(SeedMalloryAccountId) << false;
}

void tst_ResourceOwnership::apiTransactionsOnlyForTheOwner()
{
    QFETCH(QString, username);
    QFETCH(QString, accountId);
    QFETCH(bool, owner);

    const QString token = accessTokenOf(username);
    QVERIFY(!token.isEmpty());
    const HttpResult response = m_coolLoan->api(
        QStringLiteral("/api/accounts/%1/transactions").arg(percentEncoded(accountId)), token);
    const auto account = m_bank->store().accounts().account(accountId);
    QVERIFY(account.has_value());

    if (owner) {
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json()
                     .value(QStringLiteral("account"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
            accountId);
        QCOMPARE(response.json().value(QStringLiteral("transactions")).toArray().size(),
            m_bank->store().accounts().transactionsOf(accountId).size());
        return;
    }
    QVERIFY2(response.status == 404, qPrintable(response.describe()));
    QCOMPARE(errorOf(response), QStringLiteral("not_found"));
    QVERIFY(!response.json().contains(QStringLiteral("transactions")));
    QVERIFY(!response.json().contains(QStringLiteral("account")));
    QVERIFY2(!response.body.contains(account->iban.toUtf8()), qPrintable(response.describe()));
    // Exactly what an id that exists nowhere gets: the answer does not tell which ids are taken.
    const HttpResult missing = m_coolLoan->api(QStringLiteral("/api/accounts/CHK-9999/transactions"), token);
    QCOMPARE(missing.status, 404);
    QCOMPARE(response.body, missing.body);
}

void tst_ResourceOwnership::apiPaymentsOnlyFromTheOwnersAccount()
{
    // A client that may pay; Mallory lets it, then names John's account as the source.
    const RegisteredClient payApp
        = m_bank->registerClient(QStringLiteral("PayApp"), { QStringLiteral("http://127.0.0.1/callback") },
            { QStringLiteral("openid"), QStringLiteral("payments:write") });
    QVERIFY(!payApp.clientSecret.isEmpty());
    OAuthClient client(*m_bank, ClientCredentials { payApp.clientId, payApp.clientSecret });
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.clientId = payApp.clientId;
    request.scope = QStringLiteral("openid payments:write");
    const AuthorizationRun run = browser.authorize(request, credentialsOf(Mallory));
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    const TokenSet tokens = TokenSet::from(client.exchangeCode(run.code(), request.verifier));
    QVERIFY(tokens.isValid());

    const QString johns = QString::fromLatin1(SeedCheckingAccountId);
    const qint64 before = m_bank->store().accounts().account(johns)->balanceCents;
    const HttpResult response = client.apiPost(QStringLiteral("/api/payments"), tokens.accessToken,
        { { QStringLiteral("from_account"), johns },
            { QStringLiteral("payee"), QStringLiteral("Mallory Jones") },
            { QStringLiteral("amount"), QStringLiteral("100.00") } });
    QCOMPARE(response.status, 400);
    QVERIFY2(response.json()
                 .value(QStringLiteral("error_description"))
                 .toString()
                 .contains(QLatin1String("not one of your accounts")),
        qPrintable(response.describe()));
    QCOMPARE(m_bank->store().accounts().account(johns)->balanceCents, before);
}

void tst_ResourceOwnership::webAccountPageOnlyForTheOwner_data()
{
    QTest::addColumn<QString>("username"); // whose session
    QTest::addColumn<QString>("accountId");
    QTest::addColumn<bool>("owner");

    QTest::newRow("John, his savings") << John << QString::fromLatin1(SeedSavingsAccountId) << true;
    QTest::newRow("Mallory, her account") << Mallory << QString::fromLatin1(SeedMalloryAccountId) << true;
    QTest::newRow("Mallory, John's checking")
        << Mallory << QString::fromLatin1(SeedCheckingAccountId) << false;
    QTest::newRow("Mallory, John's savings") << Mallory << QString::fromLatin1(SeedSavingsAccountId) << false;
    QTest::newRow("John, Mallory's account") << John << QString::fromLatin1(SeedMalloryAccountId) << false;
}

void tst_ResourceOwnership::webAccountPageOnlyForTheOwner()
{
    QFETCH(QString, username);
    QFETCH(QString, accountId);
    QFETCH(bool, owner);

    Browser browser(*m_bank);
    const HttpResult home = browser.logInToWebBanking(credentialsOf(username));
    QCOMPARE(home.status, 200);
    QVERIFY(home.body.contains("Your accounts"));
    const auto account = m_bank->store().accounts().account(accountId);
    QVERIFY(account.has_value());
    const QList<BankTransaction> history = m_bank->store().accounts().transactionsOf(accountId);
    QVERIFY(!history.isEmpty());

    const HttpResult page
        = browser.get(m_bank->url(QStringLiteral("/web/accounts/%1").arg(percentEncoded(accountId))));
    if (owner) {
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains(account->iban.toUtf8()));
        QCOMPARE(int(page.body.count("<tr><td>")), history.size());
        return;
    }
    QVERIFY2(page.status == 404, qPrintable(page.describe()));
    QVERIFY(!home.body.contains(accountId.toUtf8())); // not offered on the accounts page either
    // Nothing of the other customer's account on the page: not its IBAN, not its name, not its bookings.
    QVERIFY2(!page.body.contains(account->iban.toUtf8()), qPrintable(page.describe()));
    QVERIFY(!page.body.contains(account->name.toUtf8()));
    QVERIFY(!page.body.contains(history.first().counterparty.toUtf8()));
    QCOMPARE(page.body.count("<tr><td>"), 0);
}

QTEST_GUILESS_MAIN(tst_ResourceOwnership)
#include "tst_resourceownership.moc"
