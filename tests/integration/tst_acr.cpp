// acr and amr in the ID token (OpenID Connect Core §2, §3.1.2.1, §5.5.1.1; RFC 8176): amr says how John
// authenticated — the password form, "pwd" — and acr the class the bank asserts for it, "0"
// (bank/AuthenticationContext.cpp says why), in every ID token: after a login, a silent re-authorization
// and a refresh. acr_values is a preference; an acr required as essential that the bank cannot assert is
// a failed authentication, answered access_denied.

#include "BankHarness.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

const QJsonArray Password { QStringLiteral("pwd") };
} // namespace

class tst_Acr : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void everyIdTokenSaysHowJohnAuthenticated();
    void acrFollowsThePreference_data();
    void acrFollowsThePreference();
    void essentialAcr_data();
    void essentialAcr();

private:
    AuthorizationRun authorize(
        Browser &browser, const AuthorizationRequest &request, const QStringList &edits);
    TokenSet exchange(const AuthorizationRun &run, const AuthorizationRequest &request);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_client;
};

void tst_Acr::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_client = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
}

AuthorizationRun tst_Acr::authorize(
    Browser &browser, const AuthorizationRequest &request, const QStringList &edits)
{
    return browser.authorize(request, {}, {}, edits);
}

TokenSet tst_Acr::exchange(const AuthorizationRun &run, const AuthorizationRequest &request)
{
    if (run.code().isEmpty())
        return {};
    return TokenSet::from(m_client->exchangeCode(run.code(), request.verifier));
}

void tst_Acr::everyIdTokenSaysHowJohnAuthenticated()
{
    Browser browser(*m_bank);
    AuthorizationRequest login;
    const AuthorizationRun first = authorize(browser, login, {});
    QVERIFY(first.sawLoginPage);
    const TokenSet tokens = exchange(first, login);
    QVERIFY2(tokens.isValid(), qPrintable(first.describe()));
    const QJsonObject idToken = payloadOf(tokens.idToken);
    QCOMPARE(idToken.value(text("amr")).toArray(), Password);
    QCOMPARE(idToken.value(text("acr")).toString(), text("0"));

    // A silent re-authorization on the login session: no new login, the same methods and class.
    m_bank->advanceClock(120);
    AuthorizationRequest silent;
    silent.prompt = text("none");
    const AuthorizationRun again = authorize(browser, silent, {});
    QVERIFY(!again.sawLoginPage);
    const TokenSet silentTokens = exchange(again, silent);
    QVERIFY2(silentTokens.isValid(), qPrintable(again.describe()));
    const QJsonObject silentIdToken = payloadOf(silentTokens.idToken);
    QCOMPARE(silentIdToken.value(text("amr")).toArray(), Password);
    QCOMPARE(silentIdToken.value(text("acr")).toString(), text("0"));
    QCOMPARE(silentIdToken.value(text("auth_time")), idToken.value(text("auth_time")));

    // A refresh is not a login: the same again (OIDC Core §12.2).
    m_bank->advanceClock(120);
    const HttpResult refreshed = m_client->refresh(silentTokens.refreshToken);
    QCOMPARE(refreshed.status, 200);
    const QJsonObject refreshedIdToken = payloadOf(TokenSet::from(refreshed).idToken);
    QCOMPARE(refreshedIdToken.value(text("amr")).toArray(), Password);
    QCOMPARE(refreshedIdToken.value(text("acr")).toString(), text("0"));
}

void tst_Acr::acrFollowsThePreference_data()
{
    QTest::addColumn<QStringList>("edits");
    QTest::addColumn<QString>("acr");
    // The only value the bank asserts is "0"; a preference it cannot meet is voluntary (§3.1.2.1): the
    // ID token says what the bank did, never what was asked.
    QTest::newRow("nothing asked") << QStringList() << text("0");
    QTest::newRow("acr_values 0") << QStringList { text("acr_values=0") } << text("0");
    QTest::newRow("acr_values: the first the bank can assert")
        << QStringList { text("acr_values=urn:example:loa:gold 0") } << text("0");
    QTest::newRow("acr_values: none the bank can assert")
        << QStringList { text("acr_values=urn:example:loa:gold urn:example:loa:silver") } << text("0");
    QTest::newRow("claims acr values, voluntary")
        << QStringList { text(R"(claims={"id_token":{"acr":{"values":["urn:example:loa:gold","0"]}}})") }
        << text("0");
    QTest::newRow("claims acr value, voluntary, not met")
        << QStringList { text(R"(claims={"id_token":{"acr":{"value":"urn:example:loa:gold"}}})") }
        << text("0");
}

void tst_Acr::acrFollowsThePreference()
{
    QFETCH(QStringList, edits);
    QFETCH(QString, acr);
    Browser browser(*m_bank);
    AuthorizationRequest request;
    const AuthorizationRun run = authorize(browser, request, edits);
    const TokenSet tokens = exchange(run, request);
    QVERIFY2(tokens.isValid(), qPrintable(run.describe()));
    const QJsonObject idToken = payloadOf(tokens.idToken);
    QCOMPARE(idToken.value(text("acr")).toString(), acr);
    QCOMPARE(idToken.value(text("amr")).toArray(), Password);
}

void tst_Acr::essentialAcr_data()
{
    QTest::addColumn<QString>("acrRequest"); // claims' id_token.acr entry
    QTest::addColumn<bool>("refused");
    QTest::newRow("essential, values the bank cannot assert")
        << text(R"({"essential":true,"values":["urn:example:loa:gold","urn:example:loa:silver"]})") << true;
    QTest::newRow("essential, a value the bank cannot assert")
        << text(R"({"essential":true,"value":"urn:example:loa:gold"})") << true;
    QTest::newRow("essential, a value of the wrong type") << text(R"({"essential":true,"value":0})") << true;
    QTest::newRow("essential, one of the values is 0")
        << text(R"({"essential":true,"values":["urn:example:loa:gold","0"]})") << false;
    QTest::newRow("essential, the value 0") << text(R"({"essential":true,"value":"0"})") << false;
    QTest::newRow("essential without values: any") << text(R"({"essential":true})") << false;
    QTest::newRow("voluntary, values the bank cannot assert")
        << text(R"({"essential":false,"values":["urn:example:loa:gold"]})") << false;
}

void tst_Acr::essentialAcr()
{
    QFETCH(QString, acrRequest);
    QFETCH(bool, refused);
    Browser browser(*m_bank);
    AuthorizationRequest request;
    const AuthorizationRun run
        = authorize(browser, request, { text(R"(claims={"id_token":{"acr":%1}})").arg(acrRequest) });
    if (refused) {
        // A failed authentication (§5.5.1.1), at once: no login page could change it.
        QVERIFY(!run.sawLoginPage);
        QCOMPARE(run.error(), text("access_denied"));
        QVERIFY2(run.response.value(text("error_description")).contains(text("essential acr")),
            qPrintable(run.response.value(text("error_description"))));
        QCOMPARE(run.response.value(text("state")), request.state);
        return;
    }
    const TokenSet tokens = exchange(run, request);
    QVERIFY2(tokens.isValid(), qPrintable(run.describe()));
    QCOMPARE(payloadOf(tokens.idToken).value(text("acr")).toString(), text("0"));
}

QTEST_GUILESS_MAIN(tst_Acr)
#include "tst_acr.moc"
