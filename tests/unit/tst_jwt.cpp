#include "crypto/Base64Url.h"
#include "crypto/Digest.h"
#include "crypto/Jwt.h"
#include "crypto/SigningKey.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <optional>

using namespace cfl;

namespace {

// RFC 7515 Appendix A.2: an RS256 JWS with a header without kid, and the public half of its key.
const QByteArray kRfc7515Token(
    "eyJhbGciOiJSUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujGbds9uJdbF9CUAr7t1"
    "dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_"
    "dO--xi12jzD"
    "wusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_"
    "IoypGlUPQGe77Rw");
const char kRfc7515Modulus[] = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
                               "4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCg"
                               "NMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-"
                               "bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665"
                               "xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_"
                               "h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";

// RFC 7638 §3.1: an RSA key and its JWK thumbprint.
const char kRfc7638Modulus[] = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuh"
                               "DR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
                               "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
                               "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5"
                               "hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
                               "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
const QByteArray kRfc7638Thumbprint("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");

// A throwaway RSA-1024 key (made with Python's cryptography for this test): too short for RS256.
const QByteArray kRsa1024PrivateJwk(
    R"({"kty":"RSA","n":"y0vWi1Pz9opH_a51dXT5HSsf4pA75AFZvTk7Spks_v4wyCfYro7vDZh_Yx6nytdGiYWYXncIA5lPTCgDSnxqCYPw9ZhF)"
    R"(BmtBH4ZoRou1jOIP0oKMXj-M1_vd6cjhGt0bklZd_bDxpvCc9kDDydxRiLk0STGQXyOnqklD8Lzx7Os","e":"AQAB","d":"sl_tdDyKX7S_K_)"
    R"(AKMbAb8CLpjCJf2lPxCF2SD4dM-sPPy59iuO7DA5vdkfvQ3-J5iqrEoYYxau72q-yjzpRReEx6N3x3E0nDPaV3o-dU7gznE-wMDTGddTtJuhTXyb)"
    R"(2Hs2AQSWdr6Tr88g0ImdTbE_7VJ77hIpVNxri9cwE-usE","p":"9Xh5sIHT7UFmiKRrBANmiZd-ZW7vgNgkCOHp0cmYyyVEjnvy6sQHBeo98hREu)"
    R"(3YUC70_wIYDwMUEnzl5L3mJiw","q":"1AQ-dOL0O4UpzgVrbQQikjKiWyYAYyKrx-4JdEbMaELUJDV3Bj6lYBTpa9juvoKC1vFsMcLWw_MNazttF)"
    R"(4fWIQ","dp":"dj8Mz7warMW-cMBTVOGWeV1i49XmxbhY03aQPiDQ27seJU0MHY9EmtLV-FFPMsaUrXsCxOlJ0YiWy2TSPc5cNQ","dq":"YRjoe)"
    R"(aOO8stTj_TPdAfWxVnHHTNULhKs1U1gqw3Zg05H1aVes09xcYViOXAKNtmSjlnWkRuIPAlN9fQrTAF7wQ","qi":"z8i3QhMpfnfijmFGjxO4wwa)"
    R"(ZZdqkaP-WZNSqj-FCN2RsgeAhFW0I5pRkRtonXlOmiCRg3GIS_WQFAgJn9QtHKg"})");

QByteArray encodeJson(const QJsonObject &object)
{
    return base64UrlEncode(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QByteArray compact(const QJsonObject &header, const QJsonObject &payload, const QByteArray &signature)
{
    return encodeJson(header) + '.' + encodeJson(payload) + '.' + base64UrlEncode(signature);
}

QByteArray withPart(const QByteArray &token, int index, const QByteArray &part)
{
    QList<QByteArray> parts = token.split('.');
    parts[index] = part;
    return parts.join('.');
}

QByteArray thumbprint(const QString &n, const QString &e)
{
    return base64UrlEncode(sha256(QStringLiteral(R"({"e":"%1","kty":"RSA","n":"%2"})").arg(e, n).toUtf8()));
}

QJsonObject with(QJsonObject object, const QString &member, const QJsonValue &value)
{
    object.insert(member, value);
    return object;
}

QJsonObject keySet(const QJsonArray &keys)
{
    return QJsonObject { { QStringLiteral("keys"), keys } };
}

} // namespace

class tst_Jwt : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void signAndVerify_data();
    void signAndVerify();
    void publicJwkHasNoPrivateMembers();
    void kidIsRfc7638Thumbprint();
    void rfc7515AppendixA2();

    void oneByteChangedSignatureFails();
    void nonCanonicalSignatureIsRefused();
    void tamperedPayloadFails();
    void otherKeyWithSameKidFails();
    void refusedAlgorithms_data();
    void refusedAlgorithms();
    void keySelection_data();
    void keySelection();
    void decodeJwt_data();
    void decodeJwt();

    void keyRoundTrip();
    void fromPrivateJwkRefuses_data();
    void fromPrivateJwkRefuses();

    void atHash_data();
    void atHash();

private:
    QJsonObject jwks() const { return keySet({ m_key->publicJwk() }); }
    QByteArray token(const QJsonObject &claims = {}) const;

    std::optional<SigningKey> m_key;
    std::optional<SigningKey> m_otherKey;
};

QByteArray tst_Jwt::token(const QJsonObject &claims) const
{
    const QJsonObject defaults { { QStringLiteral("iss"), QStringLiteral("http://127.0.0.1/bank") },
        { QStringLiteral("sub"), QStringLiteral("alice") }, { QStringLiteral("exp"), 1900000000 } };
    return m_key->signJwt(claims.isEmpty() ? defaults : claims);
}

void tst_Jwt::initTestCase()
{
    m_key = SigningKey::generate();
    m_otherKey = SigningKey::generate();
    QVERIFY(!m_key->kid().isEmpty());
    QVERIFY(m_key->kid() != m_otherKey->kid());
}

void tst_Jwt::signAndVerify_data()
{
    QTest::addColumn<QByteArray>("typ");

    QTest::newRow("ID token") << QByteArray("JWT");
    QTest::newRow("access token (RFC 9068)") << QByteArray("at+jwt");
    QTest::newRow("no typ") << QByteArray();
}

void tst_Jwt::signAndVerify()
{
    QFETCH(QByteArray, typ);

    const QJsonObject claims { { QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8443") },
        { QStringLiteral("aud"), QStringLiteral("coolloan") },
        { QStringLiteral("name"), QStringLiteral("Zoë / \"quoted\"") }, { QStringLiteral("exp"), 1900000000 },
        { QStringLiteral("admin"), false } };
    const QByteArray jwt = m_key->signJwt(claims, typ);
    QCOMPARE(jwt.count('.'), 2);

    QString error;
    const auto verified = verifyRs256(jwt, jwks(), &error);
    QVERIFY2(verified, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(verified->payload, claims);
    QCOMPARE(verified->signature.size(), 256); // RSA-2048
    QCOMPARE(verified->signingInput, jwt.left(jwt.lastIndexOf('.')));

    // The header exactly as RFC 7515 §4.1 names it, in the order it was set.
    const QByteArray expectedHeader = "{\"alg\":\"RS256\",\"kid\":\"" + m_key->kid().toLatin1() + '"'
        + (typ.isEmpty() ? QByteArray() : ",\"typ\":\"" + typ + '"') + '}';
    QCOMPARE(*base64UrlDecode(jwt.left(jwt.indexOf('.'))), expectedHeader);
    QCOMPARE(verified->header.value(QStringLiteral("typ")).toString(), QString::fromLatin1(typ));
}

void tst_Jwt::publicJwkHasNoPrivateMembers()
{
    const QJsonObject jwk = m_key->publicJwk();
    for (const char *member : { "d", "p", "q", "dp", "dq", "qi", "oth", "k" })
        QVERIFY2(!jwk.contains(QLatin1String(member)), member);
    QCOMPARE(jwk.value(QStringLiteral("kty")).toString(), QStringLiteral("RSA"));
    QCOMPARE(jwk.value(QStringLiteral("e")).toString(), QStringLiteral("AQAB")); // 65537
    QCOMPARE(jwk.value(QStringLiteral("kid")).toString(), m_key->kid());
    QCOMPARE(jwk.value(QStringLiteral("use")).toString(), QStringLiteral("sig"));
    QCOMPARE(jwk.value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
    QCOMPARE(base64UrlDecode(jwk.value(QStringLiteral("n")).toString().toLatin1())->size(), 256);
}

void tst_Jwt::kidIsRfc7638Thumbprint()
{
    // This test's own thumbprint, checked against RFC 7638 §3.1 first.
    QCOMPARE(thumbprint(QLatin1String(kRfc7638Modulus), QStringLiteral("AQAB")), kRfc7638Thumbprint);

    const QJsonObject jwk = m_key->publicJwk();
    QCOMPARE(m_key->kid().toLatin1(),
        thumbprint(jwk.value(QStringLiteral("n")).toString(), jwk.value(QStringLiteral("e")).toString()));
    QCOMPARE(m_key->kid().size(), 43);
}

void tst_Jwt::rfc7515AppendixA2()
{
    const QJsonObject key { { QStringLiteral("kty"), QStringLiteral("RSA") },
        { QStringLiteral("n"), QLatin1String(kRfc7515Modulus) },
        { QStringLiteral("e"), QStringLiteral("AQAB") } };
    QString error;
    const auto verified = verifyRs256(kRfc7515Token, keySet({ key }), &error);
    QVERIFY2(verified, qPrintable(error));
    QCOMPARE(verified->header, QJsonObject({ { QStringLiteral("alg"), QStringLiteral("RS256") } }));
    QCOMPARE(verified->payload.value(QStringLiteral("iss")).toString(), QStringLiteral("joe"));
    QCOMPARE(verified->payload.value(QStringLiteral("exp")).toInteger(), 1300819380);

    // The same token is not accepted with our key, nor our token with the RFC's key.
    QVERIFY(!verifyRs256(kRfc7515Token, keySet({ m_key->publicJwk() })));
    QVERIFY(!verifyRs256(token(), keySet({ with(key, QStringLiteral("kid"), m_key->kid()) })));
}

void tst_Jwt::oneByteChangedSignatureFails()
{
    const QByteArray jwt = token();
    const QByteArray signature = *base64UrlDecode(jwt.mid(jwt.lastIndexOf('.') + 1));
    for (const int index : { 0, 100, 255 }) {
        QByteArray tampered = signature;
        tampered[index] = static_cast<char>(tampered[index] ^ 0x01);
        QString error;
        QVERIFY(!verifyRs256(withPart(jwt, 2, base64UrlEncode(tampered)), jwks(), &error));
        QCOMPARE(error, QStringLiteral("signature does not match the key '%1…'").arg(m_key->kid().left(8)));
    }
}

void tst_Jwt::nonCanonicalSignatureIsRefused()
{
    // 256 bytes take 342 characters and leave 4 bits of the last one unused: a lenient decoder would turn a
    // changed last character into the same signature bytes, and "tampered" tokens would still verify.
    const QByteArray jwt = token();
    QByteArray signature = jwt.mid(jwt.lastIndexOf('.') + 1);
    QCOMPARE(signature.size(), 342);
    const char last = signature.back();
    const QByteArray alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    signature.back() = alphabet.at(alphabet.indexOf(last) ^ 0x01);
    QString error;
    QVERIFY(!verifyRs256(withPart(jwt, 2, signature), jwks(), &error));
    QVERIFY2(error.contains(QStringLiteral("not base64url")), qPrintable(error));
}

void tst_Jwt::tamperedPayloadFails()
{
    const QByteArray jwt = token();
    const QJsonObject forged { { QStringLiteral("iss"), QStringLiteral("http://127.0.0.1/bank") },
        { QStringLiteral("sub"), QStringLiteral("mallory") }, { QStringLiteral("exp"), 1900000000 } };
    QString error;
    QVERIFY(!verifyRs256(withPart(jwt, 1, encodeJson(forged)), jwks(), &error));
    QVERIFY2(error.startsWith(QStringLiteral("signature does not match the key")), qPrintable(error));

    // Re-encoding the very same claims differently (key order) changes the signing input too.
    QJsonObject header = cfl::decodeJwt(jwt)->header;
    QVERIFY(!verifyRs256(
        withPart(jwt, 0, base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Indented))), jwks()));
}

void tst_Jwt::otherKeyWithSameKidFails()
{
    // A key set whose entry carries our kid but another key's modulus.
    QJsonObject impostor = m_otherKey->publicJwk();
    impostor.insert(QStringLiteral("kid"), m_key->kid());
    QString error;
    QVERIFY(!verifyRs256(token(), keySet({ impostor }), &error));
    QVERIFY2(error.startsWith(QStringLiteral("signature does not match the key")), qPrintable(error));
    // And both keys in one set: the kid picks the right one.
    QVERIFY(verifyRs256(token(), keySet({ m_otherKey->publicJwk(), m_key->publicJwk() })));
    QVERIFY(verifyRs256(m_otherKey->signJwt({ { QStringLiteral("sub"), QStringLiteral("bob") } }),
        keySet({ m_otherKey->publicJwk(), m_key->publicJwk() })));
}

void tst_Jwt::refusedAlgorithms_data()
{
    QTest::addColumn<QByteArray>("jwt");
    QTest::addColumn<QString>("expectedError");

    const QByteArray genuine = token();
    const QJsonObject payload = cfl::decodeJwt(genuine)->payload;
    const QString kid = m_key->kid();
    auto header = [&](const QJsonValue &alg) {
        QJsonObject h { { QStringLiteral("kid"), kid }, { QStringLiteral("typ"), QStringLiteral("JWT") } };
        if (!alg.isUndefined())
            h.insert(QStringLiteral("alg"), alg);
        return h;
    };

    // RFC 7519 §6.1: an unsecured JWT has an empty signature.
    QTest::newRow("none") << compact(header(QStringLiteral("none")), payload, {})
                          << QStringLiteral("algorithm 'none' is not accepted (RS256 only)");
    QTest::newRow("none, keeping the genuine signature")
        << withPart(genuine, 0, encodeJson(header(QStringLiteral("none"))))
        << QStringLiteral("algorithm 'none' is not accepted (RS256 only)");
    QTest::newRow("None") << compact(header(QStringLiteral("None")), payload, {})
                          << QStringLiteral("algorithm 'None' is not accepted (RS256 only)");

    // RFC 8725 §2.1: HS256 "signed" with the public key as the HMAC secret, which anyone can do.
    const QJsonObject hsHeader = header(QStringLiteral("HS256"));
    const QByteArray signingInput = encodeJson(hsHeader) + '.' + encodeJson(payload);
    for (const QByteArray &secret : { QJsonDocument(m_key->publicJwk()).toJson(QJsonDocument::Compact),
             m_key->publicJwk().value(QStringLiteral("n")).toString().toLatin1() }) {
        const QByteArray mac
            = QMessageAuthenticationCode::hash(signingInput, secret, QCryptographicHash::Sha256);
        QTest::addRow("HS256 keyed with %s", secret.startsWith('{') ? "the public JWK" : "the modulus")
            << signingInput + '.' + base64UrlEncode(mac)
            << QStringLiteral("algorithm 'HS256' is not accepted (RS256 only)");
    }

    QTest::newRow("RS512") << withPart(genuine, 0, encodeJson(header(QStringLiteral("RS512"))))
                           << QStringLiteral("algorithm 'RS512' is not accepted (RS256 only)");
    QTest::newRow("PS256") << withPart(genuine, 0, encodeJson(header(QStringLiteral("PS256"))))
                           << QStringLiteral("algorithm 'PS256' is not accepted (RS256 only)");
    QTest::newRow("rs256") << withPart(genuine, 0, encodeJson(header(QStringLiteral("rs256"))))
                           << QStringLiteral("algorithm 'rs256' is not accepted (RS256 only)");
    QTest::newRow("RS256 with a space") << withPart(genuine, 0, encodeJson(header(QStringLiteral("RS256 "))))
                                        << QStringLiteral("algorithm 'RS256 ' is not accepted (RS256 only)");
    QTest::newRow("a long alg is shortened")
        << withPart(genuine, 0, encodeJson(header(QString(200, u'A'))))
        << QStringLiteral("algorithm '%1…' is not accepted (RS256 only)").arg(QString(20, u'A'));
    QTest::newRow("no alg") << withPart(genuine, 0, encodeJson(header(QJsonValue::Undefined)))
                            << QStringLiteral("the header has no algorithm (alg)");
    QTest::newRow("alg is a number") << withPart(genuine, 0, encodeJson(header(256)))
                                     << QStringLiteral("the header has no algorithm (alg)");
    QTest::newRow("alg is an array") << withPart(
        genuine, 0, encodeJson(header(QJsonArray { QStringLiteral("RS256") })))
                                     << QStringLiteral("the header has no algorithm (alg)");

    // RFC 7515 §4: with a duplicated member the lexically last one counts (Qt and cjose's jansson agree).
    const QByteArray duplicated
        = base64UrlEncode("{\"alg\":\"RS256\",\"kid\":\"" + kid.toLatin1() + "\",\"alg\":\"none\"}");
    QTest::newRow("duplicated alg, none last") << withPart(
        genuine, 0, duplicated) << QStringLiteral("algorithm 'none' is not accepted (RS256 only)");

    QJsonObject critical = header(QStringLiteral("RS256"));
    critical.insert(QStringLiteral("crit"), QJsonArray { QStringLiteral("exp") });
    critical.insert(QStringLiteral("exp"), 1);
    QTest::newRow("crit") << withPart(genuine, 0, encodeJson(critical))
                          << QStringLiteral(
                                 "the header marks extensions as critical (crit); none are supported");
}

void tst_Jwt::refusedAlgorithms()
{
    QFETCH(QByteArray, jwt);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!verifyRs256(jwt, jwks(), &error));
    QCOMPARE(error, expectedError);
}

void tst_Jwt::keySelection_data()
{
    QTest::addColumn<QByteArray>("jwt");
    QTest::addColumn<QJsonObject>("jwks");
    QTest::addColumn<QString>("expectedError"); // empty: verifies

    const QByteArray genuine = token();
    const QJsonObject mine = m_key->publicJwk();
    const QJsonObject other = m_otherKey->publicJwk();
    const QJsonObject header = cfl::decodeJwt(genuine)->header;
    const QString shortKid = m_key->kid().left(8) + QStringLiteral("…");

    QTest::newRow("kid found") << genuine << keySet({ other, mine }) << QString();
    QTest::newRow("unknown kid") << withPart(
        genuine, 0, encodeJson(with(header, QStringLiteral("kid"), QStringLiteral("x"))))
                                 << jwks() << QStringLiteral("unknown key id 'x'");
    QTest::newRow("kid not in the set")
        << genuine << keySet({ other }) << QStringLiteral("unknown key id '%1'").arg(shortKid);
    QTest::newRow("empty set") << genuine << keySet({})
                               << QStringLiteral("unknown key id '%1'").arg(shortKid);
    QTest::newRow("no keys member") << genuine << QJsonObject()
                                    << QStringLiteral("the key set has no \"keys\" array");
    QTest::newRow("the key itself instead of a set")
        << genuine << mine << QStringLiteral("the key set has no \"keys\" array");

    QJsonObject withoutKid = header;
    withoutKid.remove(QStringLiteral("kid"));
    const QByteArray signedWithoutKid = withPart(genuine, 0, encodeJson(withoutKid));
    // The header is signed too, so dropping kid breaks the signature; only the key choice is checked here.
    QTest::newRow("no kid, one key: that key is tried")
        << signedWithoutKid << keySet({ mine })
        << QStringLiteral("signature does not match the key '%1'").arg(shortKid);
    QTest::newRow("no kid, two keys")
        << signedWithoutKid << keySet({ mine, other })
        << QStringLiteral("the token names no key (no kid) and the key set holds 2 keys");
    QTest::newRow("no kid, no keys") << signedWithoutKid << keySet({})
                                     << QStringLiteral(
                                            "the token names no key (no kid) and the key set holds 0 keys");

    QJsonObject numericKid = header;
    numericKid.insert(QStringLiteral("kid"), 7);
    QTest::newRow("kid is a number") << withPart(genuine, 0, encodeJson(numericKid)) << jwks()
                                     << QStringLiteral("the token's kid is not a string");

    QJsonObject encryptionKey = mine;
    encryptionKey.insert(QStringLiteral("use"), QStringLiteral("enc"));
    QTest::newRow("key for encryption")
        << genuine << keySet({ encryptionKey })
        << QStringLiteral("key '%1' is published for 'enc', not for signatures").arg(shortKid);
    QJsonObject rs512Key = mine;
    rs512Key.insert(QStringLiteral("alg"), QStringLiteral("RS512"));
    QTest::newRow("key for RS512")
        << genuine << keySet({ rs512Key })
        << QStringLiteral("key '%1' is meant for 'RS512', not RS256").arg(shortKid);
    QJsonObject octKey { { QStringLiteral("kty"), QStringLiteral("oct") },
        { QStringLiteral("kid"), m_key->kid() }, { QStringLiteral("k"), mine.value(QStringLiteral("n")) } };
    QTest::newRow("symmetric key") << genuine << keySet({ octKey })
                                   << QStringLiteral("key '%1' is not an RSA key").arg(shortKid);
    QJsonObject noModulus = mine;
    noModulus.remove(QStringLiteral("n"));
    QTest::newRow("key without n")
        << genuine << keySet({ noModulus })
        << QStringLiteral("key '%1' has no valid modulus and exponent (n, e)").arg(shortKid);
    QJsonObject paddedModulus = mine;
    paddedModulus.insert(
        QStringLiteral("n"), mine.value(QStringLiteral("n")).toString() + QStringLiteral("="));
    QTest::newRow("key with padded n")
        << genuine << keySet({ paddedModulus })
        << QStringLiteral("key '%1' has no valid modulus and exponent (n, e)").arg(shortKid);

    // RFC 7518 §3.3: RS256 keys of fewer than 2048 bits are refused even when the signature is right.
    QJsonObject smallKey = QJsonDocument::fromJson(kRsa1024PrivateJwk).object();
    for (const char *member : { "d", "p", "q", "dp", "dq", "qi" })
        smallKey.remove(QLatin1String(member));
    smallKey.insert(QStringLiteral("kid"), QStringLiteral("small"));
    QJsonObject smallHeader = header;
    smallHeader.insert(QStringLiteral("kid"), QStringLiteral("small"));
    QTest::newRow("RSA-1024 key") << withPart(genuine, 0, encodeJson(smallHeader)) << keySet({ smallKey })
                                  << QStringLiteral(
                                         "key 'small' has only 1024 bits; RS256 needs at least 2048 "
                                         "(RFC 7518 §3.3)");

    // A key set carrying private members by mistake still only verifies.
    const QJsonObject privateMembers = QJsonDocument::fromJson(m_key->toPrivateJwk()).object();
    QTest::newRow("key set with a private key") << genuine << keySet({ privateMembers }) << QString();
    QTest::newRow("key without use and alg")
        << genuine
        << keySet({ QJsonObject { { QStringLiteral("kty"), QStringLiteral("RSA") },
               { QStringLiteral("kid"), m_key->kid() },
               { QStringLiteral("n"), mine.value(QStringLiteral("n")) },
               { QStringLiteral("e"), mine.value(QStringLiteral("e")) } } })
        << QString();
}

void tst_Jwt::keySelection()
{
    QFETCH(QByteArray, jwt);
    QFETCH(QJsonObject, jwks);
    QFETCH(QString, expectedError);

    QString error;
    const auto verified = verifyRs256(jwt, jwks, &error);
    QCOMPARE(error, expectedError);
    QCOMPARE(verified.has_value(), expectedError.isEmpty());
}

void tst_Jwt::decodeJwt_data()
{
    QTest::addColumn<QByteArray>("jwt");
    QTest::addColumn<QString>("expectedError"); // empty: decodes

    const QByteArray genuine = token();
    const QList<QByteArray> parts = genuine.split('.');
    QTest::newRow("genuine") << genuine << QString();
    QTest::newRow("empty signature") << parts[0] + '.' + parts[1] + '.' << QString();
    QTest::newRow("empty") << QByteArray()
                           << QStringLiteral(
                                  "a signed JWT has three parts separated by dots; this one has 1");
    QTest::newRow("two parts") << parts[0] + '.'
            + parts[1] << QStringLiteral("a signed JWT has three parts separated by dots; this one has 2");
    QTest::newRow("JWE, five parts") << genuine
            + ".a.b" << QStringLiteral("a signed JWT has three parts separated by dots; this one has 5");
    QTest::newRow("header padded") << withPart(genuine, 0, parts[0] + "==")
                                   << QStringLiteral("the header is not a base64url-encoded JSON object");
    QTest::newRow("header is an array")
        << withPart(genuine, 0, base64UrlEncode("[\"RS256\"]"))
        << QStringLiteral("the header is not a base64url-encoded JSON object");
    QTest::newRow("header is not JSON") << withPart(genuine, 0,
        base64UrlEncode("alg=RS256")) << QStringLiteral("the header is not a base64url-encoded JSON object");
    QTest::newRow("header with trailing bytes")
        << withPart(genuine, 0, base64UrlEncode("{\"alg\":\"RS256\"}x"))
        << QStringLiteral("the header is not a base64url-encoded JSON object");
    QTest::newRow("empty header") << withPart(genuine, 0, QByteArray())
                                  << QStringLiteral("the header is not a base64url-encoded JSON object");
    QTest::newRow("payload in base64 with '/'") << withPart(
        genuine, 1, parts[1] + "/") << QStringLiteral("the payload is not a base64url-encoded JSON object");
    QTest::newRow("payload is a string") << withPart(genuine, 1,
        base64UrlEncode("\"alice\"")) << QStringLiteral("the payload is not a base64url-encoded JSON object");
    QTest::newRow("signature with a newline")
        << genuine + '\n'
        << QStringLiteral("the signature is not base64url (RFC 7515 §2: no "
                          "padding, no '+' or '/')");
}

void tst_Jwt::decodeJwt()
{
    QFETCH(QByteArray, jwt);
    QFETCH(QString, expectedError);

    QString error;
    const auto decoded = cfl::decodeJwt(jwt, &error);
    QCOMPARE(error, expectedError);
    QCOMPARE(decoded.has_value(), expectedError.isEmpty());
    if (decoded) {
        QCOMPARE(decoded->header.value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
        QCOMPARE(decoded->payload.value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
    }
    // The error pointer is optional.
    QCOMPARE(cfl::decodeJwt(jwt).has_value(), expectedError.isEmpty());
}

void tst_Jwt::keyRoundTrip()
{
    const QByteArray privateJwk = m_key->toPrivateJwk();
    const QJsonObject members = QJsonDocument::fromJson(privateJwk).object();
    for (const char *member : { "kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "kid" })
        QVERIFY2(members.value(QLatin1String(member)).isString(), member);
    QCOMPARE(members.value(QStringLiteral("kid")).toString(), m_key->kid());
    QVERIFY(privateJwk.size() < 2560); // fits a Windows Credential Manager entry (at most 2,560 bytes)

    QString error;
    auto restored = SigningKey::fromPrivateJwk(privateJwk, &error);
    QVERIFY2(restored, qPrintable(error));
    QCOMPARE(restored->kid(), m_key->kid());
    QCOMPARE(restored->publicJwk(), m_key->publicJwk());
    QCOMPARE(restored->toPrivateJwk(), privateJwk);

    // Either copy verifies the other's tokens.
    QVERIFY(verifyRs256(restored->signJwt({ { QStringLiteral("sub"), QStringLiteral("alice") } }), jwks()));
    QVERIFY(verifyRs256(token(), keySet({ restored->publicJwk() })));

    // Moving keeps the key; a stored JWK without kid gets the same one.
    SigningKey moved = std::move(*restored);
    QCOMPARE(moved.kid(), m_key->kid());
    QJsonObject withoutKid = members;
    withoutKid.remove(QStringLiteral("kid"));
    moved = *SigningKey::fromPrivateJwk(QJsonDocument(withoutKid).toJson());
    QCOMPARE(moved.kid(), m_key->kid());
    QVERIFY(verifyRs256(moved.signJwt({ { QStringLiteral("sub"), QStringLiteral("bob") } }), jwks()));
}

void tst_Jwt::fromPrivateJwkRefuses_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError");

    const QJsonObject members = QJsonDocument::fromJson(m_key->toPrivateJwk()).object();
    const QJsonObject otherMembers = QJsonDocument::fromJson(m_otherKey->toPrivateJwk()).object();
    auto toJson
        = [](const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); };

    QTest::newRow("empty") << QByteArray() << QStringLiteral("the stored key is not a JSON object");
    QTest::newRow("truncated") << m_key->toPrivateJwk().chopped(10)
                               << QStringLiteral("the stored key is not a JSON object");
    QTest::newRow("array") << QByteArray("[]") << QStringLiteral("the stored key is not a JSON object");
    QTest::newRow("public key") << toJson(m_key->publicJwk())
                                << QStringLiteral(
                                       "the stored key has no private exponent (d): it is a public key");
    QTest::newRow("EC key") << QByteArray(R"({"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"})")
                            << QStringLiteral("the stored key is not an RSA key (kty must be \"RSA\")");

    QJsonObject otherKid = members;
    otherKid.insert(QStringLiteral("kid"), QStringLiteral("my-key"));
    QTest::newRow("kid is not the thumbprint") << toJson(
        otherKid) << QStringLiteral("the stored key's kid does not match its thumbprint (RFC 7638)");

    // Our n and e with the other key's private members: it would sign tokens nobody can verify.
    QJsonObject mixed = members;
    for (const char *member : { "d", "p", "q", "dp", "dq", "qi" })
        mixed.insert(QLatin1String(member), otherMembers.value(QLatin1String(member)));
    QTest::newRow("private part of another key")
        << toJson(mixed) << QStringLiteral("the stored key's private part does not match its public part");

    QTest::newRow("RSA-1024") << kRsa1024PrivateJwk
                              << QStringLiteral(
                                     "the RSA key has 1024 bits; RS256 needs at least 2048 (RFC 7518 §3.3)");
}

void tst_Jwt::fromPrivateJwkRefuses()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!SigningKey::fromPrivateJwk(json, &error));
    QCOMPARE(error, expectedError);
    QVERIFY(!SigningKey::fromPrivateJwk(json));
}

void tst_Jwt::atHash_data()
{
    QTest::addColumn<QByteArray>("accessToken");
    QTest::addColumn<QByteArray>("expected");

    // Cross-checked with Python: base64url(sha256(token).digest()[:16]) without padding.
    QTest::newRow("OIDC Core A.3 access token")
        << QByteArray("jHkWEdUXMU1BwAsC4vtUsZwnNmnoDjsFFIQh8ECizR4") << QByteArray("xHX7s9qWf7xf59kPIVdIfQ");
    QTest::newRow("short token") << QByteArray("dNZX1hEZ9wBCzNL40Upu646bdzQA")
                                 << QByteArray("wfgvmE9VxjAudsl9lc6TqA");
    QTest::newRow("empty") << QByteArray() << QByteArray("47DEQpj8HBSa-_TImW-5JA");
}

void tst_Jwt::atHash()
{
    QFETCH(QByteArray, accessToken);
    QFETCH(QByteArray, expected);

    QCOMPARE(cfl::atHash(accessToken), expected);
    QCOMPARE(cfl::atHash(accessToken).size(), 22); // 128 bits
}

QTEST_GUILESS_MAIN(tst_Jwt)
#include "tst_jwt.moc"
