// Every value the bank puts into a page arrives as text (OWASP XSS Prevention Cheat Sheet,
// rule #1: & < > " ' as character references in element content and in quoted attribute values). Markup
// and quote characters go in where a person, a client developer or an attacker can put them — a client's
// name, a user's name, a typed user name, a client_id or redirect_uri reflected on an error page, a
// registered redirect URI, a payment's payee and reference, an account's name — and each page that shows
// them is fetched over real HTTP from the real bank. A value passes when its escaped form is on the page,
// its raw form is not, and no element or event-handler attribute appeared in the page's markup.

#include "BankHarness.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace cfl;
using namespace cfl::test;

namespace {

constexpr auto SqlConnection = "tst_pageescaping";
const QString JohnsName = QStringLiteral("John Miller");
const QString CheckingName = QStringLiteral("Everyday Checking");

// & < > " ' as character references, written out here rather than taken from the bank's PageRenderer.
QString escaped(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        case '"':
            out += QLatin1String("&quot;");
            break;
        case '\'':
            out += QLatin1String("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

// The start tags of a page, as an HTML tokenizer sees them (HTML §13.2.5: comments and doctype skipped;
// attribute values double-quoted, single-quoted or unquoted; "<" not followed by a letter is text).
struct StartTag
{
    QString name;
    QStringList attributes;
};

QList<StartTag> startTags(const QString &html)
{
    QList<StartTag> tags;
    const qsizetype n = html.size();
    qsizetype i = 0;
    auto skipSpace = [&] {
        while (i < n && (html.at(i).isSpace() || html.at(i) == QLatin1Char('/')))
            ++i;
    };
    while ((i = html.indexOf(QLatin1Char('<'), i)) >= 0) {
        if (html.mid(i, 4) == QLatin1String("<!--")) {
            i = html.indexOf(QLatin1String("-->"), i + 4);
            if (i < 0)
                break;
            i += 3;
            continue;
        }
        ++i;
        if (i < n && (html.at(i) == QLatin1Char('!') || html.at(i) == QLatin1Char('/'))) {
            i = html.indexOf(QLatin1Char('>'), i); // doctype, end tag
            if (i < 0)
                break;
            continue;
        }
        if (i >= n || !html.at(i).isLetter())
            continue;
        StartTag tag;
        while (i < n && !html.at(i).isSpace() && html.at(i) != QLatin1Char('>')
            && html.at(i) != QLatin1Char('/'))
            tag.name += html.at(i++).toLower();
        for (;;) {
            skipSpace();
            if (i >= n || html.at(i) == QLatin1Char('>'))
                break;
            QString name;
            while (i < n && !html.at(i).isSpace() && html.at(i) != QLatin1Char('>')
                && html.at(i) != QLatin1Char('/') && (html.at(i) != QLatin1Char('=') || name.isEmpty()))
                name += html.at(i++).toLower();
            tag.attributes.append(name);
            while (i < n && html.at(i).isSpace())
                ++i;
            if (i < n && html.at(i) == QLatin1Char('=')) {
                ++i;
                while (i < n && html.at(i).isSpace())
                    ++i;
                if (i < n && (html.at(i) == QLatin1Char('"') || html.at(i) == QLatin1Char('\''))) {
                    const qsizetype close = html.indexOf(html.at(i), i + 1);
                    i = close < 0 ? n : close + 1;
                } else {
                    while (i < n && !html.at(i).isSpace() && html.at(i) != QLatin1Char('>'))
                        ++i;
                }
            }
        }
        tags.append(tag);
    }
    return tags;
}

QString excerpt(const QString &page, const QString &around)
{
    const qsizetype at = page.indexOf(around);
    return at < 0 ? page.left(300).simplified() : page.mid(qMax<qsizetype>(0, at - 120), around.size() + 240);
}

// Empty when `payload` is on the page as text only; otherwise what is wrong, for the failure message.
QString markupProblem(const HttpResult &result, const QString &payload)
{
    const QString page = result.text();
    const QString safe = escaped(payload);
    if (safe != payload && page.contains(payload))
        return QStringLiteral("raw in the page of %1: …%2…").arg(result.url.path(), excerpt(page, payload));
    if (!page.contains(safe))
        return QStringLiteral("the escaped form %1 is not in the page of %2 (HTTP %3): %4")
            .arg(safe, result.url.path())
            .arg(result.status)
            .arg(page.left(2000).simplified());
    for (const StartTag &tag : startTags(page)) {
        if (tag.name == QLatin1String("script") || tag.name == QLatin1String("img"))
            return QStringLiteral("a <%1> element appeared in the page of %2: …%3…")
                .arg(tag.name, result.url.path(), excerpt(page, QLatin1Char('<') + tag.name));
        for (const QString &attribute : tag.attributes) {
            if (attribute.startsWith(QLatin1String("on")))
                return QStringLiteral("an event handler attribute %1 appeared on <%2> in the page of %3")
                    .arg(attribute, tag.name, result.url.path());
        }
    }
    return {};
}

#define EXPECT_TEXT(result, payload)                                                                         \
    do {                                                                                                     \
        const QString problem_ = markupProblem((result), (payload));                                         \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                                  \
    } while (false)

// The markup and quote characters every row feeds through a page.
void addPayloads()
{
    QTest::addColumn<QString>("payload");
    QTest::newRow("script element") << QStringLiteral("<script>alert(1)</script>");
    QTest::newRow("attribute breakout") << QStringLiteral("\"><img src=x onerror=alert(1)>");
    QTest::newRow("single-quote breakout") << QStringLiteral("' onmouseover='x");
    QTest::newRow("entity literal") << QStringLiteral("Fish &amp; Chips");
}

} // namespace

class tst_PageEscaping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    // eddy
    void clientNameOnLoginPage_data() { addPayloads(); }
    void clientNameOnLoginPage();
    void clientNameOnConsentPage_data() { addPayloads(); }
    void clientNameOnConsentPage();
    void typedUserNameOnLoginPage_data() { addPayloads(); }
    void typedUserNameOnLoginPage();
    void userNameOnConsentAndBankingPages_data() { addPayloads(); }
    void userNameOnConsentAndBankingPages();
    void clientIdOnErrorPage_data() { addPayloads(); }
    void clientIdOnErrorPage();
    void redirectUriOnErrorPage_data() { addPayloads(); }
    void redirectUriOnErrorPage();
    void pathOnNotFoundPage_data() { addPayloads(); }
    void pathOnNotFoundPage();
    void registeredRedirectUriOnConsentPage_data();
    void registeredRedirectUriOnConsentPage();
    void clientNameOnLogoutPage_data() { addPayloads(); }
    void clientNameOnLogoutPage();
    // online banking
    void clientNameInConnectedApps_data() { addPayloads(); }
    void clientNameInConnectedApps();
    void clientIdInConnectedAppsAndItsRevokeLink_data() { addPayloads(); }
    void clientIdInConnectedAppsAndItsRevokeLink();
    void paymentTextOnAccountPage_data() { addPayloads(); }
    void paymentTextOnAccountPage();
    void paymentErrorOnPaymentPage_data() { addPayloads(); }
    void paymentErrorOnPaymentPage();
    void accountNameOnBankingPages_data() { addPayloads(); }
    void accountNameOnBankingPages();

private:
    // A client registered the way `codeflow-bank register-client` does it, named `name`.
    RegisteredClient registerClient(
        const QString &name, const QString &redirectUri = QStringLiteral("http://127.0.0.1/cb"));
    // The login page, reached from /authorize for `client` in `browser`.
    HttpResult loginPageFor(Browser &browser, const AuthorizationRequest &request);
    HttpResult consentPageFor(Browser &browser, const AuthorizationRequest &request);
    static AuthorizationRequest requestFor(const RegisteredClient &client,
        const QString &redirectUri = QStringLiteral("http://127.0.0.1:7000/cb"));
    // Changes one text column of one seeded row in the bank's SQLite file (the store has no API for it).
    bool setText(const QString &table, const QString &column, const QString &keyColumn, const QString &key,
        const QString &value);

    std::unique_ptr<TestBank> m_bank;
};

void tst_PageEscaping::initTestCase()
{
    m_bank = std::make_unique<TestBank>();
    QString error;
    QVERIFY2(m_bank->start(&error), qPrintable(error));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QLatin1String(SqlConnection));
    db.setDatabaseName(m_bank->store().database().path());
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
}

void tst_PageEscaping::cleanup()
{
    // Rows that change John's name or his account's name put them back for the next row.
    QVERIFY(setText(QStringLiteral("users"), QStringLiteral("name"), QStringLiteral("username"),
        QString::fromLatin1(JohnUsername), JohnsName));
    QVERIFY(setText(QStringLiteral("accounts"), QStringLiteral("name"), QStringLiteral("id"),
        QStringLiteral("CHK-1001"), CheckingName));
}

void tst_PageEscaping::cleanupTestCase()
{
    QSqlDatabase::database(QLatin1String(SqlConnection)).close();
    QSqlDatabase::removeDatabase(QLatin1String(SqlConnection));
    m_bank.reset();
}

bool tst_PageEscaping::setText(const QString &table, const QString &column, const QString &keyColumn,
    const QString &key, const QString &value)
{
    QSqlQuery query(QSqlDatabase::database(QLatin1String(SqlConnection)));
    if (!query.prepare(QStringLiteral("UPDATE %1 SET %2 = ? WHERE %3 = ?").arg(table, column, keyColumn))) {
        qWarning("prepare: %s", qPrintable(query.lastError().text()));
        return false;
    }
    query.addBindValue(value);
    query.addBindValue(key);
    if (!query.exec() || query.numRowsAffected() != 1) {
        qWarning(
            "update %s.%s: %s", qPrintable(table), qPrintable(column), qPrintable(query.lastError().text()));
        return false;
    }
    return true;
}

RegisteredClient tst_PageEscaping::registerClient(const QString &name, const QString &redirectUri)
{
    return m_bank->registerClient(
        name, { redirectUri }, { QStringLiteral("openid"), QStringLiteral("profile") });
}

AuthorizationRequest tst_PageEscaping::requestFor(const RegisteredClient &client, const QString &redirectUri)
{
    AuthorizationRequest request;
    request.clientId = client.clientId;
    request.redirectUri = redirectUri;
    request.scope = QStringLiteral("openid profile");
    request.prompt = QStringLiteral("consent");
    return request;
}

HttpResult tst_PageEscaping::loginPageFor(Browser &browser, const AuthorizationRequest &request)
{
    return browser.open(request.url(*m_bank));
}

HttpResult tst_PageEscaping::consentPageFor(Browser &browser, const AuthorizationRequest &request)
{
    const HttpResult login = loginPageFor(browser, request);
    if (!login.body.contains("name=\"password\""))
        return login;
    return browser.follow(browser.submitLogin(login, {}));
}

// --- eddy ---------------------------------------------------------------------------------------

void tst_PageEscaping::clientNameOnLoginPage()
{
    // InteractionPages.cpp builds the login page's context paragraph around the client's name in C++.
    QFETCH(QString, payload);
    const RegisteredClient client = registerClient(QStringLiteral("Shop ") + payload);
    QVERIFY(!client.clientId.isEmpty());
    Browser browser(*m_bank);
    const HttpResult login = loginPageFor(browser, requestFor(client));
    QCOMPARE(login.status, 200);
    QVERIFY2(login.body.contains("name=\"password\""), qPrintable(login.describe()));
    EXPECT_TEXT(login, QStringLiteral("Shop ") + payload);
    // The name is in the paragraph three times ("X sent you here … what X may see. X never sees …").
    QCOMPARE(login.text().count(escaped(QStringLiteral("Shop ") + payload)), 3);
}

void tst_PageEscaping::clientNameOnConsentPage()
{
    QFETCH(QString, payload);
    const RegisteredClient client = registerClient(QStringLiteral("Shop ") + payload);
    QVERIFY(!client.clientId.isEmpty());
    Browser browser(*m_bank);
    const HttpResult consent = consentPageFor(browser, requestFor(client));
    QCOMPARE(consent.status, 200);
    QVERIFY2(consent.body.contains("name=\"decision\""), qPrintable(consent.describe()));
    EXPECT_TEXT(consent, QStringLiteral("Shop ") + payload);
    const QString name = escaped(QStringLiteral("Shop ") + payload);
    // <title>, the heading, "asks for", "sends … back".
    QVERIFY2(consent.text().contains(QStringLiteral("<title>Allow %1? · Loopback Bank</title>").arg(name)),
        qPrintable(consent.text().left(600)));
    QVERIFY(consent.text().contains(QStringLiteral("<h1><b>%1</b> wants access").arg(name)));
    QCOMPARE(consent.text().count(name), 4);
    // The form still works: its hidden fields and scope checkboxes are intact.
    const auto form = findForm(consent.body, QStringLiteral("/consent"));
    QVERIFY(form);
    QVERIFY(!form->value(QStringLiteral("csrf_token")).isEmpty());
}

void tst_PageEscaping::typedUserNameOnLoginPage()
{
    // What John typed comes back in the login form after a failed attempt: value="{{username}}", an
    // attribute. Both kinds of login: eddy's for a client, and online banking's.
    QFETCH(QString, payload);
    const RegisteredClient client = registerClient(QStringLiteral("Typed Name Shop"));
    for (const bool forClient : { true, false }) {
        Browser browser(*m_bank);
        const HttpResult login = forClient ? loginPageFor(browser, requestFor(client))
                                           : browser.open(m_bank->url(QStringLiteral("/web")));
        QVERIFY2(login.body.contains("name=\"password\""), qPrintable(login.describe()));
        const HttpResult again = browser.submitLogin(login, { payload, QStringLiteral("wrong password") });
        QCOMPARE(again.status, 401);
        EXPECT_TEXT(again, payload);
        QVERIFY(again.text().contains(QStringLiteral("value=\"%1\"").arg(escaped(payload))));
        // Read back as a browser would: the one attribute value is exactly what was typed.
        const auto form = findForm(again.body, QStringLiteral("/login"));
        QVERIFY(form);
        QCOMPARE(form->value(QStringLiteral("username")), payload);
        QVERIFY(!form->value(QStringLiteral("csrf_token")).isEmpty());
    }
}

void tst_PageEscaping::userNameOnConsentAndBankingPages()
{
    QFETCH(QString, payload);
    const QString name = QStringLiteral("John ") + payload;
    QVERIFY(setText(QStringLiteral("users"), QStringLiteral("name"), QStringLiteral("username"),
        QString::fromLatin1(JohnUsername), name));

    Browser browser(*m_bank);
    const HttpResult consent
        = consentPageFor(browser, requestFor(registerClient(QStringLiteral("User Name Shop"))));
    QVERIFY2(consent.body.contains("name=\"decision\""), qPrintable(consent.describe()));
    EXPECT_TEXT(consent, name);
    QVERIFY(consent.text().contains(QStringLiteral("Hello %1.").arg(escaped(name))));

    // Every online banking page says "Log out <name>".
    const HttpResult home = browser.logInToWebBanking();
    QCOMPARE(home.status, 200);
    for (const QString &path : { QStringLiteral("/web"), QStringLiteral("/web/accounts/CHK-1001"),
             QStringLiteral("/web/payments"), QStringLiteral("/web/apps") }) {
        const HttpResult page = browser.get(m_bank->url(path));
        QCOMPARE(page.status, 200);
        EXPECT_TEXT(page, name);
        QVERIFY2(
            page.text().contains(QStringLiteral("Log out %1</button>").arg(escaped(name))), qPrintable(path));
    }
}

void tst_PageEscaping::clientIdOnErrorPage()
{
    // An unknown client_id is shown to John, never redirected (RFC 6749 §4.1.2.1): reflected input.
    QFETCH(QString, payload);
    Browser browser(*m_bank);
    const HttpResult page
        = browser.get(AuthorizationRequest().url(*m_bank, { QStringLiteral("client_id=") + payload }));
    QCOMPARE(page.status, 400);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.body.contains("<code>invalid_client</code>"));
    EXPECT_TEXT(page, payload);
    QVERIFY(page.text().contains(QStringLiteral("unknown client_id %1")
                                     .arg(escaped(QLatin1Char('\'') + payload + QLatin1Char('\'')))));
}

void tst_PageEscaping::clientNameOnLogoutPage()
{
    // RP-Initiated Logout: "<name> asks the bank to log you out", and the reason names the app too.
    QFETCH(QString, payload);
    const RegisteredClient client = registerClient(QStringLiteral("Shop ") + payload);
    QVERIFY(!client.clientId.isEmpty());
    OAuthClient app(*m_bank, { client.clientId, client.clientSecret });
    Browser browser(*m_bank);
    const QString hint = obtainTokens(*m_bank, app, requestFor(client), &browser).idToken;
    QVERIFY(!hint.isEmpty());
    QUrl url = m_bank->url(QStringLiteral("/session/end"));
    url.setQuery(QString::fromLatin1(encodeForm({ { QStringLiteral("id_token_hint"), hint },
        { QStringLiteral("post_logout_redirect_uri"), QStringLiteral("https://elsewhere.example/") } })));
    const HttpResult page = browser.get(url);
    QCOMPARE(page.status, 200);
    QVERIFY2(page.body.contains("Log out of the bank?"), qPrintable(page.describe()));
    EXPECT_TEXT(page, QStringLiteral("Shop ") + payload);
    QVERIFY(page.text().contains(
        QStringLiteral("<b>%1</b> asks").arg(escaped(QStringLiteral("Shop ") + payload))));
}

void tst_PageEscaping::redirectUriOnErrorPage()
{
    // A redirect_uri that is not registered is shown on the error page, with the client's name.
    QFETCH(QString, payload);
    const QString redirectUri = QStringLiteral("http://127.0.0.1:5555/callback?next=") + payload;
    Browser browser(*m_bank);
    const HttpResult page
        = browser.get(AuthorizationRequest().url(*m_bank, { QStringLiteral("redirect_uri=") + redirectUri }));
    QCOMPARE(page.status, 400);
    QVERIFY2(page.header("Location").isEmpty(), qPrintable(page.describe()));
    EXPECT_TEXT(page, redirectUri);

    // The client's name in the same sentence.
    const RegisteredClient client = registerClient(QStringLiteral("Shop ") + payload);
    const HttpResult other
        = browser.get(requestFor(client, QStringLiteral("http://127.0.0.1:7000/elsewhere")).url(*m_bank));
    QCOMPARE(other.status, 400);
    EXPECT_TEXT(other, QStringLiteral("Shop ") + payload);
}

void tst_PageEscaping::pathOnNotFoundPage()
{
    // "nothing at <path>" for a browser (Accept: text/html): the path as the bank decoded it.
    QFETCH(QString, payload);
    QUrl url = m_bank->url(QStringLiteral("/"));
    url.setPath(QStringLiteral("/nothing/") + payload, QUrl::DecodedMode);
    Browser browser(*m_bank);
    const HttpResult page = browser.get(url);
    QCOMPARE(page.status, 404);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    EXPECT_TEXT(page, QStringLiteral("nothing at /nothing/") + payload);
}

void tst_PageEscaping::registeredRedirectUriOnConsentPage_data()
{
    // Markup cannot be part of a valid URI (RFC 3986 §2), so here it is "&" and "'" (sub-delims, allowed
    // in a query) and markup that a client percent-encoded, which stays encoded on the page.
    QTest::addColumn<QString>("registered");
    QTest::addColumn<QString>("requested");
    QTest::newRow("ampersand and apostrophes, loopback any port") << QStringLiteral(
        "http://127.0.0.1/cb?a=1&b='x'") << QStringLiteral("http://127.0.0.1:7000/cb?a=1&b='x'");
    QTest::newRow("https with ampersand entity text") << QStringLiteral("https://shop.example/cb?x=&amp;y")
                                                      << QStringLiteral("https://shop.example/cb?x=&amp;y");
    QTest::newRow("private-use scheme with apostrophe") << QStringLiteral("com.example.shop:/cb?q='1'&r=2")
                                                        << QStringLiteral("com.example.shop:/cb?q='1'&r=2");
    QTest::newRow("percent-encoded markup")
        << QStringLiteral("https://shop.example/cb?next=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        << QStringLiteral("https://shop.example/cb?next=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
}

void tst_PageEscaping::registeredRedirectUriOnConsentPage()
{
    QFETCH(QString, registered);
    QFETCH(QString, requested);
    const RegisteredClient client = registerClient(QStringLiteral("Redirect Shop"), registered);
    QVERIFY2(!client.clientId.isEmpty(), qPrintable(registered));
    Browser browser(*m_bank);
    const HttpResult consent = consentPageFor(browser, requestFor(client, requested));
    QVERIFY2(consent.body.contains("name=\"decision\""), qPrintable(consent.describe()));
    EXPECT_TEXT(consent, requested);
    QVERIFY(consent.text().contains(QStringLiteral("<code>%1</code>").arg(escaped(requested))));
}

// --- online banking -----------------------------------------------------------------------------

void tst_PageEscaping::clientNameInConnectedApps()
{
    QFETCH(QString, payload);
    const RegisteredClient client = registerClient(QStringLiteral("Connected ") + payload);
    Browser browser(*m_bank);
    const AuthorizationRun run = browser.authorize(requestFor(client));
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));

    const HttpResult apps = browser.get(m_bank->url(QStringLiteral("/web/apps")));
    QCOMPARE(apps.status, 200);
    EXPECT_TEXT(apps, QStringLiteral("Connected ") + payload);
    // Its revoke form still points at this client.
    const auto revoke = findForm(apps.body, QStringLiteral("/web/apps/%1/revoke").arg(client.clientId));
    QVERIFY2(revoke, qPrintable(apps.text()));
}

void tst_PageEscaping::clientIdInConnectedAppsAndItsRevokeLink()
{
    // A client_id is text on the page and one path segment in the revoke form's action (RFC 3986 §3.3):
    // percent-encoded there, and the bank's router decodes exactly that segment back. registerClient makes
    // slugs, so this client goes into the store directly, with a "/" in its id as well.
    QFETCH(QString, payload);
    Client record;
    record.clientId = QStringLiteral("odd/id ") + payload;
    record.name = QStringLiteral("Odd Id Shop");
    record.isPublic = true;
    record.redirectUris = { QStringLiteral("http://127.0.0.1/cb") };
    record.allowedScopes = { QStringLiteral("openid"), QStringLiteral("profile") };
    record.createdAt = m_bank->now();
    QString error;
    QVERIFY2(m_bank->store().clients().insertClient(record, &error), qPrintable(error));
    RegisteredClient client;
    client.clientId = record.clientId;

    Browser browser(*m_bank);
    const AuthorizationRun run = browser.authorize(requestFor(client));
    QVERIFY2(!run.code().isEmpty(), qPrintable(run.describe()));
    const qint64 john = m_bank->store().users().userByUsername(QString::fromLatin1(JohnUsername))->id;
    QVERIFY(m_bank->store().consents().activeConsent(john, record.clientId));

    const HttpResult apps = browser.get(m_bank->url(QStringLiteral("/web/apps")));
    QCOMPARE(apps.status, 200);
    EXPECT_TEXT(apps, record.clientId);
    const QString action = QStringLiteral("/web/apps/%1/revoke")
                               .arg(QString::fromLatin1(QUrl::toPercentEncoding(record.clientId)));
    const auto revoke = findForm(apps.body, action);
    QVERIFY2(revoke, qPrintable(apps.text()));
    QCOMPARE(revoke->action, action);

    const HttpResult revoked = browser.submit(apps, *revoke, {});
    QCOMPARE(revoked.status, 303);
    QCOMPARE(revoked.location().path(), QStringLiteral("/web/apps"));
    QVERIFY(!m_bank->store().consents().activeConsent(john, record.clientId));
}

void tst_PageEscaping::paymentTextOnAccountPage()
{
    // Payee and reference are typed into the payment form and shown on the account page.
    QFETCH(QString, payload);
    const QString payee = payload + QStringLiteral(" Ltd");
    const QString reference = QStringLiteral("ref ") + payload;
    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult formPage = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    const auto form = findForm(formPage.body, QStringLiteral("/web/payments"));
    QVERIFY(form);
    const HttpResult booked = browser.submit(formPage, *form,
        { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") }, { QStringLiteral("payee"), payee },
            { QStringLiteral("amount"), QStringLiteral("1.00") },
            { QStringLiteral("reference"), reference } });
    QCOMPARE(booked.status, 303);

    const HttpResult account = browser.get(m_bank->url(QStringLiteral("/web/accounts/CHK-1001")));
    QCOMPARE(account.status, 200);
    EXPECT_TEXT(account, payee);
    EXPECT_TEXT(account, reference);
    QVERIFY(account.text().contains(
        QStringLiteral("<td>%1<br><small>%2</small></td>").arg(escaped(reference), escaped(payee))));
    // Without a reference the description is "Payment to <payee>".
    const HttpResult again = browser.submit(formPage, *form,
        { { QStringLiteral("from_account"), QStringLiteral("CHK-1001") }, { QStringLiteral("payee"), payee },
            { QStringLiteral("amount"), QStringLiteral("1.00") },
            { QStringLiteral("reference"), QString() } });
    QCOMPARE(again.status, 303);
    const HttpResult after = browser.get(m_bank->url(QStringLiteral("/web/accounts/CHK-1001")));
    EXPECT_TEXT(after, QStringLiteral("Payment to ") + payee);
}

void tst_PageEscaping::paymentErrorOnPaymentPage()
{
    // The refusal names the account that was asked for: from_account comes back on the form page.
    QFETCH(QString, payload);
    Browser browser(*m_bank);
    QCOMPARE(browser.logInToWebBanking().status, 200);
    const HttpResult formPage = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    const auto form = findForm(formPage.body, QStringLiteral("/web/payments"));
    QVERIFY(form);
    const HttpResult refused = browser.submit(formPage, *form,
        { { QStringLiteral("from_account"), payload }, { QStringLiteral("payee"), QStringLiteral("Someone") },
            { QStringLiteral("amount"), QStringLiteral("1.00") } });
    QCOMPARE(refused.status, 400);
    EXPECT_TEXT(refused, payload);
    QVERIFY(refused.text().contains(
        QStringLiteral("<p class=\"error\" role=\"alert\">account %1 is not one of your accounts</p>")
            .arg(escaped(payload))));
}

void tst_PageEscaping::accountNameOnBankingPages()
{
    // An account's name: in the accounts table, the payment form's <option>, the account page's <title>
    // and heading.
    QFETCH(QString, payload);
    const QString name = QStringLiteral("Checking ") + payload;
    QVERIFY(setText(QStringLiteral("accounts"), QStringLiteral("name"), QStringLiteral("id"),
        QStringLiteral("CHK-1001"), name));
    Browser browser(*m_bank);
    const HttpResult home = browser.logInToWebBanking();
    QCOMPARE(home.status, 200);
    EXPECT_TEXT(home, name);
    QVERIFY(
        home.text().contains(QStringLiteral("<a href=\"/web/accounts/CHK-1001\">%1</a>").arg(escaped(name))));

    const HttpResult payments = browser.get(m_bank->url(QStringLiteral("/web/payments")));
    EXPECT_TEXT(payments, name);
    QVERIFY(payments.text().contains(QStringLiteral("<option value=\"CHK-1001\">%1 — ").arg(escaped(name))));

    const HttpResult account = browser.get(m_bank->url(QStringLiteral("/web/accounts/CHK-1001")));
    EXPECT_TEXT(account, name);
    QVERIFY(account.text().contains(QStringLiteral("<title>%1 · Loopback Bank</title>").arg(escaped(name))));
    QVERIFY(account.text().contains(QStringLiteral("<h1>%1</h1>").arg(escaped(name))));
}

QTEST_GUILESS_MAIN(tst_PageEscaping)
#include "tst_pageescaping.moc"
