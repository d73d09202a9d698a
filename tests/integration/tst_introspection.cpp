// Token introspection, RFC 7662: an authenticated client learns whether one of its tokens is active.

#include "BankHarness.h"
#include "crypto/Jwt.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_Introspection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void activeAccessToken();
    void activeRefreshToken();
    void inactiveTokens_data();
    void inactiveTokens();
    void expiredTokenIsInactive();
    void clientMustAuthenticate_data();
    void clientMustAuthenticate();
    void tokenParameterIsRequired();
    void publicClientMayNotIntrospect();

private:
    TokenSet freshTokens();

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<Browser> m_browser;
    std::unique_ptr<OAuthClient> m_client;
};

void tst_Introspection::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_browser = std::make_unique<Browser>(*m_bank);
    m_client = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
}

TokenSet tst_Introspection::freshTokens()
{
    return obtainTokens(*m_bank, *m_client, {}, m_browser.get());
}

void tst_Introspection::activeAccessToken()
{
    const TokenSet tokens = freshTokens();
    QVERIFY(tokens.isValid());
    const HttpResult response = m_client->introspect(tokens.accessToken);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject json = response.json();
    // RFC 7662 §2.2
    QCOMPARE(json.value(QStringLiteral("active")), QJsonValue(true));
    QCOMPARE(json.value(QStringLiteral("scope")).toString(), tokens.scope);
    QCOMPARE(json.value(QStringLiteral("client_id")).toString(), QStringLiteral("coolloan"));
    QCOMPARE(json.value(QStringLiteral("username")).toString(), QStringLiteral("john"));
    QCOMPARE(json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(json.value(QStringLiteral("iat")).toInteger(), m_bank->now());
    QCOMPARE(json.value(QStringLiteral("exp")).toInteger(), m_bank->now() + 600);
    QCOMPARE(json.value(QStringLiteral("iss")).toString(), m_bank->issuerString());
    QCOMPARE(json.value(QStringLiteral("aud")).toString(), m_bank->issuerString() + QStringLiteral("/api"));
    const auto jwt = decodeJwt(tokens.accessToken.toLatin1());
    QVERIFY(jwt.has_value());
    QCOMPARE(
        json.value(QStringLiteral("sub")).toString(), jwt->payload.value(QStringLiteral("sub")).toString());
    QCOMPARE(
        json.value(QStringLiteral("jti")).toString(), jwt->payload.value(QStringLiteral("jti")).toString());
}

void tst_Introspection::activeRefreshToken()
{
    const TokenSet tokens = freshTokens();
    OAuthClient postClient(*m_bank, m_client->credentials(), ClientAuth::SecretPost);
    const HttpResult response = postClient.introspect(tokens.refreshToken);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value(QStringLiteral("active")), QJsonValue(true));
    QCOMPARE(json.value(QStringLiteral("scope")).toString(), tokens.scope);
    QCOMPARE(json.value(QStringLiteral("client_id")).toString(), QStringLiteral("coolloan"));
    QCOMPARE(json.value(QStringLiteral("exp")).toInteger(), m_bank->now() + 14 * 24 * 3600);
}

void tst_Introspection::inactiveTokens_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("revoked access token") << QStringLiteral("revoked access");
    QTest::newRow("refresh token of a revoked grant") << QStringLiteral("revoked refresh");
    QTest::newRow("rotated refresh token") << QStringLiteral("rotated");
    QTest::newRow("another client's token") << QStringLiteral("other client");
    QTest::newRow("unknown") << QStringLiteral("unknown");
    QTest::newRow("ID token") << QStringLiteral("id token");
}

void tst_Introspection::inactiveTokens()
{
    QFETCH(QString, kind);

    const TokenSet tokens = freshTokens();
    QVERIFY(tokens.isValid());
    OAuthClient *asker = m_client.get();
    std::unique_ptr<OAuthClient> other;
    QString token;
    if (kind == QLatin1String("revoked access")) {
        QCOMPARE(m_client->revoke(tokens.accessToken).status, 200);
        token = tokens.accessToken;
    } else if (kind == QLatin1String("revoked refresh")) {
        QCOMPARE(m_client->revoke(tokens.refreshToken).status, 200);
        token = tokens.refreshToken;
    } else if (kind == QLatin1String("rotated")) {
        QCOMPARE(m_client->refresh(tokens.refreshToken).status, 200);
        token = tokens.refreshToken;
    } else if (kind == QLatin1String("other client")) {
        const RegisteredClient app = m_bank->registerClient(QStringLiteral("Curious App"),
            { QStringLiteral("http://127.0.0.1/cb") }, { QStringLiteral("openid") });
        other = std::make_unique<OAuthClient>(*m_bank, ClientCredentials { app.clientId, app.clientSecret });
        asker = other.get();
        token = tokens.accessToken;
    } else if (kind == QLatin1String("unknown")) {
        token = QStringLiteral("never-issued");
    } else if (kind == QLatin1String("id token")) {
        token = tokens.idToken;
    }
    QVERIFY(!token.isEmpty());

    // RFC 7662 §2.2: just {"active": false}, nothing about the token.
    const HttpResult response = asker->introspect(token);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(), QJsonObject({ { QStringLiteral("active"), false } }));
}

void tst_Introspection::expiredTokenIsInactive()
{
    const TokenSet tokens = freshTokens();
    QCOMPARE(
        m_client->introspect(tokens.accessToken).json().value(QStringLiteral("active")), QJsonValue(true));
    m_bank->advanceClock(601);
    QCOMPARE(m_client->introspect(tokens.accessToken).json(),
        QJsonObject({ { QStringLiteral("active"), false } }));
    // The refresh token lives longer.
    QCOMPARE(
        m_client->introspect(tokens.refreshToken).json().value(QStringLiteral("active")), QJsonValue(true));
}

void tst_Introspection::clientMustAuthenticate_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<ClientAuth>("auth");
    QTest::newRow("no authentication") << QString() << QByteArray() << ClientAuth::None;
    QTest::newRow("client_id only") << QStringLiteral("coolloan") << QByteArray() << ClientAuth::None;
    QTest::newRow("wrong secret, basic")
        << QStringLiteral("coolloan") << QByteArray("wrong") << ClientAuth::SecretBasic;
    QTest::newRow("wrong secret, post")
        << QStringLiteral("coolloan") << QByteArray("wrong") << ClientAuth::SecretPost;
}

void tst_Introspection::clientMustAuthenticate()
{
    QFETCH(QString, clientId);
    QFETCH(QByteArray, secret);
    QFETCH(ClientAuth, auth);

    const TokenSet tokens = freshTokens();
    OAuthClient client(*m_bank, { clientId, secret }, auth);
    // RFC 7662 §2.1: "the endpoint MUST also require some form of authorization".
    const HttpResult response = client.introspect(tokens.accessToken);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    QVERIFY(!response.header("WWW-Authenticate").isEmpty());
    QVERIFY(!response.json().contains(QStringLiteral("active")));
}

void tst_Introspection::tokenParameterIsRequired()
{
    const HttpResult response = m_client->authenticatedPost(QStringLiteral("/introspect"), {});
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
}

void tst_Introspection::publicClientMayNotIntrospect()
{
    // RFC 7662 §4: a client that cannot authenticate could learn what any stolen token is worth.
    const RegisteredClient app
        = m_bank->registerClient(QStringLiteral("Public App"), { QStringLiteral("http://127.0.0.1/cb") },
            { QStringLiteral("openid"), QStringLiteral("accounts:read") }, true);
    QVERIFY(!app.clientId.isEmpty());
    AuthorizationRequest request;
    request.scope = QStringLiteral("openid accounts:read");
    request.redirectUri = QStringLiteral("http://127.0.0.1:7003/cb");
    OAuthClient client(*m_bank, { app.clientId, {} }, ClientAuth::None);
    const TokenSet tokens = obtainTokens(*m_bank, client, request, m_browser.get());
    QVERIFY(tokens.isValid());
    const HttpResult response = client.introspect(tokens.accessToken);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    QVERIFY(!response.json().contains(QStringLiteral("active")));
}

QTEST_GUILESS_MAIN(tst_Introspection)
#include "tst_introspection.moc"
