// TokenIssuer's access token signed ahead of the grant's transaction (TokenEndpoint::handle, refresh grants)
// is issued only when it says exactly what the grant's access token must say then; and SigningKeyRing
// records a key's latest exp once per second, but never trusts a write a transaction may still roll back.
// A real bank database in a temporary directory, a real RSA key.

#include "StoreTestSupport.h"
#include "bank/BankContext.h"
#include "bank/SigningKeyRing.h"
#include "bank/TokenIssuer.h"
#include "crypto/Jwt.h"

#include <QTest>

#include <memory>

using namespace cfl;
using namespace cfl::storetest;

class tst_TokenIssuer : public QObject, private StoreFixture
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void aheadTokenIsIssuedWhenItHolds();
    void aheadTokenForAnotherGrantIsSignedAgain_data();
    void aheadTokenForAnotherGrantIsSignedAgain();
    void aSecondsSignaturesRecordTheExpiryOnce();
    void anExpiryWrittenInARolledBackTransactionIsWrittenAgain();
    void anExpiryIsWrittenAgainAfterAReset();

private:
    GrantContext grant() const;
    qint64 lastExpiry();

    qint64 m_now = kNow;
    std::unique_ptr<BankContext> m_bank;
    std::unique_ptr<TokenIssuer> m_issuer;
};

void tst_TokenIssuer::init()
{
    openStore();
    m_now = kNow;
    SigningKeyRing ring(*m_store);
    QString error;
    QVERIFY2(ring.load({}, m_now, &error), qPrintable(error));
    BankConfig config;
    config.issuer = QUrl(QStringLiteral("http://localhost:8642"));
    config.clock = [this] { return m_now; };
    m_bank = std::make_unique<BankContext>(*m_store, std::move(ring), config);
    m_issuer = std::make_unique<TokenIssuer>(*m_bank);
}

void tst_TokenIssuer::cleanup()
{
    m_issuer.reset();
    m_bank.reset();
    closeStore();
}

GrantContext tst_TokenIssuer::grant() const
{
    GrantContext g;
    g.client = m_store->clients().client(text("coolloan")).value_or(Client {});
    g.user = m_store->users().userByUsername(text("john")).value_or(User {});
    g.scopes = { text("openid"), text("accounts:read"), text("offline_access") };
    g.authTime = kNow - 30;
    g.amr = { text("pwd") };
    g.acr = text("0");
    g.familyId = text("family-1");
    return g;
}

qint64 tst_TokenIssuer::lastExpiry()
{
    const QString kid = m_bank->signingKeys().current(m_now).kid();
    return m_store->keys().key(kid).value_or(SigningKeyRecord {}).lastExpiry;
}

void tst_TokenIssuer::aheadTokenIsIssuedWhenItHolds()
{
    const GrantContext g = grant();
    QVERIFY(!g.client.clientId.isEmpty() && g.user.id != 0);
    const SignedAccessToken ahead = m_issuer->signAccessToken(g);
    m_now += 1; // the transaction may start in the next second
    const QJsonObject response = m_issuer->issue(g, &ahead);
    QCOMPARE(response.value(QStringLiteral("access_token")).toString().toLatin1(), ahead.token);
    // Recorded under its own hash and jti: banky finds it.
    const std::optional<IssuedToken> recorded = m_store->grants().token(sha256Hex(ahead.token));
    QVERIFY(recorded);
    QCOMPARE(recorded->jti, ahead.jti);
    QCOMPARE(recorded->issuedAt, ahead.issuedAt);
}

void tst_TokenIssuer::aheadTokenForAnotherGrantIsSignedAgain_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("narrower scope") << QStringLiteral("scope");
    QTest::newRow("another user") << QStringLiteral("user");
    QTest::newRow("another client") << QStringLiteral("client");
    QTest::newRow("signed two seconds ago") << QStringLiteral("time");
    QTest::newRow("clock set back") << QStringLiteral("clock back");
    QTest::newRow("access token lifetime changed") << QStringLiteral("lifetime");
}

void tst_TokenIssuer::aheadTokenForAnotherGrantIsSignedAgain()
{
    QFETCH(QString, change);
    GrantContext g = grant();
    const SignedAccessToken ahead = m_issuer->signAccessToken(g);
    if (change == QLatin1String("scope")) {
        g.scopes = { text("openid"), text("offline_access") };
    } else if (change == QLatin1String("user")) {
        g.user.id += 1;
    } else if (change == QLatin1String("client")) {
        g.client.clientId = text("another");
        QString error;
        QVERIFY2(m_store->clients().insertClient(g.client, &error), qPrintable(error));
    } else if (change == QLatin1String("time")) {
        m_now += 2;
    } else if (change == QLatin1String("clock back")) {
        m_now -= 1;
    } else {
        m_bank->updateConfig([](BankConfig &config) { config.accessTokenLifetime += 60; });
    }
    const QJsonObject response = m_issuer->issue(g, &ahead);
    const QByteArray issued = response.value(QStringLiteral("access_token")).toString().toLatin1();
    QVERIFY(!issued.isEmpty());
    QVERIFY2(issued != ahead.token, "the token signed for another grant was issued");
    // What was issued is this grant's access token, signed now.
    const QJsonObject claims = decodeJwt(issued).value_or(DecodedJwt {}).payload;
    QCOMPARE(claims.value(QStringLiteral("scope")).toString(), g.scopes.join(QLatin1Char(' ')));
    QCOMPARE(claims.value(QStringLiteral("client_id")).toString(), g.client.clientId);
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("user-%1").arg(g.user.id));
    QCOMPARE(claims.value(QStringLiteral("iat")).toInteger(), m_now);
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), m_now + m_bank->config().accessTokenLifetime);
    QVERIFY(m_store->grants().token(sha256Hex(issued)));
    QVERIFY(!m_store->grants().token(sha256Hex(ahead.token)));
}

void tst_TokenIssuer::aSecondsSignaturesRecordTheExpiryOnce()
{
    const qint64 lifetime = m_bank->config().accessTokenLifetime;
    m_issuer->signAccessToken(grant());
    QCOMPARE(lastExpiry(), m_now + lifetime);
    // Set back by hand: a second signature of the same second writes nothing ...
    const QString kid = m_bank->signingKeys().current(m_now).kid();
    QCOMPARE(m_store->database().change(
                 QStringLiteral("UPDATE signing_keys SET last_expiry = 0 WHERE kid = ?"), { kid }),
        1);
    m_issuer->signAccessToken(grant());
    QCOMPARE(lastExpiry(), 0);
    // ... the first of the next second does.
    m_now += 1;
    m_issuer->signAccessToken(grant());
    QCOMPARE(lastExpiry(), m_now + lifetime);
}

void tst_TokenIssuer::anExpiryWrittenInARolledBackTransactionIsWrittenAgain()
{
    const qint64 lifetime = m_bank->config().accessTokenLifetime;
    const qint64 before = lastExpiry();
    QVERIFY(before < m_now + lifetime);
    // Signed inside a transaction that then rolls back: the exp it wrote is gone ...
    QVERIFY(!m_store->inTransaction([&] {
        m_issuer->signAccessToken(grant());
        return false;
    }));
    QCOMPARE(lastExpiry(), before);
    // ... so a token of the same second signed after it records it again: the key must stay in the JWKS
    // until that token expires (OIDC Core §10.1.1).
    m_issuer->signAccessToken(grant());
    QCOMPARE(lastExpiry(), m_now + lifetime);
}

void tst_TokenIssuer::anExpiryIsWrittenAgainAfterAReset()
{
    const qint64 lifetime = m_bank->config().accessTokenLifetime;
    m_issuer->signAccessToken(grant());
    QCOMPARE(lastExpiry(), m_now + lifetime);
    // A reset while the bank runs (the desktop app's "Reset bank") deletes the keys' rows; the ring
    // publishes its key again with the next signature, and that signature's exp must be in the new row.
    QString error;
    QVERIFY2(m_store->reset(&error), qPrintable(error));
    m_issuer->signAccessToken(grant());
    QCOMPARE(lastExpiry(), m_now + lifetime);
}

QTEST_GUILESS_MAIN(tst_TokenIssuer)
#include "tst_tokenissuer.moc"
