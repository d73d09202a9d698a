// crypto/VerifiedJwts: a token accepted once is found again by its exact bytes and the same key set, and by
// nothing else — not by a token that differs only in its signature, not after the key set changed — and
// refusals are never kept.

#include "crypto/SigningKey.h"
#include "crypto/VerifiedJwts.h"

#include <QJsonArray>
#include <QTest>

using namespace cfl;

namespace {
QJsonObject keySet(const QJsonArray &keys)
{
    return QJsonObject { { QStringLiteral("keys"), keys } };
}

QJsonObject claims(int n)
{
    return QJsonObject { { QStringLiteral("sub"), QStringLiteral("user-1") }, { QStringLiteral("n"), n } };
}

// The same header and payload with another signature: a character well inside the signature changed (the
// last one carries bits that base64url decoding drops).
QByteArray withOtherSignature(const QByteArray &token)
{
    QByteArray other = token;
    char &c = other[other.size() - 10];
    c = c == 'A' ? 'B' : 'A';
    return other;
}
} // namespace

class tst_VerifiedJwts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_key = std::make_unique<SigningKey>(SigningKey::generate());
        m_other = std::make_unique<SigningKey>(SigningKey::generate());
    }

    void acceptedTokenIsFoundWithItsClaims()
    {
        VerifiedJwts cache;
        const QJsonObject jwks = keySet({ m_key->publicJwk() });
        const QByteArray token = m_key->signJwt(claims(1), "at+jwt");
        const auto first = cache.verify(token, jwks);
        QVERIFY(first);
        QCOMPARE(cache.size(), 1);
        const auto again = cache.verify(token, jwks);
        QVERIFY(again);
        QCOMPARE(again->payload, first->payload);
        QCOMPARE(again->header, first->header);
        QCOMPARE(again->header.value(QStringLiteral("typ")).toString(), QStringLiteral("at+jwt"));
        QCOMPARE(cache.size(), 1);
    }

    // Kept by the whole token: the same header and payload under a signature the key did not make is
    // verified, and refused.
    void otherSignatureOfAcceptedTokenIsRefused()
    {
        VerifiedJwts cache;
        const QJsonObject jwks = keySet({ m_key->publicJwk() });
        const QByteArray token = m_key->signJwt(claims(2));
        QVERIFY(cache.verify(token, jwks));
        QString error;
        QVERIFY(!cache.verify(withOtherSignature(token), jwks, &error));
        QVERIFY2(error.contains(QStringLiteral("signature")), qPrintable(error));
        QVERIFY(cache.verify(token, jwks));
    }

    // The key set that accepted a token no longer holds its key (a reset, a key that left the JWKS): the
    // token is verified against the keys there are now, and refused.
    void keySetChangeForgetsAcceptedTokens()
    {
        VerifiedJwts cache;
        const QByteArray token = m_key->signJwt(claims(3));
        QVERIFY(cache.verify(token, keySet({ m_key->publicJwk(), m_other->publicJwk() })));
        const QJsonObject now = keySet({ m_other->publicJwk() });
        QString error;
        QVERIFY(!cache.verify(token, now, &error));
        QVERIFY2(!error.isEmpty(), "no reason given");
        // ... and stays refused under the new key set.
        QVERIFY(!cache.verify(token, now));
        QCOMPARE(cache.size(), 0);
    }

    // An equal key set built anew (the JWKS read again) keeps what was accepted.
    void equalKeySetKeepsAcceptedTokens()
    {
        VerifiedJwts cache;
        const QByteArray token = m_key->signJwt(claims(4));
        QVERIFY(cache.verify(token, keySet({ m_key->publicJwk() })));
        QVERIFY(cache.verify(token, keySet({ m_key->publicJwk() })));
        QCOMPARE(cache.size(), 1);
    }

    void refusalsAreNotKept()
    {
        VerifiedJwts cache;
        const QJsonObject jwks = keySet({ m_key->publicJwk() });
        const QByteArray foreign = m_other->signJwt(claims(5));
        QVERIFY(!cache.verify(foreign, jwks));
        QVERIFY(!cache.verify(foreign, jwks));
        QVERIFY(!cache.verify("not.a.token", jwks));
        QCOMPARE(cache.size(), 0);
    }

    void holdsAtMostItsCapacity()
    {
        VerifiedJwts cache;
        const QJsonObject jwks = keySet({ m_key->publicJwk() });
        QByteArray last;
        for (int i = 0; i < VerifiedJwts::Capacity + 10; ++i) {
            last = m_key->signJwt(claims(100 + i));
            QVERIFY(cache.verify(last, jwks));
            QVERIFY(cache.size() <= VerifiedJwts::Capacity);
        }
        QCOMPARE(cache.size(), VerifiedJwts::Capacity);
        QVERIFY(cache.verify(last, jwks));
        QVERIFY(!cache.verify(withOtherSignature(last), jwks));
    }

private:
    std::unique_ptr<SigningKey> m_key;
    std::unique_ptr<SigningKey> m_other;
};

QTEST_GUILESS_MAIN(tst_VerifiedJwts)
#include "tst_verifiedjwts.moc"
