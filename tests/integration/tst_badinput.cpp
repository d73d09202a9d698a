// Issue 10, "Proof that it holds": every endpoint of the bank, sent malformed, oversized, duplicated,
// wrongly-encoded and wrong-method input, answers with a clear refusal and loses nothing. One row per
// input, written as the raw bytes of the request (RawHttpClient: QNetworkAccessManager would repair them)
// with placeholders for what only a running bank knows (a fresh code, an interaction and its cookie, a
// session and its form token). Each row must get, within a bound:
//  - Refused: a 4xx with a clear error: JSON {"error", "error_description"} (RFC 6749 §5.2, RFC 6750 §3),
//    an HTML page with the message (role="alert"), or, for a request refused before it reaches the bank
//    (the connection guard's limits and framing, RFC 9110 §15.5, RFC 9112), plain text that says why;
//  - RefusedToClient: /authorize once the client and its redirect URI are trusted: 302 back to the
//    registered redirect URI with error and error_description (RFC 6749 §4.1.2.1);
//  - Harmless: an endpoint that does not read the bad part (discovery, JWKS): anything but a 5xx.
// Never a 5xx, never a hang; and the bank's ledger is unchanged (no token issued, rotated or revoked, no
// code redeemed, no payment booked, no session started or ended, no consent changed) — a refusal that
// did something anyway fails. After every row a normal flow (code, token, API) still succeeds, and after
// the whole matrix a full flow with login and consent does.

#include "BankHarness.h"
#include "RawHttpClient.h"
#include "crypto/Pkce.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {

enum class Answer { Refused, RefusedToClient, Harmless };

// Every answer arrives within this (the bank's own request timeout is 10 s; nothing here is slow).
constexpr int AnswerBoundMs = 5000;
constexpr auto SqlConnection = "tst_badinput";
constexpr auto AllScopes
    = "openid profile email offline_access accounts:read transactions:read payments:write";
// The redirect URI of every authorization request here, percent-encoded as a query value.
constexpr auto RedirectParameter = "http%3A%2F%2F127.0.0.1%3A5555%2Fcallback";

QByteArray head(const QByteArray &method, const QByteArray &target, const QByteArray &headers = {})
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n" + headers;
}

// A request whose Content-Length is filled in once the placeholders of the body are ({length}).
QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &headers = {},
    const QByteArray &body = {})
{
    QByteArray text = head(method, target, headers);
    if (!body.isEmpty() || method == "POST")
        text += "Content-Length: {length}\r\n";
    return text + "\r\n" + body;
}

QByteArray get(const QByteArray &target, const QByteArray &headers = {})
{
    return request("GET", target, headers);
}

QByteArray form(const QByteArray &target, const QByteArray &body, const QByteArray &headers = {})
{
    return request("POST", target, "Content-Type: application/x-www-form-urlencoded\r\n" + headers, body);
}

// The client's (PayApp's) authenticated token-endpoint requests.
QByteArray token(const QByteArray &body, const QByteArray &headers = "Authorization: {basic}\r\n")
{
    return form("/token", body, headers);
}

QByteArray json(const QByteArray &target, const QByteArray &body, const QByteArray &headers = {})
{
    return request("POST", target, "Content-Type: application/json\r\n" + headers, body);
}

const QByteArray CodeBody = "grant_type=authorization_code&code={code}&redirect_uri="
    + QByteArray(RedirectParameter) + "&code_verifier={verifier}";
const QByteArray RefreshBody = "grant_type=refresh_token&refresh_token={refresh}";
const QByteArray AuthorizeQuery
    = "response_type=code&client_id={client}&redirect_uri=" + QByteArray(RedirectParameter)
    + "&scope=openid%20accounts%3Aread&state=st4te&code_challenge={challenge}&code_challenge_method=S256";
const QByteArray Bearer = "Authorization: Bearer {access}\r\n";
const QByteArray WebSession = "Cookie: {session}\r\n";
const QByteArray LoginTarget = "/interaction/{interaction}/login";
const QByteArray LoginHeaders = "Cookie: {icookie}\r\n";
const QByteArray LoginBody = "csrf_token={csrf}&username=john&password=banking-is-fun";
const QByteArray ConsentTarget = "/interaction/{cinteraction}/consent";
const QByteArray ConsentHeaders = "Cookie: {ccookie}\r\n";
const QByteArray ConsentBody = "csrf_token={ccsrf}&scope=openid&scope=accounts%3Aread&decision=approve";
const QByteArray PaymentJson = R"({"from_account":"{account}","payee":"Bob","amount":"1.00"})";
const QByteArray WebPaymentBody
    = "csrf_token={webcsrf}&from_account={account}&payee=Bob&amount=1.00&reference=rent";

QString cookieHeader(const QList<QNetworkCookie> &cookies)
{
    QStringList pairs;
    for (const QNetworkCookie &cookie : cookies)
        pairs << QString::fromLatin1(cookie.name() + '=' + cookie.value());
    return pairs.join(QStringLiteral("; "));
}

} // namespace

Q_DECLARE_METATYPE(Answer)

class tst_BadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void templatesAreServedAsTheyAre_data();
    void templatesAreServedAsTheyAre();
    void refusedClearly_data();
    void refusedClearly();
    void slowBodyIsAnsweredWithinItsBound();
    void stalledBodyIsCutOffWhileOthersAreServed();
    void fullFlowAfterTheMatrix();

private:
    // The row's request with its placeholders filled in (fresh codes and interactions where it names them).
    QByteArray fill(QByteArray text);
    // What must not change when a request is refused.
    QByteArray ledger();
    // A silent flow: code (John's session, remembered consent), tokens, an API call.
    bool normalFlowSucceeds(QString *why);
    QString freshCode(QByteArray *verifier);

    TestBank m_bank;
    RegisteredClient m_payApp; // confidential, every scope
    std::unique_ptr<OAuthClient> m_client;
    std::unique_ptr<Browser> m_john; // logged in at the bank, consent remembered
    TokenSet m_tokens;
    QString m_account;
    QString m_webCsrf;
    QByteArray m_challenge;
    int m_rows = 0;
};

void tst_BadInput::initTestCase()
{
    QString error;
    QVERIFY2(m_bank.start(&error), qPrintable(error));
    m_payApp
        = m_bank.registerClient(QStringLiteral("PayApp"), { QStringLiteral("http://127.0.0.1/callback") },
            QString::fromLatin1(AllScopes).split(QLatin1Char(' ')));
    QVERIFY(!m_payApp.clientSecret.isEmpty());
    m_client = std::make_unique<OAuthClient>(
        m_bank, ClientCredentials { m_payApp.clientId, m_payApp.clientSecret });
    m_john = std::make_unique<Browser>(m_bank);
    AuthorizationRequest first;
    first.scope = QString::fromLatin1(AllScopes);
    m_tokens = obtainTokens(m_bank, *m_client, first, m_john.get());
    QVERIFY(m_tokens.isValid());
    QVERIFY(!m_tokens.refreshToken.isEmpty());

    const HttpResult accounts = m_client->api(QStringLiteral("/api/accounts"), m_tokens.accessToken);
    QCOMPARE(accounts.status, 200);
    m_account = accounts.json()
                    .value(QStringLiteral("accounts"))
                    .toArray()
                    .first()
                    .toObject()
                    .value(QStringLiteral("id"))
                    .toString();
    QVERIFY(!m_account.isEmpty());

    const HttpResult paymentForm = m_john->open(m_bank.url(QStringLiteral("/web/payments")));
    QCOMPARE(paymentForm.status, 200);
    const auto webForm = findForm(paymentForm.body, QStringLiteral("/web/payments"));
    QVERIFY2(webForm, paymentForm.body.left(400).constData());
    m_webCsrf = webForm->value(QStringLiteral("csrf_token"));
    QVERIFY(!m_webCsrf.isEmpty());

    m_challenge = pkce::s256Challenge(QByteArray(43, 'v'));

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QLatin1String(SqlConnection));
    db.setDatabaseName(m_bank.store().database().path());
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
}

void tst_BadInput::cleanupTestCase()
{
    QSqlDatabase::database(QLatin1String(SqlConnection)).close();
    QSqlDatabase::removeDatabase(QLatin1String(SqlConnection));
    qInfo(
        "bad-input matrix: %d rows refused clearly, the ledger unchanged, a normal flow after each", m_rows);
}

QString tst_BadInput::freshCode(QByteArray *verifier)
{
    AuthorizationRequest request;
    request.clientId = m_payApp.clientId;
    request.scope = QString::fromLatin1(AllScopes);
    const AuthorizationRun run = m_john->authorize(request);
    *verifier = request.verifier;
    return run.code();
}

QByteArray tst_BadInput::fill(QByteArray text)
{
    const QUrl issuer = m_bank.issuer();
    text.replace("{host}", issuer.host().toLatin1() + ':' + QByteArray::number(issuer.port()));
    text.replace("{client}", m_payApp.clientId.toLatin1());
    text.replace("{basic}", OAuthClient::basicAuthorization(m_payApp.clientId, m_payApp.clientSecret));
    text.replace("{access}", m_tokens.accessToken.toLatin1());
    text.replace("{refresh}", m_tokens.refreshToken.toLatin1());
    text.replace("{challenge}", m_challenge);
    text.replace("{account}", m_account.toLatin1());
    text.replace("{webcsrf}", QUrl::toPercentEncoding(m_webCsrf));
    text.replace("{session}", cookieHeader(m_john->cookiesFor(QStringLiteral("/web"))).toLatin1());
    if (text.contains("{code}")) {
        QByteArray verifier;
        const QString code = freshCode(&verifier);
        if (code.isEmpty())
            qWarning("no fresh code for the row");
        text.replace("{code}", QUrl::toPercentEncoding(code));
        text.replace("{verifier}", verifier);
    }
    if (text.contains("{interaction}")) {
        // A browser of its own at John's login page.
        Browser browser(m_bank);
        AuthorizationRequest authorization;
        authorization.clientId = m_payApp.clientId;
        const HttpResult page = browser.open(authorization.url(m_bank));
        const auto login = findForm(page.body, QStringLiteral("/login"));
        if (!login)
            qWarning("no login page: %s", qPrintable(page.describe()));
        const QString id = login ? login->action.section(QLatin1Char('/'), 2, 2) : QString();
        text.replace("{interaction}", id.toLatin1());
        text.replace("{csrf}",
            QUrl::toPercentEncoding(login ? login->value(QStringLiteral("csrf_token")) : QString()));
        text.replace(
            "{icookie}", cookieHeader(browser.cookiesFor(QStringLiteral("/interaction/") + id)).toLatin1());
    }
    if (text.contains("{cinteraction}")) {
        // A browser of its own at John's consent page: logged in, asked again (prompt=consent).
        Browser browser(m_bank);
        AuthorizationRequest authorization;
        authorization.clientId = m_payApp.clientId;
        authorization.prompt = QStringLiteral("consent");
        const HttpResult page
            = browser.follow(browser.submitLogin(browser.open(authorization.url(m_bank)), {}));
        const auto consent = findForm(page.body, QStringLiteral("/consent"));
        if (!consent)
            qWarning("no consent page: %s", qPrintable(page.describe()));
        const QString id = consent ? consent->action.section(QLatin1Char('/'), 2, 2) : QString();
        text.replace("{cinteraction}", id.toLatin1());
        text.replace("{ccsrf}",
            QUrl::toPercentEncoding(consent ? consent->value(QStringLiteral("csrf_token")) : QString()));
        text.replace(
            "{ccookie}", cookieHeader(browser.cookiesFor(QStringLiteral("/interaction/") + id)).toLatin1());
    }
    const qsizetype headEnd = text.indexOf("\r\n\r\n");
    if (headEnd >= 0)
        text.replace("{length}", QByteArray::number(text.size() - headEnd - 4));
    return text;
}

QByteArray tst_BadInput::ledger()
{
    // Everything a request may do to John's money and the bank's grants; not the audit log, the login
    // failures or the interactions, which a refusal may write.
    static const QStringList queries {
        QStringLiteral("SELECT token_hash, rotated_at, revoked_at FROM tokens ORDER BY token_hash"),
        QStringLiteral("SELECT code_hash, redeemed_at FROM authorization_codes ORDER BY code_hash"),
        QStringLiteral("SELECT id, balance_cents FROM accounts ORDER BY id"),
        QStringLiteral("SELECT count(*), max(id) FROM transactions"),
        QStringLiteral("SELECT * FROM consents ORDER BY id"),
        QStringLiteral("SELECT id_hash, revoked_at FROM login_sessions ORDER BY id_hash"),
        QStringLiteral("SELECT client_id, secret_hash, redirect_uris FROM clients ORDER BY client_id"),
        QStringLiteral("SELECT id, username, password_hash FROM users ORDER BY id"),
    };
    QCryptographicHash digest(QCryptographicHash::Sha256);
    for (const QString &sql : queries) {
        QSqlQuery query(QSqlDatabase::database(QLatin1String(SqlConnection)));
        if (!query.exec(sql)) {
            digest.addData(query.lastError().text().toUtf8());
            continue;
        }
        while (query.next()) {
            for (int i = 0; i < query.record().count(); ++i)
                digest.addData(query.value(i).toString().toUtf8() + '\x1f');
            digest.addData("\x1e");
        }
    }
    return digest.result().toHex();
}

bool tst_BadInput::normalFlowSucceeds(QString *why)
{
    QByteArray verifier;
    const QString code = freshCode(&verifier);
    if (code.isEmpty()) {
        *why = QStringLiteral("no code");
        return false;
    }
    const HttpResult exchanged = m_client->exchangeCode(code, verifier);
    const TokenSet tokens = TokenSet::from(exchanged);
    if (exchanged.status != 200 || !tokens.isValid()) {
        *why = exchanged.describe();
        return false;
    }
    const HttpResult api = m_client->api(QStringLiteral("/api/accounts"), tokens.accessToken);
    if (api.status != 200) {
        *why = api.describe();
        return false;
    }
    // Not to pile up grants over the matrix: the client is done with them (RFC 7009).
    m_client->revoke(tokens.refreshToken);
    return true;
}

void tst_BadInput::templatesAreServedAsTheyAre_data()
{
    // The requests the rows below spoil, unspoilt: each is served (so that a row's refusal is the spoiling's
    // doing, not a broken template's) and changes the ledger where it should.
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("changes");
    QTest::newRow("authorize") << get("/authorize?" + AuthorizeQuery) << 303 << false;
    QTest::newRow("authorize (POST)") << form("/authorize", AuthorizeQuery) << 303 << false;
    QTest::newRow("login") << form(LoginTarget, LoginBody, LoginHeaders) << 300 << true;
    QTest::newRow("consent") << form(ConsentTarget, ConsentBody, ConsentHeaders) << 303
                             << true; // 303 after a form POST (RFC 9700 §4.12)
    QTest::newRow("token (code)") << token(CodeBody) << 200 << true;
    QTest::newRow("introspect") << form("/introspect", "token={access}", "Authorization: {basic}\r\n") << 200
                                << false;
    QTest::newRow("userinfo") << get("/userinfo", Bearer) << 200 << false;
    QTest::newRow("api accounts") << get("/api/accounts", Bearer) << 200 << false;
    QTest::newRow("api transactions") << get("/api/accounts/{account}/transactions", Bearer) << 200 << false;
    QTest::newRow("api payments") << json("/api/payments", PaymentJson, Bearer) << 201 << true;
    QTest::newRow("web account") << get("/web/accounts/{account}", WebSession) << 200 << false;
    QTest::newRow("web payment") << form("/web/payments", WebPaymentBody, WebSession) << 303 << true;
    // Last: it rotates the refresh token the rows use, which the test then takes over.
    QTest::newRow("token (refresh)") << token(RefreshBody) << 200 << true;
}

void tst_BadInput::templatesAreServedAsTheyAre()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(bool, changes);
    const QByteArray bytes = fill(raw);
    const QByteArray before = ledger();
    RawHttpClient client(m_bank.issuer().port());
    QVERIFY(client.waitConnected());
    client.send(bytes);
    QVERIFY(client.waitForResponses(1, AnswerBoundMs));
    const QByteArray response = client.responses().first();
    // 300: any redirect (a login answered with a code straight away when John's consent is remembered).
    const int answered = RawHttpClient::statusOf(response);
    QVERIFY2(answered == status || (status == 300 && answered / 100 == 3), response.left(600).constData());
    QCOMPARE(ledger() != before, changes);
    if (QByteArrayView(QTest::currentDataTag()) == "token (refresh)") {
        const QJsonObject tokens = QJsonDocument::fromJson(RawHttpClient::bodyOf(response)).object();
        m_tokens.accessToken = tokens.value(QStringLiteral("access_token")).toString();
        m_tokens.refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();
        QVERIFY(!m_tokens.refreshToken.isEmpty());
    }
}

void tst_BadInput::refusedClearly_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<Answer>("answer");
    const Answer refused = Answer::Refused;
    const Answer toClient = Answer::RefusedToClient;
    const QByteArray q = AuthorizeQuery;
    auto authorize = [](const QByteArray &query) { return get("/authorize?" + query); };
    auto with = [](QByteArray text, const QByteArray &from, const QByteArray &to) {
        return text.replace(from, to);
    };

    // --- eddy: /authorize ------------------------------------------------------------------------
    QTest::newRow("authorize: client_id not UTF-8 (%C3%28)")
        << authorize(with(q, "client_id={client}", "client_id=%C3%28")) << refused;
    QTest::newRow("authorize: client_id with %00")
        << authorize(with(q, "client_id={client}", "client_id={client}%00")) << refused;
    QTest::newRow("authorize: raw NUL byte in the query")
        << authorize(with(q, "state=st4te", QByteArray("state=st\0te", 11))) << refused;
    QTest::newRow("authorize: raw byte 0xFF in the query")
        << authorize(with(q, "state=st4te", "state=st\xFFte")) << refused;
    QTest::newRow("authorize: truncated percent-escape at the end")
        << authorize(q + "&nonce=ab%4") << refused;
    QTest::newRow("authorize: lone % in a value")
        << authorize(with(q, "state=st4te", "state=50%")) << refused;
    QTest::newRow("authorize: client_id twice") << authorize(q + "&client_id=attacker") << refused;
    QTest::newRow("authorize: redirect_uri twice")
        << authorize(q + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A6666%2Fcallback") << refused;
    QTest::newRow("authorize: redirect_uri with %00")
        << authorize(with(q, "%2Fcallback", "%2Fcallback%00")) << refused;
    QTest::newRow("authorize: scope twice") << authorize(q + "&scope=openid") << toClient;
    QTest::newRow("authorize: code_challenge twice")
        << authorize(q + "&code_challenge={challenge}") << toClient;
    QTest::newRow("authorize: max_age negative") << authorize(q + "&max_age=-1") << toClient;
    QTest::newRow("authorize: max_age beyond 64 bits")
        << authorize(q + "&max_age=99999999999999999999999999") << toClient;
    QTest::newRow("authorize: max_age not a number") << authorize(q + "&max_age=1e3") << toClient;
    QTest::newRow("authorize: max_age with %00") << authorize(q + "&max_age=60%00") << toClient;
    QTest::newRow("authorize: state of 3,000 characters")
        << authorize(with(q, "state=st4te", "state=" + QByteArray(3000, 's'))) << toClient;
    QTest::newRow("authorize: scope with %00") << authorize(with(q, "openid%20", "openid%00%20")) << toClient;
    QTest::newRow("authorize: code_challenge not UTF-8")
        << authorize(with(q, "code_challenge={challenge}", "code_challenge=%FF%FE")) << refused;
    QTest::newRow("authorize: request line over 8 KiB")
        << authorize(q + "&nonce=" + QByteArray(9000, 'n')) << refused;
    QTest::newRow("authorize: PUT") << request("PUT", "/authorize?" + q) << refused;
    QTest::newRow("authorize: DELETE") << request("DELETE", "/authorize?" + q) << refused;
    QTest::newRow("authorize: unknown method BREW") << request("BREW", "/authorize?" + q) << refused;
    QTest::newRow("authorize (POST): JSON instead of a form")
        << json("/authorize", R"({"response_type":"code","client_id":"{client}"})") << refused;
    QTest::newRow("authorize (POST): form body sent as text/plain")
        << request("POST", "/authorize", "Content-Type: text/plain\r\n", q) << refused;
    QTest::newRow("authorize (POST): form body without Content-Type")
        << request("POST", "/authorize", {}, q) << refused;
    QTest::newRow("authorize (POST): client_id twice")
        << form("/authorize", q + "&client_id=attacker") << refused;
    QTest::newRow("authorize (POST): body not UTF-8")
        << form("/authorize", with(q, "st4te", "%C0%AF")) << refused;
    QTest::newRow("authorize (POST): body of 33 KiB")
        << form("/authorize", q + "&nonce=" + QByteArray(33 * 1024, 'n')) << refused;

    // --- eddy: login and consent pages ----------------------------------------------------------------
    QTest::newRow("interaction page: id not UTF-8") << get("/interaction/%C3%28", LoginHeaders) << refused;
    QTest::newRow("interaction page: id with %00")
        << get("/interaction/{interaction}%00", LoginHeaders) << refused;
    QTest::newRow("login: no CSRF token")
        << form(LoginTarget, "username=john&password=banking-is-fun", LoginHeaders) << refused;
    QTest::newRow("login: CSRF token twice, the first one wrong")
        << form(LoginTarget, "csrf_token=wrong&" + LoginBody, LoginHeaders) << refused;
    QTest::newRow("login: password twice")
        << form(LoginTarget, LoginBody + "&password=other", LoginHeaders) << refused;
    QTest::newRow("login: username twice")
        << form(LoginTarget, LoginBody + "&username=mallory", LoginHeaders) << refused;
    QTest::newRow("login: NUL byte in the password (raw)")
        << form(LoginTarget, LoginBody + QByteArray("\0", 1), LoginHeaders) << refused;
    QTest::newRow("login: NUL byte in the password (%00)")
        << form(LoginTarget, LoginBody + "%00", LoginHeaders) << refused;
    QTest::newRow("login: password not UTF-8")
        << form(LoginTarget, LoginBody + "%FF", LoginHeaders) << refused;
    QTest::newRow("login: truncated percent-escape")
        << form(LoginTarget, LoginBody + "%2", LoginHeaders) << refused;
    QTest::newRow("login: JSON instead of a form") << json(
        LoginTarget, R"({"csrf_token":"{csrf}","username":"john","password":"banking-is-fun"})", LoginHeaders)
                                                   << refused;
    QTest::newRow("login: form sent as text/plain")
        << request("POST", LoginTarget, "Content-Type: text/plain\r\n" + LoginHeaders, LoginBody) << refused;
    QTest::newRow("login: without the interaction's cookie") << form(LoginTarget, LoginBody) << refused;
    QTest::newRow("login: Cookie header twice, the first one a stranger's")
        << form(LoginTarget, LoginBody, "Cookie: cfl_interaction=stranger\r\n" + LoginHeaders) << refused;
    QTest::newRow("login: body over 4 KiB")
        << form(LoginTarget, LoginBody + "&x=" + QByteArray(4200, 'x'), LoginHeaders) << refused;
    QTest::newRow("login: GET") << get(LoginTarget, LoginHeaders) << refused;
    QTest::newRow("login: PUT") << request("PUT", LoginTarget, LoginHeaders, LoginBody) << refused;
    QTest::newRow("login: interaction id with %2F")
        << form("/interaction/{interaction}%2Flogin/login", LoginBody, LoginHeaders) << refused;
    QTest::newRow("consent: decision twice, deny then approve")
        << form(ConsentTarget, "decision=deny&" + ConsentBody, ConsentHeaders) << refused;
    QTest::newRow("consent: CSRF token twice")
        << form(ConsentTarget, ConsentBody + "&csrf_token=other", ConsentHeaders) << refused;
    QTest::newRow("consent: no CSRF token")
        << form(ConsentTarget, "scope=openid&decision=approve", ConsentHeaders) << refused;
    QTest::newRow("consent: decision with %00")
        << form(ConsentTarget, with(ConsentBody, "approve", "approve%00"), ConsentHeaders) << refused;
    QTest::newRow("consent: body not UTF-8")
        << form(ConsentTarget, ConsentBody + "&scope=%E2%82", ConsentHeaders) << refused;
    QTest::newRow("consent: JSON instead of a form")
        << json(ConsentTarget, R"({"csrf_token":"{ccsrf}","decision":"approve"})", ConsentHeaders) << refused;
    QTest::newRow("consent: without the interaction's cookie") << form(ConsentTarget, ConsentBody) << refused;
    QTest::newRow("consent: DELETE") << request("DELETE", ConsentTarget, ConsentHeaders) << refused;

    // --- boris: /token, each grant -------------------------------------------------------------------
    QTest::newRow("token: no grant_type") << token("code={code}") << refused;
    QTest::newRow("token: unknown grant_type")
        << token("grant_type=password&username=john&password=x") << refused;
    QTest::newRow("token: grant_type with %00")
        << token("grant_type=refresh_token%00&refresh_token={refresh}") << refused;
    QTest::newRow("token: GET") << get("/token?" + RefreshBody, "Authorization: {basic}\r\n") << refused;
    QTest::newRow("token: PUT") << request("PUT", "/token", "Authorization: {basic}\r\n", RefreshBody)
                                << refused;
    QTest::newRow("token: JSON body") << json("/token",
        R"({"grant_type":"refresh_token","refresh_token":"{refresh}"})", "Authorization: {basic}\r\n")
                                      << refused;
    QTest::newRow("token: form sent as text/plain")
        << request("POST", "/token", "Content-Type: text/plain\r\nAuthorization: {basic}\r\n", RefreshBody)
        << refused;
    QTest::newRow("token: no Content-Type")
        << request("POST", "/token", "Authorization: {basic}\r\n", RefreshBody) << refused;
    QTest::newRow("token: Content-Type twice, the first one JSON")
        << token(RefreshBody, "Content-Type: application/json\r\nAuthorization: {basic}\r\n") << refused;
    QTest::newRow("token: Authorization twice, the first one valid")
        << token(RefreshBody, "Authorization: {basic}\r\nAuthorization: Basic bm9ib2R5Om5vdGhpbmc=\r\n")
        << refused;
    QTest::newRow("token: Authorization twice, the second one valid")
        << token(RefreshBody, "Authorization: Basic bm9ib2R5Om5vdGhpbmc=\r\nAuthorization: {basic}\r\n")
        << refused;
    QTest::newRow("token: Basic credentials not base64")
        << token(RefreshBody, "Authorization: Basic %%%\r\n") << refused;
    QTest::newRow("token: Basic credentials with a NUL byte")
        << token(RefreshBody, "Authorization: Basic " + QByteArray("coolloan\0:x", 11).toBase64() + "\r\n")
        << refused;
    QTest::newRow("token: body not UTF-8") << token(RefreshBody + "&scope=%C3") << refused;
    QTest::newRow("token: raw byte 0xFF in the body") << token(RefreshBody + "&scope=\xFF") << refused;
    QTest::newRow("token: truncated percent-escape") << token(RefreshBody + "%A") << refused;
    QTest::newRow("token: body over 16 KiB")
        << token(RefreshBody + "&x=" + QByteArray(17000, 'x')) << refused;
    QTest::newRow("token: Content-Length larger than the body")
        << with(token(RefreshBody), "Content-Length: {length}", "Content-Length: 99999") << refused;
    QTest::newRow("token: Content-Length beyond 64 bits")
        << with(token(RefreshBody), "Content-Length: {length}", "Content-Length: 99999999999999999999999")
        << refused;
    QTest::newRow("token: Content-Length negative")
        << with(token(RefreshBody), "Content-Length: {length}", "Content-Length: -5") << refused;
    QTest::newRow("token: Content-Length twice") << with(token(RefreshBody), "Content-Length: {length}\r\n",
        "Content-Length: {length}\r\nContent-Length: 3\r\n")
                                                 << refused;
    QTest::newRow("token: chunked body")
        << with(token(RefreshBody), "Content-Length: {length}", "Transfer-Encoding: chunked") << refused;
    QTest::newRow("token (code): code twice") << token(CodeBody + "&code=other") << refused;
    QTest::newRow("token (code): code with %00")
        << token(with(CodeBody, "code={code}", "code={code}%00")) << refused;
    QTest::newRow("token (code): code_verifier twice")
        << token(CodeBody + "&code_verifier={verifier}") << refused;
    QTest::newRow("token (code): code_verifier not UTF-8")
        << token(with(CodeBody, "code_verifier={verifier}", "code_verifier=%C3%28{verifier}")) << refused;
    QTest::newRow("token (code): redirect_uri twice")
        << token(CodeBody + "&redirect_uri=" + QByteArray(RedirectParameter)) << refused;
    QTest::newRow("token (code): redirect_uri with %00")
        << token(with(CodeBody, "%2Fcallback", "%2Fcallback%00")) << refused;
    QTest::newRow("token (code): client_id differs from Basic")
        << token(CodeBody + "&client_id=coolloan") << refused;
    QTest::newRow("token (code): Basic and client_secret together")
        << token(CodeBody + "&client_secret=guess") << refused;
    QTest::newRow("token (code): code of 20,000 characters")
        << token(with(CodeBody, "code={code}", "code=" + QByteArray(16000, 'c'))) << refused;
    QTest::newRow("token (refresh): refresh_token twice")
        << token(RefreshBody + "&refresh_token=other") << refused;
    QTest::newRow("token (refresh): refresh_token with %00")
        << token(with(RefreshBody, "{refresh}", "{refresh}%00")) << refused;
    QTest::newRow("token (refresh): scope twice")
        << token(RefreshBody + "&scope=openid&scope=openid") << refused;
    QTest::newRow("token (refresh): scope not UTF-8") << token(RefreshBody + "&scope=openid%FF") << refused;
    QTest::newRow("token (refresh): no client authentication") << token(RefreshBody, {}) << refused;

    // --- boris: /revoke and /introspect --------------------------------------------------------------
    QTest::newRow("revoke: token twice")
        << form("/revoke", "token={refresh}&token=x", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("revoke: token not UTF-8")
        << form("/revoke", "token=%C3%28", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("revoke: JSON body")
        << json("/revoke", R"({"token":"{refresh}"})", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("revoke: GET") << get("/revoke?token={refresh}", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("revoke: Authorization twice") << form("/revoke", "token={refresh}",
        "Authorization: {basic}\r\nAuthorization: Basic bm9ib2R5Om5vdGhpbmc=\r\n")
                                                 << refused;
    QTest::newRow("revoke: no client authentication") << form("/revoke", "token={refresh}") << refused;
    QTest::newRow("introspect: token twice")
        << form("/introspect", "token={access}&token={refresh}", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("introspect: truncated percent-escape")
        << form("/introspect", "token={access}%", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("introspect: text/plain") << request(
        "POST", "/introspect", "Content-Type: text/plain\r\nAuthorization: {basic}\r\n", "token={access}")
                                            << refused;
    QTest::newRow("introspect: DELETE")
        << request("DELETE", "/introspect", "Authorization: {basic}\r\n") << refused;

    // --- userinfo, banky ----------------------------------------------------------------------------
    QTest::newRow("userinfo: token in the query") << get("/userinfo?access_token={access}") << refused;
    QTest::newRow("userinfo: Authorization not Bearer")
        << get("/userinfo", "Authorization: {basic}\r\n") << refused;
    QTest::newRow("userinfo: bearer token with a NUL byte")
        << get("/userinfo", "Authorization: Bearer {access}%00\r\n") << refused;
    QTest::newRow("userinfo: Authorization twice, the first one valid")
        << get("/userinfo", Bearer + "Authorization: Bearer forged\r\n") << refused;
    QTest::newRow("userinfo: DELETE") << request("DELETE", "/userinfo", Bearer) << refused;
    QTest::newRow("api accounts: bearer token cut short")
        << get("/api/accounts", "Authorization: Bearer eyJ\r\n") << refused;
    QTest::newRow("api accounts: bearer token not UTF-8")
        << get("/api/accounts", "Authorization: Bearer \xC3\x28\xFF\r\n") << refused;
    QTest::newRow("api accounts: token in the query")
        << get("/api/accounts?access_token={access}") << refused;
    QTest::newRow("api accounts: Authorization twice, the first one valid")
        << get("/api/accounts", Bearer + "Authorization: Bearer forged\r\n") << refused;
    QTest::newRow("api accounts: POST") << json("/api/accounts", "{}", Bearer) << refused;
    QTest::newRow("api transactions: account id not UTF-8")
        << get("/api/accounts/%C3%28/transactions", Bearer) << refused;
    QTest::newRow("api transactions: account id with %00")
        << get("/api/accounts/{account}%00/transactions", Bearer) << refused;
    QTest::newRow("api transactions: account id of 4,000 characters")
        << get("/api/accounts/" + QByteArray(4000, '9') + "/transactions", Bearer) << refused;
    QTest::newRow("api payments: not JSON") << form("/api/payments", "amount=1", Bearer) << refused;
    QTest::newRow("api payments: no Content-Type")
        << request("POST", "/api/payments", Bearer, PaymentJson) << refused;
    QTest::newRow("api payments: JSON cut short")
        << json("/api/payments", PaymentJson.left(30), Bearer) << refused;
    QTest::newRow("api payments: JSON array")
        << json("/api/payments", "[" + PaymentJson + "]", Bearer) << refused;
    QTest::newRow("api payments: bad UTF-8 in the payee")
        << json("/api/payments", with(PaymentJson, "Bob", "B\xC3\x28ob"), Bearer) << refused;
    QTest::newRow("api payments: NUL byte in the JSON (raw)")
        << json("/api/payments", with(PaymentJson, "Bob", QByteArray("B\0ob", 4)), Bearer) << refused;
    QTest::newRow("api payments: amount 1e400")
        << json("/api/payments", with(PaymentJson, "\"1.00\"", "1e400"), Bearer) << refused;
    QTest::newRow("api payments: amount beyond 64 bits of cents")
        << json("/api/payments", with(PaymentJson, "1.00", "99999999999999999999"), Bearer) << refused;
    QTest::newRow("api payments: amount negative")
        << json("/api/payments", with(PaymentJson, "1.00", "-1000.00"), Bearer) << refused;
    QTest::newRow("api payments: amount NaN")
        << json("/api/payments", with(PaymentJson, "1.00", "nan"), Bearer) << refused;
    QTest::newRow("api payments: amount 0.001")
        << json("/api/payments", with(PaymentJson, "1.00", "0.001"), Bearer) << refused;
    QTest::newRow("api payments: from_account twice, the second another customer's") << json(
        "/api/payments", with(PaymentJson, "\"payee\"", "\"from_account\":\"MAL-0001\",\"payee\""), Bearer)
                                                                                     << refused;
    QTest::newRow("api payments: body over 4 KiB") << json(
        "/api/payments", with(PaymentJson, "rent", QByteArray(4200, 'r')) + QByteArray(4200, ' '), Bearer)
                                                   << refused;
    QTest::newRow("api payments: GET") << get("/api/payments", Bearer) << refused;

    // --- discovery, JWKS: nothing to read, nothing to change -----------------------------------------
    QTest::newRow("discovery: junk query")
        << get("/.well-known/openid-configuration?%zz=%00") << Answer::Harmless;
    QTest::newRow("discovery: POST") << form("/.well-known/openid-configuration", "x=1") << refused;
    QTest::newRow("jwks: junk query and a NUL (%00)") << get("/jwks?kid=%00%FF") << Answer::Harmless;
    QTest::newRow("jwks: body of 2 KiB on a GET")
        << request("GET", "/jwks", "Content-Type: text/plain\r\n", QByteArray(2048, 'b')) << refused;
    QTest::newRow("jwks: DELETE") << request("DELETE", "/jwks") << refused;
    QTest::newRow("unknown path with %00") << get("/jw%00ks") << refused;
    QTest::newRow("unknown path not UTF-8") << get("/%C3%28") << refused;

    // --- John's online banking (/web) ----------------------------------------------------------------
    QTest::newRow("web account: id not UTF-8") << get("/web/accounts/%C3%28", WebSession) << refused;
    QTest::newRow("web account: id with %00") << get("/web/accounts/{account}%00", WebSession) << refused;
    QTest::newRow("web payment: no CSRF token")
        << form("/web/payments", with(WebPaymentBody, "csrf_token={webcsrf}&", ""), WebSession) << refused;
    QTest::newRow("web payment: CSRF token twice, the first one wrong")
        << form("/web/payments", "csrf_token=wrong&" + WebPaymentBody, WebSession) << refused;
    QTest::newRow("web payment: amount twice")
        << form("/web/payments", WebPaymentBody + "&amount=9000", WebSession) << refused;
    QTest::newRow("web payment: from_account twice, the second another customer's")
        << form("/web/payments", WebPaymentBody + "&from_account=MAL-0001", WebSession) << refused;
    QTest::newRow("web payment: amount 1e400")
        << form("/web/payments", with(WebPaymentBody, "amount=1.00", "amount=1e400"), WebSession) << refused;
    QTest::newRow("web payment: amount negative")
        << form("/web/payments", with(WebPaymentBody, "amount=1.00", "amount=-50"), WebSession) << refused;
    QTest::newRow("web payment: amount with %00")
        << form("/web/payments", with(WebPaymentBody, "amount=1.00", "amount=1.00%00"), WebSession)
        << refused;
    QTest::newRow("web payment: payee not UTF-8")
        << form("/web/payments", with(WebPaymentBody, "payee=Bob", "payee=B%C3%28ob"), WebSession) << refused;
    QTest::newRow("web payment: truncated percent-escape")
        << form("/web/payments", WebPaymentBody + "%", WebSession) << refused;
    QTest::newRow("web payment: JSON instead of a form") << json("/web/payments",
        R"({"csrf_token":"{webcsrf}","from_account":"{account}","payee":"Bob","amount":"1"})", WebSession)
                                                         << refused;
    QTest::newRow("web payment: form sent as text/plain")
        << request("POST", "/web/payments", "Content-Type: text/plain\r\n" + WebSession, WebPaymentBody)
        << refused;
    QTest::newRow("web payment: Cookie twice, the first one a stranger's")
        << form("/web/payments", WebPaymentBody, "Cookie: cfl_session=stranger\r\n" + WebSession) << refused;
    QTest::newRow("web payment: PUT")
        << request("PUT", "/web/payments", WebSession, WebPaymentBody) << refused;
    QTest::newRow("web logout: DELETE") << request("DELETE", "/web/logout", WebSession) << refused;
    QTest::newRow("web apps: revoke without CSRF token")
        << form("/web/apps/{client}/revoke", "x=1", WebSession) << refused;
    QTest::newRow("web apps: revoke, client id not UTF-8")
        << form("/web/apps/%C3%28/revoke", "csrf_token={webcsrf}", WebSession) << refused;
    QTest::newRow("web apps: revoke, CSRF token not UTF-8")
        << form("/web/apps/{client}/revoke", "csrf_token={webcsrf}%FF", WebSession) << refused;
    QTest::newRow("web apps: revoke, GET") << get("/web/apps/{client}/revoke", WebSession) << refused;

    // --- RP-initiated logout (/session/end): bad input asks John or is refused; it ends no session ----
    const Answer harmless = Answer::Harmless;
    QTest::newRow("end session: state not UTF-8") << get("/session/end?state=%C3%28", WebSession) << harmless;
    QTest::newRow("end session: truncated percent-escape")
        << get("/session/end?id_token_hint=%", WebSession) << harmless;
    QTest::newRow("end session: id_token_hint twice")
        << get("/session/end?id_token_hint=a&id_token_hint=b", WebSession) << harmless;
    QTest::newRow("end session: hint of 9000 bytes")
        << get("/session/end?id_token_hint=" + QByteArray(9000, 'h'), WebSession) << harmless;
    QTest::newRow("end session: form sent as text/plain")
        << request("POST", "/session/end", "Content-Type: text/plain\r\n" + WebSession, "state=x")
        << harmless;
    QTest::newRow("end session: DELETE") << request("DELETE", "/session/end", WebSession) << refused;
    QTest::newRow("end session confirm: no CSRF token")
        << form("/session/end/confirm", "x=1", WebSession) << refused;
    QTest::newRow("end session confirm: CSRF token not UTF-8")
        << form("/session/end/confirm", "csrf_token={webcsrf}%FF", WebSession) << refused;
    QTest::newRow("end session confirm: GET") << get("/session/end/confirm", WebSession) << refused;

    // --- the request itself ---------------------------------------------------------------------------
    QTest::newRow("no Host header (RFC 9112 §3.2)")
        << QByteArray("GET /userinfo HTTP/1.1\r\nAuthorization: Bearer {access}\r\nConnection: close\r\n\r\n")
        << refused;
    QTest::newRow("Host header twice (RFC 9112 §3.2)")
        << get("/userinfo", "Host: {host}\r\n" + Bearer) << refused;
    QTest::newRow("raw NUL byte in the path") << get(QByteArray("/user\0info", 10), Bearer) << refused;
    QTest::newRow("raw NUL byte in a header value")
        << get("/userinfo", "Authorization: Bearer {access}" + QByteArray("\0", 1) + "x\r\n") << refused;
    QTest::newRow("header field line over 8 KiB")
        << get("/userinfo", Bearer + "X-Padding: " + QByteArray(9000, 'p') + "\r\n") << refused;
    QTest::newRow("101 header fields")
        << get("/userinfo", Bearer + QByteArray("X-A: 1\r\n").repeated(101)) << refused;
    QTest::newRow("space before the colon")
        << get("/userinfo", "Authorization : Bearer {access}\r\n") << refused;
    QTest::newRow("HTTP/1.0 request line without a path") << QByteArray("GET HTTP/1.0\r\n\r\n") << refused;
}

void tst_BadInput::refusedClearly()
{
    QFETCH(QByteArray, raw);
    QFETCH(Answer, answer);

    const QByteArray bytes = fill(raw);
    const QByteArray before = ledger();
    RawHttpClient client(m_bank.issuer().port());
    QVERIFY(client.waitConnected());
    QElapsedTimer clock;
    clock.start();
    client.send(bytes);
    // Never a hang: an answer within the bound (a refused request may also close the connection after it).
    QVERIFY2(client.waitForResponses(1, AnswerBoundMs),
        qPrintable(QStringLiteral("no answer within %1 ms; received: %2")
                       .arg(AnswerBoundMs)
                       .arg(QString::fromLatin1(client.received().left(300)))));
    const QByteArray response = client.responses().first();
    const int status = RawHttpClient::statusOf(response);
    const QByteArray body = RawHttpClient::bodyOf(response);
    const QByteArray contentType = RawHttpClient::headerOf(response, "Content-Type").toLower();
    const QByteArray shown = response.left(600);

    QVERIFY2(status < 500, shown.constData());
    switch (answer) {
    case Answer::Refused: {
        QVERIFY2(status >= 400 && status < 500, shown.constData());
        if (contentType.startsWith("application/json")) {
            const QJsonObject error = QJsonDocument::fromJson(body).object();
            QVERIFY2(!error.value(QStringLiteral("error")).toString().isEmpty(), shown.constData());
            QVERIFY2(
                !error.value(QStringLiteral("error_description")).toString().isEmpty(), shown.constData());
        } else if (contentType.startsWith("text/html")) {
            QVERIFY2(body.contains("role=\"alert\""), shown.constData());
        } else {
            // Every refusal is JSON or a page, the connection guard's in front of the bank too.
            QFAIL(qPrintable(QStringLiteral("neither a JSON error nor an error page: %1")
                                 .arg(QString::fromLatin1(shown))));
        }
        break;
    }
    case Answer::RefusedToClient: {
        QVERIFY2(status == 302 || status == 303, shown.constData());
        const QUrl location(QString::fromUtf8(RawHttpClient::headerOf(response, "Location")));
        QCOMPARE(location.toString(QUrl::RemoveQuery), QStringLiteral("http://127.0.0.1:5555/callback"));
        const UrlParameters parameters = UrlParameters::of(location);
        QVERIFY2(!parameters.value(QStringLiteral("error")).isEmpty(), shown.constData());
        QVERIFY2(!parameters.value(QStringLiteral("error_description")).isEmpty(), shown.constData());
        QVERIFY2(!parameters.has(QStringLiteral("code")), shown.constData());
        break;
    }
    case Answer::Harmless:
        break;
    }
    // Nothing happened: no grant, payment, session or consent changed.
    QCOMPARE(ledger(), before);
    // And the bank still serves a normal flow.
    QString why;
    QVERIFY2(normalFlowSucceeds(&why), qPrintable(why));
    ++m_rows;
}

void tst_BadInput::slowBodyIsAnsweredWithinItsBound()
{
    // A form trickled in over about a second (within the bank's 10 s for a whole request): answered like
    // the same form sent at once, while another client is served meanwhile.
    const QByteArray bytes
        = fill(token("grant_type=refresh_token&refresh_token={refresh}&refresh_token=again"));
    QByteArray before;
    RawHttpClient slow(m_bank.issuer().port());
    QVERIFY(slow.waitConnected());
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n") + 4;
    slow.send(bytes.left(headEnd));
    for (qsizetype at = headEnd; at < bytes.size(); at += 8) {
        slow.send(bytes.mid(at, 8));
        QTest::qWait(60);
        if (at == headEnd) {
            QString why;
            QVERIFY2(normalFlowSucceeds(&why), qPrintable(why));
            before = ledger();
        }
    }
    QVERIFY(slow.waitForResponses(1, AnswerBoundMs));
    const QByteArray response = slow.responses().first();
    QVERIFY2(RawHttpClient::statusOf(response) == 400, response.constData());
    QCOMPARE(QJsonDocument::fromJson(RawHttpClient::bodyOf(response))
                 .object()
                 .value(QStringLiteral("error"))
                 .toString(),
        QStringLiteral("invalid_request"));
    QCOMPARE(ledger(), before);
}

void tst_BadInput::stalledBodyIsCutOffWhileOthersAreServed()
{
    // Half a body, then nothing: 408 when the bank's 10 s for a request are up (RFC 9110 §15.5.9), bounded
    // here at 15 s; the refresh token in it is not used, and others are served meanwhile.
    const QByteArray bytes = fill(token(RefreshBody));
    RawHttpClient stalled(m_bank.issuer().port());
    QVERIFY(stalled.waitConnected());
    QElapsedTimer clock;
    clock.start();
    stalled.send(bytes.left(bytes.size() - 10));
    QString why;
    QVERIFY2(normalFlowSucceeds(&why), qPrintable(why));
    const QByteArray before = ledger();
    QVERIFY(stalled.waitForResponses(1, 15000));
    QCOMPARE(RawHttpClient::statusOf(stalled.responses().first()), 408);
    QVERIFY2(!RawHttpClient::bodyOf(stalled.responses().first()).trimmed().isEmpty(),
        stalled.responses().first().constData());
    QVERIFY(stalled.waitForClose());
    qInfo("stalled body cut off after %lld ms", clock.elapsed());
    QCOMPARE(ledger(), before);
    // The refresh token in the stalled request still works, once.
    const HttpResult refreshed = m_client->refresh(m_tokens.refreshToken);
    QCOMPARE(refreshed.status, 200);
    m_tokens = TokenSet::from(refreshed);
}

void tst_BadInput::fullFlowAfterTheMatrix()
{
    // A browser the bank has never seen: login page, password, consent page, code, tokens, API, refresh.
    Browser browser(m_bank);
    AuthorizationRequest request;
    request.clientId = m_payApp.clientId;
    request.scope = QString::fromLatin1(AllScopes);
    request.prompt = QStringLiteral("consent");
    const AuthorizationRun run = browser.authorize(request);
    QVERIFY2(run.sawLoginPage && run.sawConsentPage, qPrintable(run.describe()));
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    const HttpResult exchanged = m_client->exchangeCode(run.code(), request.verifier);
    QCOMPARE(exchanged.status, 200);
    const TokenSet tokens = TokenSet::from(exchanged);
    QCOMPARE(m_client->api(QStringLiteral("/api/accounts"), tokens.accessToken).status, 200);
    QCOMPARE(m_client->refresh(tokens.refreshToken).status, 200);
    // And John's own online banking.
    QCOMPARE(browser.open(m_bank.url(QStringLiteral("/web"))).status, 200);
}

QTEST_GUILESS_MAIN(tst_BadInput)
#include "tst_badinput.moc"
