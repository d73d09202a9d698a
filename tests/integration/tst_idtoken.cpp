// The ID token (OpenID Connect Core §2, §3.1.3.6, §3.1.3.7, §12.2) and the access token (RFC 9068),
// verified the way a relying party does: signature against the JWKS published at /jwks.

#include "BankHarness.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_IdToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void idTokenVerifiesWithThePublishedKey();
    void idTokenClaims();
    void accessTokenIsAnRfc9068Jwt();
    void refreshIssuesANewIdTokenForTheSameSubject();
    void tamperedIdTokenFailsVerification();

private:
    QJsonObject fetchJwks();

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_client;
    AuthorizationRequest m_request;
    TokenSet m_tokens;
    qint64 m_loginTime = 0;
};

void tst_IdToken::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_client = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    m_loginTime = m_bank->now();
    m_tokens = obtainTokens(*m_bank, *m_client, m_request);
    QVERIFY(m_tokens.isValid());
    QVERIFY(!m_tokens.idToken.isEmpty());
}

QJsonObject tst_IdToken::fetchJwks()
{
    const HttpResult response = m_client->get(m_bank->url(QStringLiteral("/jwks")));
    if (response.status != 200)
        qWarning("jwks: %s", qPrintable(response.describe()));
    return response.json();
}

void tst_IdToken::idTokenVerifiesWithThePublishedKey()
{
    const QJsonObject jwks = fetchJwks();
    QCOMPARE(jwks.value(QStringLiteral("keys")).toArray().size(), 1);
    QString error;
    const auto idToken = verifyRs256(m_tokens.idToken.toLatin1(), jwks, &error);
    QVERIFY2(idToken.has_value(), qPrintable(error));
    QCOMPARE(idToken->header.value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
    const QString kid = idToken->header.value(QStringLiteral("kid")).toString();
    QVERIFY(!kid.isEmpty());
    QCOMPARE(kid,
        jwks.value(QStringLiteral("keys"))
            .toArray()
            .first()
            .toObject()
            .value(QStringLiteral("kid"))
            .toString());

    // A key set without that kid does not verify it.
    QJsonObject otherKey = jwks.value(QStringLiteral("keys")).toArray().first().toObject();
    otherKey.insert(QStringLiteral("kid"), QStringLiteral("another-key"));
    QVERIFY(!verifyRs256(
        m_tokens.idToken.toLatin1(), QJsonObject { { QStringLiteral("keys"), QJsonArray { otherKey } } }));
}

void tst_IdToken::idTokenClaims()
{
    const auto idToken = verifyRs256(m_tokens.idToken.toLatin1(), fetchJwks());
    QVERIFY(idToken.has_value());
    const QJsonObject &claims = idToken->payload;
    // OIDC Core §3.1.3.7
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_bank->issuerString());
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), QStringLiteral("coolloan"));
    QCOMPARE(claims.value(QStringLiteral("azp")).toString(), QStringLiteral("coolloan"));
    const QString sub = claims.value(QStringLiteral("sub")).toString();
    QVERIFY(!sub.isEmpty());
    QVERIFY(!sub.contains(QLatin1String("john"))); // a stable identifier, not the user name
    QCOMPARE(claims.value(QStringLiteral("iat")).toInteger(), m_bank->now());
    QVERIFY(
        claims.value(QStringLiteral("exp")).toInteger() > claims.value(QStringLiteral("iat")).toInteger());
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), m_bank->now() + 600);
    QCOMPARE(claims.value(QStringLiteral("auth_time")).toInteger(), m_loginTime);
    QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), m_request.nonce);
    // §3.1.3.6: at_hash binds the ID token to this access token.
    QCOMPARE(claims.value(QStringLiteral("at_hash")).toString(),
        QString::fromLatin1(atHash(m_tokens.accessToken.toLatin1())));
    // The scope decides what userinfo releases; the ID token itself carries no profile claims.
    QVERIFY(!claims.contains(QStringLiteral("email")));

    // userinfo names the same subject (OIDC Core §5.3.2).
    const HttpResult userInfo = m_client->api(QStringLiteral("/userinfo"), m_tokens.accessToken);
    QCOMPARE(userInfo.status, 200);
    QCOMPARE(userInfo.json().value(QStringLiteral("sub")).toString(), sub);
}

void tst_IdToken::accessTokenIsAnRfc9068Jwt()
{
    QString error;
    const auto accessToken = verifyRs256(m_tokens.accessToken.toLatin1(), fetchJwks(), &error);
    QVERIFY2(accessToken.has_value(), qPrintable(error));
    // RFC 9068 §2.1: typ at+jwt, so it cannot pass for an ID token (and the other way round).
    QCOMPARE(accessToken->header.value(QStringLiteral("typ")).toString(), QStringLiteral("at+jwt"));
    const auto idToken = decodeJwt(m_tokens.idToken.toLatin1());
    QVERIFY(idToken.has_value());
    QVERIFY(idToken->header.value(QStringLiteral("typ")).toString() != QLatin1String("at+jwt"));
    // §2.2: iss, exp, aud, sub, client_id, iat, jti; scope (§2.2.3).
    const QJsonObject &claims = accessToken->payload;
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_bank->issuerString());
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), m_bank->issuerString() + QStringLiteral("/api"));
    QCOMPARE(claims.value(QStringLiteral("client_id")).toString(), QStringLiteral("coolloan"));
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(),
        idToken->payload.value(QStringLiteral("sub")).toString());
    QCOMPARE(claims.value(QStringLiteral("scope")).toString(), m_tokens.scope);
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(),
        claims.value(QStringLiteral("iat")).toInteger() + 600);
    QVERIFY(!claims.value(QStringLiteral("jti")).toString().isEmpty());
}

void tst_IdToken::refreshIssuesANewIdTokenForTheSameSubject()
{
    const auto original = decodeJwt(m_tokens.idToken.toLatin1());
    QVERIFY(original.has_value());
    m_bank->advanceClock(300);
    const HttpResult response = m_client->refresh(m_tokens.refreshToken);
    QCOMPARE(response.status, 200);
    const TokenSet refreshed = TokenSet::from(response);
    QVERIFY(!refreshed.idToken.isEmpty());

    QString error;
    const auto idToken = verifyRs256(refreshed.idToken.toLatin1(), fetchJwks(), &error);
    QVERIFY2(idToken.has_value(), qPrintable(error));
    const QJsonObject &claims = idToken->payload;
    // OIDC Core §12.2: same iss, sub, aud; iat is now; auth_time stays the original login's.
    for (const char *claim : { "iss", "sub", "aud", "azp" })
        QCOMPARE(claims.value(QLatin1String(claim)), original->payload.value(QLatin1String(claim)));
    QCOMPARE(claims.value(QStringLiteral("iat")).toInteger(), m_bank->now());
    QCOMPARE(claims.value(QStringLiteral("auth_time")).toInteger(), m_loginTime);
    QCOMPARE(claims.value(QStringLiteral("at_hash")).toString(),
        QString::fromLatin1(atHash(refreshed.accessToken.toLatin1())));
    // "it SHOULD NOT have a nonce Claim Value, but if it does, it SHOULD be the same as the original".
    if (claims.contains(QStringLiteral("nonce")))
        QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), m_request.nonce);
    m_tokens = refreshed;
}

void tst_IdToken::tamperedIdTokenFailsVerification()
{
    QList<QByteArray> parts = m_tokens.idToken.toLatin1().split('.');
    QCOMPARE(parts.size(), 3);
    auto payload = decodeJwt(m_tokens.idToken.toLatin1())->payload;
    payload.insert(QStringLiteral("sub"), QStringLiteral("user-999"));
    parts[1] = QJsonDocument(payload)
                   .toJson(QJsonDocument::Compact)
                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QVERIFY(!verifyRs256(parts.join('.'), fetchJwks()).has_value());
}

QTEST_GUILESS_MAIN(tst_IdToken)
#include "tst_idtoken.moc"
