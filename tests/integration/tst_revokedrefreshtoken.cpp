// A revoked refresh token gets nothing (RFC 7009 §2.1, RFC 6749 §6), and it is the grant's own check
// that says so: "refresh token has been revoked (<why>)". The store's rotation (an UPDATE … AND
// revoked_at = 0) would refuse it too, but as "already used"; a test that only looked at the status
// could not tell which one fired, nor notice that the first had gone.

#include "BankHarness.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString errorOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error")).toString();
}

QString descriptionOf(const HttpResult &response)
{
    return response.json().value(QStringLiteral("error_description")).toString();
}
} // namespace

class tst_RevokedRefreshToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void revokedRefreshTokenIsRefused_data();
    void revokedRefreshTokenIsRefused();

private:
    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan;
};

void tst_RevokedRefreshToken::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
}

void tst_RevokedRefreshToken::revokedRefreshTokenIsRefused_data()
{
    QTest::addColumn<QString>("revokedBy");
    QTest::addColumn<QString>("reason"); // the revocation reason the refusal quotes

    // John, under Connected apps in his online banking: consent and every token of CoolLoan go.
    QTest::newRow("John revoked CoolLoan in online banking")
        << QStringLiteral("john") << QStringLiteral("John revoked the app in online banking");
    // CoolLoan itself, at boris (RFC 7009 §2.1), e.g. when John disconnects in the app.
    QTest::newRow("CoolLoan revoked it") << QStringLiteral("client") << QString();
    // Revoked after one rotation: the token in hand is the newest of its family, never used.
    QTest::newRow("CoolLoan revoked the rotated one") << QStringLiteral("client-after-rotation") << QString();
}

void tst_RevokedRefreshToken::revokedRefreshTokenIsRefused()
{
    QFETCH(QString, revokedBy);
    QFETCH(QString, reason);

    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    TokenSet tokens = obtainTokens(*m_bank, *m_coolLoan, request, &browser);
    QVERIFY(tokens.isValid());
    QVERIFY(!tokens.refreshToken.isEmpty());

    if (revokedBy == QLatin1String("john")) {
        const HttpResult apps = browser.open(m_bank->url(QStringLiteral("/web/apps")));
        QCOMPARE(apps.status, 200);
        const auto revokeForm = findForm(apps.body, QStringLiteral("/web/apps/coolloan/revoke"));
        QVERIFY2(revokeForm.has_value(), qPrintable(apps.describe()));
        const HttpResult revoked = browser.submit(apps, *revokeForm, {});
        QCOMPARE(revoked.status, 303);
        QVERIFY(browser.follow(revoked).body.contains("Access revoked"));
    } else {
        if (revokedBy == QLatin1String("client-after-rotation")) {
            const HttpResult rotated = m_coolLoan->refresh(tokens.refreshToken);
            QCOMPARE(rotated.status, 200);
            tokens = TokenSet::from(rotated);
            QVERIFY(!tokens.refreshToken.isEmpty());
        }
        QCOMPARE(m_coolLoan->revoke(tokens.refreshToken, QStringLiteral("refresh_token")).status, 200);
    }

    const HttpResult refresh = m_coolLoan->refresh(tokens.refreshToken);
    QCOMPARE(refresh.status, 400);
    QCOMPARE(errorOf(refresh), QStringLiteral("invalid_grant"));
    for (const char *field : { "access_token", "refresh_token", "id_token" })
        QVERIFY2(!refresh.json().contains(QLatin1String(field)), field);
    // The revocation check refused it, and said why: not "already used" (the rotation's guard), not
    // "unknown" (a token the bank forgot).
    QVERIFY2(descriptionOf(refresh).startsWith(QLatin1String("refresh token has been revoked")),
        qPrintable(refresh.describe()));
    QVERIFY2(descriptionOf(refresh).contains(reason), qPrintable(refresh.describe()));

    // Asking again changes nothing: still revoked, still for that reason.
    const HttpResult again = m_coolLoan->refresh(tokens.refreshToken);
    QCOMPARE(again.status, 400);
    QCOMPARE(descriptionOf(again), descriptionOf(refresh));
}

QTEST_GUILESS_MAIN(tst_RevokedRefreshToken)
#include "tst_revokedrefreshtoken.moc"
