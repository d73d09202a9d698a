#include "BankHarness.h"

#include "crypto/Jwt.h"
#include "crypto/Pkce.h"
#include "crypto/SecureRandom.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkCookieJar>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QUrlQuery>

namespace cfl::test {

namespace {
constexpr int ReplyTimeoutMs = 15000;
constexpr int MaxAuthorizationSteps = 10;
} // namespace

// --- HttpResult ---------------------------------------------------------------------------------

QByteArray HttpResult::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QList<QByteArray> HttpResult::headerValues(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values;
}

QUrl HttpResult::location() const
{
    const QByteArray value = header("Location");
    if (value.isEmpty())
        return {};
    return url.resolved(QUrl::fromEncoded(value, QUrl::StrictMode));
}

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpResult::describe() const
{
    QString text = QStringLiteral("%1 → HTTP %2").arg(url.toString(QUrl::RemoveQuery)).arg(status);
    if (!networkError.isEmpty())
        text += QStringLiteral(" (%1)").arg(networkError);
    if (const QByteArray where = header("Location"); !where.isEmpty())
        text += QStringLiteral(" Location: %1").arg(QString::fromLatin1(where));
    if (!body.isEmpty())
        text += QStringLiteral(" body: %1").arg(QString::fromUtf8(body.left(400)).simplified());
    return text;
}

// --- URL parameters, forms, HTML ----------------------------------------------------------------

UrlParameters UrlParameters::of(const QUrl &url)
{
    UrlParameters parameters;
    parameters.items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    return parameters;
}

QString UrlParameters::value(const QString &name) const
{
    for (const auto &[key, value] : items) {
        if (key == name)
            return value;
    }
    return {};
}

int UrlParameters::count(const QString &name) const
{
    return int(
        std::count_if(items.cbegin(), items.cend(), [&](const auto &item) { return item.first == name; }));
}

QString htmlUnescape(QString text)
{
    text.replace(QLatin1String("&quot;"), QLatin1String("\""));
    text.replace(QLatin1String("&#39;"), QLatin1String("'"));
    text.replace(QLatin1String("&lt;"), QLatin1String("<"));
    text.replace(QLatin1String("&gt;"), QLatin1String(">"));
    text.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return text;
}

namespace {
QHash<QString, QString> attributes(const QString &tagInside, QSet<QString> *flags)
{
    static const QRegularExpression attribute(QStringLiteral(R"re(([a-zA-Z_:-]+)(\s*=\s*"([^"]*)")?)re"));
    QHash<QString, QString> result;
    auto it = attribute.globalMatch(tagInside);
    while (it.hasNext()) {
        const auto match = it.next();
        const QString name = match.captured(1).toLower();
        if (match.capturedStart(2) >= 0)
            result.insert(name, htmlUnescape(match.captured(3)));
        else if (flags)
            flags->insert(name);
    }
    return result;
}
} // namespace

QList<HtmlForm> htmlForms(const QByteArray &html)
{
    static const QRegularExpression formPattern(QStringLiteral(R"(<form\b([^>]*)>(.*?)</form>)"),
        QRegularExpression::DotMatchesEverythingOption | QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression inputPattern(
        QStringLiteral(R"(<(input|button)\b([^>]*)>)"), QRegularExpression::CaseInsensitiveOption);
    QList<HtmlForm> forms;
    const QString text = QString::fromUtf8(html);
    auto formIt = formPattern.globalMatch(text);
    while (formIt.hasNext()) {
        const auto formMatch = formIt.next();
        const auto formAttributes = attributes(formMatch.captured(1), nullptr);
        HtmlForm form;
        form.method = formAttributes.value(QStringLiteral("method"), QStringLiteral("get")).toLower();
        form.action = formAttributes.value(QStringLiteral("action"));
        auto inputIt = inputPattern.globalMatch(formMatch.captured(2));
        while (inputIt.hasNext()) {
            const auto inputMatch = inputIt.next();
            QSet<QString> flags;
            const auto inputAttributes = attributes(inputMatch.captured(2), &flags);
            HtmlInput input;
            const bool isButton
                = inputMatch.captured(1).compare(QLatin1String("button"), Qt::CaseInsensitive) == 0;
            input.type = inputAttributes.value(
                QStringLiteral("type"), isButton ? QStringLiteral("submit") : QStringLiteral("text"));
            input.name = inputAttributes.value(QStringLiteral("name"));
            input.value = inputAttributes.value(QStringLiteral("value"));
            input.checked = flags.contains(QStringLiteral("checked"));
            input.disabled = flags.contains(QStringLiteral("disabled"));
            form.inputs.append(input);
        }
        forms.append(form);
    }
    return forms;
}

std::optional<HtmlForm> findForm(const QByteArray &html, const QString &actionPart)
{
    for (const HtmlForm &form : htmlForms(html)) {
        if (form.action.contains(actionPart))
            return form;
    }
    return std::nullopt;
}

QString HtmlForm::value(const QString &name) const
{
    for (const HtmlInput &input : inputs) {
        if (input.name == name)
            return input.value;
    }
    return {};
}

FormFields HtmlForm::hiddenFields() const
{
    FormFields fields;
    for (const HtmlInput &input : inputs) {
        if (input.type == QLatin1String("hidden") && !input.name.isEmpty() && !input.disabled)
            fields.append({ input.name, input.value });
    }
    return fields;
}

QProcessEnvironment quietEnvironment(const QString &home)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    return environment;
}

QJsonObject payloadOf(const QString &jwt)
{
    const auto decoded = decodeJwt(jwt.toLatin1());
    return decoded ? decoded->payload : QJsonObject {};
}

QByteArray encodeForm(const FormFields &fields)
{
    QByteArrayList pairs;
    for (const auto &[name, value] : fields)
        pairs.append(QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value));
    return pairs.join('&');
}

FormFields edited(FormFields fields, const QStringList &edits)
{
    for (const QString &edit : edits) {
        if (edit.startsWith(QLatin1Char('-'))) {
            const QString name = edit.mid(1);
            fields.removeIf([&](const auto &field) { return field.first == name; });
            continue;
        }
        const bool append = edit.startsWith(QLatin1Char('+'));
        const QString assignment = append ? edit.mid(1) : edit;
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        const QString name = assignment.left(eq);
        const QString value = eq < 0 ? QString() : assignment.mid(eq + 1);
        if (append) {
            fields.append({ name, value });
            continue;
        }
        bool replaced = false;
        for (auto &field : fields) {
            if (field.first == name) {
                field.second = value;
                replaced = true;
            }
        }
        if (!replaced)
            fields.append({ name, value });
    }
    return fields;
}

bool isBase64UrlString(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]+$"));
    return pattern.match(text).hasMatch();
}

bool isCompactJws(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('.'));
    return parts.size() == 3 && std::all_of(parts.cbegin(), parts.cend(), isBase64UrlString);
}

// --- TestBank -----------------------------------------------------------------------------------

TestBank::TestBank()
    : m_now(std::make_shared<qint64>(QDateTime::currentSecsSinceEpoch()))
{ }

TestBank::~TestBank()
{
    m_server.stop();
}

bool TestBank::start(QString *error, BankConfig config, std::optional<QByteArray> externalSigningKey)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    config.clock = [now = m_now] { return *now; };
    BankServerOptions options;
    options.dataDir = m_dir.path();
    options.address = QHostAddress::LocalHost;
    options.port = 0;
    options.config = config;
    options.externalSigningKey = std::move(externalSigningKey);
    return m_server.start(options, error, &m_seed);
}

QUrl TestBank::url(const QString &pathAndQuery) const
{
    return issuer().resolved(QUrl(pathAndQuery));
}

bool TestBank::isBankUrl(const QUrl &url) const
{
    const QUrl base = issuer();
    return url.scheme() == base.scheme() && url.host() == base.host() && url.port(80) == base.port(80);
}

RegisteredClient TestBank::registerClient(
    const QString &name, const QStringList &redirectUris, const QStringList &scopes, bool isPublic)
{
    const auto result = cfl::registerClient(store(), { name, redirectUris, scopes, isPublic, {} }, now());
    if (const auto *problem = std::get_if<QString>(&result)) {
        qWarning("registerClient failed: %s", qPrintable(*problem));
        return {};
    }
    return std::get<RegisteredClient>(result);
}

// --- HttpAgent ----------------------------------------------------------------------------------

HttpAgent::HttpAgent()
{
    // Environment proxies must not intercept loopback traffic.
    m_nam.setProxy(QNetworkProxy::NoProxy);
}

HttpAgent::~HttpAgent() = default;

void HttpAgent::prepare(QNetworkRequest &request) const
{
    // A client keeps no cookies.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
}

HttpResult HttpAgent::get(const QUrl &url, const RawHeaders &headers)
{
    return send("GET", url, {}, headers);
}

HttpResult HttpAgent::post(
    const QUrl &url, const QByteArray &body, const QByteArray &contentType, const RawHeaders &headers)
{
    RawHeaders all = headers;
    all.prepend({ "Content-Type", contentType });
    return send("POST", url, body, all);
}

HttpResult HttpAgent::postForm(const QUrl &url, const FormFields &fields, const RawHeaders &headers)
{
    return post(url, encodeForm(fields), "application/x-www-form-urlencoded", headers);
}

HttpResult HttpAgent::send(
    const QByteArray &verb, const QUrl &url, const QByteArray &body, const RawHeaders &headers)
{
    QNetworkRequest request(url);
    // The tests decide which redirects to follow (a redirect to the client's loopback port is the answer).
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(ReplyTimeoutMs);
    prepare(request);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);

    std::unique_ptr<QNetworkReply> reply;
    if (verb == "GET")
        reply.reset(m_nam.get(request));
    else if (verb == "POST")
        reply.reset(m_nam.post(request, body));
    else
        reply.reset(m_nam.sendCustomRequest(request, verb, body));
    if (!reply->isFinished()) {
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        finished.wait(ReplyTimeoutMs + 1000);
    }

    HttpResult result;
    result.url = url;
    if (!reply->isFinished()) {
        result.networkError = QStringLiteral("no answer within %1 ms").arg(ReplyTimeoutMs);
        reply->abort();
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    return result;
}

// --- Browser ------------------------------------------------------------------------------------

AuthorizationRequest::AuthorizationRequest()
    : state(QString::fromLatin1(randomToken(12)))
    , nonce(QString::fromLatin1(randomToken(12)))
    , verifier(pkce::generateVerifier())
{ }

FormFields AuthorizationRequest::parameters() const
{
    FormFields fields { { QStringLiteral("response_type"), QStringLiteral("code") },
        { QStringLiteral("client_id"), clientId }, { QStringLiteral("redirect_uri"), redirectUri },
        { QStringLiteral("scope"), scope }, { QStringLiteral("state"), state },
        { QStringLiteral("nonce"), nonce },
        { QStringLiteral("code_challenge"), QString::fromLatin1(pkce::s256Challenge(verifier)) },
        { QStringLiteral("code_challenge_method"), QStringLiteral("S256") } };
    if (!prompt.isEmpty())
        fields.append({ QStringLiteral("prompt"), prompt });
    return fields;
}

QUrl AuthorizationRequest::url(const QUrl &issuer, const QStringList &edits) const
{
    QUrl url = issuer.resolved(QUrl(QStringLiteral("/authorize")));
    url.setQuery(QString::fromLatin1(encodeForm(edited(parameters(), edits))), QUrl::StrictMode);
    return url;
}

QString AuthorizationRun::describe() const
{
    QStringList steps;
    for (const HttpResult &result : trail)
        steps.append(result.describe().left(300));
    return steps.join(QStringLiteral("\n  then "));
}

Browser::Browser(const QUrl &issuer)
    : m_issuer(issuer)
{
    m_nam.setCookieJar(new QNetworkCookieJar(&m_nam));
}

bool Browser::isBankUrl(const QUrl &url) const
{
    return url.scheme() == m_issuer.scheme() && url.host() == m_issuer.host()
        && url.port(80) == m_issuer.port(80);
}

void Browser::prepare(QNetworkRequest &request) const
{
    request.setRawHeader("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
}

HttpResult Browser::open(const QUrl &url, int maxHops)
{
    return follow(get(url), maxHops);
}

HttpResult Browser::follow(HttpResult result, int maxHops)
{
    for (int hop = 0; hop < maxHops && result.isRedirect(); ++hop) {
        const QUrl next = result.location();
        if (!next.isValid() || !isBankUrl(next))
            break;
        result = get(next);
    }
    return result;
}

HttpResult Browser::submit(
    const HttpResult &page, const HtmlForm &form, const FormFields &fields, const QStringList &dropHidden)
{
    FormFields all = form.hiddenFields();
    all.removeIf([&](const auto &field) { return dropHidden.contains(field.first); });
    all.append(fields);
    return postForm(page.url.resolved(QUrl(form.action)), all);
}

HttpResult Browser::submitLogin(const HttpResult &loginPage, const Credentials &credentials)
{
    const auto form = findForm(loginPage.body, QStringLiteral("/login"));
    if (!form) {
        HttpResult none;
        none.networkError = QStringLiteral("no login form on %1").arg(loginPage.describe());
        return none;
    }
    return submit(loginPage, *form,
        { { QStringLiteral("username"), credentials.username },
            { QStringLiteral("password"), credentials.password } });
}

HttpResult Browser::submitConsent(const HttpResult &consentPage, const ConsentChoice &choice)
{
    const auto form = findForm(consentPage.body, QStringLiteral("/consent"));
    if (!form) {
        HttpResult none;
        none.networkError = QStringLiteral("no consent form on %1").arg(consentPage.describe());
        return none;
    }
    // What a browser sends: hidden fields, ticked enabled checkboxes, and the button pressed.
    FormFields fields;
    for (const HtmlInput &input : form->inputs) {
        if (input.type == QLatin1String("checkbox") && !input.name.isEmpty() && !input.disabled
            && input.checked && !choice.untick.contains(input.value)) {
            fields.append({ input.name, input.value });
        }
    }
    fields.append(
        { QStringLiteral("decision"), choice.approve ? QStringLiteral("approve") : QStringLiteral("deny") });
    return submit(consentPage, *form, fields);
}

AuthorizationRun Browser::authorize(const AuthorizationRequest &request, const Credentials &credentials,
    const ConsentChoice &consent, const QStringList &edits)
{
    AuthorizationRun run;
    HttpResult result = get(request.url(m_issuer, edits));
    for (int step = 0; step < MaxAuthorizationSteps; ++step) {
        run.trail.append(result);
        if (result.isRedirect()) {
            const QUrl next = result.location();
            if (!isBankUrl(next)) {
                run.callback = next;
                run.response = UrlParameters::of(next);
                break;
            }
            result = get(next);
            continue;
        }
        if (result.status == 200 && result.body.contains("name=\"password\"") && !run.sawLoginPage) {
            run.sawLoginPage = true;
            result = submitLogin(result, credentials);
            continue;
        }
        if (result.status == 200 && result.body.contains("name=\"decision\"") && !run.sawConsentPage) {
            run.sawConsentPage = true;
            result = submitConsent(result, consent);
            continue;
        }
        break; // an error page, or a form shown again: the test looks at `last`
    }
    run.last = result;
    return run;
}

HttpResult Browser::logInToWebBanking(const Credentials &credentials)
{
    const HttpResult loginPage = open(url(QStringLiteral("/web")));
    if (!loginPage.body.contains("name=\"password\""))
        return loginPage;
    return follow(submitLogin(loginPage, credentials));
}

QList<QNetworkCookie> Browser::cookiesFor(const QString &path) const
{
    return m_nam.cookieJar()->cookiesForUrl(url(path));
}

bool Browser::hasCookie(const QString &name, const QString &path) const
{
    const auto cookies = cookiesFor(path);
    return std::any_of(cookies.cbegin(), cookies.cend(), [&](const QNetworkCookie &cookie) {
        return cookie.name() == name.toLatin1() && !cookie.value().isEmpty();
    });
}

// --- OAuthClient --------------------------------------------------------------------------------

TokenSet TokenSet::from(const HttpResult &response)
{
    const QJsonObject json = response.json();
    TokenSet tokens;
    tokens.accessToken = json.value(QStringLiteral("access_token")).toString();
    tokens.refreshToken = json.value(QStringLiteral("refresh_token")).toString();
    tokens.idToken = json.value(QStringLiteral("id_token")).toString();
    tokens.scope = json.value(QStringLiteral("scope")).toString();
    tokens.tokenType = json.value(QStringLiteral("token_type")).toString();
    tokens.expiresIn = json.value(QStringLiteral("expires_in")).toInteger(-1);
    return tokens;
}

OAuthClient::OAuthClient(TestBank &bank, ClientCredentials credentials, ClientAuth auth)
    : m_bank(bank)
    , m_credentials(std::move(credentials))
    , m_auth(auth)
{ }

QByteArray OAuthClient::basicAuthorization(const QString &id, const QByteArray &secret)
{
    return "Basic "
        + (QUrl::toPercentEncoding(id) + ':' + QUrl::toPercentEncoding(QString::fromLatin1(secret)))
              .toBase64();
}

HttpResult OAuthClient::authenticatedPost(const QString &path, FormFields fields)
{
    RawHeaders headers;
    switch (m_auth) {
    case ClientAuth::SecretBasic:
        headers.append({ "Authorization", basicAuthorization(m_credentials.id, m_credentials.secret) });
        break;
    case ClientAuth::SecretPost:
        fields.append({ QStringLiteral("client_id"), m_credentials.id });
        fields.append({ QStringLiteral("client_secret"), QString::fromLatin1(m_credentials.secret) });
        break;
    case ClientAuth::None:
        fields.append({ QStringLiteral("client_id"), m_credentials.id });
        break;
    }
    return postForm(m_bank.url(path), fields, headers);
}

HttpResult OAuthClient::tokenRequest(const FormFields &fields)
{
    return authenticatedPost(QStringLiteral("/token"), fields);
}

HttpResult OAuthClient::exchangeCode(
    const QString &code, const QByteArray &verifier, const QString &redirectUri)
{
    return tokenRequest({ { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
        { QStringLiteral("code"), code }, { QStringLiteral("redirect_uri"), redirectUri },
        { QStringLiteral("code_verifier"), QString::fromLatin1(verifier) } });
}

HttpResult OAuthClient::refresh(const QString &refreshToken, const QString &scope)
{
    FormFields fields { { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
        { QStringLiteral("refresh_token"), refreshToken } };
    if (!scope.isEmpty())
        fields.append({ QStringLiteral("scope"), scope });
    return tokenRequest(fields);
}

HttpResult OAuthClient::revoke(const QString &token, const QString &hint)
{
    FormFields fields { { QStringLiteral("token"), token } };
    if (!hint.isEmpty())
        fields.append({ QStringLiteral("token_type_hint"), hint });
    return authenticatedPost(QStringLiteral("/revoke"), fields);
}

HttpResult OAuthClient::introspect(const QString &token)
{
    return authenticatedPost(QStringLiteral("/introspect"), { { QStringLiteral("token"), token } });
}

HttpResult OAuthClient::api(const QString &path, const QString &accessToken)
{
    return get(m_bank.url(path), { { "Authorization", "Bearer " + accessToken.toLatin1() } });
}

HttpResult OAuthClient::apiPost(const QString &path, const QString &accessToken, const QJsonObject &body)
{
    return post(m_bank.url(path), QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json",
        { { "Authorization", "Bearer " + accessToken.toLatin1() } });
}

TokenSet obtainTokens(TestBank &bank, OAuthClient &client, AuthorizationRequest request, Browser *browser,
    const ConsentChoice &consent)
{
    Browser fresh(bank);
    Browser &b = browser ? *browser : fresh;
    request.clientId = client.credentials().id;
    const AuthorizationRun run = b.authorize(request, {}, consent);
    if (run.code().isEmpty()) {
        qWarning("no authorization code:\n  %s", qPrintable(run.describe()));
        return {};
    }
    const HttpResult response = client.exchangeCode(run.code(), request.verifier, request.redirectUri);
    if (response.status != 200) {
        qWarning("code exchange failed: %s", qPrintable(response.describe()));
        return {};
    }
    return TokenSet::from(response);
}

} // namespace cfl::test
