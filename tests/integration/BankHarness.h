#pragma once
// The integration tests' driver: a real BankServer on 127.0.0.1 (ephemeral port) with a real SQLite file
// in a temporary directory and a settable clock; a Browser (QNetworkAccessManager with its own cookie jar,
// redirects followed only when a test asks) that fills in eddy's HTML forms like a person would; and a
// back channel that talks to boris and banky like a client does. No mocks: every request crosses a socket.

#include "bank/BankServer.h"
#include "bank/ClientRegistration.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QPair>
#include <QProcess>
#include <QSignalSpy>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <optional>

namespace cfl::test {

using FormFields = QList<QPair<QString, QString>>;
using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

constexpr auto JohnUsername = "john";
constexpr auto JohnPassword = "banking-is-fun";
constexpr auto CoolLoanId = "coolloan";
// CoolLoan registered http://127.0.0.1/callback: RFC 8252 §7.3 lets it use any port at request time.
constexpr auto CoolLoanRedirect = "http://127.0.0.1:5555/callback";
constexpr auto CoolLoanScopes = "openid profile email offline_access accounts:read transactions:read";

// One HTTP answer, read completely.
struct HttpResult
{
    int status = 0; // 0: no HTTP answer at all (see networkError)
    QUrl url; // what was asked for
    QByteArray body;
    RawHeaders headers;
    QString networkError;

    QByteArray header(QByteArrayView name) const; // case-insensitive; the first one
    QList<QByteArray> headerValues(QByteArrayView name) const;
    bool isRedirect() const { return status >= 300 && status < 400; }
    QUrl location() const; // resolved against url; empty without a Location header
    QJsonObject json() const;
    QString text() const { return QString::fromUtf8(body); }
    QString describe() const; // for failure messages
};

// The query parameters of a URL, decoded exactly (no '+' → space: the bank never encodes a space as '+').
struct UrlParameters
{
    QList<QPair<QString, QString>> items;

    static UrlParameters of(const QUrl &url);
    QString value(const QString &name) const;
    int count(const QString &name) const;
    bool has(const QString &name) const { return count(name) > 0; }
};

// A <form> of a bank page.
struct HtmlInput
{
    QString type;
    QString name;
    QString value;
    bool checked = false;
    bool disabled = false;
};

struct HtmlForm
{
    QString method;
    QString action;
    QList<HtmlInput> inputs;

    QString value(const QString &name) const; // of the first input with that name
    FormFields hiddenFields() const;
};

QList<HtmlForm> htmlForms(const QByteArray &html);
// The first form whose action contains `actionPart`.
std::optional<HtmlForm> findForm(const QByteArray &html, const QString &actionPart);
QString htmlUnescape(QString text);

// application/x-www-form-urlencoded, everything but unreserved characters percent-encoded.
QByteArray encodeForm(const FormFields &fields);
// The environment for a codeflow-bank process of a test: HOME and the XDG data and config directories under
// `home`, so that nothing lands in the real user's directories.
QProcessEnvironment quietEnvironment(const QString &home);
// A JWT's payload as it is, signature unchecked (the bank's tokens, read by tests); empty if not a JWT.
QJsonObject payloadOf(const QString &jwt);
// Edits of a parameter list, as data-driven rows write them: "name=value" sets (replacing every
// occurrence), "-name" removes, "+name=value" appends one more (a repeated parameter).
FormFields edited(FormFields fields, const QStringList &edits);

bool isBase64UrlString(const QString &text);
bool isCompactJws(const QString &text);

// The bank, started on 127.0.0.1 port 0 with a fresh data directory.
class TestBank
{
public:
    TestBank();
    ~TestBank();
    TestBank(const TestBank &) = delete;
    TestBank &operator=(const TestBank &) = delete;

    // `config.clock` is replaced by the bank's settable clock. `externalSigningKey`: a private JWK kept
    // outside the database, as the desktop app keeps its keychain key (BankServerOptions).
    bool start(QString *error, BankConfig config = {}, std::optional<QByteArray> externalSigningKey = {});

    QUrl issuer() const { return m_server.issuer(); }
    QString issuerString() const { return m_server.bank()->issuer(); }
    QUrl url(const QString &pathAndQuery) const;
    bool isBankUrl(const QUrl &url) const; // same scheme, host and port as the issuer
    BankServer &server() { return m_server; }
    BankStore &store() { return *m_server.store(); }
    QString dataDir() const { return m_dir.path(); }
    QByteArray coolLoanSecret() const { return m_seed.coolLoanSecret; }

    // The bank's clock: frozen at start, moved only by advanceClock().
    qint64 now() const { return *m_now; }
    void advanceClock(qint64 seconds) { *m_now += seconds; }

    // A client of the bank (cfl::registerClient, as `codeflow-bank register-client` does it).
    RegisteredClient registerClient(const QString &name, const QStringList &redirectUris,
        const QStringList &scopes, bool isPublic = false);

private:
    QTemporaryDir m_dir;
    BankServer m_server;
    SeedReport m_seed;
    std::shared_ptr<qint64> m_now;
};

constexpr int ServeTimeoutMs = 20000;

// A `codeflow-bank serve` in the background, with its output collected as it comes.
class ServeProcess
{
public:
    ServeProcess(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment)
    {
        m_process.setProcessEnvironment(environment);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
            [this] { m_out += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
            [this] { m_err += m_process.readAllStandardError(); });
        m_process.start(program, QStringList { QStringLiteral("serve") } + arguments);
    }
    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(ServeTimeoutMs);
        }
    }

    const QByteArray &out() const { return m_out; }
    const QByteArray &err() const { return m_err; }
    QByteArray firstLine() const
    {
        return m_out.contains('\n') ? m_out.left(m_out.indexOf('\n')) : QByteArray();
    }

    // The issuer it printed first, once it did (empty after the bound or when it exited).
    QUrl waitForIssuer()
    {
        // waitForReadyRead emits readyReadStandardOutput, whose slot above collects the output.
        QDeadlineTimer deadline(ServeTimeoutMs);
        while (firstLine().isEmpty() && m_process.waitForReadyRead(int(deadline.remainingTime()))) { }
        return QUrl(QString::fromUtf8(firstLine()));
    }
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    // SIGKILL, as a power cut or the OOM killer would: no handler runs, nothing in the process is
    // flushed; true once it is gone.
    bool killNow()
    {
        if (m_process.state() == QProcess::NotRunning)
            return true;
        QSignalSpy finished(&m_process, &QProcess::finished);
        m_process.kill();
        return finished.wait(ServeTimeoutMs);
    }

    // SIGTERM, as Ctrl+C or a service manager would; true when it exits cleanly.
    bool stop()
    {
        QSignalSpy finished(&m_process, &QProcess::finished);
        m_process.terminate();
        if (!finished.wait(ServeTimeoutMs))
            return false;
        m_err += m_process.readAllStandardError();
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

// Plain HTTP, no cookies, redirects never followed, no proxy.
class HttpAgent
{
public:
    HttpAgent();
    virtual ~HttpAgent();

    HttpResult get(const QUrl &url, const RawHeaders &headers = {});
    HttpResult post(const QUrl &url, const QByteArray &body, const QByteArray &contentType,
        const RawHeaders &headers = {});
    HttpResult postForm(const QUrl &url, const FormFields &fields, const RawHeaders &headers = {});
    HttpResult send(
        const QByteArray &verb, const QUrl &url, const QByteArray &body = {}, const RawHeaders &headers = {});

protected:
    virtual void prepare(QNetworkRequest &request) const;
    QNetworkAccessManager m_nam;
};

// A person's browser: its own cookie jar, Accept: text/html.
struct Credentials
{
    QString username = QString::fromLatin1(JohnUsername);
    QString password = QString::fromLatin1(JohnPassword);
};

struct ConsentChoice
{
    bool approve = true;
    QStringList untick; // optional scopes John leaves out
};

struct AuthorizationRequest
{
    QString clientId = QString::fromLatin1(CoolLoanId);
    QString redirectUri = QString::fromLatin1(CoolLoanRedirect);
    QString scope = QString::fromLatin1(CoolLoanScopes);
    QString state;
    QString nonce;
    QByteArray verifier; // PKCE (RFC 7636 §4.1)
    QString prompt;

    AuthorizationRequest(); // fresh state, nonce and verifier
    FormFields parameters() const;
    QUrl url(const QUrl &issuer, const QStringList &edits = {}) const;
    QUrl url(const TestBank &bank, const QStringList &edits = {}) const { return url(bank.issuer(), edits); }
};

// Everything the browser saw on the way from /authorize back to the client.
struct AuthorizationRun
{
    QList<HttpResult> trail;
    bool sawLoginPage = false;
    bool sawConsentPage = false;
    HttpResult last; // the response that ended the run
    QUrl callback; // where the bank sent the browser back to the client (empty: never)
    UrlParameters response; // callback's parameters

    QString code() const { return response.value(QStringLiteral("code")); }
    QString error() const { return response.value(QStringLiteral("error")); }
    QString describe() const;
};

class Browser : public HttpAgent
{
public:
    explicit Browser(const TestBank &bank)
        : Browser(bank.issuer())
    { }
    explicit Browser(const QUrl &issuer); // a bank in another process

    // GET, then follow redirects within the bank (never to a client) up to `maxHops`.
    HttpResult open(const QUrl &url, int maxHops = 5);
    HttpResult follow(HttpResult result, int maxHops = 5);
    // POST a page's form: its hidden fields (CSRF token) plus `fields`; `dropHidden` leaves fields out.
    HttpResult submit(const HttpResult &page, const HtmlForm &form, const FormFields &fields,
        const QStringList &dropHidden = {});
    HttpResult submitLogin(const HttpResult &loginPage, const Credentials &credentials);
    HttpResult submitConsent(const HttpResult &consentPage, const ConsentChoice &choice);

    // The whole front channel: /authorize, login if asked, consent if asked, until the bank redirects back.
    AuthorizationRun authorize(const AuthorizationRequest &request, const Credentials &credentials = {},
        const ConsentChoice &consent = {}, const QStringList &edits = {});
    // Logs in to online banking (/web) and returns the accounts page.
    HttpResult logInToWebBanking(const Credentials &credentials = {});

    QList<QNetworkCookie> cookiesFor(const QString &path) const;
    bool hasCookie(const QString &name, const QString &path = QStringLiteral("/")) const;

protected:
    void prepare(QNetworkRequest &request) const override;

private:
    QUrl url(const QString &path) const { return m_issuer.resolved(QUrl(path)); }
    bool isBankUrl(const QUrl &url) const;

    QUrl m_issuer;
};

// What a client got from the token endpoint.
struct TokenSet
{
    QString accessToken;
    QString refreshToken;
    QString idToken;
    QString scope;
    QString tokenType;
    qint64 expiresIn = -1;

    static TokenSet from(const HttpResult &response);
    bool isValid() const { return !accessToken.isEmpty(); }
};

struct ClientCredentials
{
    QString id = QString::fromLatin1(CoolLoanId);
    QByteArray secret;
};

enum class ClientAuth { SecretBasic, SecretPost, None };

// The client's side of the back channel: boris (token, revocation, introspection) and banky.
class OAuthClient : public HttpAgent
{
public:
    OAuthClient(TestBank &bank, ClientCredentials credentials, ClientAuth auth = ClientAuth::SecretBasic);

    const ClientCredentials &credentials() const { return m_credentials; }
    // RFC 6749 §2.3.1: Basic over the form-url-encoded id and secret.
    static QByteArray basicAuthorization(const QString &id, const QByteArray &secret);

    HttpResult tokenRequest(const FormFields &fields);
    HttpResult exchangeCode(const QString &code, const QByteArray &verifier,
        const QString &redirectUri = QString::fromLatin1(CoolLoanRedirect));
    HttpResult refresh(const QString &refreshToken, const QString &scope = {});
    HttpResult revoke(const QString &token, const QString &hint = {});
    HttpResult introspect(const QString &token);
    // The endpoint with this client's authentication added.
    HttpResult authenticatedPost(const QString &path, FormFields fields);

    HttpResult api(const QString &path, const QString &accessToken);
    HttpResult apiPost(const QString &path, const QString &accessToken, const QJsonObject &body);

private:
    TestBank &m_bank;
    ClientCredentials m_credentials;
    ClientAuth m_auth;
};

// Login, consent and code exchange for CoolLoan (or `client`) in a fresh browser, or in `browser`.
TokenSet obtainTokens(TestBank &bank, OAuthClient &client, AuthorizationRequest request = {},
    Browser *browser = nullptr, const ConsentChoice &consent = {});

} // namespace cfl::test

Q_DECLARE_METATYPE(cfl::test::ClientAuth)
