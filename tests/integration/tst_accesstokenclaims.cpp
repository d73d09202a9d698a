// banky's checks of an access token's claims (RFC 9068 §4), each reached on its own: the tokens here
// carry the bank's own signature and a jti the ledger knows, so only the claim under test is wrong, and
// the refusal must name that claim. A token that dodged the check would be served (the control row
// proves it), not refused later for some other reason.

#include "BankHarness.h"
#include "crypto/Jwt.h"
#include "crypto/SigningKey.h"

#include <QJsonArray>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString descriptionOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error_description")).toString();
}
} // namespace

class tst_AccessTokenClaims : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void resignedAccessTokenIsServed();
    void typMustBeAtJwt_data();
    void typMustBeAtJwt();
    void issMustBeThisBank_data();
    void issMustBeThisBank();
    void audMustBeBanky_data();
    void audMustBeBanky();
    void jtiMustBeInTheLedger();
    void ledgerExpiryOutranksExp(); // last: it moves the bank's clock

private:
    // The claims of a fresh access token (its jti is in the ledger), re-signed with the bank's own key.
    QByteArray resigned(
        const QJsonObject &changes, const QStringList &removed = {}, const QByteArray &typ = "at+jwt");
    void verifyRefused(const QByteArray &token, const QString &description);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan;
    std::optional<SigningKey> m_bankKey;
    TokenSet m_tokens;
};

void tst_AccessTokenClaims::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    // The headless bank keeps its private key in its own database (BankServerOptions::loadSigningKey).
    const std::optional<QByteArray> jwk = m_bank->store().keys().signingKeyJwk();
    QVERIFY(jwk.has_value());
    m_bankKey = SigningKey::fromPrivateJwk(*jwk, &error);
    QVERIFY2(m_bankKey.has_value(), qPrintable(error));
    // It is the key the bank publishes.
    const HttpResult discovery
        = m_coolLoan->get(m_bank->url(QStringLiteral("/.well-known/openid-configuration")));
    QCOMPARE(discovery.status, 200);
    const HttpResult jwks
        = m_coolLoan->get(QUrl(discovery.json().value(QStringLiteral("jwks_uri")).toString()));
    QCOMPARE(jwks.status, 200);
    const QJsonArray keys = jwks.json().value(QStringLiteral("keys")).toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.first().toObject().value(QStringLiteral("kid")).toString(), m_bankKey->kid());

    AuthorizationRequest request;
    request.scope = QStringLiteral("openid accounts:read");
    m_tokens = obtainTokens(*m_bank, *m_coolLoan, request);
    QVERIFY(m_tokens.isValid());
    QVERIFY(!m_tokens.idToken.isEmpty());
}

QByteArray tst_AccessTokenClaims::resigned(
    const QJsonObject &changes, const QStringList &removed, const QByteArray &typ)
{
    const auto decoded = decodeJwt(m_tokens.accessToken.toLatin1());
    if (!decoded)
        return {};
    QJsonObject claims = decoded->payload;
    for (auto it = changes.begin(); it != changes.end(); ++it)
        claims.insert(it.key(), it.value());
    for (const QString &name : removed)
        claims.remove(name);
    return m_bankKey->signJwt(claims, typ);
}

void tst_AccessTokenClaims::verifyRefused(const QByteArray &token, const QString &description)
{
    QVERIFY(!token.isEmpty());
    const HttpResult response = m_coolLoan->api(QStringLiteral("/api/accounts"), QString::fromLatin1(token));
    QVERIFY2(response.status == 401, qPrintable(response.describe()));
    QCOMPARE(response.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));
    QVERIFY(!response.json().contains(QStringLiteral("accounts")));
    // The refusal names the check that fired (RFC 6750 §3: error_description is for the developer).
    QVERIFY2(descriptionOf(response).contains(description), qPrintable(response.describe()));
    const QByteArray challenge = response.header("WWW-Authenticate");
    QVERIFY2(challenge.contains("error=\"invalid_token\""), challenge.constData());
    QVERIFY2(challenge.contains(description.toUtf8()), challenge.constData());
}

void tst_AccessTokenClaims::resignedAccessTokenIsServed()
{
    // The control: the same claims, the same key, typ at+jwt. Every refusal below is the claim's doing.
    const QByteArray token = resigned({});
    QVERIFY(!token.isEmpty());
    const HttpResult response = m_coolLoan->api(QStringLiteral("/api/accounts"), QString::fromLatin1(token));
    QVERIFY2(response.status == 200, qPrintable(response.describe()));
    QVERIFY(!response.json().value(QStringLiteral("accounts")).toArray().isEmpty());
}

void tst_AccessTokenClaims::typMustBeAtJwt_data()
{
    QTest::addColumn<QString>("kind");
    // The bank's own ID token, whole: it is about John and signed by the bank, but it is for CoolLoan.
    QTest::newRow("the ID token") << QStringLiteral("id_token");
    // The access token's own claims under an ID token's header: only typ tells them apart.
    QTest::newRow("access token claims, typ JWT") << QStringLiteral("JWT");
    QTest::newRow("access token claims, typ empty") << QString();
}

void tst_AccessTokenClaims::typMustBeAtJwt()
{
    QFETCH(QString, kind);
    // RFC 9068 §4: "Resource servers MUST verify that the typ header value is at+jwt".
    const QByteArray token
        = kind == QLatin1String("id_token") ? m_tokens.idToken.toLatin1() : resigned({}, {}, kind.toLatin1());
    verifyRefused(token, QStringLiteral("typ must be at+jwt"));
}

void tst_AccessTokenClaims::issMustBeThisBank_data()
{
    QTest::addColumn<QJsonValue>("iss"); // undefined: no iss claim
    const QString issuer = m_bank->issuerString();
    QTest::newRow("another bank") << QJsonValue(QStringLiteral("https://bank.example"));
    QTest::newRow("this bank, trailing slash") << QJsonValue(issuer + QLatin1Char('/'));
    QTest::newRow("this bank by another name")
        << QJsonValue(QString(issuer).replace(QLatin1String("localhost"), QLatin1String("127.0.0.1")));
    QTest::newRow("no iss") << QJsonValue(QJsonValue::Undefined);
}

void tst_AccessTokenClaims::issMustBeThisBank()
{
    QFETCH(QJsonValue, iss);
    QVERIFY(iss.isUndefined() || iss.toString() != m_bank->issuerString());
    // RFC 9068 §4: the iss claim MUST exactly match the issuer identifier of the authorization server.
    const QByteArray token = iss.isUndefined() ? resigned({}, { QStringLiteral("iss") })
                                               : resigned({ { QStringLiteral("iss"), iss } });
    verifyRefused(token, QStringLiteral("access token from another issuer"));
}

void tst_AccessTokenClaims::audMustBeBanky_data()
{
    QTest::addColumn<QJsonValue>("aud"); // undefined: no aud claim
    const QString issuer = m_bank->issuerString();
    QTest::newRow("CoolLoan (an ID token's audience)") << QJsonValue(QStringLiteral("coolloan"));
    QTest::newRow("the issuer itself") << QJsonValue(issuer);
    QTest::newRow("another API of this bank") << QJsonValue(issuer + QStringLiteral("/api/payments"));
    QTest::newRow("another bank's API") << QJsonValue(QStringLiteral("https://bank.example/api"));
    QTest::newRow("no aud") << QJsonValue(QJsonValue::Undefined);
}

void tst_AccessTokenClaims::audMustBeBanky()
{
    QFETCH(QJsonValue, aud);
    // RFC 9068 §4: the resource server MUST validate that aud contains a value it expects for itself.
    const QByteArray token = aud.isUndefined() ? resigned({}, { QStringLiteral("aud") })
                                               : resigned({ { QStringLiteral("aud"), aud } });
    verifyRefused(token, QStringLiteral("access token is not meant for banky"));
}

void tst_AccessTokenClaims::jtiMustBeInTheLedger()
{
    // Signed with the bank's own key, every claim right — but a jti the bank never issued (as if its key
    // had leaked): the ledger refuses what the signature let through, and banky serves nothing (RFC 7009).
    verifyRefused(resigned({ { QStringLiteral("jti"), QStringLiteral("a-jti-the-bank-never-issued") } }),
        QStringLiteral("access token unknown to the bank"));
}

void tst_AccessTokenClaims::ledgerExpiryOutranksExp()
{
    // The JWT says it lives another day (re-signed with the bank's key, as a leaked key or a minting bug
    // would make it); the ledger row the bank wrote when it issued the token says 600 s. The ledger is the
    // bank's word (RFC 6750 §3.1 invalid_token: "expired, revoked, malformed, or invalid for other reasons").
    const QByteArray token = resigned({ { QStringLiteral("exp"), m_bank->now() + 24 * 3600 } });
    QVERIFY(!token.isEmpty());
    const HttpResult served = m_coolLoan->api(QStringLiteral("/api/accounts"), QString::fromLatin1(token));
    QVERIFY2(served.status == 200, qPrintable(served.describe()));

    const auto row = m_bank->store().grants().tokenByJti(
        decodeJwt(token)->payload.value(QStringLiteral("jti")).toString());
    QVERIFY(row.has_value());
    m_bank->advanceClock(row->expiresAt - m_bank->now() + 1);
    QVERIFY(decodeJwt(token)->payload.value(QStringLiteral("exp")).toInteger() > m_bank->now());
    verifyRefused(token, QStringLiteral("(the bank's ledger)"));
}

QTEST_GUILESS_MAIN(tst_AccessTokenClaims)
#include "tst_accesstokenclaims.moc"
