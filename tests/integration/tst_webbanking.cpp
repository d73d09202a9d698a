// John's own online banking (/web): the same login as eddy's, a session cookie, his accounts, a
// payment form, and Connected apps where he revokes an app's consent and every token it holds.

#include "BankHarness.h"

#include <QTest>

using namespace cfl;
using namespace cfl::test;

class tst_WebBanking : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void loginStartsASession();
    void wrongPasswordStartsNoSession();
    void accountPageListsTransactions();
    void paymentIsBooked();
    void badPaymentsShowTheFormAgain_data();
    void badPaymentsShowTheFormAgain();
    void paymentNeedsTheCsrfToken_data();
    void paymentNeedsTheCsrfToken();
    void paymentFormMustBeValidFormEncoding();
    void withoutSessionNothingHappens();
    void connectedAppsListsAndRevokes();
    void revokeNeedsTheCsrfToken();
    void logoutEndsTheSession();

private:
    qint64 checkingBalance()
    {
        return m_bank->store().accounts().account(QStringLiteral("CHK-1001"))->balanceCents;
    }

    std::unique_ptr<TestBank> m_bank;
};

void tst_WebBanking::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
}

void tst_WebBanking::loginStartsASession()
{
    Browser browser(*m_bank);
    const HttpResult start = browser.get(m_bank->url(QStringLiteral("/web")));
    QCOMPARE(start.status, 303);
    QVERIFY(start.location().path().startsWith(QLatin1String("/interaction/")));
    const HttpResult loginPage = browser.follow(start);
    QCOMPARE(loginPage.status, 200);
    QVERIFY(findForm(loginPage.body, QStringLiteral("/login")).has_value());
    QVERIFY(loginPage.body.contains("Log in to your online banking"));

    const HttpResult loggedIn = browser.submitLogin(loginPage, {});
    QCOMPARE(loggedIn.status, 303);
    QCOMPARE(loggedIn.location(), m_bank->url(QStringLiteral("/web")));
    QVERIFY(browser.hasCookie(QStringLiteral("cfl_session")));
    const QByteArray setCookie = loggedIn.header("Set-Cookie");
    QVERIFY2(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie.constData());

    const HttpResult accounts = browser.follow(loggedIn);
    QCOMPARE(accounts.status, 200);
    QVERIFY(accounts.body.contains("Your accounts"));
    QVERIFY(accounts.body.contains("CHK-1001"));
    QVERIFY(accounts.body.contains("SAV-2001"));
    QVERIFY(accounts.body.contains(
        m_bank->store().accounts().account(QStringLiteral("CHK-1001"))->iban.toUtf8()));
    QVERIFY(accounts.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    QCOMPARE(accounts.header("Cache-Control"), QByteArray("no-store"));
}

void tst_WebBanking::wrongPasswordStartsNoSession()
{
    Browser browser(*m_bank);
    const HttpResult loginPage = browser.open(m_bank->url(QStringLiteral("/web")));
    const HttpResult again
        = browser.submitLogin(loginPage, { QStringLiteral("john"), QStringLiteral("wrong") });
    QCOMPARE(again.status, 401);
    QVERIFY(again.body.contains("Wrong user name or password."));
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
    // Still the login page, not the accounts.
    const HttpResult web = browser.open(m_bank->url(QStringLiteral("/web")));
    QVERIFY(!web.body.contains("CHK-1001"));
    QVERIFY(web.body.contains("name=\"password\""));
}

void tst_WebBanking::accountPageListsTransactions()
{
    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult page = browser.get(m_bank->url(QStringLiteral("/web/accounts/SAV-2001")));
    QCOMPARE(page.status, 200);
    const int rows = int(page.body.count("<tr><td>"));
    QCOMPARE(rows, m_bank->store().accounts().transactionsOf(QStringLiteral("SAV-2001")).size());
    QVERIFY(rows > 0);
    const HttpResult missing = browser.get(m_bank->url(QStringLiteral("/web/accounts/CHK-9999")));
    QCOMPARE(missing.status, 404);
}

void tst_WebBanking::paymentIsBooked()
{
    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult formPage = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    QCOMPARE(formPage.status, 200);
    QVERIFY(formPage.body.contains("<option value=\"CHK-1001\">"));
    const auto form = findForm(formPage.body, QStringLiteral("/web/payments"));
    QVERIFY(form.has_value());
    QVERIFY(!form->value(QStringLiteral("csrf_token")).isEmpty());

    const qint64 before = checkingBalance();
    const HttpResult booked = browser.submit(formPage, *form,
        { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") },
            { QStringLiteral("payee"), QStringLiteral("Flower Shop") },
            { QStringLiteral("amount"), QStringLiteral("25,50") },
            { QStringLiteral("reference"), QStringLiteral("tulips for mum") } });
    QCOMPARE(booked.status, 303); // POST/redirect/GET
    const HttpResult done = browser.follow(booked);
    QCOMPARE(done.status, 200);
    QVERIFY(done.body.contains("Payment booked."));
    QCOMPARE(checkingBalance(), before - 2550);

    const HttpResult account = browser.get(m_bank->url(QStringLiteral("/web/accounts/CHK-1001")));
    QVERIFY(account.body.contains("Flower Shop"));
    QVERIFY(account.body.contains("-25.50 EUR"));
}

void tst_WebBanking::badPaymentsShowTheFormAgain_data()
{
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("payee");
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("message");

    const QString checking = QStringLiteral("CHK-1001");
    const QString payee = QStringLiteral("Someone");
    QTest::newRow("not a number") << checking << payee << QStringLiteral("ten")
                                  << QStringLiteral("The amount must be a number");
    QTest::newRow("empty") << checking << payee << QString() << QStringLiteral("The amount must be a number");
    QTest::newRow("not finite") << checking << payee << QStringLiteral("inf")
                                << QStringLiteral("The amount must be a number");
    QTest::newRow("zero") << checking << payee << QStringLiteral("0.00")
                          << QStringLiteral("the amount must be more than 0.00");
    QTest::newRow("negative") << checking << payee << QStringLiteral("-10")
                              << QStringLiteral("the amount must be more than 0.00");
    QTest::newRow("insufficient funds")
        << checking << payee << QStringLiteral("99999999.00") << QStringLiteral("insufficient funds");
    QTest::newRow("no payee") << checking << QString() << QStringLiteral("1.00")
                              << QStringLiteral("a payment needs a payee");
    QTest::newRow("someone else's account") << QStringLiteral("CHK-9999") << payee << QStringLiteral("1.00")
                                            << QStringLiteral("not one of your accounts");
}

void tst_WebBanking::badPaymentsShowTheFormAgain()
{
    QFETCH(QString, account);
    QFETCH(QString, payee);
    QFETCH(QString, amount);
    QFETCH(QString, message);

    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult formPage = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    const auto form = findForm(formPage.body, QStringLiteral("/web/payments"));
    QVERIFY(form.has_value());
    const qint64 before = checkingBalance();
    const HttpResult refused = browser.submit(formPage, *form,
        { { QStringLiteral("from_account"), account }, { QStringLiteral("payee"), payee },
            { QStringLiteral("amount"), amount } });
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.body.contains(message.toUtf8()), qPrintable(refused.describe()));
    QVERIFY(refused.body.contains("role=\"alert\""));
    QVERIFY(findForm(refused.body, QStringLiteral("/web/payments")).has_value());
    QCOMPARE(checkingBalance(), before);
}

void tst_WebBanking::paymentNeedsTheCsrfToken_data()
{
    QTest::addColumn<QString>("token");
    QTest::newRow("missing") << QString();
    QTest::newRow("forged") << QStringLiteral("forged");
}

void tst_WebBanking::paymentNeedsTheCsrfToken()
{
    QFETCH(QString, token);
    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult formPage = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    const auto form = findForm(formPage.body, QStringLiteral("/web/payments"));
    QVERIFY(form.has_value());
    FormFields fields { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") },
        { QStringLiteral("payee"), QStringLiteral("Attacker") },
        { QStringLiteral("amount"), QStringLiteral("100.00") } };
    if (!token.isEmpty())
        fields.append({ QStringLiteral("csrf_token"), token });
    const qint64 before = checkingBalance();
    // A cross-site form post carries the session cookie but cannot know the CSRF token.
    const HttpResult refused = browser.submit(formPage, *form, fields, { QStringLiteral("csrf_token") });
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.body.contains("CSRF token"));
    QCOMPARE(checkingBalance(), before);
}

void tst_WebBanking::withoutSessionNothingHappens()
{
    Browser browser(*m_bank);
    const qint64 before = checkingBalance();
    const HttpResult payment = browser.postForm(m_bank->url(QStringLiteral("/web/payments")),
        { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") },
            { QStringLiteral("payee"), QStringLiteral("Attacker") },
            { QStringLiteral("amount"), QStringLiteral("1.00") } });
    QCOMPARE(payment.status, 303);
    QVERIFY(payment.location().path().startsWith(QLatin1String("/interaction/")));
    QCOMPARE(checkingBalance(), before);
    for (const char *path : { "/web/accounts/CHK-1001", "/web/apps", "/web/payments" }) {
        const HttpResult page = browser.get(m_bank->url(QLatin1String(path)));
        QCOMPARE(page.status, 303);
        QVERIFY(!page.body.contains("CHK-1001"));
    }
}

void tst_WebBanking::connectedAppsListsAndRevokes()
{
    // John lets CoolLoan in, in the same browser he then uses for online banking.
    Browser browser(*m_bank);
    OAuthClient coolLoan(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    const TokenSet tokens = obtainTokens(*m_bank, coolLoan, request, &browser);
    QVERIFY(tokens.isValid());
    QCOMPARE(coolLoan.api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);

    const HttpResult apps = browser.open(m_bank->url(QStringLiteral("/web/apps")));
    QCOMPARE(apps.status, 200);
    QVERIFY(apps.body.contains("<b>CoolLoan</b>"));
    for (const QString &scope : tokens.scope.split(QLatin1Char(' ')))
        QVERIFY2(
            apps.body.contains(QStringLiteral("<code>%1</code>").arg(scope).toUtf8()), qPrintable(scope));
    const auto revokeForm = findForm(apps.body, QStringLiteral("/web/apps/coolloan/revoke"));
    QVERIFY(revokeForm.has_value());

    const HttpResult revoked = browser.submit(apps, *revokeForm, {});
    QCOMPARE(revoked.status, 303);
    const HttpResult after = browser.follow(revoked);
    QVERIFY(after.body.contains("Access revoked"));
    QVERIFY(!after.body.contains("<b>CoolLoan</b>"));
    QVERIFY(!findForm(after.body, QStringLiteral("/web/apps/coolloan/revoke")).has_value());

    // CoolLoan's next call fails, and its refresh token is refused.
    const HttpResult api = coolLoan.api(QStringLiteral("/api/accounts"), tokens.accessToken);
    QCOMPARE(api.status, 401);
    QCOMPARE(api.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));
    const HttpResult refresh = coolLoan.refresh(tokens.refreshToken);
    QCOMPARE(refresh.status, 400);
    QCOMPARE(refresh.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    // The consent is gone: CoolLoan must ask again.
    const AuthorizationRun again = browser.authorize(AuthorizationRequest());
    QVERIFY(again.sawConsentPage);
    QVERIFY(!again.code().isEmpty());
}

void tst_WebBanking::revokeNeedsTheCsrfToken()
{
    Browser browser(*m_bank);
    OAuthClient coolLoan(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const TokenSet tokens = obtainTokens(*m_bank, coolLoan, {}, &browser);
    QVERIFY(tokens.isValid());
    const HttpResult apps = browser.open(m_bank->url(QStringLiteral("/web/apps")));
    const auto revokeForm = findForm(apps.body, QStringLiteral("/web/apps/coolloan/revoke"));
    QVERIFY(revokeForm.has_value());

    const HttpResult refused = browser.submit(apps, *revokeForm, {}, { QStringLiteral("csrf_token") });
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.body.contains("CSRF token"));
    QCOMPARE(coolLoan.api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
    QVERIFY(browser.open(m_bank->url(QStringLiteral("/web/apps"))).body.contains("<b>CoolLoan</b>"));
}

void tst_WebBanking::logoutEndsTheSession()
{
    Browser browser(*m_bank);
    const HttpResult accounts = browser.logInToWebBanking();
    QCOMPARE(accounts.status, 200);
    const auto logout = findForm(accounts.body, QStringLiteral("/web/logout"));
    QVERIFY(logout.has_value());
    const HttpResult out = browser.submit(accounts, *logout, {});
    QCOMPARE(out.status, 303);
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
    const HttpResult web = browser.open(m_bank->url(QStringLiteral("/web")));
    QVERIFY(web.body.contains("name=\"password\""));
    QVERIFY(!web.body.contains("CHK-1001"));
}

void tst_WebBanking::paymentFormMustBeValidFormEncoding()
{
    // The form with its CSRF token, but an amount that is not valid percent-encoding: refused for its
    // encoding, named as such (RFC 6749 Appendix B) — not as a missing CSRF token, which a form that cannot
    // be read would otherwise look like.
    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult formPage = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    const auto form = findForm(formPage.body, QStringLiteral("/web/payments"));
    QVERIFY(form.has_value());
    const QString token = form->value(QStringLiteral("csrf_token"));
    QVERIFY(!token.isEmpty());
    const qint64 before = checkingBalance();
    const HttpResult refused = browser.post(m_bank->url(QStringLiteral("/web/payments")),
        "csrf_token=" + QUrl::toPercentEncoding(token) + "&from_account=CHK-1001&payee=Someone&amount=1%FF",
        "application/x-www-form-urlencoded");
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.body.contains("percent-encoding"), qPrintable(refused.describe()));
    QVERIFY2(!refused.body.contains("CSRF token"), qPrintable(refused.describe()));
    QCOMPARE(checkingBalance(), before);
}

QTEST_GUILESS_MAIN(tst_WebBanking)
#include "tst_webbanking.moc"
