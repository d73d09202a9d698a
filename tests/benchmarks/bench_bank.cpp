// cfl-bench: load on the real bank, on loopback only, bounded in requests and time.
//
//   cfl-bench [--requests N] [--seconds S] [--concurrency C]
//
// Starts the bank in-process on its own thread (as the desktop app does) on 127.0.0.1 with a fresh
// temporary database, gets tokens through the real flow once (login, consent, code, token), then
// measures, each scenario stopping at N requests or S seconds, whichever comes first:
//   discovery   GET /.well-known/openid-configuration   (routing + JSON baseline)
//   api         GET /api/accounts with a bearer token    (RS256 verify + ledger lookup + query)
//   userinfo    GET /userinfo                            (the same validation, smaller answer)
//   refresh     POST /token grant_type=refresh_token     (2 RS256 signatures + rotation in a transaction)
//   login       POST the login form                      (argon2id: deliberately slow)
// and prints requests/s, latency percentiles and the process's peak RSS.
//
//   cfl-bench --side-by-side [--help]
//
// The bank as `codeflow-bank serve` and node-oidc-provider side by side, the same client against both
// (SideBySide.h, docs/benchmarks.md).

#include "SideBySide.h"
#include "bank/BankHost.h"
#include "crypto/Pkce.h"
#include "http/FormData.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrlQuery>

#include <algorithm>
#include <cstdio>

using namespace cfl;

namespace {

struct Options
{
    int requests = 2000;
    int seconds = 10;
    int concurrency = 4;
};

QNetworkReply *send(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
    const QByteArray &body = {}, const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (method == "POST") {
        request.setHeader(
            QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        return nam.post(request, body);
    }
    return nam.get(request);
}

QNetworkReply *wait(QNetworkReply *reply)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    return reply;
}

QString field(const QString &html, const QString &pattern)
{
    return QRegularExpression(pattern).match(html).captured(1);
}

qint64 peakRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QString text = QString::fromLatin1(status.readAll());
    return field(text, QStringLiteral(R"(VmHWM:\s+(\d+) kB)")).toLongLong();
}

// One scenario: keeps `concurrency` requests in flight until `requests` were sent or time is up.
void run(const char *name, const Options &options,
    const std::function<QNetworkReply *(int index)> &makeRequest, int expectedStatus)
{
    QList<double> latenciesMs;
    int sent = 0, done = 0, failures = 0;
    QElapsedTimer total;
    total.start();
    QEventLoop loop;
    std::function<void()> launch = [&] {
        if (sent >= options.requests || total.elapsed() >= options.seconds * 1000LL)
            return;
        const int index = sent++;
        QElapsedTimer *timer = new QElapsedTimer;
        timer->start();
        QNetworkReply *reply = makeRequest(index);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, timer] {
            latenciesMs.append(timer->nsecsElapsed() / 1e6);
            delete timer;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != expectedStatus)
                ++failures;
            reply->deleteLater();
            ++done;
            launch();
            if (done == sent)
                loop.quit();
        });
    };
    for (int i = 0; i < options.concurrency; ++i)
        launch();
    loop.exec();
    const double seconds = total.nsecsElapsed() / 1e9;
    std::sort(latenciesMs.begin(), latenciesMs.end());
    auto pct = [&](double p) {
        return latenciesMs.isEmpty()
            ? 0.0
            : latenciesMs.at(std::min<qsizetype>(latenciesMs.size() - 1, qsizetype(p * latenciesMs.size())));
    };
    std::printf("| %-9s | %6d | %5.1f s | %8.0f | %6.2f | %6.2f | %6.2f | %d |\n", name, done, seconds,
        done / seconds, pct(0.50), pct(0.95), pct(0.99), failures);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (app.arguments().contains(QStringLiteral("--side-by-side")))
        return bench::runSideBySide(app.arguments());
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Load on CodeFlow Lab's bank, on loopback, bounded."));
    parser.addHelpOption();
    const QCommandLineOption requests(QStringLiteral("requests"),
        QStringLiteral("At most N requests per scenario (default 2000)."), QStringLiteral("N"),
        QStringLiteral("2000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
        QStringLiteral("At most S seconds per scenario (default 10)."), QStringLiteral("S"),
        QStringLiteral("10"));
    const QCommandLineOption concurrency(QStringLiteral("concurrency"),
        QStringLiteral("Requests in flight (default 4)."), QStringLiteral("C"), QStringLiteral("4"));
    parser.addOptions({ requests, seconds, concurrency });
    parser.process(app);
    Options options;
    options.requests = std::clamp(parser.value(requests).toInt(), 1, 100000);
    options.seconds = std::clamp(parser.value(seconds).toInt(), 1, 120);
    options.concurrency = std::clamp(parser.value(concurrency).toInt(), 1, 64);

    QTemporaryDir dataDir;
    BankHost bank;
    BankServerOptions serverOptions;
    serverOptions.dataDir = dataDir.path();
    serverOptions.address = QHostAddress::LocalHost; // loopback only, always
    serverOptions.config.accessTokenLifetime = 3600;
    QString error;
    if (!bank.start(serverOptions, &error)) {
        std::fprintf(stderr, "cfl-bench: %s\n", qPrintable(error));
        return 1;
    }
    const QUrl issuer = bank.issuer();
    const QByteArray secret = bank.ensureClientSecret(QStringLiteral("coolloan"), {});
    const QByteArray basic = "Basic " + (QByteArray("coolloan:") + secret).toBase64();

    // One real flow for the tokens: authorize → login → consent → code → token.
    QNetworkAccessManager nam;
    nam.setCookieJar(new QNetworkCookieJar(&nam));
    const QByteArray verifier = pkce::generateVerifier();
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), QStringLiteral("coolloan"));
    query.addQueryItem(QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:9/callback"));
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(
        QStringLiteral("scope"), QStringLiteral("openid profile offline_access accounts:read"));
    query.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(pkce::s256Challenge(verifier)));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    query.addQueryItem(QStringLiteral("state"), QStringLiteral("bench"));
    QUrl authorize = issuer.resolved(QUrl(QStringLiteral("/authorize")));
    authorize.setQuery(query);
    QNetworkReply *reply = wait(send(nam, "GET", authorize));
    const QUrl interaction = issuer.resolved(QUrl::fromEncoded(reply->rawHeader("Location")));
    QString page = QString::fromUtf8(wait(send(nam, "GET", interaction))->readAll());
    const QString csrf = field(page, QStringLiteral(R"re(name="csrf_token" value="([^"]+)")re"));
    wait(send(nam, "POST", QUrl(interaction.toString() + QStringLiteral("/login")),
        "csrf_token=" + csrf.toLatin1() + "&username=john&password=banking-is-fun"));
    reply = wait(send(nam, "POST", QUrl(interaction.toString() + QStringLiteral("/consent")),
        "csrf_token=" + csrf.toLatin1()
            + "&decision=approve&scope=profile&scope=offline_access&scope=accounts:read"));
    const QString code
        = QUrlQuery(QUrl::fromEncoded(reply->rawHeader("Location"))).queryItemValue(QStringLiteral("code"));
    reply = wait(send(nam, "POST", issuer.resolved(QUrl(QStringLiteral("/token"))),
        "grant_type=authorization_code&code=" + code.toLatin1()
            + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&code_verifier=" + verifier,
        { { "Authorization", basic } }));
    const QJsonObject tokens = QJsonDocument::fromJson(reply->readAll()).object();
    const QByteArray access = tokens.value(QStringLiteral("access_token")).toString().toLatin1();
    QByteArray refresh = tokens.value(QStringLiteral("refresh_token")).toString().toLatin1();
    if (access.isEmpty() || refresh.isEmpty()) {
        std::fprintf(stderr, "cfl-bench: the flow did not yield tokens\n");
        return 1;
    }

    std::printf("Bank at %s; at most %d requests or %d s per scenario, %d in flight.\n\n",
        qPrintable(issuer.toString()), options.requests, options.seconds, options.concurrency);
    std::printf("| scenario  | done   | time    | req/s    | p50 ms | p95 ms | p99 ms | failures |\n");
    std::printf("|-----------|--------|---------|----------|--------|--------|--------|----------|\n");
    const QUrl discovery = issuer.resolved(QUrl(QStringLiteral("/.well-known/openid-configuration")));
    run(
        "discovery", options, [&](int) { return send(nam, "GET", discovery); }, 200);
    const QUrl accounts = issuer.resolved(QUrl(QStringLiteral("/api/accounts")));
    run(
        "api", options,
        [&](int) {
            return send(nam, "GET", accounts, {}, { { "Authorization", "Bearer " + access } });
        },
        200);
    const QUrl userinfo = issuer.resolved(QUrl(QStringLiteral("/userinfo")));
    run(
        "userinfo", options,
        [&](int) {
            return send(nam, "GET", userinfo, {}, { { "Authorization", "Bearer " + access } });
        },
        200);
    // Refresh tokens rotate: each request uses the token the previous one returned, so one in flight.
    Options serial = options;
    serial.concurrency = 1;
    const QUrl token = issuer.resolved(QUrl(QStringLiteral("/token")));
    run(
        "refresh", serial,
        [&](int) {
            QNetworkReply *r = send(nam, "POST", token, "grant_type=refresh_token&refresh_token=" + refresh,
                { { "Authorization", basic } });
            QObject::connect(r, &QNetworkReply::finished, r, [&refresh, r] {
                refresh = QJsonDocument::fromJson(r->peek(r->bytesAvailable()))
                              .object()
                              .value(QStringLiteral("refresh_token"))
                              .toString()
                              .toLatin1();
            });
            return r;
        },
        200);
    // Logins: argon2id on the bank's thread. One online-banking login form, posted with a different
    // unknown user name each time (the throttle counts per name); an unknown name costs the same hash
    // as a wrong password, by design.
    reply = wait(send(nam, "GET", issuer.resolved(QUrl(QStringLiteral("/web/login")))));
    const QUrl webLogin = issuer.resolved(QUrl::fromEncoded(reply->rawHeader("Location")));
    page = QString::fromUtf8(wait(send(nam, "GET", webLogin))->readAll());
    const QByteArray webCsrf
        = field(page, QStringLiteral(R"re(name="csrf_token" value="([^"]+)")re")).toLatin1();
    Options logins = options;
    logins.requests = std::min(options.requests, 200);
    run(
        "login", logins,
        [&](int index) {
            return send(nam, "POST", QUrl(webLogin.toString() + QStringLiteral("/login")),
                "csrf_token=" + webCsrf + "&username=bench-" + QByteArray::number(index) + "&password=wrong");
        },
        401);
    std::printf("\nPeak RSS of the process (bank thread + client): %lld MiB\n", peakRssKiB() / 1024);
    bank.stop();
    return 0;
}
