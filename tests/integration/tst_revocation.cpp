// Token revocation, RFC 7009: authenticated clients revoke their own tokens; revoking a refresh token
// ends its grant; unknown tokens are answered with 200.

#include "BankHarness.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString errorOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error")).toString();
}
} // namespace

class tst_Revocation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void revokedAccessTokenIsRefusedByTheApi_data();
    void revokedAccessTokenIsRefusedByTheApi();
    void revokedRefreshTokenEndsTheGrant_data();
    void revokedRefreshTokenEndsTheGrant();
    void unknownOrRepeatedTokenIsAnswered200();
    void anotherClientsTokenIsNotRevoked();
    void clientMustAuthenticate();
    void requestErrors_data();
    void requestErrors();

private:
    TokenSet freshTokens();

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<Browser> m_browser;
    std::unique_ptr<OAuthClient> m_client;
};

void tst_Revocation::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_browser = std::make_unique<Browser>(*m_bank);
    m_client = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
}

TokenSet tst_Revocation::freshTokens()
{
    return obtainTokens(*m_bank, *m_client, {}, m_browser.get());
}

void tst_Revocation::revokedAccessTokenIsRefusedByTheApi_data()
{
    QTest::addColumn<ClientAuth>("auth");
    QTest::addColumn<QString>("hint");
    QTest::newRow("basic, with hint") << ClientAuth::SecretBasic << QStringLiteral("access_token");
    QTest::newRow("post, without hint") << ClientAuth::SecretPost << QString();
    QTest::newRow("basic, misleading hint") << ClientAuth::SecretBasic << QStringLiteral("refresh_token");
    // RFC 7009 §2.2: "An invalid token type hint value is ignored ... and does not influence the revocation
    // response."
    QTest::newRow("basic, unknown hint") << ClientAuth::SecretBasic << QStringLiteral("id_token");
    QTest::newRow("post, made-up hint") << ClientAuth::SecretPost << QStringLiteral("urn:example:bogus");
}

void tst_Revocation::revokedAccessTokenIsRefusedByTheApi()
{
    QFETCH(ClientAuth, auth);
    QFETCH(QString, hint);

    const TokenSet tokens = freshTokens();
    QVERIFY(tokens.isValid());
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);

    OAuthClient client(*m_bank, m_client->credentials(), auth);
    const HttpResult revoked = client.revoke(tokens.accessToken, hint);
    QCOMPARE(revoked.status, 200);
    QCOMPARE(revoked.header("Cache-Control"), QByteArray("no-store"));

    const HttpResult api = m_client->api(QStringLiteral("/api/accounts"), tokens.accessToken);
    QCOMPARE(api.status, 401);
    QCOMPARE(errorOf(api), QStringLiteral("invalid_token"));
    QVERIFY(api.header("WWW-Authenticate").contains("error=\"invalid_token\""));
    // Only that access token: the refresh token still gets a new one.
    const HttpResult refreshed = m_client->refresh(tokens.refreshToken);
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(
        m_client->api(QStringLiteral("/api/accounts"), TokenSet::from(refreshed).accessToken).status, 200);
}

void tst_Revocation::revokedRefreshTokenEndsTheGrant_data()
{
    QTest::addColumn<QString>("hint");
    QTest::newRow("with hint") << QStringLiteral("refresh_token");
    QTest::newRow("without hint") << QString();
    QTest::newRow("misleading hint") << QStringLiteral("access_token");
}

void tst_Revocation::revokedRefreshTokenEndsTheGrant()
{
    QFETCH(QString, hint);

    const TokenSet first = freshTokens();
    const TokenSet second = TokenSet::from(m_client->refresh(first.refreshToken));
    QVERIFY(second.isValid());
    const HttpResult revoked = m_client->revoke(second.refreshToken, hint);
    QCOMPARE(revoked.status, 200);

    // RFC 7009 §2.1: the refresh token is dead, and so are the access tokens of the same grant.
    const HttpResult refresh = m_client->refresh(second.refreshToken);
    QCOMPARE(refresh.status, 400);
    QCOMPARE(errorOf(refresh), QStringLiteral("invalid_grant"));
    for (const TokenSet *tokens : { &first, &second }) {
        const HttpResult api = m_client->api(QStringLiteral("/api/accounts"), tokens->accessToken);
        QCOMPARE(api.status, 401);
        QCOMPARE(errorOf(api), QStringLiteral("invalid_token"));
    }
}

void tst_Revocation::unknownOrRepeatedTokenIsAnswered200()
{
    // RFC 7009 §2.2: "invalid tokens do not cause an error response".
    QCOMPARE(m_client->revoke(QStringLiteral("never-issued-by-this-bank")).status, 200);
    const TokenSet tokens = freshTokens();
    QCOMPARE(m_client->revoke(tokens.accessToken).status, 200);
    QCOMPARE(m_client->revoke(tokens.accessToken).status, 200);
}

void tst_Revocation::anotherClientsTokenIsNotRevoked()
{
    const RegisteredClient other
        = m_bank->registerClient(QStringLiteral("Other App"), { QStringLiteral("http://127.0.0.1/callback") },
            { QStringLiteral("openid"), QStringLiteral("accounts:read") });
    QVERIFY(!other.clientSecret.isEmpty());
    const TokenSet tokens = freshTokens();
    OAuthClient stranger(*m_bank, { other.clientId, other.clientSecret });
    // §2.1: the server "verifies whether the token was issued to the client making the revocation
    // request. If this validation fails, the request is refused".
    for (const QString &token : { tokens.accessToken, tokens.refreshToken }) {
        const HttpResult response = stranger.revoke(token);
        QCOMPARE(response.status, 400);
        QCOMPARE(errorOf(response), QStringLiteral("unauthorized_client"));
    }
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
    QCOMPARE(m_client->refresh(tokens.refreshToken).status, 200);
}

void tst_Revocation::clientMustAuthenticate()
{
    const TokenSet tokens = freshTokens();
    OAuthClient wrongSecret(*m_bank, { QString::fromLatin1(CoolLoanId), "wrong" });
    const HttpResult refused = wrongSecret.revoke(tokens.accessToken);
    QCOMPARE(refused.status, 401);
    QCOMPARE(errorOf(refused), QStringLiteral("invalid_client"));
    QVERIFY(refused.header("WWW-Authenticate").startsWith("Basic"));

    OAuthClient anonymous(*m_bank, { QString(), {} }, ClientAuth::None);
    const HttpResult noClient = anonymous.revoke(tokens.accessToken);
    QCOMPARE(noClient.status, 401);
    QCOMPARE(errorOf(noClient), QStringLiteral("invalid_client"));

    // Neither attempt revoked anything.
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
}

void tst_Revocation::requestErrors_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QString>("error");
    QTest::newRow("token missing") << QString() << QString() << QStringLiteral("invalid_request");
    QTest::newRow("token missing, with hint")
        << QString() << QStringLiteral("access_token") << QStringLiteral("invalid_request");
}

void tst_Revocation::requestErrors()
{
    QFETCH(QString, token);
    QFETCH(QString, hint);
    QFETCH(QString, error);
    FormFields fields;
    if (!token.isEmpty())
        fields.append({ QStringLiteral("token"), token });
    if (!hint.isEmpty())
        fields.append({ QStringLiteral("token_type_hint"), hint });
    const HttpResult response = m_client->authenticatedPost(QStringLiteral("/revoke"), fields);
    QCOMPARE(response.status, 400);
    QCOMPARE(errorOf(response), error);
}

QTEST_GUILESS_MAIN(tst_Revocation)
#include "tst_revocation.moc"
