// The userinfo endpoint (OpenID Connect Core §5.3): claims released by scope (§5.4), bearer errors
// (RFC 6750 §3).

#include "BankHarness.h"
#include "RawHttpClient.h"
#include "crypto/Jwt.h"
#include "storage/SeedData.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_UserInfo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void claimsFollowTheScope_data();
    void claimsFollowTheScope();
    void standardClaimsByScope_data();
    void standardClaimsByScope();
    void consentNamesAddressAndPhone();
    void postWorksLikeGet();
    void tokenInAPostBody();
    void bodyTokensAsRfc6750Has_data();
    void bodyTokensAsRfc6750Has();
    void bankyTakesNoBodyToken();
    void subjectMatchesTheIdToken();
    void tokenWithoutOpenidIsInsufficient();
    void missingOrBadTokenIsRefused();
    void tokenOfAVanishedUserIsRefused(); // last: it deletes a customer

private:
    TokenSet tokensFor(const QString &scope);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<Browser> m_browser;
    std::unique_ptr<OAuthClient> m_client;
    std::unique_ptr<OAuthClient> m_profileApp; // registered for address and phone as well
};

void tst_UserInfo::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_browser = std::make_unique<Browser>(*m_bank);
    m_client = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const RegisteredClient app = m_bank->registerClient(QStringLiteral("Profile App"),
        { QStringLiteral("http://127.0.0.1/callback") },
        QStringLiteral("openid profile email address phone").split(QLatin1Char(' ')));
    QVERIFY(!app.clientSecret.isEmpty());
    m_profileApp
        = std::make_unique<OAuthClient>(*m_bank, ClientCredentials { app.clientId, app.clientSecret });
}

TokenSet tst_UserInfo::tokensFor(const QString &scope)
{
    AuthorizationRequest request;
    request.scope = scope;
    return obtainTokens(*m_bank, *m_client, request, m_browser.get());
}

void tst_UserInfo::claimsFollowTheScope_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QStringList>("released");
    QTest::addColumn<QStringList>("withheld");

    const QStringList profile { QStringLiteral("name"), QStringLiteral("given_name"),
        QStringLiteral("family_name"), QStringLiteral("preferred_username"), QStringLiteral("updated_at") };
    const QStringList email { QStringLiteral("email"), QStringLiteral("email_verified") };
    QTest::newRow("openid") << QStringLiteral("openid") << QStringList { QStringLiteral("sub") }
                            << profile + email;
    QTest::newRow("openid profile") << QStringLiteral("openid profile")
                                    << QStringList { QStringLiteral("sub") } + profile << email;
    QTest::newRow("openid email") << QStringLiteral("openid email")
                                  << QStringList { QStringLiteral("sub") } + email << profile;
    QTest::newRow("openid profile email")
        << QStringLiteral("openid profile email") << QStringList { QStringLiteral("sub") } + profile + email
        << QStringList {};
}

void tst_UserInfo::claimsFollowTheScope()
{
    QFETCH(QString, scope);
    QFETCH(QStringList, released);
    QFETCH(QStringList, withheld);

    const TokenSet tokens = tokensFor(scope);
    QVERIFY(tokens.isValid());
    const HttpResult response = m_client->api(QStringLiteral("/userinfo"), tokens.accessToken);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject claims = response.json();
    for (const QString &claim : released)
        QVERIFY2(claims.contains(claim), qPrintable(claim));
    for (const QString &claim : withheld)
        QVERIFY2(!claims.contains(claim), qPrintable(claim));
    if (claims.contains(QStringLiteral("preferred_username")))
        QCOMPARE(claims.value(QStringLiteral("preferred_username")).toString(), QStringLiteral("john"));
    if (claims.contains(QStringLiteral("email"))) {
        QVERIFY(claims.value(QStringLiteral("email")).toString().contains(QLatin1Char('@')));
        QVERIFY(claims.value(QStringLiteral("email_verified")).isBool());
    }
}

void tst_UserInfo::standardClaimsByScope_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QStringList>("released");
    QTest::addColumn<QStringList>("withheld");
    // OIDC Core §5.4: profile, email, address and phone each release their claims of §5.1, and only those.
    const QStringList profile = QStringLiteral("name given_name family_name middle_name nickname "
                                               "preferred_username profile picture website gender birthdate "
                                               "zoneinfo locale updated_at")
                                    .split(QLatin1Char(' '));
    const QStringList email { QStringLiteral("email"), QStringLiteral("email_verified") };
    const QStringList address { QStringLiteral("address") };
    const QStringList phone { QStringLiteral("phone_number"), QStringLiteral("phone_number_verified") };
    QTest::newRow("profile") << QStringLiteral("openid profile") << profile << email + address + phone;
    QTest::newRow("address") << QStringLiteral("openid address") << address << profile + email + phone;
    QTest::newRow("phone") << QStringLiteral("openid phone") << phone << profile + email + address;
    QTest::newRow("all four") << QStringLiteral("openid profile email address phone")
                              << profile + email + address + phone << QStringList {};
}

void tst_UserInfo::standardClaimsByScope()
{
    QFETCH(QString, scope);
    QFETCH(QStringList, released);
    QFETCH(QStringList, withheld);

    AuthorizationRequest request;
    request.clientId = m_profileApp->credentials().id;
    request.redirectUri = QStringLiteral("http://127.0.0.1:9/callback");
    request.scope = scope;
    const TokenSet tokens = obtainTokens(*m_bank, *m_profileApp, request, m_browser.get());
    QVERIFY(tokens.isValid());
    const QJsonObject claims = m_profileApp->api(QStringLiteral("/userinfo"), tokens.accessToken).json();
    for (const QString &claim : released)
        QVERIFY2(claims.contains(claim), qPrintable(claim));
    for (const QString &claim : withheld)
        QVERIFY2(!claims.contains(claim), qPrintable(claim));
    // The values as §5.1 types them: strings, booleans, a number, and the address as a JSON object.
    if (claims.contains(QStringLiteral("birthdate"))) {
        QCOMPARE(claims.value(QStringLiteral("birthdate")).toString(), QStringLiteral("1986-04-12"));
        QCOMPARE(claims.value(QStringLiteral("zoneinfo")).toString(), QStringLiteral("Europe/Berlin"));
        QVERIFY(claims.value(QStringLiteral("updated_at")).isDouble());
    }
    if (claims.contains(QStringLiteral("address"))) {
        const QJsonObject address = claims.value(QStringLiteral("address")).toObject();
        QCOMPARE(
            address.value(QStringLiteral("street_address")).toString(), QStringLiteral("Lindenstraße 12"));
        QCOMPARE(address.value(QStringLiteral("postal_code")).toString(), QStringLiteral("10969"));
        QCOMPARE(address.value(QStringLiteral("country")).toString(), QStringLiteral("Germany"));
        QCOMPARE(address.value(QStringLiteral("formatted")).toString(),
            QStringLiteral("Lindenstraße 12\n10969 Berlin\nGermany"));
    }
    if (claims.contains(QStringLiteral("phone_number"))) {
        QCOMPARE(claims.value(QStringLiteral("phone_number")).toString(), QStringLiteral("+49 30 5550 1234"));
        QCOMPARE(claims.value(QStringLiteral("phone_number_verified")), QJsonValue(true));
    }
}

void tst_UserInfo::consentNamesAddressAndPhone()
{
    // The consent page says in plain words what address and phone release, like the other scopes.
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.clientId = m_profileApp->credentials().id;
    request.redirectUri = QStringLiteral("http://127.0.0.1:9/callback");
    request.scope = QStringLiteral("openid address phone");
    request.prompt = QStringLiteral("consent");
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(run.sawConsentPage, qPrintable(run.describe()));
    const HttpResult consentPage = run.trail.at(run.trail.size() - 2);
    for (const char *words : { "Know where you live", "Your postal address", "<code>address</code>",
             "Know your phone number", "<code>phone</code>" })
        QVERIFY2(consentPage.body.contains(words), words);
}

void tst_UserInfo::postWorksLikeGet()
{
    // OIDC Core §5.3.1: "MUST support the use of the HTTP GET and HTTP POST methods".
    const TokenSet tokens = tokensFor(QStringLiteral("openid profile"));
    const HttpResult response
        = m_client->post(m_bank->url(QStringLiteral("/userinfo")), {}, "application/x-www-form-urlencoded",
            { { "Authorization", "Bearer " + tokens.accessToken.toLatin1() } });
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("preferred_username")).toString(), QStringLiteral("john"));
}

void tst_UserInfo::tokenInAPostBody()
{
    // RFC 6750 §2.2 (form-encoded body parameter), which OIDC Core §5.3.1 allows for userinfo.
    const TokenSet tokens = tokensFor(QStringLiteral("openid profile"));
    const HttpResult response = m_client->postForm(
        m_bank->url(QStringLiteral("/userinfo")), { { QStringLiteral("access_token"), tokens.accessToken } });
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("preferred_username")).toString(), QStringLiteral("john"));
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store"));
}

void tst_UserInfo::bodyTokensAsRfc6750Has_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body"); // "TOKEN" stands for a valid access token
    QTest::addColumn<bool>("withHeader");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error"); // empty: a challenge without an error code (RFC 6750 §3.1)
    QTest::addColumn<QString>("description"); // a part of error_description

    const QByteArray form = "application/x-www-form-urlencoded";
    // RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each request."
    QTest::newRow("header and body") << QByteArray("POST") << form << QByteArray("access_token=TOKEN") << true
                                     << 400 << QStringLiteral("invalid_request") << QStringLiteral("one way");
    QTest::newRow("given twice") << QByteArray("POST") << form
                                 << QByteArray("access_token=TOKEN&access_token=TOKEN") << false << 400
                                 << QStringLiteral("invalid_request") << QStringLiteral("more than once");
    QTest::newRow("malformed encoding") << QByteArray("POST") << form << QByteArray("access_token=%zz")
                                        << false << 400 << QStringLiteral("invalid_request") << QString();
    // §2.2: "The HTTP request method is one for which the request-body has defined semantics" — not GET.
    QTest::newRow("in a GET body") << QByteArray("GET") << form << QByteArray("access_token=TOKEN") << false
                                   << 400 << QStringLiteral("invalid_request")
                                   << QStringLiteral("GET has no body");
    // §2.2: "The entity-body ... Content-Type ... application/x-www-form-urlencoded": JSON carries no token.
    QTest::newRow("JSON body") << QByteArray("POST") << QByteArray("application/json")
                               << QByteArray("{\"access_token\":\"TOKEN\"}") << false << 401 << QString()
                               << QString();
    QTest::newRow("empty field") << QByteArray("POST") << form << QByteArray("access_token=") << false << 401
                                 << QString() << QString();
}

void tst_UserInfo::bodyTokensAsRfc6750Has()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(bool, withHeader);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, description);

    const TokenSet tokens = tokensFor(QStringLiteral("openid profile"));
    body.replace("TOKEN", tokens.accessToken.toLatin1());
    RawHeaders headers { { "Content-Type", contentType } };
    if (withHeader)
        headers.append({ "Authorization", "Bearer " + tokens.accessToken.toLatin1() });
    HttpResult response;
    if (method == "GET") {
        // QNetworkAccessManager leaves a GET's body out: the bytes go as written.
        RawHttpClient raw(m_bank->server().port());
        QVERIFY(raw.waitConnected());
        QByteArray head = "GET /userinfo HTTP/1.1\r\nHost: "
            + m_bank->url(QStringLiteral("/")).authority().toLatin1() + "\r\n";
        for (const auto &[name, value] : headers)
            head += name + ": " + value + "\r\n";
        raw.send(head + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n"
            + body);
        QVERIFY(raw.waitForResponses(1));
        const QByteArray answer = raw.responses().constFirst();
        response.status = RawHttpClient::statusOf(answer);
        response.body = RawHttpClient::bodyOf(answer);
        for (const QByteArray &line : answer.left(answer.indexOf("\r\n\r\n")).split('\n').mid(1)) {
            const qsizetype colon = line.indexOf(':');
            response.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
        }
    } else {
        response = m_client->send(method, m_bank->url(QStringLiteral("/userinfo")), body, headers);
    }
    QCOMPARE(response.status, status);
    const QByteArray challenge = response.header("WWW-Authenticate");
    QVERIFY2(challenge.startsWith("Bearer realm=\"userinfo\""), challenge.constData());
    if (error.isEmpty()) {
        QVERIFY2(!challenge.contains("error="), challenge.constData());
    } else {
        const QJsonObject json = response.json();
        QCOMPARE(json.value(QStringLiteral("error")).toString(), error);
        QVERIFY2(json.value(QStringLiteral("error_description")).toString().contains(description),
            qPrintable(json.value(QStringLiteral("error_description")).toString()));
    }
    QVERIFY(!response.body.contains("john"));
}

void tst_UserInfo::bankyTakesNoBodyToken()
{
    // Only userinfo takes a body token; banky's bodies are its own (RFC 6750 §2.2 is a MAY per server).
    const TokenSet tokens = tokensFor(QStringLiteral("openid accounts:read"));
    const HttpResult response = m_client->postForm(m_bank->url(QStringLiteral("/api/payments")),
        { { QStringLiteral("access_token"), tokens.accessToken } });
    QCOMPARE(response.status, 401);
    QCOMPARE(response.header("WWW-Authenticate"), QByteArray("Bearer realm=\"banky\""));
}

void tst_UserInfo::subjectMatchesTheIdToken()
{
    // OIDC Core §5.3.2: "The sub Claim in the UserInfo Response MUST be verified to exactly match the sub
    // Claim in the ID Token".
    const TokenSet tokens = tokensFor(QStringLiteral("openid email"));
    const auto idToken = decodeJwt(tokens.idToken.toLatin1());
    QVERIFY(idToken.has_value());
    const HttpResult response = m_client->api(QStringLiteral("/userinfo"), tokens.accessToken);
    QCOMPARE(response.json().value(QStringLiteral("sub")).toString(),
        idToken->payload.value(QStringLiteral("sub")).toString());
    QVERIFY(!response.json().value(QStringLiteral("sub")).toString().isEmpty());
}

void tst_UserInfo::tokenWithoutOpenidIsInsufficient()
{
    const TokenSet tokens = tokensFor(QStringLiteral("accounts:read"));
    QVERIFY(tokens.isValid());
    const HttpResult response = m_client->api(QStringLiteral("/userinfo"), tokens.accessToken);
    QCOMPARE(response.status, 403);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("insufficient_scope"));
    const QByteArray challenge = response.header("WWW-Authenticate");
    QVERIFY2(challenge.startsWith("Bearer realm=\"userinfo\""), challenge.constData());
    QVERIFY2(challenge.contains("scope=\"openid\""), challenge.constData());
    QVERIFY(!response.json().contains(QStringLiteral("sub")));
}

void tst_UserInfo::missingOrBadTokenIsRefused()
{
    const HttpResult missing = m_client->get(m_bank->url(QStringLiteral("/userinfo")));
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.header("WWW-Authenticate"), QByteArray("Bearer realm=\"userinfo\""));

    const HttpResult garbage = m_client->api(QStringLiteral("/userinfo"), QStringLiteral("garbage"));
    QCOMPARE(garbage.status, 401);
    QVERIFY(garbage.header("WWW-Authenticate").contains("error=\"invalid_token\""));

    // The ID token is for the client, not a key to userinfo.
    const TokenSet tokens = tokensFor(QStringLiteral("openid profile"));
    const HttpResult idToken = m_client->api(QStringLiteral("/userinfo"), tokens.idToken);
    QCOMPARE(idToken.status, 401);
    QCOMPARE(idToken.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));

    // Expired (the fake clock moves past the 600 s lifetime).
    m_bank->advanceClock(601);
    const HttpResult expired = m_client->api(QStringLiteral("/userinfo"), tokens.accessToken);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));
    QVERIFY(!expired.json().contains(QStringLiteral("sub")));
}

void tst_UserInfo::tokenOfAVanishedUserIsRefused()
{
    // Tokens go with their user (ON DELETE CASCADE); a database edited with foreign keys off keeps them.
    // Nobody's claims are answered for a user who is gone (RFC 6750 §3.1 invalid_token).
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.scope = QStringLiteral("openid profile");
    const AuthorizationRun run = browser.authorize(
        request, { QString::fromLatin1(SeedMalloryUsername), QString::fromLatin1(SeedMalloryPassword) });
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    const TokenSet tokens = TokenSet::from(m_client->exchangeCode(run.code(), request.verifier));
    QVERIFY(tokens.isValid());
    QCOMPARE(m_client->api(QStringLiteral("/userinfo"), tokens.accessToken).status, 200);

    Database &db = m_bank->store().database();
    QVERIFY(db.change(QStringLiteral("PRAGMA foreign_keys = OFF"), {}) >= 0);
    QCOMPARE(db.change(QStringLiteral("DELETE FROM users WHERE username = ?"),
                 { QString::fromLatin1(SeedMalloryUsername) }),
        1);
    QVERIFY(db.change(QStringLiteral("PRAGMA foreign_keys = ON"), {}) >= 0);

    const HttpResult response = m_client->api(QStringLiteral("/userinfo"), tokens.accessToken);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));
    QCOMPARE(response.json().value(QStringLiteral("error_description")).toString(),
        QStringLiteral("the user of this token no longer exists"));
    QVERIFY(!response.json().contains(QStringLiteral("sub")));
}

QTEST_GUILESS_MAIN(tst_UserInfo)
#include "tst_userinfo.moc"
