// OpenID Connect RP-Initiated Logout 1.0 at the bank (bank/EndSessionEndpoint.h), over real HTTP:
// - a request the bank can trust (an ID token it issued to the app, about John, a registered
//   post_logout_redirect_uri) ends the session and sends John back with state (§2, §3);
// - every other combination — no hint, a forged one, another app's client_id, an unknown app, an
//   unregistered, modified or extended URI — never redirects: a page asks John, says why, and logs him
//   out only when he confirms with the session's CSRF token (§3, §4; logout CSRF);
// - after either, the session is over at the bank: prompt=none answers login_required (OIDC Core
//   §3.1.2.6), the old cookie opens nothing;
// - `codeflow-bank register-client --post-logout-redirect-uri` registers them, and refuses bad ones.

#include "BankHarness.h"
#include "bank/ClientRegistration.h"
#include "bank/PageRenderer.h"
#include "crypto/Jwt.h"
#include "crypto/SigningKey.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {
QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

constexpr auto LogoutUri
    = "http://127.0.0.1:5555/logged-out"; // CoolLoan's, seeded http://127.0.0.1/logged-out
constexpr int ProcessTimeoutMs = 60000;

// A hint placeholder in a row's parameters: the ID token the row's browser got for CoolLoan.
const QString Hint = QStringLiteral("<hint>");
// The same token with one byte of its signature changed.
const QString ForgedHint = QStringLiteral("<forged hint>");
} // namespace

class tst_EndSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void discoveryNamesTheEndpoint();
    void trustedRequestRedirectsWithState_data();
    void trustedRequestRedirectsWithState();
    void untrustedRequestAsksJohnAndNeverRedirects_data();
    void untrustedRequestAsksJohnAndNeverRedirects();
    void confirmationWithoutItsCsrfTokenKeepsTheSession();
    void anotherUsersHintAsksFirst();
    void hintThatIsNoIdTokenOfThisBankAsksFirst_data();
    void hintThatIsNoIdTokenOfThisBankAsksFirst();
    void hintOfAnEarlierLoginAsksFirst();
    void hintOfAnAppTheBankNoLongerKnowsAsksFirst();
    void expiredHintIsStillAHint();
    void expiredHintOfARetiredKeyIsStillAHint();
    void otherAppsKeepTheirTokensAndConsent();
    void registerClientTakesPostLogoutRedirectUris_data();
    void registerClientTakesPostLogoutRedirectUris();

private:
    // John's browser, logged in at the bank by CoolLoan's grant (or `client`'s), and the ID token it got.
    QString logInThrough(Browser &browser, OAuthClient &client, const QString &redirectUri = {});
    QUrl endSessionUrl(const FormFields &fields, const QString &hint) const;
    // Whether `browser` still has a session at the bank: prompt=none gets a code, or login_required.
    QString promptNone(Browser &browser);
    // The checks that refused during the last request, by id.
    static QString refusingCheck(const QSignalSpy &exchanges);
    static QByteArray sessionCookie(const Browser &browser);
    // A copy of the cookie taken before the logout, replayed: prompt=none gets a code, or login_required.
    QString promptNoneWith(const QByteArray &cookie);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan;
    RegisteredClient m_otherApp; // its own post-logout URI, https://other.example/bye
    std::unique_ptr<OAuthClient> m_other;
    QTemporaryDir m_home;
};

void tst_EndSession::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { text(CoolLoanId), m_bank->coolLoanSecret() });
    ClientRegistrationRequest request;
    request.name = text("Other App");
    request.redirectUris = { text("http://127.0.0.1/callback") };
    request.postLogoutRedirectUris = { text("https://other.example/bye") };
    const auto registered = registerClient(m_bank->store(), request, m_bank->now());
    QVERIFY(std::holds_alternative<RegisteredClient>(registered));
    m_otherApp = std::get<RegisteredClient>(registered);
    m_other = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { m_otherApp.clientId, m_otherApp.clientSecret });
}

void tst_EndSession::cleanup()
{
    m_bank->server().setDisabledChecks({});
}

QString tst_EndSession::logInThrough(Browser &browser, OAuthClient &client, const QString &redirectUri)
{
    AuthorizationRequest request;
    request.clientId = client.credentials().id;
    if (!redirectUri.isEmpty())
        request.redirectUri = redirectUri;
    return obtainTokens(*m_bank, client, request, &browser).idToken;
}

QUrl tst_EndSession::endSessionUrl(const FormFields &fields, const QString &hint) const
{
    QString forged = hint;
    forged[forged.size() - 2]
        = forged.at(forged.size() - 2) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    FormFields parameters;
    for (const auto &[name, value] : fields)
        parameters.append({ name, value == Hint ? hint : value == ForgedHint ? forged : value });
    QUrl url = m_bank->url(text("/session/end"));
    url.setQuery(QString::fromLatin1(encodeForm(parameters)));
    return url;
}

QString tst_EndSession::promptNone(Browser &browser)
{
    AuthorizationRequest request;
    request.prompt = text("none");
    const AuthorizationRun run = browser.authorize(request);
    return run.code().isEmpty() ? run.error() : text("code");
}

QByteArray tst_EndSession::sessionCookie(const Browser &browser)
{
    for (const QNetworkCookie &cookie : browser.cookiesFor(text("/web"))) {
        if (cookie.name() == "cfl_session")
            return cookie.value();
    }
    return {};
}

QString tst_EndSession::promptNoneWith(const QByteArray &cookie)
{
    AuthorizationRequest silent;
    silent.prompt = text("none");
    HttpAgent replay;
    const HttpResult answer = replay.get(silent.url(*m_bank), { { "Cookie", "cfl_session=" + cookie } });
    const UrlParameters parameters = UrlParameters::of(answer.location());
    return parameters.has(text("code")) ? text("code") : parameters.value(text("error"));
}

QString tst_EndSession::refusingCheck(const QSignalSpy &exchanges)
{
    if (exchanges.isEmpty())
        return {};
    const BankExchange exchange = exchanges.last().at(0).value<BankExchange>();
    for (const BankDecision &decision : exchange.decisions) {
        if (decision.refusal)
            return decision.check;
    }
    return {};
}

void tst_EndSession::discoveryNamesTheEndpoint()
{
    HttpAgent agent;
    const QJsonObject metadata = agent.get(m_bank->url(text("/.well-known/openid-configuration"))).json();
    // RP-Initiated Logout 1.0 §2.1.
    QCOMPARE(metadata.value(QStringLiteral("end_session_endpoint")).toString(),
        m_bank->issuerString() + QStringLiteral("/session/end"));
}

void tst_EndSession::trustedRequestRedirectsWithState_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<bool>("otherApp");
    QTest::addColumn<FormFields>("fields");
    QTest::addColumn<QString>("expectedLocation"); // empty: the bank's "logged out" page, no redirect

    const QString state = text("af0ifjsldkj");
    QTest::newRow("GET, hint, URI, state")
        << QByteArray("GET") << false
        << FormFields { { text("id_token_hint"), Hint },
               { text("post_logout_redirect_uri"), text(LogoutUri) }, { text("state"), state } }
        << text("http://127.0.0.1:5555/logged-out?state=af0ifjsldkj");
    QTest::newRow("POST form, hint, client_id, URI, state")
        << QByteArray("POST") << false
        << FormFields { { text("id_token_hint"), Hint }, { text("client_id"), text(CoolLoanId) },
               { text("post_logout_redirect_uri"), text(LogoutUri) }, { text("state"), state } }
        << text("http://127.0.0.1:5555/logged-out?state=af0ifjsldkj");
    // RFC 8252 §7.3: a loopback URI's port may vary, as for redirect_uri.
    QTest::newRow("another loopback port")
        << QByteArray("GET") << false
        << FormFields { { text("id_token_hint"), Hint },
               { text("post_logout_redirect_uri"), text("http://127.0.0.1:41234/logged-out") },
               { text("state"), state } }
        << text("http://127.0.0.1:41234/logged-out?state=af0ifjsldkj");
    QTest::newRow("no state") << QByteArray("GET") << false
                              << FormFields { { text("id_token_hint"), Hint },
                                     { text("post_logout_redirect_uri"), text(LogoutUri) } }
                              << text(LogoutUri);
    QTest::newRow("logout_hint and ui_locales accepted")
        << QByteArray("GET") << false
        << FormFields { { text("id_token_hint"), Hint },
               { text("post_logout_redirect_uri"), text(LogoutUri) }, { text("logout_hint"), text("john") },
               { text("ui_locales"), text("de en") }, { text("state"), state } }
        << text("http://127.0.0.1:5555/logged-out?state=af0ifjsldkj");
    QTest::newRow("a registered app's own URI")
        << QByteArray("GET") << true
        << FormFields { { text("id_token_hint"), Hint },
               { text("post_logout_redirect_uri"), text("https://other.example/bye") },
               { text("state"), state } }
        << text("https://other.example/bye?state=af0ifjsldkj");
    QTest::newRow("hint without URI: logged out, no redirect")
        << QByteArray("GET") << false << FormFields { { text("id_token_hint"), Hint } } << QString();
}

void tst_EndSession::trustedRequestRedirectsWithState()
{
    QFETCH(QByteArray, method);
    QFETCH(bool, otherApp);
    QFETCH(FormFields, fields);
    QFETCH(QString, expectedLocation);

    Browser browser(*m_bank);
    const QString hint = logInThrough(browser, otherApp ? *m_other : *m_coolLoan);
    QVERIFY(isCompactJws(hint));
    QCOMPARE(promptNone(browser), text("code")); // the session is there
    const QByteArray cookie = sessionCookie(browser);
    QVERIFY(!cookie.isEmpty());

    const QUrl url = endSessionUrl(fields, hint);
    const HttpResult answer = method == "GET"
        ? browser.get(url)
        : browser.post(m_bank->url(text("/session/end")), url.query(QUrl::FullyEncoded).toUtf8(),
            "application/x-www-form-urlencoded");
    if (expectedLocation.isEmpty()) {
        QVERIFY2(answer.status == 200 && !answer.isRedirect(), qPrintable(answer.describe()));
        QVERIFY2(answer.body.contains("You are logged out of the bank"), qPrintable(answer.describe()));
    } else {
        QVERIFY2(answer.status == 303, qPrintable(answer.describe()));
        QCOMPARE(answer.location().toString(QUrl::FullyEncoded), expectedLocation);
    }
    // The cookie is cleared, and the session is over at the bank: a copy of the cookie opens nothing.
    QVERIFY2(!browser.hasCookie(text("cfl_session")), qPrintable(answer.describe()));
    QCOMPARE(promptNone(browser), text("login_required"));
    QCOMPARE(promptNoneWith(cookie), text("login_required"));
}

void tst_EndSession::untrustedRequestAsksJohnAndNeverRedirects_data()
{
    QTest::addColumn<FormFields>("fields");
    QTest::addColumn<QString>("check"); // the one that decides the bank cannot trust the request

    const QString uri = text(LogoutUri);
    const QString state = text("xyz");
    QTest::newRow("no id_token_hint") << FormFields { { text("client_id"), text(CoolLoanId) },
        { text("post_logout_redirect_uri"), uri }, { text("state"), state } }
                                      << text("end_session.id_token_hint.present");
    QTest::newRow("nothing at all") << FormFields {} << text("end_session.id_token_hint.present");
    QTest::newRow("forged id_token_hint") << FormFields { { text("id_token_hint"), ForgedHint },
        { text("post_logout_redirect_uri"), uri }, { text("state"), state } }
                                          << text("end_session.id_token_hint.issued");
    QTest::newRow("not a JWT") << FormFields { { text("id_token_hint"), text("hello") },
        { text("post_logout_redirect_uri"), uri } }
                               << text("end_session.id_token_hint.issued");
    QTest::newRow("another app's client_id") << FormFields { { text("id_token_hint"), Hint },
        { text("client_id"), text("<other>") }, { text("post_logout_redirect_uri"), uri } }
                                             << text("end_session.client_id.audience");
    QTest::newRow("unknown client_id") << FormFields { { text("id_token_hint"), Hint },
        { text("client_id"), text("nobody") }, { text("post_logout_redirect_uri"), uri } }
                                       << text("end_session.client_id.audience");
    QTest::newRow("unregistered URI") << FormFields { { text("id_token_hint"), Hint },
        { text("post_logout_redirect_uri"), text("https://evil.example/logged-out") },
        { text("state"), state } } << text("end_session.post_logout_redirect_uri");
    QTest::newRow("another app's URI") << FormFields { { text("id_token_hint"), Hint },
        { text("post_logout_redirect_uri"), text("https://other.example/bye") } }
                                       << text("end_session.post_logout_redirect_uri");
    QTest::newRow("modified path") << FormFields { { text("id_token_hint"), Hint },
        { text("post_logout_redirect_uri"), text("http://127.0.0.1:5555/logged-out/") } }
                                   << text("end_session.post_logout_redirect_uri");
    QTest::newRow("localhost for 127.0.0.1") << FormFields { { text("id_token_hint"), Hint },
        { text("post_logout_redirect_uri"), text("http://localhost:5555/logged-out") } }
                                             << text("end_session.post_logout_redirect_uri");
    QTest::newRow("query added") << FormFields { { text("id_token_hint"), Hint },
        { text("post_logout_redirect_uri"),
            text("http://127.0.0.1:5555/logged-out?next=https://evil.example") } }
                                 << text("end_session.post_logout_redirect_uri");
    QTest::newRow("repeated post_logout_redirect_uri")
        << FormFields { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), uri },
               { text("post_logout_redirect_uri"), text("https://evil.example/") } }
        << text("end_session.parameters");
}

void tst_EndSession::untrustedRequestAsksJohnAndNeverRedirects()
{
    QFETCH(FormFields, fields);
    QFETCH(QString, check);
    for (auto &[name, value] : fields) {
        if (value == QLatin1String("<other>"))
            value = m_otherApp.clientId;
    }

    Browser browser(*m_bank);
    const QString hint = logInThrough(browser, *m_coolLoan);
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult asked = browser.get(endSessionUrl(fields, hint));
    // No redirect, anywhere: a page of the bank's that asks John and says why.
    QVERIFY2(asked.status == 200 && !asked.isRedirect() && asked.header("Location").isEmpty(),
        qPrintable(asked.describe()));
    QCOMPARE(refusingCheck(exchanges), check);
    QVERIFY2(asked.body.contains("Log out of the bank?"), qPrintable(asked.describe()));
    QVERIFY2(asked.body.contains("will not send you back"), qPrintable(asked.describe()));
    // Not yet logged out: any page can send a browser here (logout CSRF).
    QVERIFY(browser.hasCookie(text("cfl_session")));
    QCOMPARE(promptNone(browser), text("code"));
    const QByteArray cookie = sessionCookie(browser);

    // John confirms: logged out, and still not sent anywhere.
    const auto form = findForm(asked.body, text("/session/end/confirm"));
    QVERIFY(form.has_value());
    const HttpResult done = browser.submit(asked, *form, {});
    QVERIFY2(done.status == 200 && !done.isRedirect(), qPrintable(done.describe()));
    QVERIFY2(done.body.contains("You are logged out of the bank"), qPrintable(done.describe()));
    QVERIFY2(done.body.contains("did not send you back"), qPrintable(done.describe()));
    QVERIFY(!browser.hasCookie(text("cfl_session")));
    QCOMPARE(promptNone(browser), text("login_required"));
    QCOMPARE(promptNoneWith(cookie), text("login_required"));
}

void tst_EndSession::anotherUsersHintAsksFirst()
{
    // John's ID token, sent by a page to Mallory's browser: it does not name her session (§2), so it does
    // not end it unasked, nor send her anywhere.
    Browser johns(*m_bank);
    const QString hint = logInThrough(johns, *m_coolLoan);
    Browser mallorys(*m_bank);
    QCOMPARE(mallorys.logInToWebBanking({ text("mallory"), text("mallory-knows") }).status, 200);
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult asked = mallorys.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } }, hint));
    QVERIFY2(asked.status == 200 && !asked.isRedirect(), qPrintable(asked.describe()));
    QCOMPARE(refusingCheck(exchanges), text("end_session.id_token_hint.subject"));
    QVERIFY(asked.body.contains("Log out of the bank?"));
    const HttpResult web = mallorys.get(m_bank->url(text("/web")));
    QVERIFY2(web.status == 200 && web.body.contains("Mallory"), qPrintable(web.describe()));
}

void tst_EndSession::hintThatIsNoIdTokenOfThisBankAsksFirst_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("says");
    QTest::newRow("John's access token") << text("access token") << text("is an access token");
    QTest::newRow("an ID token naming another issuer, signed with the bank's key")
        << text("another issuer") << text("comes from another issuer");
}

void tst_EndSession::hintThatIsNoIdTokenOfThisBankAsksFirst()
{
    // §2: the hint is an ID token "previously issued by the OP". A genuine signature is not enough: an
    // access token is not an ID token (RFC 9068 §2.1, typ at+jwt), and a token that names another issuer
    // was not issued by this one, whatever key signed it.
    QFETCH(QString, kind);
    QFETCH(QString, says);

    Browser browser(*m_bank);
    const TokenSet tokens = obtainTokens(*m_bank, *m_coolLoan, {}, &browser);
    QString hint = tokens.accessToken;
    if (kind == QLatin1String("another issuer")) {
        QString error;
        const std::optional<SigningKey> bankKey = SigningKey::fromPrivateJwk(
            m_bank->store().keys().signingKeyJwk().value_or(QByteArray()), &error);
        QVERIFY2(bankKey.has_value(), qPrintable(error));
        const auto decoded = decodeJwt(tokens.idToken.toLatin1());
        QVERIFY(decoded.has_value());
        QJsonObject claims = decoded->payload;
        claims.insert(text("iss"), text("http://127.0.0.1:9/other-bank"));
        hint = QString::fromLatin1(bankKey->signJwt(claims, "JWT"));
    }
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult asked = browser.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } }, hint));
    QVERIFY2(asked.status == 200 && !asked.isRedirect(), qPrintable(asked.describe()));
    QCOMPARE(refusingCheck(exchanges), text("end_session.id_token_hint.issued"));
    QVERIFY2(asked.text().contains(says), qPrintable(asked.describe()));
    QCOMPARE(promptNone(browser), text("code"));
}

void tst_EndSession::hintOfAnEarlierLoginAsksFirst()
{
    // An ID token of John's from an earlier login — kept in a browser history, a log, another app — is
    // about him, but not about the session his browser has now (§2, §4): it does not end that session
    // unasked, nor send him anywhere.
    Browser browser(*m_bank);
    const QString yesterdays = logInThrough(browser, *m_coolLoan);
    m_bank->advanceClock(24 * 3600); // the session has expired; John logs in again
    QCOMPARE(browser.logInToWebBanking().status, 200);
    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult asked = browser.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } },
        yesterdays));
    QVERIFY2(asked.status == 200 && !asked.isRedirect(), qPrintable(asked.describe()));
    QCOMPARE(refusingCheck(exchanges), text("end_session.id_token_hint.session"));
    QVERIFY(asked.body.contains("Log out of the bank?"));
    QCOMPARE(promptNone(browser), text("code"));

    // Today's ID token, from this session's login, is trusted.
    const QString todays = logInThrough(browser, *m_coolLoan);
    const HttpResult trusted = browser.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } }, todays));
    QVERIFY2(trusted.status == 303, qPrintable(trusted.describe()));
}

void tst_EndSession::hintOfAnAppTheBankNoLongerKnowsAsksFirst()
{
    // A genuine ID token of an app since removed: its registered URIs are gone with it, so nothing says
    // where John may be sent.
    ClientRegistrationRequest request;
    request.name = text("Gone App");
    request.redirectUris = { text("http://127.0.0.1/callback") };
    request.postLogoutRedirectUris = { text("https://gone.example/bye") };
    const auto registered = registerClient(m_bank->store(), request, m_bank->now());
    QVERIFY(std::holds_alternative<RegisteredClient>(registered));
    const RegisteredClient gone = std::get<RegisteredClient>(registered);
    OAuthClient goneClient(*m_bank, { gone.clientId, gone.clientSecret });
    Browser browser(*m_bank);
    const QString hint = logInThrough(browser, goneClient);
    QVERIFY(!hint.isEmpty());
    QCOMPARE(
        m_bank->store().database().change(text("DELETE FROM clients WHERE client_id = ?"), { gone.clientId }),
        1);

    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult asked = browser.get(
        endSessionUrl({ { text("id_token_hint"), Hint },
                          { text("post_logout_redirect_uri"), text("https://gone.example/bye") } },
            hint));
    QVERIFY2(asked.status == 200 && !asked.isRedirect(), qPrintable(asked.describe()));
    QCOMPARE(refusingCheck(exchanges), text("end_session.client"));
    QCOMPARE(promptNone(browser), text("code"));
}

void tst_EndSession::confirmationWithoutItsCsrfTokenKeepsTheSession()
{
    // Another site's form posting the confirmation: the browser sends the cookie, not the page's token.
    Browser browser(*m_bank);
    logInThrough(browser, *m_coolLoan);
    const HttpResult forged = browser.postForm(m_bank->url(text("/session/end/confirm")),
        { { text("csrf_token"), text("guessed-csrf-token-guessed-csrf-token-guessed") } });
    QCOMPARE(forged.status, 400);
    QVERIFY(browser.hasCookie(text("cfl_session")));
    QCOMPARE(promptNone(browser), text("code"));
}

void tst_EndSession::expiredHintIsStillAHint()
{
    // §4: "the OP SHOULD accept ID Tokens ... even when the exp time has passed".
    Browser browser(*m_bank);
    const QString hint = logInThrough(browser, *m_coolLoan);
    m_bank->advanceClock(m_bank->server().bank()->config().accessTokenLifetime + 60);
    const HttpResult answer = browser.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } }, hint));
    QVERIFY2(answer.status == 303, qPrintable(answer.describe()));
    QCOMPARE(answer.location().toString(), text(LogoutUri));
    QCOMPARE(promptNone(browser), text("login_required"));
}

void tst_EndSession::expiredHintOfARetiredKeyIsStillAHint()
{
    // After a key rotation (OIDC Core §10.1.1) the JWKS drops the old key once its last token expired; an
    // expired ID token it signed is still the bank's, and still a good hint (§4).
    Browser browser(*m_bank);
    const QString hint = logInThrough(browser, *m_coolLoan);
    QString error;
    const auto rotation = m_bank->server().rotateSigningKey(&error);
    QVERIFY2(rotation, qPrintable(error));
    m_bank->advanceClock(m_bank->server().bank()->config().accessTokenLifetime + 60);
    const QJsonArray published
        = HttpAgent().get(m_bank->url(text("/jwks"))).json().value(QStringLiteral("keys")).toArray();
    QCOMPARE(published.size(), 1); // the old key has left
    const HttpResult answer = browser.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } }, hint));
    QVERIFY2(answer.status == 303, qPrintable(answer.describe()));
    QCOMPARE(answer.location().toString(), text(LogoutUri));
}

void tst_EndSession::otherAppsKeepTheirTokensAndConsent()
{
    // What the pane and the bank's page say: logging out ends the bank session, not the access John gave
    // other apps — their refresh tokens still work, their consent stays (§2 asks nothing more).
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.clientId = m_otherApp.clientId;
    const TokenSet others = obtainTokens(*m_bank, *m_other, request, &browser);
    QVERIFY(!others.refreshToken.isEmpty());
    const QString hint = logInThrough(browser, *m_coolLoan);
    const HttpResult out = browser.get(endSessionUrl(
        { { text("id_token_hint"), Hint }, { text("post_logout_redirect_uri"), text(LogoutUri) } }, hint));
    QCOMPARE(out.status, 303);
    QCOMPARE(promptNone(browser), text("login_required"));

    QCOMPARE(m_other->refresh(others.refreshToken).status, 200);
    const auto user = m_bank->store().users().userByUsername(text(JohnUsername));
    QVERIFY(user.has_value());
    QVERIFY(m_bank->store().consents().activeConsent(user->id, m_otherApp.clientId));
    QVERIFY(m_bank->store().consents().activeConsent(user->id, text(CoolLoanId)));
}

void tst_EndSession::registerClientTakesPostLogoutRedirectUris_data()
{
    QTest::addColumn<QStringList>("uris");
    QTest::addColumn<QString>("problem"); // empty: registered
    QTest::newRow("one") << QStringList { text("https://app.example/bye") } << QString();
    QTest::newRow("two, one loopback")
        << QStringList { text("https://app.example/bye"), text("http://127.0.0.1/logged-out") } << QString();
    QTest::newRow("plain http elsewhere")
        << QStringList { text("http://app.example/bye") } << text("plain http on a non-loopback host");
    QTest::newRow("relative") << QStringList { text("/bye") } << text("is not an absolute URI");
    QTest::newRow("fragment") << QStringList { text("https://app.example/bye#x") } << text("has a fragment");
}

void tst_EndSession::registerClientTakesPostLogoutRedirectUris()
{
    QFETCH(QStringList, uris);
    QFETCH(QString, problem);
    QVERIFY2(QFileInfo(QStringLiteral(CODEFLOW_BANK_PATH)).isExecutable(), CODEFLOW_BANK_PATH);
    QTemporaryDir dataDir;
    QStringList arguments { text("register-client"), text("--data-dir"), dataDir.path(), text("--name"),
        text("Logout App"), text("--redirect-uri"), text("https://app.example/cb") };
    for (const QString &uri : uris)
        arguments << text("--post-logout-redirect-uri") << uri;
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(text("HOME"), m_home.path());
    environment.insert(text("XDG_DATA_HOME"), m_home.path() + text("/data"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(CODEFLOW_BANK_PATH), arguments);
    QVERIFY(process.waitForFinished(ProcessTimeoutMs));
    const QByteArray out = process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();

    if (!problem.isEmpty()) {
        // A clear message naming the option and the rule, exit 2, nothing printed on stdout.
        QCOMPARE(process.exitCode(), 2);
        QVERIFY2(
            err.contains("--post-logout-redirect-uri") && err.contains(problem.toUtf8()), err.constData());
        QVERIFY(out.isEmpty());
        return;
    }
    QVERIFY2(process.exitCode() == 0, err.constData());
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QCOMPARE(
        json.value(text("post_logout_redirect_uris")).toArray().toVariantList(), QVariant(uris).toList());
    QString error;
    const auto store = BankStore::open(dataDir.path(), &error);
    QVERIFY2(store, qPrintable(error));
    const auto client = store->clients().client(json.value(text("client_id")).toString());
    QVERIFY(client.has_value());
    QCOMPARE(client->postLogoutRedirectUris, uris);
}

QTEST_GUILESS_MAIN(tst_EndSession)
#include "tst_endsession.moc"
