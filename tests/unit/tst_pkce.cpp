#include "crypto/Pkce.h"

#include <QTest>

using namespace cfl;

namespace {

// RFC 7636 Appendix B (the challenge also checked with Python's hashlib and `openssl dgst -sha256`).
const QByteArray kRfcVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
const QByteArray kRfcChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

} // namespace

class tst_Pkce : public QObject
{
    Q_OBJECT

private slots:
    void rfc7636AppendixB();
    void isValidVerifier_data();
    void isValidVerifier();
    void isValidS256Challenge_data();
    void isValidS256Challenge();
    void verifyS256_data();
    void verifyS256();
    void generateVerifier();
};

void tst_Pkce::rfc7636AppendixB()
{
    QVERIFY(pkce::isValidVerifier(kRfcVerifier));
    QCOMPARE(pkce::s256Challenge(kRfcVerifier), kRfcChallenge);
    QVERIFY(pkce::isValidS256Challenge(kRfcChallenge));
    QVERIFY(pkce::verifyS256(kRfcVerifier, kRfcChallenge));
}

void tst_Pkce::isValidVerifier_data()
{
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<bool>("valid");

    QTest::newRow("RFC 7636 Appendix B") << kRfcVerifier << true;
    QTest::newRow("43 characters, the minimum") << QByteArray(43, 'a') << true;
    QTest::newRow("128 characters, the maximum") << QByteArray(128, 'Z') << true;
    QTest::newRow("every unreserved character")
        << QByteArray("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("42 characters") << QByteArray(42, 'a') << false;
    QTest::newRow("129 characters") << QByteArray(129, 'a') << false;
    QTest::newRow("plus") << QByteArray(42, 'a') + '+' << false;
    QTest::newRow("slash") << QByteArray(42, 'a') + '/' << false;
    QTest::newRow("padding") << QByteArray(42, 'a') + '=' << false;
    QTest::newRow("space") << QByteArray(21, 'a') + ' ' + QByteArray(21, 'a') << false;
    QTest::newRow("percent-encoded") << QByteArray(40, 'a') + "%7E" << false;
    QTest::newRow("non-ASCII") << QByteArray(41, 'a') + "\xc3\xa9" << false;
    QTest::newRow("NUL") << QByteArray(42, 'a') + QByteArray(1, '\0') << false;
}

void tst_Pkce::isValidVerifier()
{
    QFETCH(QByteArray, verifier);
    QFETCH(bool, valid);

    QCOMPARE(pkce::isValidVerifier(verifier), valid);
}

void tst_Pkce::isValidS256Challenge_data()
{
    QTest::addColumn<QByteArray>("challenge");
    QTest::addColumn<bool>("valid");

    QTest::newRow("RFC 7636 Appendix B") << kRfcChallenge << true;
    QTest::newRow("padded") << kRfcChallenge + '=' << false;
    QTest::newRow("42 characters") << kRfcChallenge.left(42) << false;
    QTest::newRow("44 characters") << kRfcChallenge + 'A' << false;
    QTest::newRow("base64, not base64url") << QByteArray(kRfcChallenge).replace('-', '+') << false;
    // 43 characters hold 258 bits; the last 2 must be zero for 32 bytes ('M' → 'N' sets one).
    QTest::newRow("unused bits set") << kRfcChallenge.left(42) + 'N' << false;
    QTest::newRow("plain method value") << kRfcVerifier.left(40) << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void tst_Pkce::isValidS256Challenge()
{
    QFETCH(QByteArray, challenge);
    QFETCH(bool, valid);

    QCOMPARE(pkce::isValidS256Challenge(challenge), valid);
}

void tst_Pkce::verifyS256_data()
{
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<QByteArray>("challenge");
    QTest::addColumn<bool>("accepted");

    const QByteArray other(43, 'x');
    const QByteArray tooShort(42, 'x');
    QTest::newRow("matching") << kRfcVerifier << kRfcChallenge << true;
    QTest::newRow("another verifier") << other << kRfcChallenge << false;
    QTest::newRow("the challenge itself as verifier") << kRfcChallenge << kRfcChallenge << false;
    QTest::newRow("verifier one character short") << kRfcVerifier.chopped(1) << kRfcChallenge << false;
    QTest::newRow("empty verifier") << QByteArray() << kRfcChallenge << false;
    QTest::newRow("empty challenge") << kRfcVerifier << QByteArray() << false;
    // §4.1 is checked on the server too: a 42-character verifier is refused even against its own hash.
    QTest::newRow("short verifier, own challenge") << tooShort << pkce::s256Challenge(tooShort) << false;
    QTest::newRow("padded challenge") << kRfcVerifier << kRfcChallenge + '=' << false;
}

void tst_Pkce::verifyS256()
{
    QFETCH(QByteArray, verifier);
    QFETCH(QByteArray, challenge);
    QFETCH(bool, accepted);

    QCOMPARE(pkce::verifyS256(verifier, challenge), accepted);
}

void tst_Pkce::generateVerifier()
{
    const QByteArray verifier = pkce::generateVerifier();
    QCOMPARE(verifier.size(), 43);
    QVERIFY(pkce::isValidVerifier(verifier));
    QVERIFY(pkce::isValidS256Challenge(pkce::s256Challenge(verifier)));
    QVERIFY(pkce::verifyS256(verifier, pkce::s256Challenge(verifier)));
    QVERIFY(verifier != pkce::generateVerifier());
}

QTEST_GUILESS_MAIN(tst_Pkce)
#include "tst_pkce.moc"
