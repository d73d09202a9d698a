// Discovery and keys (OpenID Connect Discovery 1.0 §3, RFC 8414 §2, RFC 7517), and the HTTP layer's
// answers to requests that match nothing: 404, 405 with Allow (RFC 9110 §15.5.6), 400 for a malformed body.

#include "BankHarness.h"

#include <QJsonArray>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}
} // namespace

class tst_Discovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void metadata_data();
    void metadata();
    void metadataEndpointsAnswer();
    void jwksPublishesOnlyThePublicKey();
    void unknownRouteIs404Json_data();
    void unknownRouteIs404Json();
    void unknownPageIs404HtmlForBrowsers();
    void wrongMethodIs405WithAllow_data();
    void wrongMethodIs405WithAllow();
    void malformedFormBodyIs400_data();
    void malformedFormBodyIs400();
    void homePageAndStylesheet();

private:
    std::unique_ptr<TestBank> m_bank;
    HttpAgent m_agent;
};

void tst_Discovery::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
}

void tst_Discovery::metadata_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("OpenID Connect Discovery") << QStringLiteral("/.well-known/openid-configuration");
    QTest::newRow("RFC 8414") << QStringLiteral("/.well-known/oauth-authorization-server");
}

void tst_Discovery::metadata()
{
    QFETCH(QString, path);
    const HttpResult response = m_agent.get(m_bank->url(path));
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    const QJsonObject metadata = response.json();
    const QString issuer = m_bank->issuerString();
    // Discovery §4.3: the issuer is exactly the URL the metadata was fetched under.
    QCOMPARE(metadata.value(QStringLiteral("issuer")).toString(), issuer);
    QVERIFY(!issuer.endsWith(QLatin1Char('/')));
    QCOMPARE(metadata.value(QStringLiteral("authorization_endpoint")).toString(),
        issuer + QStringLiteral("/authorize"));
    QCOMPARE(metadata.value(QStringLiteral("token_endpoint")).toString(), issuer + QStringLiteral("/token"));
    QCOMPARE(
        metadata.value(QStringLiteral("userinfo_endpoint")).toString(), issuer + QStringLiteral("/userinfo"));
    QCOMPARE(metadata.value(QStringLiteral("jwks_uri")).toString(), issuer + QStringLiteral("/jwks"));
    QCOMPARE(
        metadata.value(QStringLiteral("revocation_endpoint")).toString(), issuer + QStringLiteral("/revoke"));
    QCOMPARE(metadata.value(QStringLiteral("introspection_endpoint")).toString(),
        issuer + QStringLiteral("/introspect"));

    QCOMPARE(strings(metadata.value(QStringLiteral("response_types_supported"))),
        QStringList { QStringLiteral("code") });
    QCOMPARE(strings(metadata.value(QStringLiteral("code_challenge_methods_supported"))),
        QStringList { QStringLiteral("S256") });
    QCOMPARE(strings(metadata.value(QStringLiteral("grant_types_supported"))),
        (QStringList { QStringLiteral("authorization_code"), QStringLiteral("refresh_token") }));
    QCOMPARE(strings(metadata.value(QStringLiteral("id_token_signing_alg_values_supported"))),
        QStringList { QStringLiteral("RS256") });
    QCOMPARE(strings(metadata.value(QStringLiteral("subject_types_supported"))),
        QStringList { QStringLiteral("public") });
    const QStringList authMethods
        = strings(metadata.value(QStringLiteral("token_endpoint_auth_methods_supported")));
    QVERIFY(authMethods.contains(QStringLiteral("client_secret_basic")));
    QVERIFY(authMethods.contains(QStringLiteral("client_secret_post")));
    const QStringList scopes = strings(metadata.value(QStringLiteral("scopes_supported")));
    for (const char *scope : { "openid", "profile", "email", "address", "phone", "offline_access",
             "accounts:read", "transactions:read", "payments:write" })
        QVERIFY2(scopes.contains(QLatin1String(scope)), scope);
    // OIDC Core §5.1: every standard claim the bank releases (userinfo) is advertised.
    const QStringList claims = strings(metadata.value(QStringLiteral("claims_supported")));
    for (const char *claim :
        { "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
            "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "email",
            "email_verified", "address", "phone_number", "phone_number_verified", "acr", "amr", "auth_time" })
        QVERIFY2(claims.contains(QLatin1String(claim)), claim);
    // OIDC Core §5.5: the claims request parameter; §2: the one acr the bank asserts for a password login.
    QCOMPARE(metadata.value(QStringLiteral("claims_parameter_supported")), QJsonValue(true));
    QCOMPARE(
        strings(metadata.value(QStringLiteral("acr_values_supported"))), QStringList { QStringLiteral("0") });
    // RFC 9207 §3
    QCOMPARE(
        metadata.value(QStringLiteral("authorization_response_iss_parameter_supported")), QJsonValue(true));
    QCOMPARE(metadata.value(QStringLiteral("request_parameter_supported")), QJsonValue(false));
}

void tst_Discovery::metadataEndpointsAnswer()
{
    // Every endpoint the metadata names exists on this server (a GET may be the wrong method: 405, not 404).
    const QJsonObject metadata
        = m_agent.get(m_bank->url(QStringLiteral("/.well-known/openid-configuration"))).json();
    for (const char *name : { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
             "revocation_endpoint", "introspection_endpoint" }) {
        const QUrl url(metadata.value(QLatin1String(name)).toString());
        QVERIFY2(m_bank->isBankUrl(url), name);
        const int status = m_agent.get(url).status;
        QVERIFY2(status != 404 && status != 0, name);
    }
}

void tst_Discovery::jwksPublishesOnlyThePublicKey()
{
    const HttpResult response = m_agent.get(m_bank->url(QStringLiteral("/jwks")));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/jwk-set+json"));
    const QJsonArray keys = response.json().value(QStringLiteral("keys")).toArray();
    QCOMPARE(keys.size(), 1);
    const QJsonObject key = keys.first().toObject();
    QCOMPARE(key.value(QStringLiteral("kty")).toString(), QStringLiteral("RSA"));
    QCOMPARE(key.value(QStringLiteral("use")).toString(), QStringLiteral("sig"));
    QCOMPARE(key.value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
    QCOMPARE(key.value(QStringLiteral("e")).toString(), QStringLiteral("AQAB"));
    QVERIFY(!key.value(QStringLiteral("kid")).toString().isEmpty());
    // RSA-2048: 256 bytes of modulus, 342 base64url characters.
    QCOMPARE(key.value(QStringLiteral("n")).toString().size(), 342);
    QVERIFY(isBase64UrlString(key.value(QStringLiteral("n")).toString()));
    // RFC 7518 §6.3.2: none of the private members.
    for (const char *member : { "d", "p", "q", "dp", "dq", "qi", "oth", "k" })
        QVERIFY2(!key.contains(QLatin1String(member)), member);

    // The key survives a restart of the bank on the same data directory: tokens stay verifiable.
    const QString kid = key.value(QStringLiteral("kid")).toString();
    BankServer again;
    BankServerOptions options;
    options.dataDir = m_bank->dataDir();
    QString error;
    QVERIFY2(again.start(options, &error), qPrintable(error));
    const QJsonObject restarted = m_agent.get(again.issuer().resolved(QUrl(QStringLiteral("/jwks")))).json();
    QCOMPARE(restarted.value(QStringLiteral("keys"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("kid"))
                 .toString(),
        kid);
}

void tst_Discovery::unknownRouteIs404Json_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("GET unknown") << QByteArray("GET") << QStringLiteral("/nothing-here");
    QTest::newRow("POST unknown") << QByteArray("POST") << QStringLiteral("/oauth/token");
    QTest::newRow("deeper than a route")
        << QByteArray("GET") << QStringLiteral("/api/accounts/CHK-1001/transactions/1");
    QTest::newRow("well-known typo") << QByteArray("GET")
                                     << QStringLiteral("/.well-known/openid-configuratio");
}

void tst_Discovery::unknownRouteIs404Json()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const HttpResult response = m_agent.send(method, m_bank->url(path));
    QCOMPARE(response.status, 404);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("not_found"));
    QVERIFY(response.json().value(QStringLiteral("error_description")).toString().contains(path));
}

void tst_Discovery::unknownPageIs404HtmlForBrowsers()
{
    Browser browser(*m_bank);
    const HttpResult response = browser.get(m_bank->url(QStringLiteral("/no-such-page")));
    QCOMPARE(response.status, 404);
    QVERIFY(response.header("Content-Type").startsWith("text/html"));
    QVERIFY(response.body.contains("not_found"));
    QVERIFY(response.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
}

void tst_Discovery::wrongMethodIs405WithAllow_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allow");

    QTest::newRow("GET /token") << QByteArray("GET") << QStringLiteral("/token") << QByteArray("POST");
    QTest::newRow("DELETE /token") << QByteArray("DELETE") << QStringLiteral("/token") << QByteArray("POST");
    QTest::newRow("PUT /authorize") << QByteArray("PUT") << QStringLiteral("/authorize")
                                    << QByteArray("GET, POST");
    QTest::newRow("POST /jwks") << QByteArray("POST") << QStringLiteral("/jwks") << QByteArray("GET");
    QTest::newRow("GET /revoke") << QByteArray("GET") << QStringLiteral("/revoke") << QByteArray("POST");
    QTest::newRow("GET /api/payments")
        << QByteArray("GET") << QStringLiteral("/api/payments") << QByteArray("POST");
    QTest::newRow("DELETE /api/accounts")
        << QByteArray("DELETE") << QStringLiteral("/api/accounts") << QByteArray("GET");
    QTest::newRow("PATCH /userinfo") << QByteArray("PATCH") << QStringLiteral("/userinfo")
                                     << QByteArray("GET, POST");
}

void tst_Discovery::wrongMethodIs405WithAllow()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, allow);
    const HttpResult response = m_agent.send(method, m_bank->url(path));
    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("Allow"), allow);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("method_not_allowed"));
}

void tst_Discovery::malformedFormBodyIs400_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("/token, bad escape")
        << QStringLiteral("/token") << QByteArray("grant_type=authorization_code&code=%zz");
    QTest::newRow("/token, truncated escape")
        << QStringLiteral("/token") << QByteArray("grant_type=refresh_token&refresh_token=%4");
    QTest::newRow("/revoke, bad escape") << QStringLiteral("/revoke") << QByteArray("token=%G0");
    QTest::newRow("/introspect, invalid UTF-8")
        << QStringLiteral("/introspect") << QByteArray("token=%FF%FE");
}

void tst_Discovery::malformedFormBodyIs400()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    const HttpResult response = m_agent.post(m_bank->url(path), body, "application/x-www-form-urlencoded",
        { { "Authorization",
            OAuthClient::basicAuthorization(QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret()) } });
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    QVERIFY2(response.json()
                 .value(QStringLiteral("error_description"))
                 .toString()
                 .contains(QLatin1String("malformed")),
        qPrintable(response.describe()));

    // The authorization endpoint answers a malformed form with a page, never a redirect.
    Browser browser(*m_bank);
    const HttpResult page = browser.post(m_bank->url(QStringLiteral("/authorize")),
        "client_id=coolloan&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&state=%zz",
        "application/x-www-form-urlencoded");
    QCOMPARE(page.status, 400);
    QVERIFY(page.header("Location").isEmpty());
    QVERIFY(page.body.contains("invalid_request"));
}

void tst_Discovery::homePageAndStylesheet()
{
    Browser browser(*m_bank);
    const HttpResult home = browser.get(m_bank->url(QStringLiteral("/")));
    QCOMPARE(home.status, 200);
    QVERIFY(home.body.contains("Loopback Bank"));
    QVERIFY(!home.body.contains("missing page template"));
    const HttpResult css = browser.get(m_bank->url(QStringLiteral("/static/bank.css")));
    QCOMPARE(css.status, 200);
    QVERIFY(css.header("Content-Type").startsWith("text/css"));
    QVERIFY(css.body.size() > 100);
}

QTEST_GUILESS_MAIN(tst_Discovery)
#include "tst_discovery.moc"
