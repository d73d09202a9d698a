// eddy's authorization endpoint and its pages, end to end: RFC 6749 §4.1.1/§4.1.2, RFC 7636, RFC 8252 §7.3,
// RFC 9207, OpenID Connect Core §3.1.2.1 (prompt, nonce), and the login and consent forms.

#include "BankHarness.h"

#include <QScopeGuard>
#include <QTest>

#include <utility>

using namespace cfl;
using namespace cfl::test;

class tst_AuthorizationEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void happyPathRedirectsWithCodeStateAndIss();
    void postFormIsAcceptedToo();
    void untrustedClientOrRedirectShowsPageAndNeverRedirects_data();
    void untrustedClientOrRedirectShowsPageAndNeverRedirects();
    void malformedQueryIsRefusedForItsEncoding();
    void loopbackRedirectAcceptsAnyPort_data();
    void loopbackRedirectAcceptsAnyPort();
    void loopbackRedirectVariesOnlyInItsPort_data();
    void loopbackRedirectVariesOnlyInItsPort();
    void loopbackHostAsRegisteredAcceptsAnyPort();
    void refusalsRedirectWithErrorStateAndIss_data();
    void refusalsRedirectWithErrorStateAndIss();
    void stateIsEchoedExactly_data();
    void stateIsEchoedExactly();
    void withoutStateNoStateComesBack();
    void registeredQueryIsKept();
    void promptNone();
    void promptLoginForcesTheLoginForm();
    void wrongPasswordShowsTheFormAgain_data();
    void wrongPasswordShowsTheFormAgain();
    void emptyCredentialsAskForBoth_data();
    void emptyCredentialsAskForBoth();
    void repeatedFailuresAreThrottled();
    void unknownScopeIsNamedAsUnknown();
    void malformedFormsAreRefusedForTheirEncoding_data();
    void malformedFormsAreRefusedForTheirEncoding();
    void csrfTokenIsRequired_data();
    void csrfTokenIsRequired();
    void interactionBelongsToTheBrowserThatStartedIt();
    void interactionExpires();
    void consentCannotBeSubmittedTwice();
    void consentBeforeLoginShowsTheLoginForm();
    void denyReturnsAccessDenied();
    void untickedOptionalScopesAreNotGranted();
    void consentCannotAddScopes();
    void rememberedConsentSkipsTheConsentPage();
    void publicLoopbackClientIsAskedEveryTime();
    void promptNoneHonoursRememberConsent();
    void pagesForbidFraming();

private:
    // A fresh browser's first answer from /authorize (no session, no redirects followed).
    HttpResult firstAnswer(const AuthorizationRequest &request, const QStringList &edits = {});
    HttpResult formPage(Browser &browser, const QString &form);
    static FormFields johnsAnswer(const QString &form);

    std::unique_ptr<TestBank> m_bank;
};

void tst_AuthorizationEndpoint::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
}

HttpResult tst_AuthorizationEndpoint::firstAnswer(
    const AuthorizationRequest &request, const QStringList &edits)
{
    Browser browser(*m_bank);
    return browser.get(request.url(*m_bank, edits));
}

void tst_AuthorizationEndpoint::happyPathRedirectsWithCodeStateAndIss()
{
    Browser browser(*m_bank);
    AuthorizationRequest request;
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(run.sawLoginPage, qPrintable(run.describe()));
    QVERIFY2(run.callback.isValid(), qPrintable(run.describe()));

    // RFC 6749 §4.1.2: a redirect to the redirect URI exactly as requested, with code, state and (RFC 9207)
    // iss — 303 See Other, since it answers John's consent form: the browser follows with a GET and the
    // form stays behind (RFC 9700 §4.12).
    QCOMPARE(run.last.status, 303);
    QCOMPARE(run.callback.scheme(), QStringLiteral("http"));
    QCOMPARE(run.callback.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(run.callback.port(), 5555);
    QCOMPARE(run.callback.path(), QStringLiteral("/callback"));
    QCOMPARE(run.response.count(QStringLiteral("code")), 1);
    QCOMPARE(run.response.count(QStringLiteral("state")), 1);
    QCOMPARE(run.response.count(QStringLiteral("iss")), 1);
    QVERIFY(!run.response.has(QStringLiteral("error")));
    QVERIFY2(isBase64UrlString(run.code()), qPrintable(run.code()));
    QVERIFY(run.code().size() >= 43); // 256 bits (RFC 6749 §10.10)
    QCOMPARE(run.response.value(QStringLiteral("state")), request.state);
    QCOMPARE(run.response.value(QStringLiteral("iss")), m_bank->issuerString());
    // The code must not leak through Referer from the client's page (RFC 9700 §4.2.4).
    QCOMPARE(run.last.header("Referrer-Policy"), QByteArray("no-referrer"));
    // The interaction is over: its cookie is cleared, the session cookie stays.
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_interaction"), QStringLiteral("/interaction/x")));
    QVERIFY(browser.hasCookie(QStringLiteral("cfl_session")));

    // The code works exactly once.
    OAuthClient client(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    QCOMPARE(client.exchangeCode(run.code(), request.verifier).status, 200);
}

void tst_AuthorizationEndpoint::postFormIsAcceptedToo()
{
    // OIDC Core §3.1.2.1: the authorization endpoint supports GET and POST.
    Browser browser(*m_bank);
    const AuthorizationRequest request;
    const HttpResult answer
        = browser.postForm(m_bank->url(QStringLiteral("/authorize")), request.parameters());
    QCOMPARE(answer.status, 303);
    QVERIFY2(
        answer.location().path().startsWith(QLatin1String("/interaction/")), qPrintable(answer.describe()));
    QVERIFY(m_bank->isBankUrl(answer.location()));
}

void tst_AuthorizationEndpoint::untrustedClientOrRedirectShowsPageAndNeverRedirects_data()
{
    QTest::addColumn<QStringList>("edits");
    QTest::addColumn<QString>("error");
    // What the page says is wrong, where the next check would refuse the request too, with the same
    // error: the answer must name the rule that was broken, not a later one.
    QTest::addColumn<QString>("says");

    const QString invalidRequest = QStringLiteral("invalid_request");
    QTest::newRow("unknown client") << QStringList { QStringLiteral("client_id=nobody") }
                                    << QStringLiteral("invalid_client") << QString();
    QTest::newRow("unknown client, bad response_type too")
        << QStringList { QStringLiteral("client_id=nobody"), QStringLiteral("response_type=token") }
        << QStringLiteral("invalid_client") << QString();
    QTest::newRow("client_id missing") << QStringList { QStringLiteral("-client_id") } << invalidRequest
                                       << QStringLiteral("client_id is missing");
    QTest::newRow("client_id repeated")
        << QStringList { QStringLiteral("+client_id=coolloan") } << invalidRequest << QString();
    QTest::newRow("redirect_uri missing") << QStringList { QStringLiteral("-redirect_uri") } << invalidRequest
                                          << QStringLiteral("redirect_uri is missing");
    QTest::newRow("redirect_uri repeated")
        << QStringList { QStringLiteral("+redirect_uri=http://127.0.0.1:5555/callback") } << invalidRequest
        << QString();
    QTest::newRow("other host") << QStringList { QStringLiteral("redirect_uri=http://evil.example/callback") }
                                << invalidRequest << QString();
    QTest::newRow("loopback look-alike host")
        << QStringList { QStringLiteral("redirect_uri=http://127.0.0.1.evil.example/callback") }
        << invalidRequest << QString();
    QTest::newRow("other path") << QStringList { QStringLiteral("redirect_uri=http://127.0.0.1:5555/other") }
                                << invalidRequest << QString();
    QTest::newRow("longer path") << QStringList {
        QStringLiteral("redirect_uri=http://127.0.0.1:5555/callback/x")
    } << invalidRequest << QString();
    QTest::newRow("trailing slash") << QStringList {
        QStringLiteral("redirect_uri=http://127.0.0.1:5555/callback/")
    } << invalidRequest << QString();
    QTest::newRow("https instead of http")
        << QStringList { QStringLiteral("redirect_uri=https://127.0.0.1:5555/callback") } << invalidRequest
        << QString();
    QTest::newRow("fragment") << QStringList {
        QStringLiteral("redirect_uri=http://127.0.0.1:5555/callback#frag")
    } << invalidRequest << QString();
    QTest::newRow("query added") << QStringList {
        QStringLiteral("redirect_uri=http://127.0.0.1:5555/callback?next=evil")
    } << invalidRequest << QString();
    QTest::newRow("user info") << QStringList {
        QStringLiteral("redirect_uri=http://evil@127.0.0.1:5555/callback")
    } << invalidRequest << QString();
    QTest::newRow("not a URL") << QStringList { QStringLiteral("redirect_uri=callback") } << invalidRequest
                               << QString();
}

void tst_AuthorizationEndpoint::untrustedClientOrRedirectShowsPageAndNeverRedirects()
{
    QFETCH(QStringList, edits);
    QFETCH(QString, error);
    QFETCH(QString, says);

    Browser browser(*m_bank);
    const HttpResult answer = browser.get(AuthorizationRequest().url(*m_bank, edits));
    // RFC 6749 §4.1.2.1: "MUST NOT automatically redirect the user-agent to the invalid redirection URI".
    QCOMPARE(answer.status, 400);
    QVERIFY2(answer.header("Location").isEmpty(), qPrintable(answer.describe()));
    QVERIFY(answer.header("Content-Type").startsWith("text/html"));
    QVERIFY2(answer.body.contains(QStringLiteral("<code>%1</code>").arg(error).toUtf8()),
        qPrintable(answer.describe()));
    QVERIFY2(answer.body.contains(says.toUtf8()), qPrintable(answer.describe()));
    // Nothing was started for this browser.
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_interaction"), QStringLiteral("/interaction/x")));
}

void tst_AuthorizationEndpoint::malformedQueryIsRefusedForItsEncoding()
{
    // RFC 6749 Appendix B: a query that is not valid form encoding (here a field that is not UTF-8) is
    // refused for that, before any parameter is read — not as a request without a client_id.
    Browser browser(*m_bank);
    QUrl url = AuthorizationRequest().url(*m_bank);
    url.setQuery(url.query(QUrl::FullyEncoded) + QStringLiteral("&x=%FF"), QUrl::StrictMode);
    QVERIFY(url.query(QUrl::FullyEncoded).endsWith(QStringLiteral("&x=%FF")));
    const HttpResult answer = browser.get(url);
    QCOMPARE(answer.status, 400);
    QVERIFY2(answer.header("Location").isEmpty(), qPrintable(answer.describe()));
    QVERIFY2(answer.body.contains("<code>invalid_request</code>"), qPrintable(answer.describe()));
    QVERIFY2(answer.body.contains("bad percent-encoding or not UTF-8"), qPrintable(answer.describe()));
}

void tst_AuthorizationEndpoint::loopbackRedirectAcceptsAnyPort_data()
{
    QTest::addColumn<QString>("redirectUri");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");

    QTest::newRow("127.0.0.1, high port")
        << QStringLiteral("http://127.0.0.1:65535/callback") << QStringLiteral("127.0.0.1") << 65535;
    QTest::newRow("127.0.0.1, port 1")
        << QStringLiteral("http://127.0.0.1:1/callback") << QStringLiteral("127.0.0.1") << 1;
    QTest::newRow("127.0.0.1, no port")
        << QStringLiteral("http://127.0.0.1/callback") << QStringLiteral("127.0.0.1") << -1;
}

void tst_AuthorizationEndpoint::loopbackRedirectAcceptsAnyPort()
{
    QFETCH(QString, redirectUri);
    QFETCH(QString, host);
    QFETCH(int, port);

    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.redirectUri = redirectUri;
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    // RFC 8252 §7.3: the code goes back to the very port the app listens on.
    QCOMPARE(run.callback.host(), host);
    QCOMPARE(run.callback.port(), port);
    QCOMPARE(run.callback.path(), QStringLiteral("/callback"));

    // The token request must repeat that exact URI (RFC 6749 §4.1.3).
    OAuthClient client(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    QCOMPARE(client.exchangeCode(run.code(), request.verifier, redirectUri).status, 200);
}

void tst_AuthorizationEndpoint::loopbackRedirectVariesOnlyInItsPort_data()
{
    // CoolLoan registered http://127.0.0.1/callback. RFC 8252 §7.3 lets the port vary, nothing else: each
    // of these names the same listener to a URL parser, and is refused all the same (issue 10 finding 5).
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("localhost") << QStringLiteral("http://localhost:5555/callback");
    QTest::newRow("[::1]") << QStringLiteral("http://[::1]:5555/callback");
    QTest::newRow("0x7f.1") << QStringLiteral("http://0x7f.1:5555/callback");
    QTest::newRow("2130706433") << QStringLiteral("http://2130706433:5555/callback");
    QTest::newRow("127.000.000.001") << QStringLiteral("http://127.000.000.001:5555/callback");
    QTest::newRow("/%63allback") << QStringLiteral("http://127.0.0.1:5555/%63allback");
    QTest::newRow("empty port") << QStringLiteral("http://127.0.0.1:/callback");
}

void tst_AuthorizationEndpoint::loopbackRedirectVariesOnlyInItsPort()
{
    QFETCH(QString, redirectUri);
    AuthorizationRequest request;
    request.redirectUri = redirectUri;
    const HttpResult answer = firstAnswer(request);
    // Not a redirect URI the bank knows: the error page, never a redirect (RFC 6749 §4.1.2.1).
    QCOMPARE(answer.status, 400);
    QVERIFY2(answer.header("Location").isEmpty(), qPrintable(answer.describe()));
    QVERIFY2(answer.text().contains(QStringLiteral("is not registered")), qPrintable(answer.describe()));
}

void tst_AuthorizationEndpoint::loopbackHostAsRegisteredAcceptsAnyPort()
{
    // A client that registered localhost and [::1] gets any port there, on the host it wrote.
    const RegisteredClient app = m_bank->registerClient(QStringLiteral("Named Loopback App"),
        { QStringLiteral("http://localhost/callback"), QStringLiteral("http://[::1]/callback") },
        { QStringLiteral("openid") });
    QVERIFY(!app.clientId.isEmpty());
    for (const auto &[uri, host] :
        { std::pair { QStringLiteral("http://localhost:8080/callback"), QStringLiteral("localhost") },
            std::pair { QStringLiteral("http://[::1]:4000/callback"), QStringLiteral("::1") } }) {
        Browser browser(*m_bank);
        AuthorizationRequest request;
        request.clientId = app.clientId;
        request.redirectUri = uri;
        request.scope = QStringLiteral("openid");
        const AuthorizationRun run = browser.authorize(request);
        QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
        QCOMPARE(run.callback.host(), host);
    }
    AuthorizationRequest elsewhere;
    elsewhere.clientId = app.clientId;
    elsewhere.redirectUri = QStringLiteral("http://127.0.0.1:8080/callback");
    elsewhere.scope = QStringLiteral("openid");
    QCOMPARE(firstAnswer(elsewhere).status, 400);
}

void tst_AuthorizationEndpoint::refusalsRedirectWithErrorStateAndIss_data()
{
    QTest::addColumn<QStringList>("edits");
    QTest::addColumn<QString>("error");

    const QString invalidRequest = QStringLiteral("invalid_request");
    const QString invalidScope = QStringLiteral("invalid_scope");
    // RFC 6749 §4.1.1
    QTest::newRow("response_type missing")
        << QStringList { QStringLiteral("-response_type") } << invalidRequest;
    QTest::newRow("response_type token") << QStringList { QStringLiteral("response_type=token") }
                                         << QStringLiteral("unsupported_response_type");
    QTest::newRow("response_type code id_token")
        << QStringList { QStringLiteral("response_type=code id_token") }
        << QStringLiteral("unsupported_response_type");
    QTest::newRow("response_mode fragment")
        << QStringList { QStringLiteral("response_mode=fragment") } << invalidRequest;
    // RFC 7636 §4.3, §4.4.1; RFC 9700 §2.1.1
    QTest::newRow("PKCE missing") << QStringList { QStringLiteral("-code_challenge"),
        QStringLiteral("-code_challenge_method") }
                                  << invalidRequest;
    QTest::newRow("PKCE method missing (means plain)")
        << QStringList { QStringLiteral("-code_challenge_method") } << invalidRequest;
    QTest::newRow("PKCE plain") << QStringList { QStringLiteral("code_challenge_method=plain") }
                                << invalidRequest;
    QTest::newRow("PKCE method lower case")
        << QStringList { QStringLiteral("code_challenge_method=s256") } << invalidRequest;
    QTest::newRow("PKCE challenge too short")
        << QStringList { QStringLiteral("code_challenge=abc") } << invalidRequest;
    QTest::newRow("PKCE challenge not base64url")
        << QStringList { QStringLiteral("code_challenge=a+bcdefghijklmnopqrstuvwxyzabcdefghijklmnop") }
        << invalidRequest;
    QTest::newRow("PKCE challenge padded")
        << QStringList { QStringLiteral("code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq=") }
        << invalidRequest;
    // RFC 6749 §3.3
    QTest::newRow("scope missing") << QStringList { QStringLiteral("-scope") } << invalidScope;
    QTest::newRow("unknown scope") << QStringList { QStringLiteral("scope=openid telepathy") }
                                   << invalidScope;
    QTest::newRow("scope not allowed for CoolLoan")
        << QStringList { QStringLiteral("scope=openid payments:write") } << invalidScope;
    QTest::newRow("scope with a bad character")
        << QStringList { QStringLiteral("scope=openid \"profile\"") } << invalidScope;
    // RFC 6749 §3.1: parameters must not repeat
    QTest::newRow("scope repeated") << QStringList { QStringLiteral("+scope=openid") } << invalidRequest;
    QTest::newRow("state repeated") << QStringList { QStringLiteral("+state=another") } << invalidRequest;
    QTest::newRow("code_challenge repeated")
        << QStringList { QStringLiteral("+code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq") }
        << invalidRequest;
    QTest::newRow("response_type repeated")
        << QStringList { QStringLiteral("+response_type=code") } << invalidRequest;
    // OIDC Core §3.1.2.1, §6
    QTest::newRow("unknown prompt") << QStringList { QStringLiteral("prompt=sometimes") } << invalidRequest;
    QTest::newRow("prompt none with login")
        << QStringList { QStringLiteral("prompt=none login") } << invalidRequest;
    QTest::newRow("max_age not a number") << QStringList { QStringLiteral("max_age=soon") } << invalidRequest;
    QTest::newRow("request object") << QStringList { QStringLiteral("request=eyJhbGciOiJub25lIn0.e30.") }
                                    << QStringLiteral("request_not_supported");
    QTest::newRow("request_uri") << QStringList { QStringLiteral("request_uri=https://evil.example/r") }
                                 << QStringLiteral("request_uri_not_supported");
    QTest::newRow("prompt none without session")
        << QStringList { QStringLiteral("prompt=none") } << QStringLiteral("login_required");
}

void tst_AuthorizationEndpoint::refusalsRedirectWithErrorStateAndIss()
{
    QFETCH(QStringList, edits);
    QFETCH(QString, error);

    const AuthorizationRequest request;
    const HttpResult answer = firstAnswer(request, edits);
    // RFC 6749 §4.1.2.1: once client and redirect URI are good, errors go back to the client.
    QCOMPARE(answer.status, 302);
    const QUrl location = answer.location();
    QCOMPARE(location.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(location.port(), 5555);
    QCOMPARE(location.path(), QStringLiteral("/callback"));
    const UrlParameters parameters = UrlParameters::of(location);
    QCOMPARE(parameters.value(QStringLiteral("error")), error);
    QVERIFY(!parameters.value(QStringLiteral("error_description")).isEmpty());
    QCOMPARE(parameters.count(QStringLiteral("state")), 1);
    QCOMPARE(parameters.value(QStringLiteral("state")), request.state);
    QCOMPARE(parameters.value(QStringLiteral("iss")), m_bank->issuerString()); // RFC 9207 §2
    QVERIFY(!parameters.has(QStringLiteral("code")));
}

void tst_AuthorizationEndpoint::stateIsEchoedExactly_data()
{
    QTest::addColumn<QString>("state");

    QTest::newRow("plus") << QStringLiteral("a+b+c");
    QTest::newRow("ampersand and equals") << QStringLiteral("a&b=c&code=forged");
    QTest::newRow("spaces") << QStringLiteral(" two  spaces ");
    QTest::newRow("percent") << QStringLiteral("100%25 %41");
    QTest::newRow("unicode") << QStringLiteral("zürich-€-日本-\U0001D11E");
    QTest::newRow("quotes and angle brackets") << QStringLiteral("\"q\" 'a' <b> #frag ?q");
}

void tst_AuthorizationEndpoint::stateIsEchoedExactly()
{
    QFETCH(QString, state);

    // On success (RFC 6749 §4.1.2) ...
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.state = state;
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    QCOMPARE(run.response.count(QStringLiteral("state")), 1);
    QCOMPARE(run.response.value(QStringLiteral("state")), state);
    QCOMPARE(run.response.count(QStringLiteral("code")), 1);

    // ... and on error (§4.1.2.1).
    const HttpResult refused = firstAnswer(request, { QStringLiteral("response_type=token") });
    const UrlParameters parameters = UrlParameters::of(refused.location());
    QCOMPARE(parameters.value(QStringLiteral("error")), QStringLiteral("unsupported_response_type"));
    QCOMPARE(parameters.value(QStringLiteral("state")), state);
    QCOMPARE(parameters.count(QStringLiteral("code")), 0);
}

void tst_AuthorizationEndpoint::withoutStateNoStateComesBack()
{
    // RFC 6749 §4.1.2: state is "REQUIRED if the state parameter was present", and only then.
    Browser browser(*m_bank);
    const AuthorizationRun run
        = browser.authorize(AuthorizationRequest(), {}, {}, { QStringLiteral("-state") });
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    QVERIFY(!run.response.has(QStringLiteral("state")));
    const HttpResult refused = firstAnswer(
        AuthorizationRequest(), { QStringLiteral("-state"), QStringLiteral("response_type=token") });
    QVERIFY(!UrlParameters::of(refused.location()).has(QStringLiteral("state")));
    QVERIFY(UrlParameters::of(refused.location()).has(QStringLiteral("error")));
}

void tst_AuthorizationEndpoint::registeredQueryIsKept()
{
    // RFC 6749 §3.1.2: a query in the redirection URI "MUST be retained when adding additional query
    // parameters".
    const RegisteredClient app = m_bank->registerClient(QStringLiteral("Tenant App"),
        { QStringLiteral("http://127.0.0.1/cb?tenant=blue") }, { QStringLiteral("openid") });
    QVERIFY(!app.clientId.isEmpty());
    AuthorizationRequest request;
    request.clientId = app.clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7004/cb?tenant=blue");
    request.scope = QStringLiteral("openid");
    Browser browser(*m_bank);
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    QCOMPARE(run.response.value(QStringLiteral("tenant")), QStringLiteral("blue"));
    QCOMPARE(run.response.items.first().first, QStringLiteral("tenant"));
    OAuthClient client(*m_bank, { app.clientId, app.clientSecret });
    QCOMPARE(client.exchangeCode(run.code(), request.verifier, request.redirectUri).status, 200);

    // Another query is another URI.
    const HttpResult other
        = firstAnswer(request, { QStringLiteral("redirect_uri=http://127.0.0.1:7004/cb?tenant=red") });
    QCOMPARE(other.status, 400);
    QVERIFY(other.header("Location").isEmpty());
}

void tst_AuthorizationEndpoint::promptNone()
{
    // A client John has never consented to.
    const RegisteredClient app = m_bank->registerClient(QStringLiteral("Prompt App"),
        { QStringLiteral("http://127.0.0.1/cb") }, { QStringLiteral("openid"), QStringLiteral("profile") });
    QVERIFY(!app.clientId.isEmpty());
    AuthorizationRequest request;
    request.clientId = app.clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7000/cb");
    request.scope = QStringLiteral("openid profile");

    // No session: login_required (OIDC Core §3.1.2.6).
    Browser browser(*m_bank);
    HttpResult answer = browser.get(request.url(*m_bank, { QStringLiteral("prompt=none") }));
    QCOMPARE(answer.status, 302);
    UrlParameters parameters = UrlParameters::of(answer.location());
    QCOMPARE(parameters.value(QStringLiteral("error")), QStringLiteral("login_required"));
    QCOMPARE(parameters.value(QStringLiteral("state")), request.state);
    QCOMPARE(parameters.value(QStringLiteral("iss")), m_bank->issuerString());

    // A session (John logged in to online banking) but no consent for this app: consent_required.
    const HttpResult accounts = browser.logInToWebBanking();
    QCOMPARE(accounts.status, 200);
    QVERIFY(browser.hasCookie(QStringLiteral("cfl_session")));
    answer = browser.get(request.url(*m_bank, { QStringLiteral("prompt=none") }));
    QCOMPARE(answer.status, 302);
    parameters = UrlParameters::of(answer.location());
    QCOMPARE(parameters.value(QStringLiteral("error")), QStringLiteral("consent_required"));
    QCOMPARE(parameters.value(QStringLiteral("state")), request.state);
    QVERIFY(!parameters.has(QStringLiteral("code")));

    // Once John consented, prompt=none answers with a code at once, without any page.
    const AuthorizationRun consented = browser.authorize(request);
    QVERIFY2(!consented.code().isEmpty(), qPrintable(consented.describe()));
    QVERIFY(!consented.sawLoginPage); // the session was reused
    QVERIFY(consented.sawConsentPage);
    AuthorizationRequest silent = request;
    silent.prompt = QStringLiteral("none");
    const AuthorizationRun run = browser.authorize(silent);
    QCOMPARE(run.trail.size(), 1);
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    QCOMPARE(run.response.value(QStringLiteral("state")), silent.state);

    // Fewer scopes than were consented to are covered as well.
    answer = browser.get(
        request.url(*m_bank, { QStringLiteral("prompt=none"), QStringLiteral("scope=openid") }));
    QCOMPARE(answer.status, 302);
    QVERIFY(UrlParameters::of(answer.location()).has(QStringLiteral("code")));
}

void tst_AuthorizationEndpoint::promptLoginForcesTheLoginForm()
{
    Browser browser(*m_bank);
    const AuthorizationRun first = browser.authorize(AuthorizationRequest());
    QVERIFY2(!first.code().isEmpty(), qPrintable(first.describe()));
    QVERIFY(first.sawLoginPage);

    // The session skips the login page ...
    const AuthorizationRun again = browser.authorize(AuthorizationRequest());
    QVERIFY2(!again.code().isEmpty(), qPrintable(again.describe()));
    QVERIFY(!again.sawLoginPage);

    // ... unless the client asks for a fresh login (OIDC Core §3.1.2.1 prompt=login).
    AuthorizationRequest forced;
    forced.prompt = QStringLiteral("login");
    const AuthorizationRun relogin = browser.authorize(forced);
    QVERIFY2(relogin.sawLoginPage, qPrintable(relogin.describe()));
    QVERIFY2(!relogin.code().isEmpty(), qPrintable(relogin.describe()));

    // ... or a max_age the session is older than.
    m_bank->advanceClock(120);
    const AuthorizationRun tooOld
        = browser.authorize(AuthorizationRequest(), {}, {}, { QStringLiteral("max_age=60") });
    QVERIFY2(tooOld.sawLoginPage, qPrintable(tooOld.describe()));
    QVERIFY(!tooOld.code().isEmpty());
}

void tst_AuthorizationEndpoint::wrongPasswordShowsTheFormAgain_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");

    QTest::newRow("wrong password") << QStringLiteral("john") << QStringLiteral("banking-is-boring");
    QTest::newRow("unknown user") << QStringLiteral("trudy") << QStringLiteral("banking-is-fun");
    QTest::newRow("another customer, John's password")
        << QStringLiteral("mallory") << QStringLiteral("banking-is-fun");
    QTest::newRow("password in other case") << QStringLiteral("john") << QStringLiteral("BANKING-IS-FUN");
}

void tst_AuthorizationEndpoint::wrongPasswordShowsTheFormAgain()
{
    QFETCH(QString, username);
    QFETCH(QString, password);

    Browser browser(*m_bank);
    const HttpResult loginPage = browser.open(AuthorizationRequest().url(*m_bank));
    QCOMPARE(loginPage.status, 200);
    const HttpResult again = browser.submitLogin(loginPage, { username, password });
    QCOMPARE(again.status, 401);
    QVERIFY(again.header("Content-Type").startsWith("text/html"));
    QVERIFY2(again.body.contains("Wrong user name or password."), qPrintable(again.describe()));
    // The form again, with the user name kept.
    const auto form = findForm(again.body, QStringLiteral("/login"));
    QVERIFY(form.has_value());
    QCOMPARE(form->value(QStringLiteral("username")), username);
    QVERIFY(!form->value(QStringLiteral("csrf_token")).isEmpty());
    // No session.
    for (const QByteArray &cookie : again.headerValues("Set-Cookie"))
        QVERIFY2(!cookie.contains("cfl_session"), cookie.constData());
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));

    // The same form then works with the right credentials.
    const HttpResult loggedIn = browser.submitLogin(again, {});
    QVERIFY2(loggedIn.status == 303 || loggedIn.status == 302,
        qPrintable(loggedIn.describe())); // consent page or code
    QVERIFY(browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_AuthorizationEndpoint::repeatedFailuresAreThrottled()
{
    // Its own bank: the failures would lock John out of the shared one.
    TestBank bank;
    QString error;
    QVERIFY2(bank.start(&error), qPrintable(error));
    Browser browser(bank);
    HttpResult page = browser.open(AuthorizationRequest().url(bank));
    QCOMPARE(page.status, 200);
    // User names are case-insensitive, and so is the count: changing the case buys no extra guesses.
    const QStringList spellings { QStringLiteral("john"), QStringLiteral("John"), QStringLiteral("JOHN"),
        QStringLiteral(" jOhn "), QStringLiteral("joHN") };
    for (int attempt = 0; attempt < spellings.size(); ++attempt) {
        page = browser.submitLogin(page, { spellings.at(attempt), QStringLiteral("guess-%1").arg(attempt) });
        QCOMPARE(page.status, 401);
    }
    // The sixth attempt is refused even with the right password.
    page = browser.submitLogin(page, {});
    QCOMPARE(page.status, 429);
    QVERIFY2(page.body.contains("Too many failed attempts"), qPrintable(page.describe()));
    QVERIFY(findForm(page.body, QStringLiteral("/login")).has_value());
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));

    // After the window, the right password works again.
    bank.advanceClock(301);
    page = browser.submitLogin(page, {});
    QCOMPARE(page.status, 303);
    QVERIFY(browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_AuthorizationEndpoint::emptyCredentialsAskForBoth_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");

    QTest::newRow("no password") << QStringLiteral("john") << QString();
    QTest::newRow("no user name") << QString() << QStringLiteral("banking-is-fun");
    QTest::newRow("blank user name") << QStringLiteral("   ") << QStringLiteral("banking-is-fun");
}

void tst_AuthorizationEndpoint::emptyCredentialsAskForBoth()
{
    // OIDC Core §3.1.2.3: a form with a field left empty asks for both — it is not a wrong password, which
    // would count towards John's throttle and cost a password hash.
    QFETCH(QString, username);
    QFETCH(QString, password);

    Browser browser(*m_bank);
    const HttpResult loginPage = browser.open(AuthorizationRequest().url(*m_bank));
    QCOMPARE(loginPage.status, 200);
    const HttpResult again = browser.submitLogin(loginPage, { username, password });
    QCOMPARE(again.status, 400);
    QVERIFY2(again.body.contains("Enter your user name and your password."), qPrintable(again.describe()));
    QVERIFY(!again.body.contains("Wrong user name or password."));
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
}

// The login or the consent page of a fresh grant (prompt=consent: the consent page always shows).
HttpResult tst_AuthorizationEndpoint::formPage(Browser &browser, const QString &form)
{
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    HttpResult page = browser.open(request.url(*m_bank));
    if (form == QLatin1String("consent") && page.status == 200)
        page = browser.follow(browser.submitLogin(page, {}));
    return page;
}

// What John fills in on that form: his user name and password, or openid approved.
FormFields tst_AuthorizationEndpoint::johnsAnswer(const QString &form)
{
    if (form == QLatin1String("login"))
        return { { QStringLiteral("username"), QStringLiteral("john") },
            { QStringLiteral("password"), QStringLiteral("banking-is-fun") } };
    return { { QStringLiteral("scope"), QStringLiteral("openid") },
        { QStringLiteral("decision"), QStringLiteral("approve") } };
}

void tst_AuthorizationEndpoint::unknownScopeIsNamedAsUnknown()
{
    // RFC 6749 §3.3: a scope the bank has never heard of is refused as unknown, not as one CoolLoan may
    // not ask for — that would send a developer to the client's registration instead of to the typo.
    const HttpResult answer
        = firstAnswer(AuthorizationRequest(), { QStringLiteral("scope=openid telepathy") });
    QCOMPARE(answer.status, 302);
    const UrlParameters parameters = UrlParameters::of(answer.location());
    QCOMPARE(parameters.value(QStringLiteral("error")), QStringLiteral("invalid_scope"));
    QCOMPARE(
        parameters.value(QStringLiteral("error_description")), QStringLiteral("unknown scope: telepathy"));
}

void tst_AuthorizationEndpoint::malformedFormsAreRefusedForTheirEncoding_data()
{
    QTest::addColumn<QString>("form");
    QTest::newRow("login") << QStringLiteral("login");
    QTest::newRow("consent") << QStringLiteral("consent");
}

void tst_AuthorizationEndpoint::malformedFormsAreRefusedForTheirEncoding()
{
    // RFC 6749 Appendix B: a form whose encoding is broken (a field that is not UTF-8) is refused for
    // that, with the right CSRF token and every other field in it — not as a form without a CSRF token.
    QFETCH(QString, form);

    Browser browser(*m_bank);
    const HttpResult page = formPage(browser, form);
    QCOMPARE(page.status, 200);
    if (form == QLatin1String("consent"))
        QVERIFY2(page.body.contains("name=\"decision\""), qPrintable(page.describe()));
    const auto htmlForm = findForm(page.body, QLatin1Char('/') + form);
    QVERIFY(htmlForm.has_value());
    const FormFields fields = htmlForm->hiddenFields() + johnsAnswer(form);
    const HttpResult refused = browser.post(page.url.resolved(QUrl(htmlForm->action)),
        encodeForm(fields) + "&x=%FF", "application/x-www-form-urlencoded");
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.header("Location").isEmpty());
    QVERIFY2(refused.body.contains("bad percent-encoding or not UTF-8"), qPrintable(refused.describe()));
    if (form == QLatin1String("login"))
        QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_AuthorizationEndpoint::csrfTokenIsRequired_data()
{
    QTest::addColumn<QString>("form");
    QTest::addColumn<QString>("token"); // the csrf_token sent instead of the page's; empty: none at all

    QTest::newRow("login, missing") << QStringLiteral("login") << QString();
    QTest::newRow("login, forged") << QStringLiteral("login") << QStringLiteral("forged-token");
    QTest::newRow("consent, missing") << QStringLiteral("consent") << QString();
    QTest::newRow("consent, forged") << QStringLiteral("consent") << QStringLiteral("forged-token");
}

void tst_AuthorizationEndpoint::csrfTokenIsRequired()
{
    QFETCH(QString, form);
    QFETCH(QString, token);

    Browser browser(*m_bank);
    const HttpResult page = formPage(browser, form);
    QCOMPARE(page.status, 200);
    if (form == QLatin1String("consent"))
        QVERIFY2(page.body.contains("name=\"decision\""), qPrintable(page.describe()));
    const auto htmlForm = findForm(page.body, QLatin1Char('/') + form);
    QVERIFY(htmlForm.has_value());
    FormFields fields;
    if (!token.isEmpty())
        fields.append({ QStringLiteral("csrf_token"), token });
    fields.append(johnsAnswer(form));
    const HttpResult refused = browser.submit(page, *htmlForm, fields, { QStringLiteral("csrf_token") });
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.header("Location").isEmpty());
    QVERIFY2(refused.body.contains("CSRF token"), qPrintable(refused.describe()));
    if (form == QLatin1String("login"))
        QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_AuthorizationEndpoint::interactionBelongsToTheBrowserThatStartedIt()
{
    Browser victim(*m_bank);
    const HttpResult loginPage = victim.open(AuthorizationRequest().url(*m_bank));
    QCOMPARE(loginPage.status, 200);
    const QUrl interaction = loginPage.url;
    QVERIFY(interaction.path().startsWith(QLatin1String("/interaction/")));

    // Another browser (no interaction cookie) gets neither the page ...
    Browser other(*m_bank);
    const HttpResult page = other.get(interaction);
    QCOMPARE(page.status, 400);
    QVERIFY(page.body.contains("another browser"));
    QVERIFY(!page.body.contains("name=\"password\""));

    // ... nor a login, even with the victim's CSRF token and the right password.
    const auto form = findForm(loginPage.body, QStringLiteral("/login"));
    QVERIFY(form.has_value());
    const HttpResult login = other.submit(loginPage, *form,
        { { QStringLiteral("username"), QStringLiteral("john") },
            { QStringLiteral("password"), QStringLiteral("banking-is-fun") } });
    QCOMPARE(login.status, 400);
    QVERIFY(login.header("Location").isEmpty());
    QVERIFY(!other.hasCookie(QStringLiteral("cfl_session")));

    // An unknown interaction is refused too.
    const HttpResult unknown = victim.get(m_bank->url(QStringLiteral("/interaction/does-not-exist")));
    QCOMPARE(unknown.status, 400);
    QVERIFY(unknown.body.contains("expired"));
}

void tst_AuthorizationEndpoint::interactionExpires()
{
    Browser browser(*m_bank);
    const HttpResult loginPage = browser.open(AuthorizationRequest().url(*m_bank));
    QCOMPARE(loginPage.status, 200);
    m_bank->advanceClock(15 * 60 + 1);
    const HttpResult late = browser.submitLogin(loginPage, {});
    QCOMPARE(late.status, 400);
    QVERIFY(late.body.contains("expired"));
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_AuthorizationEndpoint::consentCannotBeSubmittedTwice()
{
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(run.sawConsentPage, qPrintable(run.describe()));
    QVERIFY(!run.code().isEmpty());
    // The browser's back button and a second "Allow": the interaction is over, no second code.
    const HttpResult consentPage = run.trail.at(run.trail.size() - 2);
    const HttpResult again = browser.submitConsent(consentPage, {});
    QCOMPARE(again.status, 400);
    QVERIFY(again.header("Location").isEmpty());
}

void tst_AuthorizationEndpoint::consentBeforeLoginShowsTheLoginForm()
{
    // The consent form posted before anyone logged in, with the interaction's own CSRF token (the login
    // page's): no code for nobody, the login form again, saying why (OpenID Connect Core §3.1.2.3).
    Browser browser(*m_bank);
    const HttpResult page = browser.open(AuthorizationRequest().url(*m_bank));
    QCOMPARE(page.status, 200);
    const std::optional<HtmlForm> login = findForm(page.body, QStringLiteral("/login"));
    QVERIFY(login);
    QString consent = login->action;
    consent.replace(QStringLiteral("/login"), QStringLiteral("/consent"));
    const HttpResult answer = browser.postForm(page.url.resolved(QUrl(consent)),
        login->hiddenFields() + FormFields { { QStringLiteral("decision"), QStringLiteral("approve") } });
    QCOMPARE(answer.status, 400);
    QVERIFY2(answer.header("Location").isEmpty(), qPrintable(answer.describe()));
    QVERIFY2(answer.body.contains("Log in first."), qPrintable(answer.describe()));
    QVERIFY(findForm(answer.body, QStringLiteral("/login")));
    QVERIFY(!browser.hasCookie(QStringLiteral("cfl_session")));
}

void tst_AuthorizationEndpoint::denyReturnsAccessDenied()
{
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    ConsentChoice deny;
    deny.approve = false;
    const AuthorizationRun run = browser.authorize(request, {}, deny);
    QVERIFY2(run.sawConsentPage, qPrintable(run.describe()));
    QCOMPARE(run.last.status, 302);
    QCOMPARE(run.callback.path(), QStringLiteral("/callback"));
    QCOMPARE(run.error(), QStringLiteral("access_denied"));
    QCOMPARE(run.response.value(QStringLiteral("state")), request.state);
    QCOMPARE(run.response.value(QStringLiteral("iss")), m_bank->issuerString());
    QVERIFY(!run.response.has(QStringLiteral("code")));
}

void tst_AuthorizationEndpoint::untickedOptionalScopesAreNotGranted()
{
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    ConsentChoice choice;
    choice.untick = QStringList { QStringLiteral("email"), QStringLiteral("transactions:read") };
    const AuthorizationRun run = browser.authorize(request, {}, choice);
    QVERIFY2(run.sawConsentPage, qPrintable(run.describe()));
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));

    // The consent page named every requested scope; openid could not be unticked.
    const HttpResult consentPage = run.trail.at(run.trail.size() - 2);
    for (const QString &scope : QString::fromLatin1(CoolLoanScopes).split(QLatin1Char(' ')))
        QVERIFY2(consentPage.body.contains(QStringLiteral("<code>%1</code>").arg(scope).toUtf8()),
            qPrintable(scope));
    QVERIFY(consentPage.body.contains("CoolLoan"));
    QVERIFY(consentPage.body.contains("<input type=\"hidden\" name=\"scope\" value=\"openid\">"));

    OAuthClient client(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const TokenSet tokens = TokenSet::from(client.exchangeCode(run.code(), request.verifier));
    QVERIFY(tokens.isValid());
    const QStringList granted = tokens.scope.split(QLatin1Char(' '));
    QVERIFY(!granted.contains(QStringLiteral("email")));
    QVERIFY(!granted.contains(QStringLiteral("transactions:read")));
    for (const char *scope : { "openid", "profile", "offline_access", "accounts:read" })
        QVERIFY2(granted.contains(QLatin1String(scope)), scope);
    QCOMPARE(
        client.api(QStringLiteral("/api/accounts/CHK-1001/transactions"), tokens.accessToken).status, 403);
}

void tst_AuthorizationEndpoint::consentCannotAddScopes()
{
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.scope = QStringLiteral("openid accounts:read");
    request.prompt = QStringLiteral("consent");
    const HttpResult consentPage
        = browser.follow(browser.submitLogin(browser.open(request.url(*m_bank)), {}));
    const auto form = findForm(consentPage.body, QStringLiteral("/consent"));
    QVERIFY2(form.has_value(), qPrintable(consentPage.describe()));

    // Without a decision nothing happens.
    const HttpResult undecided
        = browser.submit(consentPage, *form, { { QStringLiteral("scope"), QStringLiteral("openid") } });
    QCOMPARE(undecided.status, 400);
    QVERIFY(undecided.header("Location").isEmpty());

    // A forged form that adds scopes the app never asked for (one it may not even have) grants only what was
    // asked.
    const HttpResult approved = browser.submit(consentPage, *form,
        { { QStringLiteral("scope"), QStringLiteral("openid") },
            { QStringLiteral("scope"), QStringLiteral("accounts:read") },
            { QStringLiteral("scope"), QStringLiteral("transactions:read") },
            { QStringLiteral("scope"), QStringLiteral("payments:write") },
            { QStringLiteral("decision"), QStringLiteral("approve") } });
    QCOMPARE(approved.status, 303);
    const QString code = UrlParameters::of(approved.location()).value(QStringLiteral("code"));
    QVERIFY2(!code.isEmpty(), qPrintable(approved.describe()));
    OAuthClient client(*m_bank, { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const TokenSet tokens = TokenSet::from(client.exchangeCode(code, request.verifier));
    QCOMPARE(tokens.scope, QStringLiteral("openid accounts:read"));
}

void tst_AuthorizationEndpoint::rememberedConsentSkipsTheConsentPage()
{
    const RegisteredClient app
        = m_bank->registerClient(QStringLiteral("Memory App"), { QStringLiteral("http://127.0.0.1/cb") },
            { QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email") });
    QVERIFY(!app.clientId.isEmpty());
    AuthorizationRequest request;
    request.clientId = app.clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7001/cb");
    request.scope = QStringLiteral("openid profile");

    Browser first(*m_bank);
    const AuthorizationRun consented = first.authorize(request);
    QVERIFY(consented.sawConsentPage);
    QVERIFY2(!consented.code().isEmpty(), qPrintable(consented.describe()));

    // Another browser: John logs in again, but is not asked again for the same scopes ...
    Browser second(*m_bank);
    const AuthorizationRun remembered = second.authorize(request);
    QVERIFY(remembered.sawLoginPage);
    QVERIFY2(!remembered.sawConsentPage, qPrintable(remembered.describe()));
    QVERIFY2(!remembered.code().isEmpty(), qPrintable(remembered.describe()));

    // ... nor for fewer; but he is for more, and when the client asks for it (prompt=consent).
    AuthorizationRequest fewer = request;
    fewer.scope = QStringLiteral("openid");
    QVERIFY(!second.authorize(fewer).sawConsentPage);
    AuthorizationRequest more = request;
    more.scope = QStringLiteral("openid profile email");
    const AuthorizationRun wider = second.authorize(more);
    QVERIFY(wider.sawConsentPage);
    QVERIFY(!wider.code().isEmpty());
    AuthorizationRequest asked = request;
    asked.prompt = QStringLiteral("consent");
    QVERIFY(second.authorize(asked).sawConsentPage);
}

void tst_AuthorizationEndpoint::publicLoopbackClientIsAskedEveryTime()
{
    // RFC 8252 §8.6, RFC 6749 §10.2: a public client on a loopback redirect URI cannot prove who it is —
    // any program on John's machine can listen on another port and send John's browser to /authorize
    // with the client's id and its own PKCE pair. A remembered consent must not answer for John there
    // (issue 10 finding 2).
    const RegisteredClient app = m_bank->registerClient(QStringLiteral("Native App"),
        { QStringLiteral("http://127.0.0.1/callback") },
        { QStringLiteral("openid"), QStringLiteral("accounts:read") }, true);
    QVERIFY(!app.clientId.isEmpty());
    AuthorizationRequest request;
    request.clientId = app.clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7100/callback");
    request.scope = QStringLiteral("openid accounts:read");

    Browser browser(*m_bank);
    const AuthorizationRun first = browser.authorize(request);
    QVERIFY(first.sawLoginPage);
    QVERIFY(first.sawConsentPage);
    QVERIFY2(!first.code().isEmpty(), qPrintable(first.describe()));
    const auto john = m_bank->store().users().userByUsername(QString::fromLatin1(JohnUsername));
    QVERIFY(john);
    const auto remembered = m_bank->store().consents().activeConsent(john->id, app.clientId);
    QVERIFY2(remembered.has_value(), "John's consent is remembered; it is only not used");

    // The same browser, still logged in, another port: John sees the consent page again.
    AuthorizationRequest otherPort = request;
    otherPort.redirectUri = QStringLiteral("http://127.0.0.1:7200/callback");
    const AuthorizationRun again = browser.authorize(otherPort);
    QVERIFY(!again.sawLoginPage);
    QVERIFY2(again.sawConsentPage, qPrintable(again.describe()));
    QVERIFY2(!again.code().isEmpty(), qPrintable(again.describe()));

    // A fresh browser: after the login form too.
    Browser fresh(*m_bank);
    const AuthorizationRun afterLogin = fresh.authorize(otherPort);
    QVERIFY(afterLogin.sawLoginPage);
    QVERIFY2(afterLogin.sawConsentPage, qPrintable(afterLogin.describe()));

    // prompt=none: no code without asking John, consent_required back to the client.
    AuthorizationRequest silent = otherPort;
    silent.prompt = QStringLiteral("none");
    const HttpResult answer = browser.get(silent.url(*m_bank));
    QCOMPARE(answer.status, 302);
    const UrlParameters parameters = UrlParameters::of(answer.location());
    QVERIFY2(!parameters.has(QStringLiteral("code")), qPrintable(answer.describe()));
    QCOMPARE(parameters.value(QStringLiteral("error")), QStringLiteral("consent_required"));
    QCOMPARE(parameters.value(QStringLiteral("state")), silent.state);
    QVERIFY(parameters.value(QStringLiteral("error_description")).contains(QStringLiteral("public client")));

    // A confidential client with the same redirect URI and a remembered consent still skips the page:
    // its secret proves who redeems the code.
    const RegisteredClient confidential = m_bank->registerClient(QStringLiteral("Desktop App"),
        { QStringLiteral("http://127.0.0.1/callback") },
        { QStringLiteral("openid"), QStringLiteral("accounts:read") });
    AuthorizationRequest known = otherPort;
    known.clientId = confidential.clientId;
    QVERIFY(browser.authorize(known).sawConsentPage);
    const AuthorizationRun skipped = browser.authorize(known);
    QVERIFY2(!skipped.sawConsentPage, qPrintable(skipped.describe()));
    QVERIFY2(!skipped.code().isEmpty(), qPrintable(skipped.describe()));
}

void tst_AuthorizationEndpoint::promptNoneHonoursRememberConsent()
{
    // The trainer's "remember consent" off: an older consent in the database answers nothing, prompt=none
    // included — John has to be asked, which prompt=none cannot do (OIDC Core §3.1.2.6 consent_required).
    const RegisteredClient app = m_bank->registerClient(QStringLiteral("Forgetful App"),
        { QStringLiteral("http://127.0.0.1/cb") }, { QStringLiteral("openid") });
    AuthorizationRequest request;
    request.clientId = app.clientId;
    request.redirectUri = QStringLiteral("http://127.0.0.1:7300/cb");
    request.scope = QStringLiteral("openid");
    Browser browser(*m_bank);
    QVERIFY(browser.authorize(request).sawConsentPage);
    AuthorizationRequest silent = request;
    silent.prompt = QStringLiteral("none");
    QVERIFY2(!browser.authorize(silent).code().isEmpty(), "remembering on: prompt=none answers with a code");

    Bank &bank = *m_bank->server().bank();
    bank.setRememberConsent(false);
    const auto rememberAgain = qScopeGuard([&bank] { bank.setRememberConsent(true); });
    const HttpResult answer = browser.get(silent.url(*m_bank));
    QCOMPARE(answer.status, 302);
    const UrlParameters parameters = UrlParameters::of(answer.location());
    QVERIFY2(!parameters.has(QStringLiteral("code")), qPrintable(answer.describe()));
    QCOMPARE(parameters.value(QStringLiteral("error")), QStringLiteral("consent_required"));
    // ... and without prompt=none, the consent page.
    QVERIFY(browser.authorize(request).sawConsentPage);
}

void tst_AuthorizationEndpoint::pagesForbidFraming()
{
    Browser browser(*m_bank);
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    HttpResult login = browser.open(request.url(*m_bank));
    HttpResult consent = browser.follow(browser.submitLogin(login, {}));
    HttpResult error
        = browser.get(AuthorizationRequest().url(*m_bank, { QStringLiteral("client_id=nobody") }));
    QVERIFY(login.body.contains("name=\"password\""));
    QVERIFY(consent.body.contains("name=\"decision\""));
    QCOMPARE(error.status, 400);
    // RFC 6749 §10.13 clickjacking: no page of eddy's may be framed; none may be cached.
    for (const HttpResult *page : { &login, &consent, &error }) {
        QVERIFY2(page->header("Content-Security-Policy").contains("frame-ancestors 'none'"),
            qPrintable(page->describe()));
        QCOMPARE(page->header("X-Frame-Options"), QByteArray("DENY"));
        QCOMPARE(page->header("Cache-Control"), QByteArray("no-store"));
    }
}

QTEST_GUILESS_MAIN(tst_AuthorizationEndpoint)
#include "tst_authorizationendpoint.moc"
