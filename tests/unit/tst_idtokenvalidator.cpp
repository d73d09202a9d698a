#include "client/IdTokenValidator.h"
#include "crypto/Base64Url.h"
#include "crypto/Jwt.h"
#include "crypto/SigningKey.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <optional>

using namespace cfl;

namespace {

constexpr qint64 Now = 1'800'000'000;
const QString Issuer = QStringLiteral("http://127.0.0.1:8080");
const QString ClientId = QStringLiteral("coolloan");
const QString Nonce = QStringLiteral("n-0S6_WzA2Mj");
const QByteArray AccessToken = "eyJ0eXAiOiJhdCtqd3QifQ.access-token-for-banky.sig";

// How the token of a row is made from its claims.
enum class Forgery {
    None, // signed by the bank's key
    OtherKey, // signed by another key (its own kid: not in the bank's JWKS)
    OtherKeyOurKid, // signed by another key, header claiming the bank's kid
    SignatureByte, // one byte of the bank's signature changed
    PayloadSwapped, // the bank signed other claims; these were pasted in after signing
    AlgNone, // {"alg":"none"} and no signature (RFC 8725 §3.1)
};

QJsonObject goodClaims()
{
    return { { QStringLiteral("iss"), Issuer }, { QStringLiteral("sub"), QStringLiteral("user-1") },
        { QStringLiteral("aud"), ClientId }, { QStringLiteral("exp"), Now + 300 },
        { QStringLiteral("iat"), Now - 2 }, { QStringLiteral("auth_time"), Now - 20 },
        { QStringLiteral("nonce"), Nonce },
        { QStringLiteral("at_hash"), QString::fromLatin1(atHash(AccessToken)) } };
}

QJsonObject with(QJsonObject claims, const QString &name, const QJsonValue &value)
{
    claims.insert(name, value);
    return claims;
}

QJsonObject without(QJsonObject claims, const QString &name)
{
    claims.remove(name);
    return claims;
}

QByteArray encodeJson(const QJsonObject &object)
{
    return base64UrlEncode(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QByteArray withPart(const QByteArray &token, int index, const QByteArray &part)
{
    QList<QByteArray> parts = token.split('.');
    parts[index] = part;
    return parts.join('.');
}

QStringList failedChecks(const IdTokenValidation &validation)
{
    QStringList names;
    for (const IdTokenCheck &check : validation.checks) {
        if (!check.passed)
            names.append(check.name);
    }
    return names;
}

} // namespace

Q_DECLARE_METATYPE(Forgery)

class tst_IdTokenValidator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void validate_data();
    void validate();
    void goodTokenPassesEveryCheck();
    void claimsAreShownEvenWhenTheSignatureFails();
    void checksNameTheirCatalogueIds();
    void claimsOfAnUnverifiedTokenOnlyWhenTheSignatureCheckIsOff();
    void notAJwt_data();
    void notAJwt();

private:
    QByteArray makeToken(const QJsonObject &claims, Forgery forgery) const;

    std::optional<SigningKey> m_bankKey;
    std::optional<SigningKey> m_otherKey;
    QJsonObject m_jwks;
};

void tst_IdTokenValidator::initTestCase()
{
    m_bankKey.emplace(SigningKey::generate());
    m_otherKey.emplace(SigningKey::generate());
    QVERIFY(m_bankKey->kid() != m_otherKey->kid());
    m_jwks = { { QStringLiteral("keys"), QJsonArray { m_bankKey->publicJwk() } } };
}

QByteArray tst_IdTokenValidator::makeToken(const QJsonObject &claims, Forgery forgery) const
{
    switch (forgery) {
    case Forgery::None:
        return m_bankKey->signJwt(claims);
    case Forgery::OtherKey:
        return m_otherKey->signJwt(claims);
    case Forgery::OtherKeyOurKid: {
        const QByteArray token = m_otherKey->signJwt(claims);
        QJsonObject header
            = QJsonDocument::fromJson(base64UrlDecode(token.split('.').at(0)).value_or(QByteArray()))
                  .object();
        header.insert(QStringLiteral("kid"), m_bankKey->kid());
        return withPart(token, 0, encodeJson(header));
    }
    case Forgery::SignatureByte: {
        const QByteArray token = m_bankKey->signJwt(claims);
        QByteArray signature = base64UrlDecode(token.split('.').at(2)).value_or(QByteArray());
        signature[signature.size() / 2] = char(signature.at(signature.size() / 2) ^ 0x01);
        return withPart(token, 2, base64UrlEncode(signature));
    }
    case Forgery::PayloadSwapped: {
        const QByteArray token
            = m_bankKey->signJwt(with(claims, QStringLiteral("aud"), QStringLiteral("pirateloan")));
        return withPart(token, 1, encodeJson(claims));
    }
    case Forgery::AlgNone:
        return encodeJson({ { QStringLiteral("alg"), QStringLiteral("none") },
                   { QStringLiteral("typ"), QStringLiteral("JWT") } })
            + '.' + encodeJson(claims) + '.';
    }
    return {};
}

void tst_IdTokenValidator::validate_data()
{
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<Forgery>("forgery");
    QTest::addColumn<QString>("expectedNonce");
    QTest::addColumn<QByteArray>("accessToken");
    QTest::addColumn<QString>("failing"); // the checks that must fail, comma-separated; empty: valid

    const QJsonObject good = goodClaims();
    QTest::newRow("good token") << good << Forgery::None << Nonce << AccessToken << QString();

    // OIDC Core §3.1.3.7 step 6: the signature, with the bank's published key only.
    QTest::newRow("signed by another key")
        << good << Forgery::OtherKey << Nonce << AccessToken << QStringLiteral("signature");
    QTest::newRow("another key under the bank's kid")
        << good << Forgery::OtherKeyOurKid << Nonce << AccessToken << QStringLiteral("signature");
    QTest::newRow("one signature byte changed")
        << good << Forgery::SignatureByte << Nonce << AccessToken << QStringLiteral("signature");
    QTest::newRow("claims changed after signing")
        << good << Forgery::PayloadSwapped << Nonce << AccessToken << QStringLiteral("signature");
    QTest::newRow("alg none") << good << Forgery::AlgNone << Nonce << AccessToken
                              << QStringLiteral("signature");

    // step 2: iss exactly.
    QTest::newRow("wrong iss") << with(good, QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:9999"))
                               << Forgery::None << Nonce << AccessToken << QStringLiteral("iss");
    QTest::newRow("iss with a trailing slash")
        << with(good, QStringLiteral("iss"), Issuer + QLatin1Char('/')) << Forgery::None << Nonce
        << AccessToken << QStringLiteral("iss");
    QTest::newRow("iss missing") << without(good, QStringLiteral("iss")) << Forgery::None << Nonce
                                 << AccessToken << QStringLiteral("iss");

    // step 3: aud contains the client_id; steps 4–5: several audiences need azp, and an azp is the client_id.
    QTest::newRow("wrong aud") << with(good, QStringLiteral("aud"), QStringLiteral("pirateloan"))
                               << Forgery::None << Nonce << AccessToken << QStringLiteral("aud");
    QTest::newRow("aud missing") << without(good, QStringLiteral("aud")) << Forgery::None << Nonce
                                 << AccessToken << QStringLiteral("aud");
    QTest::newRow("aud array of one") << with(good, QStringLiteral("aud"), QJsonArray { ClientId })
                                      << Forgery::None << Nonce << AccessToken << QString();
    const QJsonObject twoAudiences
        = with(good, QStringLiteral("aud"), QJsonArray { ClientId, QStringLiteral("banky") });
    QTest::newRow("aud array with azp") << with(twoAudiences, QStringLiteral("azp"), ClientId)
                                        << Forgery::None << Nonce << AccessToken << QString();
    QTest::newRow("aud array without azp")
        << twoAudiences << Forgery::None << Nonce << AccessToken << QStringLiteral("azp");
    QTest::newRow("aud array, azp another client")
        << with(twoAudiences, QStringLiteral("azp"), QStringLiteral("pirateloan")) << Forgery::None << Nonce
        << AccessToken << QStringLiteral("azp");
    QTest::newRow("azp is us, one audience")
        << with(good, QStringLiteral("azp"), ClientId) << Forgery::None << Nonce << AccessToken << QString();
    QTest::newRow("azp another client, one audience")
        << with(good, QStringLiteral("azp"), QStringLiteral("pirateloan")) << Forgery::None << Nonce
        << AccessToken << QStringLiteral("azp");
    QTest::newRow("aud array without us") << with(
        good, QStringLiteral("aud"), QJsonArray { QStringLiteral("pirateloan"), QStringLiteral("banky") })
                                          << Forgery::None << Nonce << AccessToken
                                          << QStringLiteral("aud,azp");

    // step 9: exp, with 30 s of leeway for clock skew.
    QTest::newRow("expired") << with(good, QStringLiteral("exp"), Now - 31) << Forgery::None << Nonce
                             << AccessToken << QStringLiteral("exp");
    QTest::newRow("expired long ago") << with(good, QStringLiteral("exp"), Now - 3600) << Forgery::None
                                      << Nonce << AccessToken << QStringLiteral("exp");
    QTest::newRow("expired within leeway")
        << with(good, QStringLiteral("exp"), Now - 29) << Forgery::None << Nonce << AccessToken << QString();
    QTest::newRow("exp missing") << without(good, QStringLiteral("exp")) << Forgery::None << Nonce
                                 << AccessToken << QStringLiteral("exp");

    // step 10: iat not in the future.
    QTest::newRow("iat in the future") << with(good, QStringLiteral("iat"), Now + 120) << Forgery::None
                                       << Nonce << AccessToken << QStringLiteral("iat");
    QTest::newRow("iat ahead within leeway")
        << with(good, QStringLiteral("iat"), Now + 10) << Forgery::None << Nonce << AccessToken << QString();
    QTest::newRow("iat missing") << without(good, QStringLiteral("iat")) << Forgery::None << Nonce
                                 << AccessToken << QStringLiteral("iat");

    // step 11: the nonce CoolLoan sent, against replay.
    QTest::newRow("wrong nonce") << with(good, QStringLiteral("nonce"), QStringLiteral("replayed-nonce"))
                                 << Forgery::None << Nonce << AccessToken << QStringLiteral("nonce");
    QTest::newRow("nonce missing") << without(good, QStringLiteral("nonce")) << Forgery::None << Nonce
                                   << AccessToken << QStringLiteral("nonce");
    QTest::newRow("nonce not sent but present")
        << good << Forgery::None << QString() << AccessToken << QStringLiteral("nonce");
    QTest::newRow("no nonce sent, none back")
        << without(good, QStringLiteral("nonce")) << Forgery::None << QString() << AccessToken << QString();

    // §3.2.2.9: at_hash binds the ID token to the access token that came with it.
    QTest::newRow("at_hash of another access token")
        << with(good, QStringLiteral("at_hash"), QString::fromLatin1(atHash("another access token")))
        << Forgery::None << Nonce << AccessToken << QStringLiteral("at_hash");
    QTest::newRow("at_hash missing") << without(good, QStringLiteral("at_hash")) << Forgery::None << Nonce
                                     << AccessToken << QStringLiteral("at_hash");
    QTest::newRow("no access token: at_hash not checked")
        << without(good, QStringLiteral("at_hash")) << Forgery::None << Nonce << QByteArray() << QString();
}

void tst_IdTokenValidator::validate()
{
    QFETCH(QJsonObject, claims);
    QFETCH(Forgery, forgery);
    QFETCH(QString, expectedNonce);
    QFETCH(QByteArray, accessToken);
    QFETCH(QString, failing);

    IdTokenExpectations expected;
    expected.issuer = Issuer;
    expected.clientId = ClientId;
    expected.nonce = expectedNonce;
    expected.accessToken = accessToken;
    expected.now = Now;

    const IdTokenValidation validation = validateIdToken(makeToken(claims, forgery), m_jwks, expected);
    const QStringList failingChecks = failing.isEmpty() ? QStringList() : failing.split(QLatin1Char(','));
    QCOMPARE(validation.valid, failing.isEmpty());
    QCOMPARE(failedChecks(validation), failingChecks);
    if (!failing.isEmpty()) {
        const QString first = failingChecks.first();
        QVERIFY2(validation.firstFailure().startsWith(first + QStringLiteral(": ")),
            qPrintable(validation.firstFailure()));
        QVERIFY(validation.firstFailure().size() > first.size() + 2); // says why, in words
    } else {
        QVERIFY(validation.firstFailure().isEmpty());
    }
    // Without a valid signature nothing else is believed, so nothing else is checked.
    if (failing == QLatin1String("signature"))
        QCOMPARE(validation.checks.size(), 1);
}

void tst_IdTokenValidator::goodTokenPassesEveryCheck()
{
    IdTokenExpectations expected { Issuer, ClientId, Nonce, AccessToken, Now, 30 };
    const IdTokenValidation validation = validateIdToken(m_bankKey->signJwt(goodClaims()), m_jwks, expected);
    QVERIFY(validation.valid);
    QStringList names;
    for (const IdTokenCheck &check : validation.checks)
        names.append(check.name);
    QCOMPARE(names,
        (QStringList { QStringLiteral("signature"), QStringLiteral("iss"), QStringLiteral("aud"),
            QStringLiteral("exp"), QStringLiteral("iat"), QStringLiteral("nonce"),
            QStringLiteral("at_hash") }));
    QCOMPARE(validation.header.value(QStringLiteral("kid")).toString(), m_bankKey->kid());
    QCOMPARE(validation.claims.value(QStringLiteral("sub")).toString(), QStringLiteral("user-1"));
    QVERIFY(validation.checks.first().detail.contains(m_bankKey->kid()));
}

void tst_IdTokenValidator::claimsAreShownEvenWhenTheSignatureFails()
{
    // The panel shows what a forged token claimed, next to the failed signature.
    IdTokenExpectations expected { Issuer, ClientId, Nonce, AccessToken, Now, 30 };
    const IdTokenValidation validation = validateIdToken(m_otherKey->signJwt(goodClaims()), m_jwks, expected);
    QVERIFY(!validation.valid);
    QCOMPARE(validation.claims.value(QStringLiteral("sub")).toString(), QStringLiteral("user-1"));
    QCOMPARE(validation.header.value(QStringLiteral("kid")).toString(), m_otherKey->kid());
}

void tst_IdTokenValidator::checksNameTheirCatalogueIds()
{
    // Each check is one of CoolLoan's named checks (client/ClientChecks.h): CoolLoanClient refuses, and
    // the attack lab switches, by that id.
    IdTokenExpectations expected { Issuer, ClientId, Nonce, AccessToken, Now, 30 };
    const QJsonObject claims
        = with(with(goodClaims(), QStringLiteral("aud"), QJsonArray { ClientId, QStringLiteral("banky") }),
            QStringLiteral("azp"), ClientId);
    const IdTokenValidation validation = validateIdToken(m_bankKey->signJwt(claims), m_jwks, expected);
    QVERIFY(validation.valid);
    QStringList named;
    for (const IdTokenCheck &check : validation.checks)
        named.append(check.name + QLatin1Char('=') + clientCheck(check.check).id);
    QCOMPARE(named,
        (QStringList { QStringLiteral("signature=coolloan.id_token.signature"),
            QStringLiteral("iss=coolloan.id_token.issuer"), QStringLiteral("aud=coolloan.id_token.audience"),
            QStringLiteral("azp=coolloan.id_token.azp"), QStringLiteral("exp=coolloan.id_token.expiry"),
            QStringLiteral("iat=coolloan.id_token.issued_at"),
            QStringLiteral("nonce=coolloan.id_token.nonce"),
            QStringLiteral("at_hash=coolloan.id_token.at_hash") }));
}

void tst_IdTokenValidator::claimsOfAnUnverifiedTokenOnlyWhenTheSignatureCheckIsOff()
{
    // Signed by another key, and for another login.
    const QByteArray forged
        = m_otherKey->signJwt(with(goodClaims(), QStringLiteral("nonce"), QStringLiteral("replayed-nonce")));
    IdTokenExpectations expected { Issuer, ClientId, Nonce, AccessToken, Now, 30 };
    IdTokenValidation validation = validateIdToken(forged, m_jwks, expected);
    QCOMPARE(failedChecks(validation), QStringList { QStringLiteral("signature") });
    QCOMPARE(validation.checks.size(), 1);

    // The attack lab switched coolloan.id_token.signature off: the claims are checked as if it had passed.
    expected.checkClaimsOfUnverifiedToken = true;
    validation = validateIdToken(forged, m_jwks, expected);
    QVERIFY(!validation.valid);
    QCOMPARE(
        failedChecks(validation), (QStringList { QStringLiteral("signature"), QStringLiteral("nonce") }));
    QCOMPARE(validation.checks.size(), 7);
    // Not a JWT at all: nothing to check.
    validation = validateIdToken("not.a.jwt", m_jwks, expected);
    QCOMPARE(failedChecks(validation), QStringList { QStringLiteral("signature") });
    QCOMPARE(validation.checks.size(), 1);
}

void tst_IdTokenValidator::notAJwt_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("two parts") << QByteArray("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0");
    QTest::newRow("not base64url") << QByteArray("###.$$$.%%%");
    QTest::newRow("not JSON") << (base64UrlEncode("not json") + '.' + base64UrlEncode("{}") + '.'
        + base64UrlEncode("sig"));
}

void tst_IdTokenValidator::notAJwt()
{
    QFETCH(QByteArray, token);
    IdTokenExpectations expected { Issuer, ClientId, Nonce, AccessToken, Now, 30 };
    const IdTokenValidation validation = validateIdToken(token, m_jwks, expected);
    QVERIFY(!validation.valid);
    QCOMPARE(failedChecks(validation), QStringList { QStringLiteral("signature") });
}

QTEST_GUILESS_MAIN(tst_IdTokenValidator)
#include "tst_idtokenvalidator.moc"
