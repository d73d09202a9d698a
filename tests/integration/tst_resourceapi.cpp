// banky, the resource API: bearer tokens in the Authorization header only (RFC 6750 §2.1), validated
// for signature, type, issuer, audience, expiry (RFC 9068 §4) and revocation, with RFC 6750 §3 errors.

#include "BankHarness.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString errorOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error")).toString();
}

QString balanceOf(const HttpResult &accounts, const QString &id)
{
    for (const QJsonValue &account : accounts.json().value(QStringLiteral("accounts")).toArray()) {
        if (account.toObject().value(QStringLiteral("id")).toString() == id)
            return account.toObject().value(QStringLiteral("balance")).toString();
    }
    return {};
}

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}
} // namespace

class tst_ResourceApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void endpointsNeedTheirScope_data();
    void endpointsNeedTheirScope();
    void accountsListsJohnsAccounts();
    void transactionsOfAnAccount();
    void unknownOrForeignAccountIsNotFound_data();
    void unknownOrForeignAccountIsNotFound();
    void paymentIsBookedAndReducesTheBalance();
    void badPaymentsAreRefused_data();
    void badPaymentsAreRefused();
    void requestWithoutTokenGetsAChallengeWithoutError();
    void invalidTokensAreRefused_data();
    void invalidTokensAreRefused();
    void expiredTokenIsRefused();
    void tokenInTheQueryIsRefused();
    void authorizationSchemeMustBeBearer_data();
    void authorizationSchemeMustBeBearer();

private:
    TokenSet tokensFor(OAuthClient &client, const QString &scope);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<Browser> m_browser;
    std::unique_ptr<OAuthClient> m_coolLoan;
    std::unique_ptr<OAuthClient> m_payApp;
    QHash<QString, TokenSet> m_tokens; // by scope
};

void tst_ResourceApi::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_browser = std::make_unique<Browser>(*m_bank);
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    // CoolLoan may not make payments: a client that may.
    const RegisteredClient payApp
        = m_bank->registerClient(QStringLiteral("PayApp"), { QStringLiteral("http://127.0.0.1/callback") },
            { QStringLiteral("openid"), QStringLiteral("accounts:read"), QStringLiteral("transactions:read"),
                QStringLiteral("payments:write") });
    QVERIFY(!payApp.clientSecret.isEmpty());
    m_payApp
        = std::make_unique<OAuthClient>(*m_bank, ClientCredentials { payApp.clientId, payApp.clientSecret });
}

TokenSet tst_ResourceApi::tokensFor(OAuthClient &client, const QString &scope)
{
    const QString key = client.credentials().id + QLatin1Char('|') + scope;
    if (!m_tokens.contains(key)) {
        AuthorizationRequest request;
        request.scope = scope;
        m_tokens.insert(key, obtainTokens(*m_bank, client, request, m_browser.get()));
    }
    return m_tokens.value(key);
}

void tst_ResourceApi::endpointsNeedTheirScope_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("requiredScope");
    QTest::addColumn<QString>("otherScopes"); // granted, but not enough

    QTest::newRow("GET /api/accounts")
        << QByteArray("GET") << QStringLiteral("/api/accounts") << QStringLiteral("accounts:read")
        << QStringLiteral("openid transactions:read");
    QTest::newRow("GET /api/accounts/{id}/transactions")
        << QByteArray("GET") << QStringLiteral("/api/accounts/CHK-1001/transactions")
        << QStringLiteral("transactions:read") << QStringLiteral("openid accounts:read");
    QTest::newRow("POST /api/payments")
        << QByteArray("POST") << QStringLiteral("/api/payments") << QStringLiteral("payments:write")
        << QStringLiteral("openid accounts:read transactions:read");
}

void tst_ResourceApi::endpointsNeedTheirScope()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, requiredScope);
    QFETCH(QString, otherScopes);

    OAuthClient &client = *m_payApp;
    const QJsonObject payment { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") },
        { QStringLiteral("payee"), QStringLiteral("Scope Test") },
        { QStringLiteral("amount"), QStringLiteral("1.00") } };
    auto call = [&](const QString &token) {
        return method == "GET" ? client.api(path, token) : client.apiPost(path, token, payment);
    };

    // With the scope: served.
    const TokenSet allowed = tokensFor(client, otherScopes + QLatin1Char(' ') + requiredScope);
    QVERIFY(allowed.isValid());
    const HttpResult served = call(allowed.accessToken);
    QVERIFY2(served.status == 200 || served.status == 201, qPrintable(served.describe()));
    QCOMPARE(served.header("Cache-Control"), QByteArray("no-store"));

    // Without it: 403 insufficient_scope, naming the scope needed (RFC 6750 §3.1).
    const TokenSet lacking = tokensFor(client, otherScopes);
    QVERIFY(lacking.isValid());
    const HttpResult refused = call(lacking.accessToken);
    QCOMPARE(refused.status, 403);
    QCOMPARE(errorOf(refused), QStringLiteral("insufficient_scope"));
    const QByteArray challenge = refused.header("WWW-Authenticate");
    QVERIFY2(challenge.startsWith("Bearer realm=\"banky\""), challenge.constData());
    QVERIFY2(challenge.contains("error=\"insufficient_scope\""), challenge.constData());
    QVERIFY2(challenge.contains("scope=\"" + requiredScope.toLatin1() + '"'), challenge.constData());
}

void tst_ResourceApi::accountsListsJohnsAccounts()
{
    const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
    const HttpResult response = m_coolLoan->api(QStringLiteral("/api/accounts"), tokens.accessToken);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    const QJsonArray accounts = response.json().value(QStringLiteral("accounts")).toArray();
    QCOMPARE(accounts.size(), 2);
    QStringList ids;
    for (const QJsonValue &account : accounts) {
        ids.append(account.toObject().value(QStringLiteral("id")).toString());
        QVERIFY(!account.toObject().value(QStringLiteral("iban")).toString().isEmpty());
        QCOMPARE(account.toObject().value(QStringLiteral("currency")).toString(), QStringLiteral("EUR"));
    }
    ids.sort();
    QCOMPARE(ids, (QStringList { QStringLiteral("CHK-1001"), QStringLiteral("SAV-2001") }));
    // The balance is the bank's own number.
    const auto checking = m_bank->store().accounts().account(QStringLiteral("CHK-1001"));
    QVERIFY(checking.has_value());
    QCOMPARE(balanceOf(response, QStringLiteral("CHK-1001")),
        QString::number(double(checking->balanceCents) / 100.0, 'f', 2));
}

void tst_ResourceApi::transactionsOfAnAccount()
{
    const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid transactions:read"));
    const HttpResult response
        = m_coolLoan->api(QStringLiteral("/api/accounts/SAV-2001/transactions"), tokens.accessToken);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value(QStringLiteral("account")).toObject().value(QStringLiteral("id")).toString(),
        QStringLiteral("SAV-2001"));
    const QJsonArray transactions = json.value(QStringLiteral("transactions")).toArray();
    QVERIFY(transactions.size() > 0);
    QCOMPARE(
        transactions.size(), m_bank->store().accounts().transactionsOf(QStringLiteral("SAV-2001")).size());
    const QJsonObject first = transactions.first().toObject();
    for (const char *field : { "id", "booked_on", "description", "amount", "balance_after" })
        QVERIFY2(first.contains(QLatin1String(field)), field);
}

void tst_ResourceApi::unknownOrForeignAccountIsNotFound_data()
{
    QTest::addColumn<QString>("accountId");
    // Only John lives in the seeded bank: a made-up id stands for another customer's account.
    QTest::newRow("made up") << QStringLiteral("CHK-9999");
    QTest::newRow("lower case") << QStringLiteral("chk-1001");
    QTest::newRow("SQL") << QStringLiteral("CHK-1001' OR '1'='1");
}

void tst_ResourceApi::unknownOrForeignAccountIsNotFound()
{
    QFETCH(QString, accountId);
    const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid transactions:read"));
    const HttpResult response
        = m_coolLoan->api(QStringLiteral("/api/accounts/%1/transactions")
                              .arg(QString::fromLatin1(QUrl::toPercentEncoding(accountId))),
            tokens.accessToken);
    QCOMPARE(response.status, 404);
    QCOMPARE(errorOf(response), QStringLiteral("not_found"));
    QVERIFY(!response.json().contains(QStringLiteral("transactions")));
}

void tst_ResourceApi::paymentIsBookedAndReducesTheBalance()
{
    const TokenSet tokens = tokensFor(*m_payApp, QStringLiteral("openid accounts:read payments:write"));
    QVERIFY(tokens.isValid());
    const HttpResult before = m_payApp->api(QStringLiteral("/api/accounts"), tokens.accessToken);
    QCOMPARE(before.status, 200);
    const qint64 balanceBefore = m_bank->store().accounts().account(QStringLiteral("CHK-1001"))->balanceCents;

    const HttpResult booked = m_payApp->apiPost(QStringLiteral("/api/payments"), tokens.accessToken,
        { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") },
            { QStringLiteral("payee"), QStringLiteral("Corner Bakery") },
            { QStringLiteral("amount"), QStringLiteral("12.50") },
            { QStringLiteral("reference"), QStringLiteral("croissants") } });
    QCOMPARE(booked.status, 201);
    QCOMPARE(booked.json().value(QStringLiteral("amount")).toString(), QStringLiteral("-12.50"));
    QCOMPARE(booked.json().value(QStringLiteral("balance_after")).toString(),
        QString::number(double(balanceBefore - 1250) / 100.0, 'f', 2));

    const HttpResult after = m_payApp->api(QStringLiteral("/api/accounts"), tokens.accessToken);
    QCOMPARE(
        m_bank->store().accounts().account(QStringLiteral("CHK-1001"))->balanceCents, balanceBefore - 1250);
    QCOMPARE(balanceOf(after, QStringLiteral("CHK-1001")),
        QString::number(double(balanceBefore - 1250) / 100.0, 'f', 2));
    QCOMPARE(balanceOf(after, QStringLiteral("SAV-2001")), balanceOf(before, QStringLiteral("SAV-2001")));
}

void tst_ResourceApi::badPaymentsAreRefused_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message"); // part of error_description

    QTest::newRow("form instead of JSON")
        << QByteArray("application/x-www-form-urlencoded")
        << QByteArray("from_account=CHK-1001&payee=x&amount=1") << QStringLiteral("application/json");
    QTest::newRow("not JSON") << QByteArray("application/json") << QByteArray("{nope")
                              << QStringLiteral("not a JSON object");
    QTest::newRow("amount missing") << QByteArray("application/json")
                                    << QByteArray(R"({"from_account":"CHK-1001","payee":"x"})")
                                    << QStringLiteral("needs");
    QTest::newRow("amount not a number")
        << QByteArray("application/json")
        << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"ten"})") << QStringLiteral("needs");
    QTest::newRow("negative amount") << QByteArray(
        "application/json") << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"-5.00"})")
                                     << QStringLiteral("more than 0.00");
    QTest::newRow("amount not finite")
        << QByteArray("application/json")
        << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"nan"})") << QString();
    QTest::newRow("amount infinite") << QByteArray(
        "application/json") << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"-inf"})")
                                     << QString();
    QTest::newRow("amount beyond any balance")
        << QByteArray("application/json")
        << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"1e300"})") << QString();
    QTest::newRow("amount wraps around")
        << QByteArray("application/json")
        << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"-92233720368547758.08"})")
        << QString();
    QTest::newRow("insufficient funds")
        << QByteArray("application/json")
        << QByteArray(R"({"from_account":"CHK-1001","payee":"x","amount":"99999999.00"})")
        << QStringLiteral("insufficient funds");
    QTest::newRow("someone else's account")
        << QByteArray("application/json")
        << QByteArray(R"({"from_account":"CHK-9999","payee":"x","amount":"1.00"})")
        << QStringLiteral("not one of your accounts");
}

void tst_ResourceApi::badPaymentsAreRefused()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const TokenSet tokens = tokensFor(*m_payApp, QStringLiteral("openid accounts:read payments:write"));
    const qint64 balanceBefore = m_bank->store().accounts().account(QStringLiteral("CHK-1001"))->balanceCents;
    const HttpResult response = m_payApp->post(m_bank->url(QStringLiteral("/api/payments")), body,
        contentType, { { "Authorization", "Bearer " + tokens.accessToken.toLatin1() } });
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_request"));
    QVERIFY2(response.json().value(QStringLiteral("error_description")).toString().contains(message),
        qPrintable(response.describe()));
    QCOMPARE(m_bank->store().accounts().account(QStringLiteral("CHK-1001"))->balanceCents, balanceBefore);
}

void tst_ResourceApi::requestWithoutTokenGetsAChallengeWithoutError()
{
    // RFC 6750 §3.1: "If the request lacks any authentication information ... SHOULD NOT include an
    // error code or other error information."
    for (const QString &path :
        { QStringLiteral("/api/accounts"), QStringLiteral("/api/accounts/CHK-1001/transactions") }) {
        const HttpResult response = m_coolLoan->get(m_bank->url(path));
        QCOMPARE(response.status, 401);
        const QByteArray challenge = response.header("WWW-Authenticate");
        QCOMPARE(challenge, QByteArray("Bearer realm=\"banky\""));
        QVERIFY(!challenge.contains("error="));
    }
    const HttpResult payment
        = m_coolLoan->post(m_bank->url(QStringLiteral("/api/payments")), "{}", "application/json");
    QCOMPARE(payment.status, 401);
    QCOMPARE(payment.header("WWW-Authenticate"), QByteArray("Bearer realm=\"banky\""));
}

void tst_ResourceApi::invalidTokensAreRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("garbage") << QStringLiteral("garbage");
    QTest::newRow("tampered payload") << QStringLiteral("tampered");
    QTest::newRow("alg none") << QStringLiteral("none");
    QTest::newRow("signature of another token") << QStringLiteral("spliced");
    QTest::newRow("ID token as bearer") << QStringLiteral("id_token");
    QTest::newRow("refresh token as bearer") << QStringLiteral("refresh_token");
    QTest::newRow("revoked access token") << QStringLiteral("revoked");
}

void tst_ResourceApi::invalidTokensAreRefused()
{
    QFETCH(QString, kind);

    AuthorizationRequest request;
    request.scope = QStringLiteral("openid offline_access accounts:read");
    const TokenSet tokens = obtainTokens(*m_bank, *m_coolLoan, request, m_browser.get());
    QVERIFY(tokens.isValid());
    const QList<QByteArray> parts = tokens.accessToken.toLatin1().split('.');
    QCOMPARE(parts.size(), 3);
    QJsonObject claims = decodeJwt(tokens.accessToken.toLatin1())->payload;
    // banky accepts the genuine token first: what it remembers of an accepted token (crypto/VerifiedJwts.h)
    // must not accept anything made from it.
    QCOMPARE(m_coolLoan->api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);

    QByteArray token;
    if (kind == QLatin1String("garbage")) {
        token = "this-is-not-a-token";
    } else if (kind == QLatin1String("tampered")) {
        // More scope, same signature.
        claims.insert(QStringLiteral("scope"), QStringLiteral("openid accounts:read payments:write"));
        token = parts[0] + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.'
            + parts[2];
    } else if (kind == QLatin1String("none")) {
        token = base64Url(R"({"alg":"none","typ":"at+jwt"})") + '.' + parts[1] + '.';
    } else if (kind == QLatin1String("spliced")) {
        const QList<QByteArray> idParts = tokens.idToken.toLatin1().split('.');
        token = parts[0] + '.' + parts[1] + '.' + idParts[2];
    } else if (kind == QLatin1String("id_token")) {
        token = tokens.idToken.toLatin1();
    } else if (kind == QLatin1String("refresh_token")) {
        token = tokens.refreshToken.toLatin1();
    } else if (kind == QLatin1String("revoked")) {
        QCOMPARE(m_coolLoan->revoke(tokens.accessToken).status, 200);
        token = tokens.accessToken.toLatin1();
    }
    QVERIFY(!token.isEmpty());

    const HttpResult response = m_coolLoan->api(QStringLiteral("/api/accounts"), QString::fromLatin1(token));
    QCOMPARE(response.status, 401);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_token"));
    const QByteArray challenge = response.header("WWW-Authenticate");
    QVERIFY2(challenge.startsWith("Bearer realm=\"banky\""), challenge.constData());
    QVERIFY2(challenge.contains("error=\"invalid_token\""), challenge.constData());
    QVERIFY(!response.json().contains(QStringLiteral("accounts")));
}

void tst_ResourceApi::expiredTokenIsRefused()
{
    AuthorizationRequest request;
    request.scope = QStringLiteral("openid accounts:read");
    const TokenSet tokens = obtainTokens(*m_bank, *m_coolLoan, request, m_browser.get());
    QVERIFY(tokens.isValid());
    m_bank->advanceClock(599);
    QCOMPARE(m_coolLoan->api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
    m_bank->advanceClock(2);
    const HttpResult response = m_coolLoan->api(QStringLiteral("/api/accounts"), tokens.accessToken);
    QCOMPARE(response.status, 401);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_token"));
    // The JWT's own exp refuses first (RFC 9068 §4); the ledger's expiry is the line behind it.
    const QString description = response.json().value(QStringLiteral("error_description")).toString();
    QVERIFY2(description.contains(QLatin1String("expired")) && !description.contains(QLatin1String("ledger")),
        qPrintable(description));
    m_tokens.clear(); // every cached token is now expired too
}

void tst_ResourceApi::tokenInTheQueryIsRefused()
{
    // RFC 6750 §2.3 is not offered: tokens in URLs leak into logs and histories (RFC 9700 §2.5 / §5.3).
    const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
    QVERIFY(tokens.isValid());
    const HttpResult response
        = m_coolLoan->get(m_bank->url(QStringLiteral("/api/accounts?access_token=") + tokens.accessToken));
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), QStringLiteral("invalid_request"));
    QVERIFY(!response.json().contains(QStringLiteral("accounts")));
}

void tst_ResourceApi::authorizationSchemeMustBeBearer_data()
{
    QTest::addColumn<QByteArray>("scheme");
    QTest::addColumn<int>("status");
    QTest::newRow("Bearer") << QByteArray("Bearer") << 200;
    QTest::newRow("bearer: the scheme is case-insensitive (RFC 9110 §11.1)") << QByteArray("bearer") << 200;
    QTest::newRow("Basic") << QByteArray("Basic") << 400;
    QTest::newRow("DPoP") << QByteArray("DPoP") << 400;
}
void tst_ResourceApi::authorizationSchemeMustBeBearer()
{
    // A valid access token under another scheme is a malformed request, named as such (RFC 6750 §2.1,
    // §3.1): not an invalid token, which would send the developer looking at the token.
    QFETCH(QByteArray, scheme);
    QFETCH(int, status);
    const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
    QVERIFY(tokens.isValid());
    const HttpResult response = m_coolLoan->get(m_bank->url(QStringLiteral("/api/accounts")),
        { { "Authorization", scheme + ' ' + tokens.accessToken.toLatin1() } });
    QCOMPARE(response.status, status);
    if (status == 200)
        return;
    QCOMPARE(errorOf(response), QStringLiteral("invalid_request"));
    QVERIFY2(response.json()
                 .value(QStringLiteral("error_description"))
                 .toString()
                 .contains(QStringLiteral("must use the Bearer scheme")),
        qPrintable(response.describe()));
    QVERIFY(!response.json().contains(QStringLiteral("accounts")));
}

QTEST_GUILESS_MAIN(tst_ResourceApi)
#include "tst_resourceapi.moc"
