// The claims request parameter (OpenID Connect Core §5.5): refused when malformed (§5.5, RFC 6749
// §4.1.2.1), kept with the grant and released — the id_token claims in every ID token, refresh included,
// the userinfo claims at userinfo besides the scope's (§5.4) — after John consented to them by name; and a
// subject requested by value (§5.5.1) is the only one the bank answers for.

#include "BankHarness.h"
#include "crypto/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}
} // namespace

class tst_ClaimsParameter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void malformedIsRefused_data();
    void malformedIsRefused();
    void wellFormedIsAccepted_data();
    void wellFormedIsAccepted();
    void releasedWhereAsked_data();
    void releasedWhereAsked();
    void refreshedIdTokenCarriesTheSameClaims();
    void narrowerRefreshReleasesNoClaimOfALeftOutScope();
    void consentPageNamesTheClaims();
    void rememberedConsentDoesNotCoverNewClaims();
    void requestedSubject_data();
    void requestedSubject();
    void anotherCustomerCannotLogIn();

private:
    struct Outcome
    {
        AuthorizationRun run;
        TokenSet tokens;
        QJsonObject idToken;
        QJsonObject userInfo;
    };
    // A whole grant in `browser` (a fresh one when null) for `client`, with `edits` to the request.
    Outcome grant(OAuthClient &client, const QString &scope, const QStringList &edits,
        Browser *browser = nullptr, const ConsentChoice &consent = {});
    QString johnSubject() const;

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan; // not registered for address and phone
    std::unique_ptr<OAuthClient> m_profileApp; // registered for every profile scope
};

void tst_ClaimsParameter::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const RegisteredClient app
        = m_bank->registerClient(text("Profile App"), { text("http://127.0.0.1/callback") },
            text("openid profile email address phone offline_access").split(QLatin1Char(' ')));
    QVERIFY(!app.clientSecret.isEmpty());
    m_profileApp
        = std::make_unique<OAuthClient>(*m_bank, ClientCredentials { app.clientId, app.clientSecret });
}

QString tst_ClaimsParameter::johnSubject() const
{
    return QStringLiteral("user-%1").arg(m_bank->store().users().userByUsername(text("john"))->id);
}

tst_ClaimsParameter::Outcome tst_ClaimsParameter::grant(OAuthClient &client, const QString &scope,
    const QStringList &edits, Browser *browser, const ConsentChoice &consent)
{
    Outcome outcome;
    Browser fresh(*m_bank);
    Browser &b = browser ? *browser : fresh;
    AuthorizationRequest request;
    request.clientId = client.credentials().id;
    request.scope = scope;
    outcome.run = b.authorize(request, {}, consent, edits);
    if (outcome.run.code().isEmpty())
        return outcome;
    outcome.tokens = TokenSet::from(client.exchangeCode(outcome.run.code(), request.verifier));
    outcome.idToken = payloadOf(outcome.tokens.idToken);
    outcome.userInfo = client.api(text("/userinfo"), outcome.tokens.accessToken).json();
    return outcome;
}

void tst_ClaimsParameter::malformedIsRefused_data()
{
    QTest::addColumn<QString>("claims");
    QTest::addColumn<QString>("says");
    QTest::newRow("not JSON") << text(R"({"userinfo":)") << text("claims is not valid JSON");
    QTest::newRow("an array") << text(R"(["email"])") << text("claims must be a JSON object");
    QTest::newRow("a string") << text(R"("email")") << text("claims must be a JSON object");
    QTest::newRow("userinfo an array")
        << text(R"({"userinfo":["email"]})") << text("claims.userinfo must be a JSON object");
    QTest::newRow("id_token a string")
        << text(R"({"id_token":"email"})") << text("claims.id_token must be a JSON object");
    QTest::newRow("a claim as a string") << text(R"({"userinfo":{"email":"please"}})")
                                         << text("claims.userinfo.email must be null or an object");
    QTest::newRow("a claim as true") << text(R"({"id_token":{"email":true}})")
                                     << text("claims.id_token.email must be null or an object");
    QTest::newRow("essential as a string") << text(R"({"id_token":{"email":{"essential":"yes"}}})")
                                           << text("claims.id_token.email.essential must be true or false");
    QTest::newRow("values not an array") << text(R"({"id_token":{"acr":{"values":"0"}}})")
                                         << text("claims.id_token.acr.values must be an array");
}

void tst_ClaimsParameter::malformedIsRefused()
{
    QFETCH(QString, claims);
    QFETCH(QString, says);
    Browser browser(*m_bank);
    AuthorizationRequest request;
    const HttpResult answer = browser.get(request.url(*m_bank, { text("claims=") + claims }));
    // Back to the client: the client and its redirect URI are good (RFC 6749 §4.1.2.1), with state.
    QVERIFY2(answer.isRedirect() && !m_bank->isBankUrl(answer.location()), qPrintable(answer.describe()));
    const UrlParameters response = UrlParameters::of(answer.location());
    QCOMPARE(response.value(text("error")), text("invalid_request"));
    QVERIFY2(response.value(text("error_description")).startsWith(says),
        qPrintable(response.value(text("error_description"))));
    QCOMPARE(response.value(text("state")), request.state);
    QVERIFY(!response.has(text("code")));
}

void tst_ClaimsParameter::wellFormedIsAccepted_data()
{
    QTest::addColumn<QString>("claims");
    QTest::newRow("empty object") << text("{}");
    QTest::newRow("null entries") << text(R"({"userinfo":{"email":null},"id_token":{"name":null}})");
    QTest::newRow("every member") << text(
        R"({"id_token":{"auth_time":{"essential":true},"acr":{"values":["0"]},"email":{"value":"x@y"}}})");
    QTest::newRow("claims the bank does not know")
        << text(R"({"userinfo":{"shoe_size":{"essential":true}}})");
    QTest::newRow("members the bank does not know") << text(R"({"id_token":{},"x-extension":[1,2]})");
}

void tst_ClaimsParameter::wellFormedIsAccepted()
{
    QFETCH(QString, claims);
    const Outcome outcome = grant(*m_coolLoan, text("openid"), { text("claims=") + claims });
    QVERIFY2(!outcome.run.code().isEmpty(), qPrintable(outcome.run.describe()));
    QVERIFY(outcome.tokens.isValid());
    QVERIFY(!outcome.idToken.contains(text("shoe_size")));
    QVERIFY(!outcome.userInfo.contains(text("shoe_size")));
}

void tst_ClaimsParameter::releasedWhereAsked_data()
{
    QTest::addColumn<bool>("profileApp"); // else CoolLoan, which is not registered for address and phone
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("claims");
    QTest::addColumn<QStringList>("untick");
    QTest::addColumn<QStringList>("inIdToken");
    QTest::addColumn<QStringList>("notInIdToken");
    QTest::addColumn<QStringList>("atUserInfo");
    QTest::addColumn<QStringList>("notAtUserInfo");

    const QStringList none;
    QTest::newRow("id_token claims, openid only")
        << true << text("openid") << text(R"({"id_token":{"email":null,"name":{"essential":true}}})") << none
        << QStringList { text("email"), text("name") } << QStringList { text("phone_number") } << none
        << QStringList { text("email"), text("name") };
    QTest::newRow("userinfo claims, openid only")
        << true << text("openid")
        << text(R"({"userinfo":{"phone_number":null,"address":{"essential":true}}})") << none << none
        << QStringList { text("phone_number"), text("address") }
        << QStringList { text("phone_number"), text("address") }
        << QStringList { text("email"), text("name"), text("phone_number_verified") };
    QTest::newRow("both, besides the scope's")
        << true << text("openid email")
        << text(R"({"id_token":{"birthdate":null},"userinfo":{"locale":null}})") << none
        << QStringList { text("birthdate") } << QStringList { text("email"), text("locale") }
        << QStringList { text("email"), text("email_verified"), text("locale") }
        << QStringList { text("birthdate") };
    QTest::newRow("a claim of a scope the client is not registered for")
        << false << text("openid") << text(R"({"id_token":{"phone_number":null,"email":null}})") << none
        << QStringList { text("email") } << QStringList { text("phone_number") } << none
        << QStringList { text("phone_number") };
    QTest::newRow("a claim of a scope John unticked")
        << true << text("openid email") << text(R"({"id_token":{"email":null,"name":null}})")
        << QStringList { text("email") } << QStringList { text("name") } << QStringList { text("email") }
        << none << QStringList { text("email") };
}

void tst_ClaimsParameter::releasedWhereAsked()
{
    QFETCH(bool, profileApp);
    QFETCH(QString, scope);
    QFETCH(QString, claims);
    QFETCH(QStringList, untick);
    QFETCH(QStringList, inIdToken);
    QFETCH(QStringList, notInIdToken);
    QFETCH(QStringList, atUserInfo);
    QFETCH(QStringList, notAtUserInfo);

    ConsentChoice consent;
    consent.untick = untick;
    const Outcome outcome = grant(profileApp ? *m_profileApp : *m_coolLoan, scope,
        { text("claims=") + claims, text("prompt=consent") }, nullptr, consent);
    QVERIFY2(outcome.tokens.isValid(), qPrintable(outcome.run.describe()));
    const User john = *m_bank->store().users().userByUsername(text("john"));
    for (const QString &claim : inIdToken)
        QVERIFY2(outcome.idToken.contains(claim), qPrintable(claim));
    for (const QString &claim : notInIdToken)
        QVERIFY2(!outcome.idToken.contains(claim), qPrintable(claim));
    for (const QString &claim : atUserInfo)
        QVERIFY2(outcome.userInfo.contains(claim), qPrintable(claim));
    for (const QString &claim : notAtUserInfo)
        QVERIFY2(!outcome.userInfo.contains(claim), qPrintable(claim));
    // The values are John's, the same in both places; the protocol's claims are untouched.
    if (outcome.idToken.contains(text("email")))
        QCOMPARE(outcome.idToken.value(text("email")).toString(), john.email);
    if (outcome.userInfo.contains(text("phone_number")))
        QCOMPARE(outcome.userInfo.value(text("phone_number")).toString(), john.phoneNumber);
    QCOMPARE(outcome.idToken.value(text("sub")).toString(), johnSubject());
    QCOMPARE(outcome.userInfo.value(text("sub")).toString(), johnSubject());
}

void tst_ClaimsParameter::refreshedIdTokenCarriesTheSameClaims()
{
    // OIDC Core §12.2: the refreshed ID token is for the same grant — the same claims asked by name.
    const Outcome outcome = grant(*m_profileApp, text("openid offline_access"),
        { text(R"(claims={"id_token":{"email":null,"phone_number":null},"userinfo":{"nickname":null}})") });
    QVERIFY2(!outcome.tokens.refreshToken.isEmpty(), qPrintable(outcome.run.describe()));
    m_bank->advanceClock(60);
    TokenSet tokens = outcome.tokens;
    for (int refresh = 0; refresh < 2; ++refresh) {
        const HttpResult response = m_profileApp->refresh(tokens.refreshToken);
        QCOMPARE(response.status, 200);
        tokens = TokenSet::from(response);
        const QJsonObject idToken = payloadOf(tokens.idToken);
        QCOMPARE(idToken.value(text("email")), outcome.idToken.value(text("email")));
        QCOMPARE(idToken.value(text("phone_number")), outcome.idToken.value(text("phone_number")));
        QVERIFY(!idToken.value(text("email")).toString().isEmpty());
        QVERIFY(!idToken.contains(text("nickname")));
        const QJsonObject userInfo = m_profileApp->api(text("/userinfo"), tokens.accessToken).json();
        QVERIFY(userInfo.contains(text("nickname")));
        QVERIFY(!userInfo.contains(text("email")));
    }
}

void tst_ClaimsParameter::narrowerRefreshReleasesNoClaimOfALeftOutScope()
{
    // RFC 6749 §6: a refresh may ask for less. A claim asked for by name whose scope the narrower token
    // leaves out is not released, in the ID token or at userinfo; the next refresh token keeps the grant's
    // claims, so asking for the whole scope again brings them back.
    const Outcome outcome = grant(*m_profileApp, text("openid email offline_access"),
        { text(R"(claims={"id_token":{"email":null},"userinfo":{"email":null,"phone_number":null}})") });
    QVERIFY2(!outcome.tokens.refreshToken.isEmpty(), qPrintable(outcome.run.describe()));
    QVERIFY(!outcome.idToken.value(text("email")).toString().isEmpty());
    m_bank->advanceClock(60);

    HttpResult response = m_profileApp->refresh(outcome.tokens.refreshToken, text("openid offline_access"));
    QCOMPARE(response.status, 200);
    TokenSet tokens = TokenSet::from(response);
    QVERIFY2(!payloadOf(tokens.idToken).contains(text("email")), qPrintable(tokens.idToken));
    QJsonObject userInfo = m_profileApp->api(text("/userinfo"), tokens.accessToken).json();
    QVERIFY2(!userInfo.contains(text("email")), QJsonDocument(userInfo).toJson().constData());
    // phone_number was asked for by name, its scope never requested: John consented to it by name.
    QVERIFY(userInfo.contains(text("phone_number")));

    response = m_profileApp->refresh(tokens.refreshToken, text("openid email offline_access"));
    QCOMPARE(response.status, 200);
    tokens = TokenSet::from(response);
    QCOMPARE(payloadOf(tokens.idToken).value(text("email")), outcome.idToken.value(text("email")));
    userInfo = m_profileApp->api(text("/userinfo"), tokens.accessToken).json();
    QVERIFY(userInfo.contains(text("email")));
}

void tst_ClaimsParameter::consentPageNamesTheClaims()
{
    // John sees, in plain words, each claim asked for by name that no requested scope covers already.
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.clientId = m_profileApp->credentials().id;
    request.scope = text("openid email");
    request.prompt = text("consent"); // whatever John consented to before
    const HttpResult login = browser.open(request.url(*m_bank,
        { text(R"(claims={"id_token":{"phone_number":{"essential":true},"email":null},)"
               R"("userinfo":{"birthdate":null,"shoe_size":null}})") }));
    const HttpResult consent = browser.follow(browser.submitLogin(login, {}));
    QCOMPARE(consent.status, 200);
    const QString page = consent.text();
    QVERIFY2(page.contains(text("id=\"claim-phone_number\"")), qPrintable(page));
    QVERIFY(page.contains(text("Your phone number")));
    QVERIFY(page.contains(text("id=\"claim-birthdate\"")));
    QVERIFY(page.contains(text("Your date of birth")));
    // essential: the app says it needs it (§5.5.1)
    QVERIFY(page.contains(text("says it needs this")));
    // email comes with the email scope, which John may untick; a claim the bank does not know, nowhere.
    QVERIFY(!page.contains(text("id=\"claim-email\"")));
    QVERIFY(!page.contains(text("shoe_size")));

    // Without claims by name, no such list.
    Browser other(*m_bank);
    const HttpResult plain = other.follow(other.submitLogin(other.open(request.url(*m_bank)), {}));
    QCOMPARE(plain.status, 200);
    QVERIFY(!plain.text().contains(text("class=\"claims\"")));
}

void tst_ClaimsParameter::rememberedConsentDoesNotCoverNewClaims()
{
    // John consented to openid and email for the app; a claim of another scope asked by name needs his
    // consent again (OIDC Core §5.5; the bank remembers consent by scope).
    Browser browser(*m_bank);
    const Outcome first = grant(*m_profileApp, text("openid email"), { text("prompt=consent") }, &browser);
    QVERIFY2(first.run.sawConsentPage && first.tokens.isValid(), qPrintable(first.run.describe()));
    const Outcome again = grant(*m_profileApp, text("openid email"), {}, &browser);
    QVERIFY2(!again.run.sawConsentPage && again.tokens.isValid(), qPrintable(again.run.describe()));

    const QString phone = text(R"(claims={"userinfo":{"phone_number":null}})");
    const Outcome silent
        = grant(*m_profileApp, text("openid email"), { phone, text("prompt=none") }, &browser);
    QCOMPARE(silent.run.error(), text("consent_required"));
    const Outcome asked = grant(*m_profileApp, text("openid email"), { phone }, &browser);
    QVERIFY2(asked.run.sawConsentPage && asked.tokens.isValid(), qPrintable(asked.run.describe()));
    QVERIFY(asked.userInfo.contains(text("phone_number")));
    // A claim of a scope he did consent to is covered.
    const Outcome covered
        = grant(*m_profileApp, text("openid"), { text(R"(claims={"id_token":{"email":null}})") }, &browser);
    QVERIFY2(!covered.run.sawConsentPage && covered.tokens.isValid(), qPrintable(covered.run.describe()));
    QVERIFY(covered.idToken.contains(text("email")));
}

void tst_ClaimsParameter::requestedSubject_data()
{
    QTest::addColumn<bool>("loggedIn"); // John has a login session at the bank
    QTest::addColumn<QString>("sub"); // "john": his subject; else as written
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<bool>("loginPage"); // John is asked to log in
    QTest::addColumn<QString>("error"); // '' for a code; "login form" when the login form refuses John

    QTest::newRow("no session, John asked for") << false << text("john") << QString() << true << QString();
    QTest::newRow("John's session, John asked for")
        << true << text("john") << QString() << false << QString();
    QTest::newRow("John's session, John asked for, prompt=none")
        << true << text("john") << text("none") << false << QString();
    QTest::newRow("John's session, another asked for")
        << true << text("user-999") << QString() << true << text("login form");
    QTest::newRow("John's session, another asked for, prompt=none")
        << true << text("user-999") << text("none") << false << text("login_required");
    QTest::newRow("sub without a value: anyone") << true << QString() << text("none") << false << QString();
}

void tst_ClaimsParameter::requestedSubject()
{
    QFETCH(bool, loggedIn);
    QFETCH(QString, sub);
    QFETCH(QString, prompt);
    QFETCH(bool, loginPage);
    QFETCH(QString, error);

    // CoolLoan, with John's consent remembered already, so that prompt=none can be answered.
    Browser john(*m_bank);
    QVERIFY(grant(*m_coolLoan, text("openid"), {}, &john).tokens.isValid());
    Browser fresh(*m_bank);
    Browser &browser = loggedIn ? john : fresh;
    const QString subject = sub == QLatin1String("john") ? johnSubject() : sub;
    const QString entry
        = subject.isEmpty() ? text("{\"essential\":true}") : text(R"({"value":"%1"})").arg(subject);
    QStringList edits { text(R"(claims={"id_token":{"sub":%1}})").arg(entry) };
    if (!prompt.isEmpty())
        edits.append(text("prompt=") + prompt);
    const Outcome outcome = grant(*m_coolLoan, text("openid"), edits, &browser);
    QCOMPARE(outcome.run.sawLoginPage, loginPage);
    if (error == QLatin1String("login form")) {
        // John, logged in as himself, is not the customer asked for: the form again, no code.
        QCOMPARE(outcome.run.last.status, 403);
        QVERIFY(outcome.run.last.body.contains("name=\"password\""));
        QVERIFY(outcome.run.callback.isEmpty());
        return;
    }
    QCOMPARE(outcome.run.error(), error);
    if (error.isEmpty()) {
        QVERIFY2(outcome.tokens.isValid(), qPrintable(outcome.run.describe()));
        QCOMPARE(outcome.idToken.value(text("sub")).toString(), johnSubject());
    } else {
        QVERIFY(!outcome.tokens.isValid());
    }
}

void tst_ClaimsParameter::anotherCustomerCannotLogIn()
{
    // The client asked for John; Mallory logs in: the login form again, no session, no code (§5.5.1).
    Browser browser(*m_bank);
    AuthorizationRequest request;
    const HttpResult login = browser.open(
        request.url(*m_bank, { text(R"(claims={"id_token":{"sub":{"value":"%1"}}})").arg(johnSubject()) }));
    QVERIFY(login.body.contains("name=\"password\""));
    const HttpResult answer = browser.submitLogin(login, { text("mallory"), text("mallory-knows") });
    QCOMPARE(answer.status, 403);
    QVERIFY2(answer.body.contains("name=\"password\""), qPrintable(answer.describe()));
    QVERIFY(answer.text().contains(text("Log in as that customer")));
    QVERIFY(!browser.hasCookie(text("cfl_session")));
    // John himself gets in.
    const HttpResult john = browser.submitLogin(answer, {});
    QVERIFY2(john.isRedirect(), qPrintable(john.describe()));
    QVERIFY(browser.hasCookie(text("cfl_session")));
}

QTEST_GUILESS_MAIN(tst_ClaimsParameter)
#include "tst_claimsparameter.moc"
