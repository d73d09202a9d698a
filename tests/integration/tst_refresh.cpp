// grant_type=refresh_token (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2).

#include "BankHarness.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_Refresh : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void rotationIssuesANewRefreshToken();
    void reusingARotatedTokenRevokesTheFamily();
    void familiesAreIndependent();
    void scopeMayNarrow();
    void scopeMayNotWiden_data();
    void scopeMayNotWiden();
    void anotherClientsRefreshTokenIsRefused();
    void expiredRefreshTokenIsRefused();
    void familyEndsAtItsAbsoluteLifetime();
    void shorterFamilyLifetimeAppliesToRunningFamilies();
    void garbageIsRefused_data();
    void garbageIsRefused();

private:
    TokenSet freshTokens();

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<Browser> m_browser;
    std::unique_ptr<OAuthClient> m_client;
};

void tst_Refresh::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_browser = std::make_unique<Browser>(*m_bank);
    m_client = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
}

TokenSet tst_Refresh::freshTokens()
{
    return obtainTokens(*m_bank, *m_client, {}, m_browser.get());
}

static QString errorOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error")).toString();
}

void tst_Refresh::rotationIssuesANewRefreshToken()
{
    const TokenSet first = freshTokens();
    QVERIFY(!first.refreshToken.isEmpty());
    const HttpResult response = m_client->refresh(first.refreshToken);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store"));
    const TokenSet second = TokenSet::from(response);
    QVERIFY(!second.refreshToken.isEmpty());
    QVERIFY(second.refreshToken != first.refreshToken);
    QVERIFY(second.accessToken != first.accessToken);
    QCOMPARE(second.scope, first.scope);
    QCOMPARE(second.tokenType, QStringLiteral("Bearer"));
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), second.accessToken).status, 200);
    // The rotation chain goes on.
    const TokenSet third = TokenSet::from(m_client->refresh(second.refreshToken));
    QVERIFY(!third.refreshToken.isEmpty());
    QVERIFY(third.refreshToken != second.refreshToken);
}

void tst_Refresh::reusingARotatedTokenRevokesTheFamily()
{
    const TokenSet first = freshTokens();
    const TokenSet second = TokenSet::from(m_client->refresh(first.refreshToken));
    const TokenSet third = TokenSet::from(m_client->refresh(second.refreshToken));
    QVERIFY(third.isValid());
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), third.accessToken).status, 200);

    // The first one again: someone else has a copy. Refused ...
    const HttpResult reuse = m_client->refresh(first.refreshToken);
    QCOMPARE(reuse.status, 400);
    QCOMPARE(errorOf(reuse), QStringLiteral("invalid_grant"));
    QVERIFY(!reuse.json().contains(QStringLiteral("access_token")));

    // ... and every token of the family is dead, the newest refresh and access tokens included.
    const HttpResult newest = m_client->refresh(third.refreshToken);
    QCOMPARE(newest.status, 400);
    QCOMPARE(errorOf(newest), QStringLiteral("invalid_grant"));
    for (const TokenSet *tokens : { &first, &second, &third }) {
        const HttpResult api = m_client->api(QStringLiteral("/api/accounts"), tokens->accessToken);
        QCOMPARE(api.status, 401);
        QCOMPARE(errorOf(api), QStringLiteral("invalid_token"));
    }
}

void tst_Refresh::familiesAreIndependent()
{
    const TokenSet victim = freshTokens();
    const TokenSet other = freshTokens();
    const TokenSet rotated = TokenSet::from(m_client->refresh(victim.refreshToken));
    QVERIFY(rotated.isValid());
    QCOMPARE(m_client->refresh(victim.refreshToken).status, 400); // revokes victim's family only
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), other.accessToken).status, 200);
    QCOMPARE(m_client->refresh(other.refreshToken).status, 200);
}

void tst_Refresh::scopeMayNarrow()
{
    const TokenSet tokens = freshTokens();
    QVERIFY(tokens.scope.contains(QLatin1String("transactions:read")));
    const HttpResult response
        = m_client->refresh(tokens.refreshToken, QStringLiteral("openid accounts:read"));
    QCOMPARE(response.status, 200);
    const TokenSet narrow = TokenSet::from(response);
    QCOMPARE(narrow.scope, QStringLiteral("openid accounts:read"));
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), narrow.accessToken).status, 200);
    const HttpResult transactions
        = m_client->api(QStringLiteral("/api/accounts/CHK-1001/transactions"), narrow.accessToken);
    QCOMPARE(transactions.status, 403);
    QCOMPARE(errorOf(transactions), QStringLiteral("insufficient_scope"));

    // RFC 6749 §6: the narrowing is for that access token; the grant keeps its scope.
    const TokenSet again = TokenSet::from(m_client->refresh(narrow.refreshToken));
    QCOMPARE(again.scope, tokens.scope);
    QCOMPARE(
        m_client->api(QStringLiteral("/api/accounts/CHK-1001/transactions"), again.accessToken).status, 200);
}

void tst_Refresh::scopeMayNotWiden_data()
{
    QTest::addColumn<QString>("originalScope");
    QTest::addColumn<QString>("requestedScope");

    QTest::newRow("a scope the client may have but was not granted") << QStringLiteral(
        "openid offline_access accounts:read") << QStringLiteral("openid accounts:read transactions:read");
    QTest::newRow("a scope the client may never have")
        << QString::fromLatin1(CoolLoanScopes) << QStringLiteral("openid payments:write");
    QTest::newRow("an unknown scope")
        << QString::fromLatin1(CoolLoanScopes) << QStringLiteral("openid telepathy");
}

void tst_Refresh::scopeMayNotWiden()
{
    QFETCH(QString, originalScope);
    QFETCH(QString, requestedScope);

    AuthorizationRequest request;
    request.scope = originalScope;
    const TokenSet tokens = obtainTokens(*m_bank, *m_client, request, m_browser.get());
    QVERIFY(!tokens.refreshToken.isEmpty());
    QCOMPARE(tokens.scope, originalScope);
    const HttpResult response = m_client->refresh(tokens.refreshToken, requestedScope);
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_scope"));
    // The refused request did not use the refresh token up.
    QCOMPARE(m_client->refresh(tokens.refreshToken).status, 200);
}

void tst_Refresh::anotherClientsRefreshTokenIsRefused()
{
    const RegisteredClient other
        = m_bank->registerClient(QStringLiteral("Other App"), { QStringLiteral("http://127.0.0.1/callback") },
            QString::fromLatin1(CoolLoanScopes).split(QLatin1Char(' ')));
    QVERIFY(!other.clientSecret.isEmpty());
    const TokenSet tokens = freshTokens();
    OAuthClient thief(*m_bank, { other.clientId, other.clientSecret });
    const HttpResult response = thief.refresh(tokens.refreshToken);
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_grant"));
    QVERIFY(!response.json().contains(QStringLiteral("access_token")));
    // CoolLoan's own refresh token still works.
    QCOMPARE(m_client->refresh(tokens.refreshToken).status, 200);
}

void tst_Refresh::expiredRefreshTokenIsRefused()
{
    const TokenSet tokens = freshTokens();
    m_bank->advanceClock(14 * 24 * 3600 + 1);
    const HttpResult response = m_client->refresh(tokens.refreshToken);
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_grant"));
}

void tst_Refresh::familyEndsAtItsAbsoluteLifetime()
{
    // Rotation gives every refresh token 14 fresh days; the family as a whole gets 30 from John's sign-in
    // (BankConfig::refreshFamilyLifetime; RFC 9700 §4.14.2, RFC 6749 §6).
    const qint64 family = BankConfig().refreshFamilyLifetime;
    QCOMPARE(family, 30 * 24 * 3600);
    const qint64 start = m_bank->now();
    TokenSet tokens = freshTokens();
    for (int rotation = 0; rotation < 2; ++rotation) {
        m_bank->advanceClock(13 * 24 * 3600);
        const HttpResult rotated = m_client->refresh(tokens.refreshToken);
        QVERIFY2(rotated.status == 200, qPrintable(rotated.describe()));
        tokens = TokenSet::from(rotated);
    }
    // One second before the family's end, a rotation still works ...
    m_bank->advanceClock(start + family - 1 - m_bank->now());
    const HttpResult last = m_client->refresh(tokens.refreshToken);
    QVERIFY2(last.status == 200, qPrintable(last.describe()));
    tokens = TokenSet::from(last);
    // ... at the end, the newest refresh token, one second old, is refused.
    m_bank->advanceClock(1);
    const HttpResult refused = m_client->refresh(tokens.refreshToken);
    QCOMPARE(refused.status, 400);
    QCOMPARE(errorOf(refused), QStringLiteral("invalid_grant"));
    QVERIFY2(refused.json()
                 .value(QStringLiteral("error_description"))
                 .toString()
                 .contains(QStringLiteral("absolute lifetime")),
        qPrintable(refused.describe()));
    QVERIFY(!refused.json().contains(QStringLiteral("access_token")));
}

void tst_Refresh::shorterFamilyLifetimeAppliesToRunningFamilies()
{
    // The trainer's setting is read when a token comes back, so it ends families that began before.
    const TokenSet tokens = freshTokens();
    const TokenSet rotated = TokenSet::from(m_client->refresh(tokens.refreshToken));
    QVERIFY(rotated.isValid());
    m_bank->advanceClock(3600);
    Lifetimes lifetimes = m_bank->server().bank()->config().lifetimes();
    const Lifetimes before = lifetimes;
    lifetimes.refreshFamily = 3600;
    m_bank->server().bank()->setLifetimes(lifetimes);
    const HttpResult refused = m_client->refresh(rotated.refreshToken);
    m_bank->server().bank()->setLifetimes(before);
    QCOMPARE(refused.status, 400);
    QCOMPARE(errorOf(refused), QStringLiteral("invalid_grant"));
    // A new family starts its own count.
    m_bank->server().bank()->setLifetimes(lifetimes);
    const TokenSet fresh = freshTokens();
    const HttpResult served = m_client->refresh(fresh.refreshToken);
    m_bank->server().bank()->setLifetimes(before);
    QVERIFY2(served.status == 200, qPrintable(served.describe()));
}

void tst_Refresh::garbageIsRefused_data()
{
    QTest::addColumn<QString>("refreshToken");
    QTest::addColumn<QString>("error");
    QTest::newRow("missing") << QString() << QStringLiteral("invalid_request");
    QTest::newRow("unknown") << QStringLiteral("dGhpcy1pcy1ub3QtYS1yZWZyZXNoLXRva2VuLW9mLXRoZS1iYW5r")
                             << QStringLiteral("invalid_grant");
    QTest::newRow("an access token") << QStringLiteral("<access token>") << QStringLiteral("invalid_grant");
}

void tst_Refresh::garbageIsRefused()
{
    QFETCH(QString, refreshToken);
    QFETCH(QString, error);
    if (refreshToken == QLatin1String("<access token>")) {
        const TokenSet tokens = freshTokens();
        refreshToken = tokens.accessToken;
    }
    FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("refresh_token") } };
    if (!refreshToken.isEmpty())
        fields.append({ QStringLiteral("refresh_token"), refreshToken });
    const HttpResult response = m_client->tokenRequest(fields);
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), error);
}

QTEST_GUILESS_MAIN(tst_Refresh)
#include "tst_refresh.moc"
