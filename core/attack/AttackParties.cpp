#include "attack/AttackParties.h"

#include "http/HttpServerAdapter.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkCookieJar>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include <optional>

namespace cfl::attack {

namespace {
constexpr int ReplyTimeoutMs = 15000;

QString unescapeHtml(QString text)
{
    text.replace(QLatin1String("&quot;"), QLatin1String("\""));
    text.replace(QLatin1String("&#39;"), QLatin1String("'"));
    text.replace(QLatin1String("&lt;"), QLatin1String("<"));
    text.replace(QLatin1String("&gt;"), QLatin1String(">"));
    text.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return text;
}

QString attribute(const QString &tag, const QString &name)
{
    const QRegularExpression pattern(
        QStringLiteral(R"re(\b%1\s*=\s*"([^"]*)")re").arg(name), QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(tag);
    return match.hasMatch() ? unescapeHtml(match.captured(1)) : QString();
}

bool hasFlag(const QString &tag, const char *flag)
{
    return QRegularExpression(QStringLiteral(R"(\s%1(\s|/|>|$))").arg(QLatin1String(flag)),
        QRegularExpression::CaseInsensitiveOption)
        .match(tag)
        .hasMatch();
}
} // namespace

QByteArray WebAnswer::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QUrl WebAnswer::location() const
{
    const QByteArray value = header("Location");
    return value.isEmpty() ? QUrl() : url.resolved(QUrl::fromEncoded(value));
}

QJsonObject WebAnswer::json() const
{
    return QJsonDocument::fromJson(body).object();
}

WebAgent::WebAgent(QString party, QByteArray userAgent, bool cookies)
    : m_party(std::move(party))
    , m_userAgent(std::move(userAgent))
{
    if (cookies)
        m_nam.setCookieJar(new QNetworkCookieJar(&m_nam));
    else
        m_nam.setCookieJar(nullptr);
    m_nam.setProxy(QNetworkProxy::NoProxy);
}

WebAgent::~WebAgent() = default;

WebAnswer WebAgent::get(const QUrl &url, const Headers &headers)
{
    return send("GET", url, {}, headers);
}

WebAnswer WebAgent::postForm(const QUrl &url, const Fields &fields, const Headers &headers)
{
    Headers all = headers;
    all.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded") });
    return send("POST", url, encodeForm(fields), all);
}

WebAnswer WebAgent::send(
    const QByteArray &verb, const QUrl &url, const QByteArray &body, const Headers &headers)
{
    if (m_gate && !m_gate()) {
        WebAnswer stopped;
        stopped.url = url;
        stopped.networkError = QStringLiteral("the run was stopped");
        return stopped;
    }
    QNetworkRequest request(url);
    // Every redirect is a step of the story: the script decides which to follow.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(ReplyTimeoutMs);
    request.setRawHeader("User-Agent", m_userAgent);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(
        verb == "GET" ? m_nam.get(request) : m_nam.sendCustomRequest(request, verb, body));
    if (!reply->isFinished()) {
        QEventLoop loop;
        QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(ReplyTimeoutMs + 1000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    WebAnswer answer;
    answer.url = url;
    if (!reply->isFinished()) {
        reply->abort();
        answer.networkError = QStringLiteral("no answer within %1 ms").arg(ReplyTimeoutMs);
        return answer;
    }
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.headers = reply->rawHeaderPairs();
    if (answer.status == 0)
        answer.networkError = reply->errorString();
    return answer;
}

namespace {
// http://127.0.0.1:PORT/path of one of Mallory's servers (port 0 before it listens).
QUrl loopbackUrl(const HttpServerAdapter *server, const QString &path)
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(server ? server->port() : 0);
    url.setPath(path);
    return url;
}
} // namespace

MalloryListener::MalloryListener() = default;
MalloryListener::~MalloryListener() = default;

bool MalloryListener::listen(QString *error)
{
    m_server = std::make_unique<HttpServerAdapter>([this](HttpRequest &request) {
        m_received.append(request.url);
        if (request.method == "POST") {
            m_posted.append(request.body);
            if (onPost)
                onPost(request.url, request.body);
        } else if (onRequest) {
            onRequest(request.url);
        }
        return HttpResponse::html(
            QByteArrayLiteral("<!doctype html><title>Thanks</title><p>Thanks, John.</p>"));
    });
    return m_server->listen(QHostAddress::LocalHost, 0, error);
}

QUrl MalloryListener::url(const QString &path) const
{
    return loopbackUrl(m_server.get(), path);
}

MalloryBankServer::MalloryBankServer() = default;
MalloryBankServer::~MalloryBankServer() = default;

bool MalloryBankServer::listen(QString *error)
{
    m_server = std::make_unique<HttpServerAdapter>([this](HttpRequest &request) {
        HttpResponse response = handler ? handler(request) : HttpResponse::empty(404);
        if (onExchange)
            onExchange(request, response);
        return response;
    });
    return m_server->listen(QHostAddress::LocalHost, 0, error);
}

QUrl MalloryBankServer::url(const QString &path) const
{
    return loopbackUrl(m_server.get(), path);
}

QString MalloryBankServer::issuer() const
{
    return url(QString()).toString(QUrl::StripTrailingSlash);
}

QByteArray encodeForm(const Fields &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

std::optional<PageForm> findPageForm(const QByteArray &html, const QString &actionPart)
{
    static const QRegularExpression formPattern(QStringLiteral(R"(<form\b([^>]*)>(.*?)</form>)"),
        QRegularExpression::DotMatchesEverythingOption | QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression inputPattern(
        QStringLiteral(R"(<input\b([^>]*)>)"), QRegularExpression::CaseInsensitiveOption);
    auto forms = formPattern.globalMatch(QString::fromUtf8(html));
    while (forms.hasNext()) {
        const auto form = forms.next();
        PageForm page;
        page.action = attribute(form.captured(1), QStringLiteral("action"));
        if (!page.action.contains(actionPart))
            continue;
        auto inputs = inputPattern.globalMatch(form.captured(2));
        while (inputs.hasNext()) {
            const QString tag = inputs.next().captured(1);
            const QString type = attribute(tag, QStringLiteral("type")).toLower();
            const QString name = attribute(tag, QStringLiteral("name"));
            if (name.isEmpty())
                continue;
            if (type == QLatin1String("hidden"))
                page.hidden.append({ name, attribute(tag, QStringLiteral("value")) });
            else if (type == QLatin1String("checkbox") && hasFlag(tag, "checked")
                && !hasFlag(tag, "disabled"))
                page.ticked.append({ name, attribute(tag, QStringLiteral("value")) });
        }
        return page;
    }
    return std::nullopt;
}

QJsonObject jwtPayload(const QString &jwt)
{
    const QStringList parts = jwt.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return {};
    const QByteArray json = QByteArray::fromBase64(
        parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return QJsonDocument::fromJson(json).object();
}

} // namespace cfl::attack
