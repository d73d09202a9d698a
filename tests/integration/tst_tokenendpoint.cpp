// boris's token endpoint with grant_type=authorization_code: client authentication (RFC 6749 §2.3.1),
// the code's bindings (§4.1.3, RFC 7636 §4.6), single use (§4.1.2, §10.5), errors (§5.2) and the
// response (§5.1, OpenID Connect Core §3.1.3.3).

#include "BankHarness.h"
#include "storage/SeedData.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
struct Grant
{
    AuthorizationRequest request;
    QString code;
};
} // namespace

class tst_TokenEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void bothClientAuthenticationMethodsWork_data();
    void bothClientAuthenticationMethodsWork();
    void basicCredentialsAreFormUrlDecoded();
    void malformedBasicCredentials_data();
    void malformedBasicCredentials();
    void contentTypeMayNameItsCharset();
    void clientAuthenticationFailures_data();
    void clientAuthenticationFailures();
    void twoAuthenticationMethodsAtOnce();
    void bodyClientIdMustMatchBasic();
    void grantTypeMustBeSupported_data();
    void grantTypeMustBeSupported();
    void bodyMustBeFormUrlEncoded_data();
    void bodyMustBeFormUrlEncoded();
    void repeatedParameterIsRefused();
    void repeatedParametersAreCheckedAfterAuthentication();
    void codeIsRequiredAndMustBeKnown_data();
    void codeIsRequiredAndMustBeKnown();
    void codeReplayRevokesTheTokensIssuedFromIt();
    void codeReplayAlsoRevokesRefreshedTokens();
    void codeOfAnotherClientIsRefused();
    void usedCodeFromAnotherClientRevokesNothing();
    void codeExpiresAfterSixtySeconds();
    void redirectUriMustMatch_data();
    void redirectUriMustMatch();
    void pkceVerifierMustMatch_data();
    void pkceVerifierMustMatch();
    void responsesAreNeverCached();
    void tokenResponseFields_data();
    void tokenResponseFields();
    void codesAndTokensAreBase64Url();
    void publicClientAuthenticatesWithPkceOnly();
    void clientAuthenticationRefusalsNameTheirRule_data();
    void clientAuthenticationRefusalsNameTheirRule();
    void unknownCodeOrRefreshTokenIsNamedAsUnknown();
    void singleUseHoldsWhenTheReplayCheckIsPassed();
    void grantOfAVanishedUserIsRefused();

private:
    Grant newCode(const QString &scope = QString::fromLatin1(CoolLoanScopes));
    OAuthClient coolLoan(ClientAuth auth = ClientAuth::SecretBasic) const
    {
        return OAuthClient(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() }, auth);
    }

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<Browser> m_browser; // John stays logged in: each code costs one request
};

void tst_TokenEndpoint::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_browser = std::make_unique<Browser>(*m_bank);
}

Grant tst_TokenEndpoint::newCode(const QString &scope)
{
    Grant grant;
    grant.request.scope = scope;
    const AuthorizationRun run = m_browser->authorize(grant.request);
    if (run.code().isEmpty())
        qWarning("no code: %s", qPrintable(run.describe()));
    grant.code = run.code();
    return grant;
}

void tst_TokenEndpoint::bothClientAuthenticationMethodsWork_data()
{
    QTest::addColumn<ClientAuth>("auth");
    QTest::newRow("client_secret_basic") << ClientAuth::SecretBasic;
    QTest::newRow("client_secret_post") << ClientAuth::SecretPost;
}

void tst_TokenEndpoint::bothClientAuthenticationMethodsWork()
{
    QFETCH(ClientAuth, auth);
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan(auth);
    const HttpResult response = client.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    const TokenSet tokens = TokenSet::from(response);
    QVERIFY2(tokens.isValid(), qPrintable(response.describe()));
    QCOMPARE(client.api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
}

void tst_TokenEndpoint::basicCredentialsAreFormUrlDecoded()
{
    // RFC 6749 §2.3.1: id and secret are form-url-encoded before Base64. Encode every character, so a
    // bank that skipped the decoding would see "%63%6F..." instead of "coolloan".
    auto encodeAll = [](const QByteArray &text) {
        QByteArray encoded;
        for (const char c : text)
            encoded += '%' + QByteArray(1, c).toHex().toUpper();
        return encoded;
    };
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    HttpAgent agent;
    const QByteArray credentials = encodeAll(CoolLoanId) + ':' + encodeAll(m_bank->coolLoanSecret());
    const HttpResult response = agent.postForm(m_bank->url(QStringLiteral("/token")),
        { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
            { QStringLiteral("code"), grant.code },
            { QStringLiteral("redirect_uri"), grant.request.redirectUri },
            { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) } },
        { { "Authorization", "Basic " + credentials.toBase64() } });
    QCOMPARE(response.status, 200);
    QVERIFY(TokenSet::from(response).isValid());
}

void tst_TokenEndpoint::malformedBasicCredentials_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("not base64") << QByteArray("Basic !!!not-base64!!!");
    QTest::newRow("no colon") << ("Basic " + QByteArray("coolloan").toBase64());
    QTest::newRow("bad percent escape") << ("Basic " + QByteArray("coolloan:%zz").toBase64());
    QTest::newRow("another scheme") << QByteArray("Bearer abc");
}

void tst_TokenEndpoint::malformedBasicCredentials()
{
    QFETCH(QByteArray, authorization);
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    HttpAgent agent;
    const HttpResult response = agent.postForm(m_bank->url(QStringLiteral("/token")),
        { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
            { QStringLiteral("code"), grant.code },
            { QStringLiteral("redirect_uri"), grant.request.redirectUri },
            { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) } },
        { { "Authorization", authorization } });
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    QVERIFY(!response.header("WWW-Authenticate").isEmpty());
}

void tst_TokenEndpoint::contentTypeMayNameItsCharset()
{
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    HttpAgent agent;
    const QByteArray body = encodeForm({ { QStringLiteral("grant_type"),
                                             QStringLiteral("authorization_code") },
        { QStringLiteral("code"), grant.code }, { QStringLiteral("redirect_uri"), grant.request.redirectUri },
        { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) } });
    const HttpResult response = agent.post(m_bank->url(QStringLiteral("/token")), body,
        "application/x-www-form-urlencoded; charset=UTF-8",
        { { "Authorization",
            OAuthClient::basicAuthorization(QStringLiteral("coolloan"), m_bank->coolLoanSecret()) } });
    QCOMPARE(response.status, 200);
}

void tst_TokenEndpoint::clientAuthenticationFailures_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<ClientAuth>("auth");

    QTest::newRow("wrong secret, basic")
        << QStringLiteral("coolloan") << QByteArray("wrong") << ClientAuth::SecretBasic;
    QTest::newRow("wrong secret, post")
        << QStringLiteral("coolloan") << QByteArray("wrong") << ClientAuth::SecretPost;
    QTest::newRow("empty secret, post")
        << QStringLiteral("coolloan") << QByteArray() << ClientAuth::SecretPost;
    QTest::newRow("no secret from a confidential client")
        << QStringLiteral("coolloan") << QByteArray() << ClientAuth::None;
    QTest::newRow("unknown client, basic")
        << QStringLiteral("nobody") << QByteArray("secret") << ClientAuth::SecretBasic;
    QTest::newRow("unknown client, post")
        << QStringLiteral("nobody") << QByteArray("secret") << ClientAuth::SecretPost;
    QTest::newRow("no client at all") << QString() << QByteArray() << ClientAuth::None;
}

void tst_TokenEndpoint::clientAuthenticationFailures()
{
    QFETCH(QString, clientId);
    QFETCH(QByteArray, secret);
    QFETCH(ClientAuth, auth);

    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client(*m_bank, { clientId, secret }, auth);
    const HttpResult response = client.exchangeCode(grant.code, grant.request.verifier);
    // RFC 6749 §5.2: 401 invalid_client with a WWW-Authenticate challenge.
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    QVERIFY(!response.json().value(QStringLiteral("error_description")).toString().isEmpty());
    QVERIFY2(response.header("WWW-Authenticate").startsWith("Basic realm="), qPrintable(response.describe()));
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!response.json().contains(QStringLiteral("access_token")));

    // The refusal did not use the code up: CoolLoan itself still can.
    QCOMPARE(coolLoan().exchangeCode(grant.code, grant.request.verifier).status, 200);
}

void tst_TokenEndpoint::twoAuthenticationMethodsAtOnce()
{
    // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    HttpAgent agent;
    const HttpResult response = agent.postForm(m_bank->url(QStringLiteral("/token")),
        { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
            { QStringLiteral("code"), grant.code },
            { QStringLiteral("redirect_uri"), grant.request.redirectUri },
            { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) },
            { QStringLiteral("client_id"), QStringLiteral("coolloan") },
            { QStringLiteral("client_secret"), QString::fromLatin1(m_bank->coolLoanSecret()) } },
        { { "Authorization",
            OAuthClient::basicAuthorization(QStringLiteral("coolloan"), m_bank->coolLoanSecret()) } });
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
}

void tst_TokenEndpoint::bodyClientIdMustMatchBasic()
{
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan();
    const HttpResult response = client.tokenRequest({ { QStringLiteral("grant_type"),
                                                          QStringLiteral("authorization_code") },
        { QStringLiteral("code"), grant.code }, { QStringLiteral("redirect_uri"), grant.request.redirectUri },
        { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) },
        { QStringLiteral("client_id"), QStringLiteral("someone-else") } });
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    // The same client_id in the body is fine.
    const HttpResult same = client.tokenRequest({ { QStringLiteral("grant_type"),
                                                      QStringLiteral("authorization_code") },
        { QStringLiteral("code"), grant.code }, { QStringLiteral("redirect_uri"), grant.request.redirectUri },
        { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) },
        { QStringLiteral("client_id"), QStringLiteral("coolloan") } });
    QCOMPARE(same.status, 200);
}

void tst_TokenEndpoint::grantTypeMustBeSupported_data()
{
    QTest::addColumn<QString>("grantType");
    QTest::addColumn<QString>("error");

    QTest::newRow("password") << QStringLiteral("password") << QStringLiteral("unsupported_grant_type");
    QTest::newRow("client_credentials")
        << QStringLiteral("client_credentials") << QStringLiteral("unsupported_grant_type");
    QTest::newRow("implicit") << QStringLiteral("implicit") << QStringLiteral("unsupported_grant_type");
    QTest::newRow("device code") << QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")
                                 << QStringLiteral("unsupported_grant_type");
    QTest::newRow("missing") << QString() << QStringLiteral("invalid_request");
}

void tst_TokenEndpoint::grantTypeMustBeSupported()
{
    QFETCH(QString, grantType);
    QFETCH(QString, error);

    FormFields fields { { QStringLiteral("username"), QStringLiteral("john") },
        { QStringLiteral("password"), QStringLiteral("banking-is-fun") } };
    if (!grantType.isEmpty())
        fields.prepend({ QStringLiteral("grant_type"), grantType });
    OAuthClient client = coolLoan();
    const HttpResult response = client.tokenRequest(fields);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), error);
    QVERIFY(!response.json().contains(QStringLiteral("access_token")));
}

void tst_TokenEndpoint::bodyMustBeFormUrlEncoded_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("json") << QByteArray("application/json")
                          << QByteArray(R"({"grant_type":"authorization_code","code":"x"})");
    QTest::newRow("text") << QByteArray("text/plain") << QByteArray("grant_type=authorization_code&code=x");
    QTest::newRow("multipart") << QByteArray("multipart/form-data; boundary=x")
                               << QByteArray(
                                      "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\n"
                                      "authorization_code\r\n--x--\r\n");
    QTest::newRow("bad percent escape") << QByteArray("application/x-www-form-urlencoded")
                                        << QByteArray("grant_type=authorization_code&code=%zz");
    QTest::newRow("not UTF-8") << QByteArray("application/x-www-form-urlencoded")
                               << QByteArray("grant_type=authorization_code&code=%C3%28");
}

void tst_TokenEndpoint::bodyMustBeFormUrlEncoded()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);

    HttpAgent agent;
    const HttpResult response = agent.post(m_bank->url(QStringLiteral("/token")), body, contentType,
        { { "Authorization",
            OAuthClient::basicAuthorization(QStringLiteral("coolloan"), m_bank->coolLoanSecret()) } });
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    QVERIFY(!response.json().value(QStringLiteral("error_description")).toString().isEmpty());
}

void tst_TokenEndpoint::repeatedParameterIsRefused()
{
    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan();
    const HttpResult response
        = client.tokenRequest({ { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
            { QStringLiteral("code"), grant.code }, { QStringLiteral("code"), grant.code },
            { QStringLiteral("redirect_uri"), grant.request.redirectUri },
            { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) } });
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
}

void tst_TokenEndpoint::repeatedParametersAreCheckedAfterAuthentication()
{
    // Issue 10 finding 3: a large body of repeated parameters is looked at only once the client has
    // authenticated; a stranger's is refused as a stranger's. The body is as large as /token takes.
    QByteArray body = "grant_type=authorization_code";
    for (int i = 0; body.size() < 15 * 1024; ++i)
        body += "&p" + QByteArray::number(i) + "=1&p" + QByteArray::number(i) + "=2";
    HttpAgent stranger;
    const HttpResult anonymous
        = stranger.post(m_bank->url(QStringLiteral("/token")), body, "application/x-www-form-urlencoded");
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    const HttpResult wrongSecret
        = stranger.post(m_bank->url(QStringLiteral("/token")), body, "application/x-www-form-urlencoded",
            { { "Authorization", OAuthClient::basicAuthorization(QStringLiteral("coolloan"), "wrong") } });
    QCOMPARE(wrongSecret.status, 401);

    const HttpResult authenticated
        = stranger.post(m_bank->url(QStringLiteral("/token")), body, "application/x-www-form-urlencoded",
            { { "Authorization",
                OAuthClient::basicAuthorization(QStringLiteral("coolloan"), m_bank->coolLoanSecret()) } });
    QCOMPARE(authenticated.status, 400);
    QCOMPARE(
        authenticated.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    // The answer names a few of them, not the whole body back.
    const QString description = authenticated.json().value(QStringLiteral("error_description")).toString();
    QVERIFY2(description.startsWith(QStringLiteral("parameters must not be repeated: p0, p1")),
        qPrintable(description));
    QVERIFY2(description.size() < 200, qPrintable(description));

    // The bank answers the next request as ever.
    QCOMPARE(stranger.get(m_bank->url(QStringLiteral("/.well-known/openid-configuration"))).status, 200);
}

void tst_TokenEndpoint::codeIsRequiredAndMustBeKnown_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("error");
    QTest::newRow("missing") << QString() << QStringLiteral("invalid_request");
    QTest::newRow("unknown") << QStringLiteral("bm90LWEtY29kZS1mcm9tLXRoaXMtYmFuay1hdC1hbGwtMTIz")
                             << QStringLiteral("invalid_grant");
}

void tst_TokenEndpoint::codeIsRequiredAndMustBeKnown()
{
    QFETCH(QString, code);
    QFETCH(QString, error);
    FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
        { QStringLiteral("redirect_uri"), QString::fromLatin1(CoolLoanRedirect) },
        { QStringLiteral("code_verifier"), QString::fromLatin1(AuthorizationRequest().verifier) } };
    if (!code.isEmpty())
        fields.append({ QStringLiteral("code"), code });
    OAuthClient client = coolLoan();
    const HttpResult response = client.tokenRequest(fields);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), error);
}

void tst_TokenEndpoint::codeReplayRevokesTheTokensIssuedFromIt()
{
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan();
    const TokenSet first = TokenSet::from(client.exchangeCode(grant.code, grant.request.verifier));
    QVERIFY(first.isValid());
    QVERIFY(!first.refreshToken.isEmpty());
    QCOMPARE(client.api(QStringLiteral("/api/accounts"), first.accessToken).status, 200);

    // RFC 6749 §4.1.2: a second use is refused, and "SHOULD revoke ... all tokens previously issued
    // based on that authorization code" (§10.5).
    const HttpResult replay = client.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(replay.status, 400);
    QCOMPARE(replay.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(!replay.json().contains(QStringLiteral("access_token")));

    const HttpResult api = client.api(QStringLiteral("/api/accounts"), first.accessToken);
    QCOMPARE(api.status, 401);
    QCOMPARE(api.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));
    QVERIFY(api.header("WWW-Authenticate").contains("error=\"invalid_token\""));

    const HttpResult refresh = client.refresh(first.refreshToken);
    QCOMPARE(refresh.status, 400);
    QCOMPARE(refresh.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));

    // A third try changes nothing.
    QCOMPARE(client.exchangeCode(grant.code, grant.request.verifier)
                 .json()
                 .value(QStringLiteral("error"))
                 .toString(),
        QStringLiteral("invalid_grant"));
}

void tst_TokenEndpoint::codeReplayAlsoRevokesRefreshedTokens()
{
    // The attacker replays the code after the client already refreshed: the whole grant goes.
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan();
    const TokenSet first = TokenSet::from(client.exchangeCode(grant.code, grant.request.verifier));
    const TokenSet refreshed = TokenSet::from(client.refresh(first.refreshToken));
    QVERIFY(refreshed.isValid());
    QCOMPARE(client.api(QStringLiteral("/api/accounts"), refreshed.accessToken).status, 200);

    QCOMPARE(client.exchangeCode(grant.code, grant.request.verifier).status, 400);
    QCOMPARE(client.api(QStringLiteral("/api/accounts"), refreshed.accessToken).status, 401);
    const HttpResult refresh = client.refresh(refreshed.refreshToken);
    QCOMPARE(refresh.status, 400);
    QCOMPARE(refresh.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
}

void tst_TokenEndpoint::codeOfAnotherClientIsRefused()
{
    const RegisteredClient other
        = m_bank->registerClient(QStringLiteral("Other App"), { QStringLiteral("http://127.0.0.1/callback") },
            QString::fromLatin1(CoolLoanScopes).split(QLatin1Char(' ')));
    QVERIFY(!other.clientSecret.isEmpty());
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());

    // RFC 6749 §4.1.3: "ensure that the authorization code was issued to the authenticated confidential
    // client".
    for (const ClientAuth auth : { ClientAuth::SecretBasic, ClientAuth::SecretPost }) {
        OAuthClient thief(*m_bank, { other.clientId, other.clientSecret }, auth);
        const HttpResult response = thief.exchangeCode(grant.code, grant.request.verifier);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        QVERIFY(!response.json().contains(QStringLiteral("access_token")));
    }
}

void tst_TokenEndpoint::usedCodeFromAnotherClientRevokesNothing()
{
    // Issue 10 finding 10: RFC 6749 §4.1.3's order — authenticate the client, make sure the code is its
    // own — before §10.5's replay rule revokes anything. Another client holding CoolLoan's used code
    // (a public one needs no secret at all) is refused without touching CoolLoan's tokens.
    const RegisteredClient stranger = m_bank->registerClient(QStringLiteral("Stranger App"),
        { QStringLiteral("http://127.0.0.1/callback") }, { QStringLiteral("openid") }, true);
    const RegisteredClient other = m_bank->registerClient(QStringLiteral("Other Confidential App"),
        { QStringLiteral("http://127.0.0.1/callback") }, { QStringLiteral("openid") });
    QVERIFY(!stranger.clientId.isEmpty() && !other.clientSecret.isEmpty());
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient owner = coolLoan();
    const TokenSet tokens = TokenSet::from(owner.exchangeCode(grant.code, grant.request.verifier));
    QVERIFY(tokens.isValid());

    OAuthClient publicThief(*m_bank, { stranger.clientId, {} }, ClientAuth::None);
    OAuthClient confidentialThief(*m_bank, { other.clientId, other.clientSecret });
    OAuthClient withoutSecret(*m_bank, { QString::fromLatin1(CoolLoanId), {} }, ClientAuth::None);
    OAuthClient wrongSecret(*m_bank, { QString::fromLatin1(CoolLoanId), "not-the-secret" });
    for (OAuthClient *thief : { &publicThief, &confidentialThief }) {
        const HttpResult response = thief->exchangeCode(grant.code, grant.request.verifier);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        QVERIFY2(response.json()
                     .value(QStringLiteral("error_description"))
                     .toString()
                     .contains(QStringLiteral("another client")),
            qPrintable(response.describe()));
    }
    for (OAuthClient *impostor : { &withoutSecret, &wrongSecret })
        QCOMPARE(impostor->exchangeCode(grant.code, grant.request.verifier).status, 401);

    // CoolLoan's tokens are untouched ...
    QCOMPARE(owner.api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
    QCOMPARE(owner.introspect(tokens.refreshToken).json().value(QStringLiteral("active")).toBool(), true);
    // ... until CoolLoan itself, authenticated, presents the code again (§10.5).
    QCOMPARE(owner.exchangeCode(grant.code, grant.request.verifier).status, 400);
    QCOMPARE(owner.api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 401);
}

void tst_TokenEndpoint::codeExpiresAfterSixtySeconds()
{
    OAuthClient client = coolLoan();
    const Grant young = newCode();
    QVERIFY(!young.code.isEmpty());
    m_bank->advanceClock(59);
    QCOMPARE(client.exchangeCode(young.code, young.request.verifier).status, 200);

    const Grant old = newCode();
    QVERIFY(!old.code.isEmpty());
    m_bank->advanceClock(61);
    const HttpResult response = client.exchangeCode(old.code, old.request.verifier);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(response.json()
                .value(QStringLiteral("error_description"))
                .toString()
                .contains(QLatin1String("expired")));
}

void tst_TokenEndpoint::redirectUriMustMatch_data()
{
    QTest::addColumn<QStringList>("edits");
    QTest::newRow("missing") << QStringList { QStringLiteral("-redirect_uri") };
    QTest::newRow("empty") << QStringList { QStringLiteral("redirect_uri=") };
    QTest::newRow("other port") << QStringList { QStringLiteral(
        "redirect_uri=http://127.0.0.1:5556/callback") };
    QTest::newRow("other path") << QStringList { QStringLiteral("redirect_uri=http://127.0.0.1:5555/other") };
    QTest::newRow("no port") << QStringList { QStringLiteral("redirect_uri=http://127.0.0.1/callback") };
    QTest::newRow("trailing slash") << QStringList { QStringLiteral(
        "redirect_uri=http://127.0.0.1:5555/callback/") };
}

void tst_TokenEndpoint::redirectUriMustMatch()
{
    QFETCH(QStringList, edits);
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    const FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
        { QStringLiteral("code"), grant.code }, { QStringLiteral("redirect_uri"), grant.request.redirectUri },
        { QStringLiteral("code_verifier"), QString::fromLatin1(grant.request.verifier) } };
    OAuthClient client = coolLoan();
    // RFC 6749 §4.1.3: "ensure that the redirect_uri parameter is present ... and that their values are
    // identical".
    const HttpResult response = client.tokenRequest(edited(fields, edits));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    // The right one still works: the mismatch did not burn the code.
    QCOMPARE(client.tokenRequest(fields).status, 200);
}

void tst_TokenEndpoint::pkceVerifierMustMatch_data()
{
    QTest::addColumn<QString>("verifier"); // "<challenge>": the challenge itself
    QTest::addColumn<bool>("send");
    QTest::addColumn<QString>("error");

    QTest::newRow("another verifier")
        << QString::fromLatin1(AuthorizationRequest().verifier) << true << QStringLiteral("invalid_grant");
    QTest::newRow("the challenge instead of the verifier")
        << QStringLiteral("<challenge>") << true << QStringLiteral("invalid_grant");
    QTest::newRow("missing") << QString() << false << QStringLiteral("invalid_grant");
    QTest::newRow("too short") << QStringLiteral("short") << true << QStringLiteral("invalid_request");
    QTest::newRow("bad characters") << QStringLiteral("not/a/verifier+not/a/verifier+not/a/verifier+") << true
                                    << QStringLiteral("invalid_request");
}

void tst_TokenEndpoint::pkceVerifierMustMatch()
{
    QFETCH(QString, verifier);
    QFETCH(bool, send);
    QFETCH(QString, error);

    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    if (verifier == QLatin1String("<challenge>"))
        verifier = UrlParameters { grant.request.parameters() }.value(QStringLiteral("code_challenge"));
    FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
        { QStringLiteral("code"), grant.code },
        { QStringLiteral("redirect_uri"), grant.request.redirectUri } };
    if (send)
        fields.append({ QStringLiteral("code_verifier"), verifier });
    OAuthClient client = coolLoan();
    // RFC 7636 §4.6: "If the values are not equal, an error response indicating invalid_grant".
    const HttpResult response = client.tokenRequest(fields);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), error);
    QVERIFY(!response.json().contains(QStringLiteral("access_token")));
}

void tst_TokenEndpoint::responsesAreNeverCached()
{
    const Grant grant = newCode();
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan();
    // RFC 6749 §5.1: "Cache-Control: no-store" on responses with tokens; and on errors (§5.2) too.
    const HttpResult success = client.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(success.status, 200);
    const HttpResult failure = client.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(failure.status, 400);
    OAuthClient stranger(*m_bank, { QStringLiteral("coolloan"), "wrong" });
    const HttpResult unauthorized = stranger.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(unauthorized.status, 401);
    for (const HttpResult *response : { &success, &failure, &unauthorized }) {
        QCOMPARE(response->header("Cache-Control"), QByteArray("no-store"));
        QCOMPARE(response->header("Pragma"), QByteArray("no-cache"));
        QVERIFY(response->header("Content-Type").startsWith("application/json"));
    }
}

void tst_TokenEndpoint::tokenResponseFields_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<bool>("refreshToken");
    QTest::addColumn<bool>("idToken");

    // OIDC Core §11: a refresh token for OpenID Connect requests only with offline_access; plain OAuth
    // requests (no openid) get one as RFC 6749 §1.5 allows; an ID token only with openid (§3.1.3.3).
    QTest::newRow("openid offline_access")
        << QStringLiteral("openid offline_access accounts:read") << true << true;
    QTest::newRow("openid without offline_access")
        << QStringLiteral("openid profile accounts:read") << false << true;
    QTest::newRow("openid alone") << QStringLiteral("openid") << false << true;
    QTest::newRow("plain OAuth") << QStringLiteral("accounts:read transactions:read") << true << false;
    QTest::newRow("plain OAuth with offline_access")
        << QStringLiteral("offline_access accounts:read") << true << false;
}

void tst_TokenEndpoint::tokenResponseFields()
{
    QFETCH(QString, scope);
    QFETCH(bool, refreshToken);
    QFETCH(bool, idToken);

    const Grant grant = newCode(scope);
    QVERIFY(!grant.code.isEmpty());
    OAuthClient client = coolLoan();
    const HttpResult response = client.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(json.value(QStringLiteral("expires_in")).toInteger(), 600);
    QCOMPARE(json.value(QStringLiteral("scope")).toString(), scope);
    QVERIFY(isCompactJws(json.value(QStringLiteral("access_token")).toString()));
    QCOMPARE(json.contains(QStringLiteral("refresh_token")), refreshToken);
    QCOMPARE(json.contains(QStringLiteral("id_token")), idToken);
}

void tst_TokenEndpoint::codesAndTokensAreBase64Url()
{
    // Qt 6.4 double-encodes codes with '+' or '/' (QTBUG-81624).
    for (int i = 0; i < 3; ++i) {
        const Grant grant = newCode();
        QVERIFY(!grant.code.isEmpty());
        QVERIFY2(isBase64UrlString(grant.code), qPrintable(grant.code));
        OAuthClient client = coolLoan();
        const TokenSet tokens = TokenSet::from(client.exchangeCode(grant.code, grant.request.verifier));
        QVERIFY(tokens.isValid());
        QVERIFY2(isCompactJws(tokens.accessToken), qPrintable(tokens.accessToken));
        QVERIFY2(isCompactJws(tokens.idToken), qPrintable(tokens.idToken));
        QVERIFY2(isBase64UrlString(tokens.refreshToken), qPrintable(tokens.refreshToken));
        QVERIFY(tokens.refreshToken.size() >= 43);
    }
    QVERIFY(isBase64UrlString(QString::fromLatin1(m_bank->coolLoanSecret())));
}

void tst_TokenEndpoint::publicClientAuthenticatesWithPkceOnly()
{
    const RegisteredClient app
        = m_bank->registerClient(QStringLiteral("Public App"), { QStringLiteral("http://127.0.0.1/cb") },
            { QStringLiteral("openid"), QStringLiteral("accounts:read") }, true);
    QVERIFY(!app.clientId.isEmpty());
    QVERIFY(app.clientSecret.isEmpty());
    AuthorizationRequest request;
    request.clientId = app.clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7002/cb");
    request.scope = QStringLiteral("openid accounts:read");
    const AuthorizationRun run = m_browser->authorize(request);
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));

    // A public client that claims a secret is refused ...
    OAuthClient withSecret(*m_bank, { app.clientId, "made-up" }, ClientAuth::SecretPost);
    const HttpResult refused = withSecret.exchangeCode(run.code(), request.verifier, request.redirectUri);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    // ... without one, the PKCE verifier is its proof.
    OAuthClient client(*m_bank, { app.clientId, {} }, ClientAuth::None);
    const HttpResult response = client.exchangeCode(run.code(), request.verifier, request.redirectUri);
    QCOMPARE(response.status, 200);
    QVERIFY(TokenSet::from(response).isValid());
}

void tst_TokenEndpoint::clientAuthenticationRefusalsNameTheirRule_data()
{
    QTest::addColumn<QByteArray>("authorization"); // the Authorization header; empty: none
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says"); // in error_description

    // Several of these would be refused a step later anyway, with the same error (invalid_client): the
    // answer must name the rule actually broken, so that a developer fixes the right thing.
    const QByteArray secret = m_bank->coolLoanSecret();
    const auto basic = [](const QByteArray &credentials) { return "Basic " + credentials.toBase64(); };
    const QByteArray coolLoan = basic("coolloan:" + secret);
    const QByteArray grant = "grant_type=refresh_token&refresh_token=no-such-token";
    QTest::newRow("Basic and client_secret together (RFC 6749 §2.3)")
        << coolLoan << grant + "&client_secret=" + secret << 400 << QStringLiteral("authenticated twice");
    QTest::newRow("another scheme (§2.3.1)") << QByteArray("Bearer abc") << grant << 401
                                             << QStringLiteral("only HTTP Basic client authentication");
    QTest::newRow("Basic not base64 (§2.3.1)")
        << QByteArray("Basic ***") << grant << 401 << QStringLiteral("not base64(client_id:client_secret)");
    QTest::newRow("Basic without a colon (§2.3.1)")
        << basic("coolloan") << grant << 401 << QStringLiteral("not base64(client_id:client_secret)");
    QTest::newRow("Basic id not UTF-8 (§2.3.1)")
        << basic("cool%FFloan:" + secret) << grant << 401 << QStringLiteral("not form-url-encoded UTF-8");
    QTest::newRow("body client_id differs from Basic (§2.3.1)")
        << coolLoan << grant + "&client_id=someone-else" << 400
        << QStringLiteral("differs from the Basic credentials");
    QTest::newRow("no client at all (§3.2.1)")
        << QByteArray() << grant << 401 << QStringLiteral("no client authentication");
    QTest::newRow("unknown client (§5.2)")
        << basic("nobody:" + secret) << grant << 401 << QStringLiteral("unknown client 'nobody'");
    QTest::newRow("confidential client without its secret (§3.2.1)")
        << QByteArray() << grant + "&client_id=coolloan" << 401
        << QStringLiteral("is a confidential client: it must send its secret");
    QTest::newRow("body not valid form encoding (Appendix B)")
        << coolLoan << QByteArray("grant_type=refresh_token&refresh_token=%FF") << 400
        << QStringLiteral("bad percent-encoding or not UTF-8");
}

void tst_TokenEndpoint::clientAuthenticationRefusalsNameTheirRule()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, says);

    HttpAgent agent;
    RawHeaders headers;
    if (!authorization.isEmpty())
        headers.append({ "Authorization", authorization });
    const HttpResult answer = agent.post(
        m_bank->url(QStringLiteral("/token")), body, "application/x-www-form-urlencoded", headers);
    QCOMPARE(answer.status, status);
    const QString description = answer.json().value(QStringLiteral("error_description")).toString();
    QVERIFY2(description.contains(says), qPrintable(answer.describe()));
}

void tst_TokenEndpoint::unknownCodeOrRefreshTokenIsNamedAsUnknown()
{
    // Without its record, a later check would refuse the same request with the same invalid_grant (as
    // "issued to another client"): the answer must say what is wrong (RFC 6749 §5.2, §6).
    OAuthClient client = coolLoan();
    const HttpResult code = client.exchangeCode(
        QStringLiteral("bm90LWEtY29kZS1mcm9tLXRoaXMtYmFuay1hdC1hbGwtMTIz"), AuthorizationRequest().verifier);
    QCOMPARE(code.status, 400);
    QCOMPARE(code.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(code.json().value(QStringLiteral("error_description")).toString(),
        QStringLiteral("unknown authorization code"));

    const HttpResult refresh
        = client.refresh(QStringLiteral("bm90LWEtcmVmcmVzaC10b2tlbi1mcm9tLXRoaXMtYmFuaw"));
    QCOMPARE(refresh.status, 400);
    QCOMPARE(refresh.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY2(refresh.json()
                 .value(QStringLiteral("error_description"))
                 .toString()
                 .startsWith(QStringLiteral("unknown refresh token")),
        qPrintable(refresh.describe()));
}

void tst_TokenEndpoint::singleUseHoldsWhenTheReplayCheckIsPassed()
{
    // Two requests that race can both pass the replay check (token.code.unused, token.refresh.not_rotated)
    // before either marks the code or token used — tst_singleuse races two bank processes over one
    // database, but cannot force the interleaving. Here the replay check is switched off, as the race would
    // pass it: the conditional UPDATE that marks the code redeemed, and the token rotated, still refuses
    // the second request (RFC 6749 §4.1.2, RFC 9700 §4.14.2).
    OAuthClient client = coolLoan();
    const Grant grant = newCode();
    const HttpResult first = client.exchangeCode(grant.code, grant.request.verifier);
    QCOMPARE(first.status, 200);
    const TokenSet tokens = TokenSet::from(first);
    const HttpResult rotated = client.refresh(tokens.refreshToken);
    QCOMPARE(rotated.status, 200);

    m_bank->server().setDisabledChecks(
        { QStringLiteral("token.code.unused"), QStringLiteral("token.refresh.not_rotated") });
    const HttpResult secondCode = client.exchangeCode(grant.code, grant.request.verifier);
    const HttpResult secondRefresh = client.refresh(tokens.refreshToken);
    m_bank->server().setDisabledChecks({});

    QCOMPARE(secondCode.status, 400);
    QCOMPARE(secondCode.json().value(QStringLiteral("error_description")).toString(),
        QStringLiteral("authorization code was already used"));
    QVERIFY(!secondCode.json().contains(QStringLiteral("access_token")));
    QCOMPARE(secondRefresh.status, 400);
    QCOMPARE(secondRefresh.json().value(QStringLiteral("error_description")).toString(),
        QStringLiteral("refresh token was already used"));
    QVERIFY(!secondRefresh.json().contains(QStringLiteral("access_token")));
    // The loser of a refresh race revokes the family: the token the winner got is dead too.
    QCOMPARE(client.refresh(TokenSet::from(rotated).refreshToken).status, 400);
}

void tst_TokenEndpoint::grantOfAVanishedUserIsRefused()
{
    // Codes and tokens go with their user (ON DELETE CASCADE); a database edited with foreign keys off
    // keeps them. Whoever the user was, nobody gets tokens for them (RFC 6749 §5.2).
    Browser browser(*m_bank);
    AuthorizationRequest request;
    const Credentials mallory { QString::fromLatin1(SeedMalloryUsername),
        QString::fromLatin1(SeedMalloryPassword) };
    const AuthorizationRun first = browser.authorize(request, mallory);
    QVERIFY2(!first.code().isEmpty(), qPrintable(first.describe()));
    OAuthClient client = coolLoan();
    const TokenSet tokens = TokenSet::from(client.exchangeCode(first.code(), request.verifier));
    QVERIFY(tokens.isValid());
    AuthorizationRequest again;
    const AuthorizationRun second = browser.authorize(again, mallory);
    QVERIFY2(!second.code().isEmpty(), qPrintable(second.describe()));

    Database &db = m_bank->store().database();
    QVERIFY(db.change(QStringLiteral("PRAGMA foreign_keys = OFF"), {}) >= 0);
    QCOMPARE(db.change(QStringLiteral("DELETE FROM users WHERE username = ?"),
                 { QString::fromLatin1(SeedMalloryUsername) }),
        1);
    QVERIFY(db.change(QStringLiteral("PRAGMA foreign_keys = ON"), {}) >= 0);

    const HttpResult code = client.exchangeCode(second.code(), again.verifier);
    QCOMPARE(code.status, 400);
    QCOMPARE(code.json().value(QStringLiteral("error_description")).toString(),
        QStringLiteral("the user of this code no longer exists"));
    const HttpResult refresh = client.refresh(tokens.refreshToken);
    QCOMPARE(refresh.status, 400);
    QCOMPARE(refresh.json().value(QStringLiteral("error_description")).toString(),
        QStringLiteral("the user of this token no longer exists"));
}

QTEST_GUILESS_MAIN(tst_TokenEndpoint)
#include "tst_tokenendpoint.moc"
