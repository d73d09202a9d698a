// Every refusal of the bank goes one way (issue 9 §2). For each named check of the catalogue
// (bank/Check.h) — the rows are the catalogue itself — a request over real HTTP that this check refuses,
// and the proof: the exchange's last decision is the refusal, naming the check; the newest audit row is
// that refusal, naming the check; the answer carries the error. Where a request cannot get that far with
// every defence on (a code whose user is gone, a rotation lost to a race), the checks before it are
// switched off for the last request, as the attack lab does.

#include "BankHarness.h"
#include "RawHttpClient.h"
#include "bank/Check.h"
#include "bank/PageRenderer.h"

#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <functional>

using namespace cfl;
using namespace cfl::test;

namespace {
QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

struct Grant
{
    AuthorizationRequest request;
    QString code;
};
} // namespace

class tst_RefusalCatalogue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void everyCheckIsWalked();
    void refusal_data();
    void refusal();

private:
    using Trigger = std::function<HttpResult()>;
    const QHash<QString, Trigger> &triggers();

    void switchOff(const QStringList &checks);
    HttpResult firstAnswer(const QStringList &edits);
    // GET / with exactly `hostLine` for a Host (QNetworkAccessManager would write its own).
    HttpResult rawAnswer(const QByteArray &hostLine);
    // A login page in `browser`, for CoolLoan; with prompt=consent the consent page always follows.
    HttpResult loginPage(Browser &browser);
    HttpResult consentPage(Browser &browser);
    Grant newCode(const QString &scope = QString::fromLatin1(CoolLoanScopes));
    TokenSet tokensFor(OAuthClient &client, const QString &scope, const QString &redirectUri = {});
    // An access token that names itself what it likes, with no signature (alg none).
    QString forgedAccessToken(const QJsonObject &claims) const;
    // A browser logged in to online banking, and the CSRF token of its forms.
    QString webCsrfToken(Browser &browser);
    HttpResult webPost(Browser &browser, const QString &path, const FormFields &fields);

    std::unique_ptr<TestBank> m_bank;
    std::unique_ptr<OAuthClient> m_coolLoan;
    std::unique_ptr<OAuthClient> m_otherApp; // confidential, CoolLoan's redirect URI and scopes
    std::unique_ptr<OAuthClient> m_publicApp;
    std::unique_ptr<OAuthClient> m_payApp; // may make payments
    RegisteredClient m_quietApp; // John never consented to it
    QHash<QString, Trigger> m_triggers;
};

void tst_RefusalCatalogue::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    m_coolLoan = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { QString::fromLatin1(CoolLoanId), m_bank->coolLoanSecret() });
    const RegisteredClient other
        = m_bank->registerClient(QStringLiteral("Other App"), { QStringLiteral("http://127.0.0.1/callback") },
            QString::fromLatin1(CoolLoanScopes).split(QLatin1Char(' ')));
    QVERIFY(!other.clientSecret.isEmpty());
    m_otherApp
        = std::make_unique<OAuthClient>(*m_bank, ClientCredentials { other.clientId, other.clientSecret });
    const RegisteredClient publicApp = m_bank->registerClient(QStringLiteral("Public App"),
        { QStringLiteral("http://127.0.0.1/callback") },
        { QStringLiteral("openid"), QStringLiteral("accounts:read") }, true);
    QVERIFY(!publicApp.clientId.isEmpty());
    m_publicApp = std::make_unique<OAuthClient>(
        *m_bank, ClientCredentials { publicApp.clientId, {} }, ClientAuth::None);
    const RegisteredClient payApp
        = m_bank->registerClient(QStringLiteral("PayApp"), { QStringLiteral("http://127.0.0.1/callback") },
            { QStringLiteral("openid"), QStringLiteral("accounts:read"), QStringLiteral("payments:write") });
    QVERIFY(!payApp.clientSecret.isEmpty());
    m_payApp
        = std::make_unique<OAuthClient>(*m_bank, ClientCredentials { payApp.clientId, payApp.clientSecret });
    m_quietApp = m_bank->registerClient(
        QStringLiteral("Quiet App"), { QStringLiteral("http://127.0.0.1/cb") }, { QStringLiteral("openid") });
    QVERIFY(!m_quietApp.clientId.isEmpty());
}

void tst_RefusalCatalogue::cleanup()
{
    switchOff({});
}

void tst_RefusalCatalogue::switchOff(const QStringList &checks)
{
    m_bank->server().setDisabledChecks(QSet<QString>(checks.cbegin(), checks.cend()));
}

HttpResult tst_RefusalCatalogue::firstAnswer(const QStringList &edits)
{
    Browser browser(*m_bank);
    return browser.get(AuthorizationRequest().url(*m_bank, edits));
}

HttpResult tst_RefusalCatalogue::rawAnswer(const QByteArray &hostLine)
{
    HttpResult result;
    RawHttpClient client(m_bank->server().port());
    if (!client.waitConnected())
        return result;
    client.send("GET / HTTP/1.1\r\n" + (hostLine.isEmpty() ? QByteArray() : hostLine + "\r\n")
        + "Connection: close\r\n\r\n");
    if (!client.waitForResponses(1, 20000))
        return result;
    const QByteArray response = client.responses().first();
    result.status = RawHttpClient::statusOf(response);
    result.body = RawHttpClient::bodyOf(response);
    for (const QByteArray &line : response.left(response.indexOf("\r\n\r\n")).split('\n').mid(1)) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            result.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    return result;
}

HttpResult tst_RefusalCatalogue::loginPage(Browser &browser)
{
    AuthorizationRequest request;
    request.prompt = QStringLiteral("consent");
    return browser.open(request.url(*m_bank));
}

HttpResult tst_RefusalCatalogue::consentPage(Browser &browser)
{
    return browser.follow(browser.submitLogin(loginPage(browser), {}));
}

Grant tst_RefusalCatalogue::newCode(const QString &scope)
{
    Grant grant;
    grant.request.scope = scope;
    Browser browser(*m_bank);
    grant.code = browser.authorize(grant.request).code();
    if (grant.code.isEmpty())
        qWarning("no code for %s", qPrintable(scope));
    return grant;
}

TokenSet tst_RefusalCatalogue::tokensFor(
    OAuthClient &client, const QString &scope, const QString &redirectUri)
{
    AuthorizationRequest request;
    request.scope = scope;
    if (!redirectUri.isEmpty())
        request.redirectUri = redirectUri;
    return obtainTokens(*m_bank, client, request);
}

QString tst_RefusalCatalogue::forgedAccessToken(const QJsonObject &claims) const
{
    return QString::fromLatin1(base64Url(R"({"alg":"none","typ":"at+jwt"})") + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.');
}

QString tst_RefusalCatalogue::webCsrfToken(Browser &browser)
{
    const HttpResult accounts = browser.logInToWebBanking();
    const auto logout = findForm(accounts.body, QStringLiteral("/web/logout"));
    return logout ? logout->value(QStringLiteral("csrf_token")) : QString();
}

HttpResult tst_RefusalCatalogue::webPost(Browser &browser, const QString &path, const FormFields &fields)
{
    return browser.postForm(m_bank->url(path), fields);
}

const QHash<QString, tst_RefusalCatalogue::Trigger> &tst_RefusalCatalogue::triggers()
{
    if (!m_triggers.isEmpty())
        return m_triggers;
    auto &t = m_triggers;
    auto edits = [this](QStringList list) { return [this, list] { return firstAnswer(list); }; };

    // --- every request, before routing: its Host ---------------------------------------------------------
    t[text("request.host.valid")] = [this] { return rawAnswer(QByteArray()); };
    t[text("request.host.allowed")] = [this] {
        return rawAnswer("Host: rebind.attacker.example:" + QByteArray::number(m_bank->issuer().port()));
    };

    // --- eddy: /authorize ---------------------------------------------------------------------------
    t[text("authorize.request.form_encoding")] = [this] {
        // Not UTF-8 once decoded (QUrl would repair a malformed escape such as %zz on its way out).
        Browser browser(*m_bank);
        return browser.get(m_bank->url(QStringLiteral("/authorize?client_id=%C3%28")));
    };
    t[text("authorize.client_id.once")] = edits({ text("+client_id=coolloan") });
    t[text("authorize.redirect_uri.once")] = edits({ text("+redirect_uri=http://127.0.0.1:5555/callback") });
    t[text("authorize.client_id.present")] = edits({ text("-client_id") });
    t[text("authorize.client.registered")] = edits({ text("client_id=nobody") });
    t[text("authorize.redirect_uri.present")] = edits({ text("-redirect_uri") });
    t[text("authorize.redirect_uri.exact_match")]
        = edits({ text("redirect_uri=http://evil.example/callback") });
    t[text("authorize.parameters.once")] = edits({ text("+scope=openid") });
    t[text("authorize.parameters.length")] = edits({ text("nonce=") + QString(2049, QLatin1Char('n')) });
    t[text("authorize.response_type.present")] = edits({ text("-response_type") });
    t[text("authorize.response_type.code")] = edits({ text("response_type=token") });
    t[text("authorize.response_mode.query")] = edits({ text("response_mode=fragment") });
    t[text("authorize.request_object.absent")] = edits({ text("request=eyJhbGciOiJub25lIn0.e30.") });
    t[text("authorize.request_uri.absent")] = edits({ text("request_uri=https://evil.example/r") });
    t[text("authorize.scope.present")] = edits({ text("-scope") });
    t[text("authorize.scope.known")] = edits({ text("scope=openid telepathy") });
    t[text("authorize.scope.allowed")] = edits({ text("scope=openid payments:write") });
    t[text("authorize.pkce.challenge_present")]
        = edits({ text("-code_challenge"), text("-code_challenge_method") });
    t[text("authorize.pkce.method_s256")] = edits({ text("code_challenge_method=plain") });
    t[text("authorize.pkce.challenge_format")] = edits({ text("code_challenge=abc") });
    t[text("authorize.prompt.known")] = edits({ text("prompt=sometimes") });
    t[text("authorize.prompt.none_alone")] = edits({ text("prompt=none login") });
    t[text("authorize.max_age.seconds")] = edits({ text("max_age=soon") });
    t[text("authorize.claims.well_formed")] = edits({ text(R"(claims={"userinfo":["email"]})") });
    t[text("authorize.claims.essential_acr")]
        = edits({ text(R"(claims={"id_token":{"acr":{"essential":true,"values":["urn:example:gold"]}}})") });
    t[text("authorize.prompt_none.login")] = edits({ text("prompt=none") });
    t[text("authorize.prompt_none.public_loopback")] = [this] {
        // A public client on loopback: whatever John consented to, he is asked (RFC 8252 §8.6).
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        AuthorizationRequest request;
        request.clientId = m_publicApp->credentials().id;
        request.redirectUri = QStringLiteral("http://127.0.0.1:7000/callback");
        request.scope = QStringLiteral("openid");
        request.prompt = QStringLiteral("none");
        return browser.get(request.url(*m_bank));
    };
    t[text("authorize.prompt_none.consent")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        AuthorizationRequest request;
        request.clientId = m_quietApp.clientId;
        request.redirectUri = QStringLiteral("http://127.0.0.1:7000/cb");
        request.scope = QStringLiteral("openid");
        request.prompt = QStringLiteral("none");
        return browser.get(request.url(*m_bank));
    };

    // --- eddy: the login and consent pages -----------------------------------------------------------
    t[text("interaction.exists")] = [this] {
        Browser browser(*m_bank);
        return browser.get(m_bank->url(QStringLiteral("/interaction/does-not-exist")));
    };
    t[text("interaction.browser")] = [this] {
        Browser victim(*m_bank);
        const HttpResult page = loginPage(victim);
        Browser other(*m_bank);
        return other.get(page.url);
    };
    t[text("login.form_encoding")] = [this] {
        Browser browser(*m_bank);
        const HttpResult page = loginPage(browser);
        return browser.post(page.url.resolved(QUrl(findForm(page.body, QStringLiteral("/login"))->action)),
            "username=%zz", "application/x-www-form-urlencoded");
    };
    t[text("login.csrf")] = [this] {
        Browser browser(*m_bank);
        const HttpResult page = loginPage(browser);
        return browser.submit(page, *findForm(page.body, QStringLiteral("/login")),
            { { text("csrf_token"), text("forged") }, { text("username"), text("john") },
                { text("password"), text("x") } },
            { text("csrf_token") });
    };
    t[text("login.credentials_given")] = [this] {
        Browser browser(*m_bank);
        return browser.submitLogin(loginPage(browser), { QStringLiteral("john"), QString() });
    };
    t[text("login.throttle")] = [this] {
        Browser browser(*m_bank);
        HttpResult page = loginPage(browser);
        // Five wrong guesses for a user name (one that does not exist counts as well), then a sixth try.
        for (int attempt = 0; attempt <= 5; ++attempt)
            page = browser.submitLogin(
                page, { QStringLiteral("trudy"), QStringLiteral("guess-%1").arg(attempt) });
        return page;
    };
    t[text("login.unknown_user_budget")] = [this] {
        // More unknown names than the hashing budget holds (no time passes here to refill it), each its own
        // name so that no per-name delay comes first.
        Browser browser(*m_bank);
        HttpResult page = loginPage(browser);
        for (int attempt = 0; attempt <= BankConfig().unknownUserHashBurst; ++attempt)
            page = browser.submitLogin(
                page, { QStringLiteral("nobody-%1").arg(attempt), QStringLiteral("guess") });
        return page;
    };
    t[text("login.password")] = [this] {
        Browser browser(*m_bank);
        return browser.submitLogin(loginPage(browser), { QStringLiteral("john"), QStringLiteral("wrong") });
    };
    t[text("login.requested_subject")] = [this] {
        // The client asked for another customer by subject (OIDC Core §5.5.1); John logs in.
        Browser browser(*m_bank);
        AuthorizationRequest request;
        const HttpResult page = browser.open(
            request.url(*m_bank, { text(R"(claims={"id_token":{"sub":{"value":"user-999"}}})") }));
        return browser.submitLogin(page, {});
    };
    t[text("consent.form_encoding")] = [this] {
        Browser browser(*m_bank);
        const HttpResult page = consentPage(browser);
        return browser.post(page.url.resolved(QUrl(findForm(page.body, QStringLiteral("/consent"))->action)),
            "decision=%zz", "application/x-www-form-urlencoded");
    };
    t[text("consent.csrf")] = [this] {
        Browser browser(*m_bank);
        const HttpResult page = consentPage(browser);
        return browser.submit(page, *findForm(page.body, QStringLiteral("/consent")),
            { { text("decision"), text("approve") } }, { text("csrf_token") });
    };
    t[text("consent.logged_in")] = [this] {
        // The login page's own CSRF token, posted to the consent form before John logged in.
        Browser browser(*m_bank);
        const HttpResult page = loginPage(browser);
        const HtmlForm login = *findForm(page.body, QStringLiteral("/login"));
        QString consent = login.action;
        consent.replace(QStringLiteral("/login"), QStringLiteral("/consent"));
        return browser.postForm(page.url.resolved(QUrl(consent)),
            login.hiddenFields() + FormFields { { text("decision"), text("approve") } });
    };
    t[text("consent.decision_known")] = [this] {
        Browser browser(*m_bank);
        const HttpResult page = consentPage(browser);
        return browser.submit(
            page, *findForm(page.body, QStringLiteral("/consent")), { { text("decision"), text("maybe") } });
    };
    t[text("consent.approved")] = [this] {
        Browser browser(*m_bank);
        ConsentChoice deny;
        deny.approve = false;
        return browser.submitConsent(consentPage(browser), deny);
    };

    // --- boris: the body and the client ----------------------------------------------------------------
    auto basic = [](const QByteArray &credentials) {
        return RawHeaders { { "Authorization", credentials } };
    };
    t[text("client_request.content_type")] = [this, basic] {
        HttpAgent agent;
        return agent.post(m_bank->url(text("/token")), R"({"grant_type":"authorization_code"})",
            "application/json",
            basic(OAuthClient::basicAuthorization(text("coolloan"), m_bank->coolLoanSecret())));
    };
    t[text("client_request.form_encoding")] = [this, basic] {
        HttpAgent agent;
        return agent.post(m_bank->url(text("/token")), "grant_type=authorization_code&code=%zz",
            "application/x-www-form-urlencoded",
            basic(OAuthClient::basicAuthorization(text("coolloan"), m_bank->coolLoanSecret())));
    };
    t[text("client_request.parameters.once")] = [this] {
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("authorization_code") },
            { text("code"), text("a") }, { text("code"), text("b") } });
    };
    t[text("client_auth.one_method")] = [this, basic] {
        HttpAgent agent;
        return agent.postForm(m_bank->url(text("/token")),
            { { text("grant_type"), text("authorization_code") }, { text("client_id"), text("coolloan") },
                { text("client_secret"), QString::fromLatin1(m_bank->coolLoanSecret()) } },
            basic(OAuthClient::basicAuthorization(text("coolloan"), m_bank->coolLoanSecret())));
    };
    t[text("client_auth.basic_scheme")] = [this, basic] {
        HttpAgent agent;
        return agent.postForm(m_bank->url(text("/token")),
            { { text("grant_type"), text("authorization_code") } }, basic("Bearer abc"));
    };
    t[text("client_auth.basic_format")] = [this, basic] {
        HttpAgent agent;
        return agent.postForm(m_bank->url(text("/token")),
            { { text("grant_type"), text("authorization_code") } },
            basic("Basic " + QByteArray("coolloan").toBase64()));
    };
    t[text("client_auth.basic_encoding")] = [this, basic] {
        HttpAgent agent;
        return agent.postForm(m_bank->url(text("/token")),
            { { text("grant_type"), text("authorization_code") } },
            basic("Basic " + QByteArray("coolloan:%zz").toBase64()));
    };
    t[text("client_auth.basic_matches_body")] = [this] {
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("authorization_code") },
            { text("client_id"), text("someone-else") } });
    };
    t[text("client_auth.client_id_present")] = [this] {
        OAuthClient anonymous(*m_bank, { QString(), {} }, ClientAuth::None);
        return anonymous.tokenRequest({ { text("grant_type"), text("authorization_code") } });
    };
    t[text("client_auth.registered")] = [this] {
        OAuthClient nobody(*m_bank, { text("nobody"), "secret" }, ClientAuth::SecretPost);
        return nobody.tokenRequest({ { text("grant_type"), text("authorization_code") } });
    };
    t[text("client_auth.secret_present")] = [this] {
        OAuthClient noSecret(*m_bank, { text("coolloan"), {} }, ClientAuth::None);
        return noSecret.tokenRequest({ { text("grant_type"), text("authorization_code") } });
    };
    t[text("client_auth.secret_matches")] = [this] {
        OAuthClient wrong(*m_bank, { text("coolloan"), "wrong" });
        return wrong.tokenRequest({ { text("grant_type"), text("authorization_code") } });
    };
    t[text("client_auth.public_no_secret")] = [this] {
        OAuthClient claims(*m_bank, { m_publicApp->credentials().id, "made-up" }, ClientAuth::SecretPost);
        return claims.tokenRequest({ { text("grant_type"), text("authorization_code") } });
    };
    t[text("token.grant_type.present")] = [this] {
        return m_coolLoan->tokenRequest({ { text("code"), text("x") } });
    };
    t[text("token.grant_type.supported")] = [this] {
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("password") } });
    };

    // --- boris: grant_type=authorization_code ------------------------------------------------------------
    t[text("token.code.present")] = [this] {
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("authorization_code") } });
    };
    t[text("token.code.known")] = [this] {
        return m_coolLoan->exchangeCode(text("bm90LWEtY29kZS1vZi10aGlzLWJhbmstYXQtYWxsLTEyMzQ1"), "");
    };
    t[text("token.code.unused")] = [this] {
        const Grant grant = newCode();
        m_coolLoan->exchangeCode(grant.code, grant.request.verifier);
        return m_coolLoan->exchangeCode(grant.code, grant.request.verifier);
    };
    t[text("token.code.client")] = [this] {
        const Grant grant = newCode();
        return m_otherApp->exchangeCode(grant.code, grant.request.verifier);
    };
    t[text("token.code.expiry")] = [this] {
        const Grant grant = newCode();
        m_bank->advanceClock(61);
        return m_coolLoan->exchangeCode(grant.code, grant.request.verifier);
    };
    t[text("token.code.redirect_uri")] = [this] {
        const Grant grant = newCode();
        return m_coolLoan->exchangeCode(
            grant.code, grant.request.verifier, text("http://127.0.0.1:5556/callback"));
    };
    t[text("token.code.verifier_present")] = [this] {
        const Grant grant = newCode();
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("authorization_code") },
            { text("code"), grant.code }, { text("redirect_uri"), grant.request.redirectUri } });
    };
    t[text("token.code.verifier_format")] = [this] {
        const Grant grant = newCode();
        return m_coolLoan->exchangeCode(grant.code, "short");
    };
    t[text("token.code.pkce")] = [this] {
        const Grant grant = newCode();
        return m_coolLoan->exchangeCode(grant.code, AuthorizationRequest().verifier);
    };
    t[text("token.code.redeem_once")] = [this] {
        // A second redemption with the replay check off: the database's single use still holds.
        const Grant grant = newCode();
        m_coolLoan->exchangeCode(grant.code, grant.request.verifier);
        switchOff({ text("token.code.unused") });
        return m_coolLoan->exchangeCode(grant.code, grant.request.verifier);
    };
    t[text("token.code.user")] = [this] {
        // A code the bank never issued, every check that needs its record off: nobody to issue tokens for.
        switchOff({ text("token.code.known"), text("token.code.client"), text("token.code.expiry"),
            text("token.code.pkce"), text("token.code.redeem_once") });
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("authorization_code") },
            { text("code"), text("bm90LWEtY29kZS1vZi10aGlzLWJhbmstYXQtYWxsLTEyMzQ1") },
            { text("code_verifier"), QString::fromLatin1(AuthorizationRequest().verifier) } });
    };

    // --- boris: grant_type=refresh_token -----------------------------------------------------------------
    t[text("token.refresh.present")] = [this] {
        return m_coolLoan->tokenRequest({ { text("grant_type"), text("refresh_token") } });
    };
    t[text("token.refresh.known")]
        = [this] { return m_coolLoan->refresh(text("bm90LWEtcmVmcmVzaC10b2tlbg")); };
    t[text("token.refresh.client")] = [this] {
        return m_otherApp->refresh(tokensFor(*m_coolLoan, QString::fromLatin1(CoolLoanScopes)).refreshToken);
    };
    t[text("token.refresh.not_rotated")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QString::fromLatin1(CoolLoanScopes));
        m_coolLoan->refresh(tokens.refreshToken);
        return m_coolLoan->refresh(tokens.refreshToken);
    };
    t[text("token.refresh.not_revoked")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QString::fromLatin1(CoolLoanScopes));
        m_coolLoan->revoke(tokens.refreshToken);
        return m_coolLoan->refresh(tokens.refreshToken);
    };
    t[text("token.refresh.expiry")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QString::fromLatin1(CoolLoanScopes));
        m_bank->advanceClock(14 * 24 * 3600 + 1);
        return m_coolLoan->refresh(tokens.refreshToken);
    };
    t[text("token.refresh.family_lifetime")] = [this] {
        // Rotated every 13 days, each refresh token fresh; the family began 31 days ago.
        TokenSet tokens = tokensFor(*m_coolLoan, QString::fromLatin1(CoolLoanScopes));
        for (int rotation = 0; rotation < 2; ++rotation) {
            m_bank->advanceClock(13 * 24 * 3600);
            tokens = TokenSet::from(m_coolLoan->refresh(tokens.refreshToken));
        }
        m_bank->advanceClock(5 * 24 * 3600);
        return m_coolLoan->refresh(tokens.refreshToken);
    };
    t[text("token.refresh.scope")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid offline_access accounts:read"));
        return m_coolLoan->refresh(tokens.refreshToken, text("transactions:read"));
    };
    t[text("token.refresh.user")] = [this] {
        switchOff({ text("token.refresh.known"), text("token.refresh.client"), text("token.refresh.expiry"),
            text("token.refresh.family_lifetime") });
        return m_coolLoan->refresh(text("bm90LWEtcmVmcmVzaC10b2tlbg"));
    };
    t[text("token.refresh.rotate_once")] = [this] {
        // A rotated token again, with the reuse check off: the database's single use still holds.
        const TokenSet tokens = tokensFor(*m_coolLoan, QString::fromLatin1(CoolLoanScopes));
        m_coolLoan->refresh(tokens.refreshToken);
        switchOff({ text("token.refresh.not_rotated") });
        return m_coolLoan->refresh(tokens.refreshToken);
    };

    // --- boris: revocation and introspection -----------------------------------------------------------
    t[text("revoke.token.present")] = [this] { return m_coolLoan->authenticatedPost(text("/revoke"), {}); };
    t[text("revoke.token.owner")] = [this] {
        return m_otherApp->revoke(tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read")).accessToken);
    };
    t[text("introspect.client.confidential")] = [this] {
        const TokenSet tokens = tokensFor(*m_publicApp, QStringLiteral("openid accounts:read"));
        return m_publicApp->introspect(tokens.accessToken);
    };
    t[text("introspect.token.present")]
        = [this] { return m_coolLoan->authenticatedPost(text("/introspect"), {}); };

    // --- banky and userinfo: the access token ------------------------------------------------------------
    auto claims = [](const QString &iss, const QString &aud, qint64 exp, const QString &jti) {
        return QJsonObject { { text("iss"), iss }, { text("aud"), aud }, { text("exp"), exp },
            { text("jti"), jti }, { text("sub"), text("user-1") },
            { text("scope"), text("openid accounts:read") } };
    };
    t[text("api.token.not_in_url")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
        return m_coolLoan->get(m_bank->url(text("/api/accounts?access_token=") + tokens.accessToken));
    };
    t[text("api.token.body_form")] = [this] {
        return m_coolLoan->post(m_bank->url(text("/userinfo")), "access_token=a&access_token=b",
            "application/x-www-form-urlencoded");
    };
    t[text("api.token.one_method")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
        return m_coolLoan->post(m_bank->url(text("/userinfo")),
            "access_token=" + tokens.accessToken.toLatin1(), "application/x-www-form-urlencoded",
            { { "Authorization", "Bearer " + tokens.accessToken.toLatin1() } });
    };
    t[text("api.token.present")] = [this] { return m_coolLoan->get(m_bank->url(text("/api/accounts"))); };
    t[text("api.token.bearer_scheme")] = [this] {
        return m_coolLoan->get(m_bank->url(text("/api/accounts")), { { "Authorization", "Basic abc" } });
    };
    t[text("api.token.signature")]
        = [this] { return m_coolLoan->api(text("/api/accounts"), text("garbage")); };
    t[text("api.token.type")] = [this] {
        return m_coolLoan->api(
            text("/api/accounts"), tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read")).idToken);
    };
    t[text("api.token.issuer")] = [this, claims] {
        switchOff({ text("api.token.signature") });
        return m_coolLoan->api(text("/api/accounts"),
            forgedAccessToken(claims(text("https://evil.example"), m_bank->issuerString() + text("/api"),
                m_bank->now() + 60, text("jti-1"))));
    };
    t[text("api.token.audience")] = [this, claims] {
        switchOff({ text("api.token.signature") });
        return m_coolLoan->api(text("/api/accounts"),
            forgedAccessToken(claims(m_bank->issuerString(), text("https://evil.example/api"),
                m_bank->now() + 60, text("jti-1"))));
    };
    t[text("api.token.expiry")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
        m_bank->advanceClock(601);
        return m_coolLoan->api(text("/api/accounts"), tokens.accessToken);
    };
    t[text("api.token.known")] = [this, claims] {
        switchOff({ text("api.token.signature") });
        return m_coolLoan->api(text("/api/accounts"),
            forgedAccessToken(claims(m_bank->issuerString(), m_bank->issuerString() + text("/api"),
                m_bank->now() + 60, text("a-jti-the-bank-never-issued"))));
    };
    t[text("api.token.not_revoked")] = [this] {
        const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
        m_coolLoan->revoke(tokens.accessToken);
        return m_coolLoan->api(text("/api/accounts"), tokens.accessToken);
    };
    t[text("api.token.ledger_expiry")] = [this] {
        // Past the ledger's expiry, the JWT's own exp check off: the ledger still says no.
        const TokenSet tokens = tokensFor(*m_coolLoan, QStringLiteral("openid accounts:read"));
        m_bank->advanceClock(601);
        switchOff({ text("api.token.expiry") });
        return m_coolLoan->api(text("/api/accounts"), tokens.accessToken);
    };
    t[text("api.token.scope")] = [this] {
        return m_coolLoan->api(
            text("/api/accounts"), tokensFor(*m_coolLoan, QStringLiteral("openid profile")).accessToken);
    };
    t[text("userinfo.user")] = [this, claims] {
        // Neither the ledger nor the scope checked: a token for nobody (a customer that does not exist).
        switchOff({ text("api.token.signature"), text("api.token.known"), text("api.token.ledger_expiry"),
            text("api.token.scope") });
        QJsonObject nobody = claims(m_bank->issuerString(), m_bank->issuerString() + text("/api"),
            m_bank->now() + 60, text("a-jti-the-bank-never-issued"));
        nobody.insert(text("sub"), text("user-9999"));
        return m_coolLoan->api(text("/userinfo"), forgedAccessToken(nobody));
    };

    // --- banky: the resource -------------------------------------------------------------------------
    t[text("api.account.owner")] = [this] {
        return m_coolLoan->api(text("/api/accounts/CHK-9999/transactions"),
            tokensFor(*m_coolLoan, QStringLiteral("openid transactions:read")).accessToken);
    };
    auto pay = [this](const QByteArray &contentType, const QByteArray &body) {
        const TokenSet tokens = tokensFor(*m_payApp, QStringLiteral("openid payments:write"));
        return m_payApp->post(m_bank->url(text("/api/payments")), body, contentType,
            { { "Authorization", "Bearer " + tokens.accessToken.toLatin1() } });
    };
    t[text("api.payment.json")] = [pay] { return pay("application/x-www-form-urlencoded", "amount=1"); };
    t[text("api.payment.object")] = [pay] { return pay("application/json", "{nope"); };
    t[text("api.payment.fields")]
        = [pay] { return pay("application/json", R"({"from_account":"CHK-1001"})"); };
    t[text("api.payment.booked")] = [pay] {
        return pay("application/json", R"({"from_account":"CHK-1001","payee":"x","amount":"99999999.00"})");
    };

    // --- John's online banking ---------------------------------------------------------------------------
    t[text("web.logout.csrf")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        return webPost(browser, text("/web/logout"), {});
    };
    t[text("web.account.owner")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        return browser.get(m_bank->url(text("/web/accounts/CHK-9999")));
    };
    t[text("web.payment.form_encoding")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        return browser.post(
            m_bank->url(text("/web/payments")), "amount=%zz", "application/x-www-form-urlencoded");
    };
    t[text("web.payment.csrf")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        return webPost(browser, text("/web/payments"),
            { { text("from_account"), text("CHK-1001") }, { text("payee"), text("x") },
                { text("amount"), text("1.00") } });
    };
    t[text("web.payment.amount")] = [this] {
        Browser browser(*m_bank);
        const QString csrf = webCsrfToken(browser);
        return webPost(browser, text("/web/payments"),
            { { text("csrf_token"), csrf }, { text("from_account"), text("CHK-1001") },
                { text("payee"), text("x") }, { text("amount"), text("ten") } });
    };
    t[text("web.payment.booked")] = [this] {
        Browser browser(*m_bank);
        const QString csrf = webCsrfToken(browser);
        return webPost(browser, text("/web/payments"),
            { { text("csrf_token"), csrf }, { text("from_account"), text("CHK-1001") },
                { text("payee"), text("x") }, { text("amount"), text("99999999.00") } });
    };
    t[text("web.apps.csrf")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        return webPost(browser, text("/web/apps/coolloan/revoke"), {});
    };
    t[text("web.apps.consent")] = [this] {
        Browser browser(*m_bank);
        const QString csrf = webCsrfToken(browser);
        return webPost(browser, text("/web/apps/nobody/revoke"), { { text("csrf_token"), csrf } });
    };

    // --- eddy: /session/end (RP-Initiated Logout); John logged in, CoolLoan holding an ID token ---------
    // John's browser, logged in at the bank through CoolLoan's grant: its ID token is a good hint.
    auto endSession = [this](const FormFields &fields, Browser *browser = nullptr) {
        Browser own(*m_bank);
        Browser &b = browser ? *browser : own;
        const QString hint = obtainTokens(*m_bank, *m_coolLoan, {}, &b).idToken;
        QUrl url = m_bank->url(text("/session/end"));
        FormFields parameters;
        for (const auto &[name, value] : fields)
            parameters.append({ name, value == text("<hint>") ? hint : value });
        url.setQuery(QString::fromLatin1(encodeForm(parameters)));
        return b.get(url);
    };
    const QString logoutUri = text("http://127.0.0.1:5555/logged-out");
    t[text("end_session.parameters")] = [endSession] {
        return endSession({ { text("state"), text("a") }, { text("state"), text("b") } });
    };
    t[text("end_session.id_token_hint.present")] = [endSession, logoutUri] {
        return endSession(
            { { text("client_id"), text(CoolLoanId) }, { text("post_logout_redirect_uri"), logoutUri } });
    };
    t[text("end_session.id_token_hint.issued")] = [this, endSession, logoutUri] {
        const QString forged = forgedAccessToken({ { text("iss"), m_bank->issuerString() },
            { text("aud"), text(CoolLoanId) }, { text("sub"), text("user-1") } });
        return endSession(
            { { text("id_token_hint"), forged }, { text("post_logout_redirect_uri"), logoutUri } });
    };
    t[text("end_session.client_id.audience")] = [this, endSession, logoutUri] {
        return endSession({ { text("id_token_hint"), text("<hint>") },
            { text("client_id"), m_quietApp.clientId }, { text("post_logout_redirect_uri"), logoutUri } });
    };
    t[text("end_session.client")] = [this, endSession, logoutUri] {
        // A hint names a registered app: only with the audience check off does an unknown client_id get here.
        switchOff({ text("end_session.client_id.audience") });
        return endSession({ { text("id_token_hint"), text("<hint>") }, { text("client_id"), text("nobody") },
            { text("post_logout_redirect_uri"), logoutUri } });
    };
    t[text("end_session.id_token_hint.subject")] = [this, logoutUri] {
        // John's ID token, in Mallory's browser.
        const QString johns = obtainTokens(*m_bank, *m_coolLoan).idToken;
        Browser mallorys(*m_bank);
        mallorys.logInToWebBanking({ text("mallory"), text("mallory-knows") });
        QUrl url = m_bank->url(text("/session/end"));
        url.setQuery(QString::fromLatin1(encodeForm(
            { { text("id_token_hint"), johns }, { text("post_logout_redirect_uri"), logoutUri } })));
        return mallorys.get(url);
    };
    t[text("end_session.id_token_hint.session")] = [this, logoutUri] {
        // John's ID token from yesterday's login, in the browser he logged in with again today.
        Browser browser(*m_bank);
        const QString yesterdays = obtainTokens(*m_bank, *m_coolLoan, {}, &browser).idToken;
        m_bank->advanceClock(24 * 3600);
        browser.logInToWebBanking();
        QUrl url = m_bank->url(text("/session/end"));
        url.setQuery(QString::fromLatin1(encodeForm(
            { { text("id_token_hint"), yesterdays }, { text("post_logout_redirect_uri"), logoutUri } })));
        return browser.get(url);
    };
    t[text("end_session.post_logout_redirect_uri")] = [endSession] {
        return endSession({ { text("id_token_hint"), text("<hint>") },
            { text("post_logout_redirect_uri"), text("http://127.0.0.1:5555/logged-out?next=elsewhere") } });
    };
    t[text("end_session.confirm.csrf")] = [this] {
        Browser browser(*m_bank);
        browser.logInToWebBanking();
        return webPost(browser, text("/session/end/confirm"), {});
    };
    return m_triggers;
}

void tst_RefusalCatalogue::everyCheckIsWalked()
{
    // The rows of refusal() are the catalogue itself; a trigger for a check that no longer exists is a
    // leftover.
    QSet<QString> catalogue;
    for (const CheckSpec &check : allChecks())
        catalogue.insert(check.id);
    const QList<QString> walked = triggers().keys();
    QCOMPARE(QSet<QString>(walked.cbegin(), walked.cend()), catalogue);
}

void tst_RefusalCatalogue::refusal_data()
{
    QTest::addColumn<QString>("check");
    for (const CheckSpec &check : allChecks())
        QTest::newRow(qPrintable(check.id)) << check.id;
}

void tst_RefusalCatalogue::refusal()
{
    QFETCH(QString, check);
    const Trigger trigger = triggers().value(check);
    QVERIFY2(trigger, "no request for this check yet: add one to triggers()");

    QSignalSpy exchanges(&m_bank->server(), &BankServer::exchanged);
    const HttpResult answer = trigger();
    // A logout request the bank cannot trust answers with a page that asks John, never a redirect
    // (OpenID Connect RP-Initiated Logout 1.0 §3, §4): 200, the reason on it.
    const bool asksJohn
        = check.startsWith(QLatin1String("end_session.")) && check != text("end_session.confirm.csrf");
    QVERIFY2(answer.status >= 300 || (asksJohn && answer.status == 200), qPrintable(answer.describe()));
    if (asksJohn)
        QVERIFY2(!answer.isRedirect(), qPrintable(answer.describe()));

    // The trace: the last exchange is this answer's, and it ends with one refusal, by this check.
    QVERIFY(!exchanges.isEmpty());
    const BankExchange exchange = exchanges.last().at(0).value<BankExchange>();
    QCOMPARE(exchange.response.status, answer.status);
    QVERIFY(!exchange.decisions.isEmpty());
    const BankDecision &last = exchange.decisions.last();
    QVERIFY2(last.refusal.has_value(), qPrintable(last.what));
    QCOMPARE(last.check, check);
    const OAuthError &error = *last.refusal;
    int refusals = 0;
    for (const BankDecision &decision : exchange.decisions)
        refusals += decision.refusal ? 1 : 0;
    QCOMPARE(refusals, 1);

    // The audit log: its newest row is this refusal.
    const QList<AuditEntry> log = m_bank->store().auditLog().recent(1);
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().event, QStringLiteral("refusal"));
    QCOMPARE(log.first().checkId, check);
    QCOMPARE(log.first().detail, error.error() + QStringLiteral(": ") + error.description());

    // The answer carries it, in the endpoint's form.
    const QUrl location = answer.location();
    if (answer.header("Content-Type").startsWith("application/json")) {
        QCOMPARE(answer.json().value(QStringLiteral("error")).toString(), error.error());
    } else if (UrlParameters::of(location).has(QStringLiteral("error"))) {
        QVERIFY(!m_bank->isBankUrl(location));
        QCOMPARE(UrlParameters::of(location).value(QStringLiteral("error")), error.error());
    } else if (answer.status == 404 || answer.status == 303) {
        // By design a refusal that must not show: another customer's account looks missing (404), and a
        // logout without its CSRF token still sends the browser home without its cookie (303).
        QVERIFY(answer.status == 404 || location.path() == QLatin1String("/web"));
    } else {
        QVERIFY2(answer.body.contains(PageRenderer::escape(error.description()).toUtf8()),
            qPrintable(answer.describe()));
    }
}

QTEST_GUILESS_MAIN(tst_RefusalCatalogue)
#include "tst_refusalcatalogue.moc"
