// cfl-bench --side-by-side [--runs N] [--seconds S] [--requests N] [--concurrency C]
//                          [--bank PATH] [--peer DIR] [--node PATH]
//
// Starts `codeflow-bank serve` (a fresh temporary data directory, 127.0.0.1, a free port) and
// node-oidc-provider (tests/benchmarks/peer/server.mjs, in memory, 127.0.0.1, a free port), drives both
// with the same client code and settings, and prints one table: each figure for both servers and the
// ratio, with the machine, the date and the versions. Every scenario stops at N operations or S seconds,
// whichever comes first; the figures are the medians of the runs. Loopback only: a server that announces
// another address is refused. What each figure measures: docs/benchmarks.md.

#include "SideBySide.h"

#include "LoopbackHttp.h"
#include "crypto/PasswordHasher.h"
#include "crypto/Pkce.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QUrlQuery>

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace cfl::bench {

namespace {

using Clock = std::chrono::steady_clock;

// The client's settings, the same for both servers: CoolLoan as the bank seeds it.
const QByteArray ClientId = "coolloan";
const QByteArray RedirectUri = "http://127.0.0.1:9/callback";
const QByteArray Scope = "openid profile offline_access accounts:read";
const QByteArray UserName = "john";
const QByteArray Password = "banking-is-fun";
// The peer's client secret (peer/server.mjs); the bank's is the one `serve` prints for a fresh bank.
const QByteArray PeerClientSecret = "bench-peer-coolloan-secret-0123456789abcdef";
// The peer names its API as a resource (RFC 8707); the bank's scopes name its own API.
const QByteArray PeerResource = "https://bank.example/api";
constexpr int StartSeconds = 60;

void say(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void complain(const QString &text)
{
    std::fputs(qPrintable(QStringLiteral("cfl-bench: ") + text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

QByteArray formEncode(const HeaderList &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body.append('&');
        body.append(name.toPercentEncoding()).append('=').append(value.toPercentEncoding());
    }
    return body;
}

// ---- the server processes -----------------------------------------------------------------------

struct Server
{
    QString name;
    QUrl origin;
    qint64 pid = 0;
    QByteArray basic; // Authorization header of CoolLoan at this server
    QByteArray authorizePath, tokenPath, userinfoPath;
    HeaderList extraAuthorizeParameters;
    QString version;
    // The client's state at this server, made by setup(): one refresh chain per worker, an access token
    // for userinfo and the API, and a browser logged in with consent given (for silent flows).
    QList<QByteArray> refreshChains;
    QByteArray accessToken;
    CookieJar loggedIn;
};

// utime + stime of a process, in seconds (proc(5), /proc/PID/stat fields 14 and 15).
double processCpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

double ownCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

qint64 peakRssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const auto match = QRegularExpression(QStringLiteral(R"(VmHWM:\s+(\d+) kB)"))
                           .match(QString::fromLatin1(status.readAll()));
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}

// Reads stdout lines of `process` until `done` says it has what it needs, for at most StartSeconds.
bool readUntil(QProcess &process, const std::function<bool(const QByteArray &line)> &done)
{
    const auto deadline = Clock::now() + std::chrono::seconds(StartSeconds);
    while (Clock::now() < deadline) {
        while (process.canReadLine()) {
            if (done(process.readLine().trimmed()))
                return true;
        }
        if (process.state() == QProcess::NotRunning)
            return false;
        process.waitForReadyRead(1000);
    }
    return false;
}

QString tail(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    return QString::fromUtf8(text.right(2000));
}

// The servers die with the benchmark, however it ends (Ctrl+C included): none is left listening.
void dieWithParent(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

bool startBank(QProcess &process, const QString &program, const QString &dir, Server *server, QString *error)
{
    process.setStandardErrorFile(dir + QStringLiteral("/bank.log")); // its access log: one line a request
    dieWithParent(process);
    process.start(program,
        { QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1"),
            QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"),
            dir + QStringLiteral("/bank"), QStringLiteral("--access-token-lifetime"),
            QStringLiteral("3600") });
    QByteArray secret;
    const bool ready = readUntil(process, [&](const QByteArray &line) {
        if (line.startsWith("http://"))
            server->origin = QUrl(QString::fromLatin1(line));
        else if (line.startsWith("coolloan client_secret: "))
            secret = line.mid(int(qstrlen("coolloan client_secret: ")));
        return server->origin.isValid() && !secret.isEmpty();
    });
    if (!ready) {
        *error = QStringLiteral("%1 serve did not start: %2")
                     .arg(program, tail(dir + QStringLiteral("/bank.log")));
        return false;
    }
    server->pid = process.processId();
    server->basic = "Basic " + (ClientId + ':' + secret).toBase64();
    return true;
}

bool startPeer(QProcess &process, const QString &node, const QString &peerDir, const QString &dir,
    Server *server, QString *error)
{
    process.setWorkingDirectory(peerDir);
    process.setStandardErrorFile(dir + QStringLiteral("/peer.log"));
    dieWithParent(process);
    process.start(node, { QStringLiteral("server.mjs"), QStringLiteral("--port"), QStringLiteral("0") });
    const bool ready = readUntil(process, [&](const QByteArray &line) {
        const QJsonObject announced = QJsonDocument::fromJson(line).object();
        if (announced.isEmpty())
            return false;
        server->origin = QUrl(announced.value(QStringLiteral("issuer")).toString());
        server->version = QStringLiteral("node-oidc-provider %1 on Node %2")
                              .arg(announced.value(QStringLiteral("oidcProvider")).toString(),
                                  announced.value(QStringLiteral("node")).toString());
        return true;
    });
    if (!ready) {
        *error = QStringLiteral("%1 %2/server.mjs did not start (did 'npm ci' run in %2?): %3")
                     .arg(node, peerDir, tail(dir + QStringLiteral("/peer.log")));
        return false;
    }
    server->pid = process.processId();
    server->basic = "Basic " + (ClientId + ':' + PeerClientSecret).toBase64();
    server->extraAuthorizeParameters = { { "resource", PeerResource } };
    return true;
}

void stop(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate(); // SIGTERM: both servers stop cleanly on it
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}

// ---- one user agent: requests with cookies, redirects and forms ---------------------------------

class UserAgent
{
public:
    UserAgent(LoopbackConnection &connection, const Server &server, CookieJar cookies = {})
        : m_connection(connection)
        , m_server(server)
        , jar(std::move(cookies))
    { }

    bool request(QByteArrayView method, QByteArrayView target, const QByteArray &form, HttpAnswer *answer,
        QString *error, const HeaderList &extra = {})
    {
        HeaderList headers = extra;
        const QByteArray cookies = jar.header();
        if (!cookies.isEmpty())
            headers.emplaceBack("Cookie", cookies);
        if (method == "POST")
            headers.emplaceBack("Content-Type", "application/x-www-form-urlencoded");
        if (!m_connection.send(method, target, headers, form, answer)) {
            *error = m_connection.error();
            return false;
        }
        jar.take(*answer);
        return true;
    }

    // The path and query of a Location on this server, or empty for anything else.
    QByteArray localTarget(const QByteArray &location) const
    {
        if (location.startsWith('/'))
            return location;
        const QUrl url(QString::fromLatin1(location));
        if (url.scheme() != m_server.origin.scheme() || url.host() != m_server.origin.host()
            || url.port() != m_server.origin.port())
            return {};
        return url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    }

private:
    LoopbackConnection &m_connection;
    const Server &m_server;

public:
    CookieJar jar;
};

struct HtmlForm
{
    QByteArray action;
    HeaderList fields;
};

QByteArray attribute(const QString &tag, const QString &name)
{
    const auto match = QRegularExpression(QStringLiteral(R"re(\b%1="([^"]*)")re").arg(name)).match(tag);
    return match.hasMatch() ? match.captured(1).replace(QStringLiteral("&amp;"), QStringLiteral("&")).toUtf8()
                            : QByteArray();
}

// The first POST form of a page, filled in as a user would: hidden fields and checked boxes as they are,
// a text field "username" and a password field with the given values, the first named submit button.
std::optional<HtmlForm> fillForm(const QByteArray &html, const QByteArray &user, const QByteArray &password)
{
    const QString page = QString::fromUtf8(html);
    static const QRegularExpression formTag(QStringLiteral(R"re(<form\b[^>]*>)re"));
    static const QRegularExpression fieldTag(QStringLiteral(R"re(<(input|button)\b[^>]*>)re"));
    const auto form = formTag.match(page);
    if (!form.hasMatch())
        return std::nullopt;
    HtmlForm filled { attribute(form.captured(0), QStringLiteral("action")), {} };
    bool buttonTaken = false;
    for (auto it = fieldTag.globalMatch(page, int(form.capturedEnd())); it.hasNext();) {
        const QString tag = it.next().captured(0);
        const QByteArray name = attribute(tag, QStringLiteral("name"));
        if (name.isEmpty() || tag.contains(QLatin1String(" disabled")))
            continue;
        const QByteArray type = attribute(tag, QStringLiteral("type"));
        if (tag.startsWith(QLatin1String("<button"))) {
            if (!buttonTaken)
                filled.fields.append({ name, attribute(tag, QStringLiteral("value")) });
            buttonTaken = true;
        } else if (type == "password") {
            filled.fields.append({ name, password });
        } else if (name == "username") {
            filled.fields.append({ name, user });
        } else if (type == "checkbox") {
            if (tag.contains(QLatin1String(" checked")))
                filled.fields.append({ name, attribute(tag, QStringLiteral("value")) });
        } else {
            filled.fields.append({ name, attribute(tag, QStringLiteral("value")) });
        }
    }
    return filled;
}

// The authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3) followed through redirects and
// the server's own pages until the redirect back to CoolLoan; returns the code. `pages` counts the pages
// a user would have seen (0 for a silent flow).
QByteArray authorize(UserAgent &agent, const Server &server, const QByteArray &challenge, bool askConsent,
    int *pages, QString *error)
{
    HeaderList query { { "client_id", ClientId }, { "redirect_uri", RedirectUri },
        { "response_type", "code" }, { "scope", Scope }, { "code_challenge", challenge },
        { "code_challenge_method", "S256" }, { "state", "bench" } };
    if (askConsent)
        query.emplaceBack("prompt", "consent");
    query.append(server.extraAuthorizeParameters);
    QByteArray target = server.authorizePath + '?' + formEncode(query);
    QByteArray method = "GET", form;
    *pages = 0;
    for (int step = 0; step < 12; ++step) {
        HttpAnswer answer;
        if (!agent.request(method, target, form, &answer, error))
            return {};
        if (answer.status >= 300 && answer.status < 400) {
            const QByteArray location = answer.header("location");
            if (location.startsWith(RedirectUri + '?')) {
                const QUrlQuery back(QUrl::fromEncoded(location).query());
                const QByteArray code = back.queryItemValue(QStringLiteral("code")).toLatin1();
                if (code.isEmpty())
                    *error = QStringLiteral("back to the client without a code: ")
                        + QString::fromLatin1(location);
                return code;
            }
            target = agent.localTarget(location);
            if (target.isEmpty()) {
                *error = QStringLiteral("redirect elsewhere: ") + QString::fromLatin1(location);
                return {};
            }
            method = "GET";
            form.clear();
            continue;
        }
        const auto filled = answer.status == 200 ? fillForm(answer.body, UserName, Password) : std::nullopt;
        if (!filled) {
            *error = QStringLiteral("HTTP %1 at %2: %3")
                         .arg(answer.status)
                         .arg(QString::fromLatin1(target.left(60)), QString::fromUtf8(answer.body.left(200)));
            return {};
        }
        ++*pages;
        target = filled->action.startsWith('/') ? filled->action
                                                : target.left(target.lastIndexOf('/') + 1) + filled->action;
        method = "POST";
        form = formEncode(filled->fields);
    }
    *error = QStringLiteral("more than 12 steps without reaching the client");
    return {};
}

// A token request with CoolLoan's client_secret_basic (RFC 6749 §2.3.1); the JSON answer of a 200.
std::optional<QJsonObject> tokenRequest(
    LoopbackConnection &connection, const Server &server, const HeaderList &form, QString *error)
{
    HttpAnswer answer;
    if (!connection.send("POST", server.tokenPath,
            { { "Authorization", server.basic }, { "Content-Type", "application/x-www-form-urlencoded" } },
            formEncode(form), &answer)) {
        *error = connection.error();
        return std::nullopt;
    }
    if (answer.status != 200) {
        *error = QStringLiteral("token endpoint: HTTP %1 %2")
                     .arg(answer.status)
                     .arg(QString::fromUtf8(answer.body.left(200)));
        return std::nullopt;
    }
    return QJsonDocument::fromJson(answer.body).object();
}

// A whole code flow: authorization request, the pages (a fresh browser: login and consent; a logged-in
// one: none), the code at the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.5).
std::optional<QJsonObject> codeFlow(
    LoopbackConnection &connection, const Server &server, CookieJar *jar, bool silent, QString *error)
{
    UserAgent agent(connection, server, *jar);
    const QByteArray verifier = pkce::generateVerifier();
    int pages = 0;
    const QByteArray code = authorize(agent, server, pkce::s256Challenge(verifier), !silent, &pages, error);
    if (code.isEmpty())
        return std::nullopt;
    if (silent && pages != 0) {
        *error = QStringLiteral("a silent flow showed %1 page(s)").arg(pages);
        return std::nullopt;
    }
    *jar = agent.jar;
    return tokenRequest(connection, server,
        { { "grant_type", "authorization_code" }, { "code", code }, { "redirect_uri", RedirectUri },
            { "code_verifier", verifier } },
        error);
}

bool discover(Server *server, QString *error)
{
    LoopbackConnection connection(server->origin);
    HttpAnswer answer;
    if (!connection.send("GET", "/.well-known/openid-configuration", {}, {}, &answer)
        || answer.status != 200) {
        *error = QStringLiteral("%1: no discovery document (%2)").arg(server->name, connection.error());
        return false;
    }
    const QJsonObject metadata = QJsonDocument::fromJson(answer.body).object();
    QByteArray *paths[] = { &server->authorizePath, &server->tokenPath, &server->userinfoPath };
    const char *names[] = { "authorization_endpoint", "token_endpoint", "userinfo_endpoint" };
    for (int i = 0; i < 3; ++i) {
        const QUrl url(metadata.value(QLatin1String(names[i])).toString());
        // Every endpoint on the same loopback origin, or the server is not benchmarked.
        if (url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery) != server->origin) {
            *error
                = QStringLiteral("%1: %2 %3 is not on %4")
                      .arg(server->name, QLatin1String(names[i]), url.toString(), server->origin.toString());
            return false;
        }
        *paths[i] = url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    }
    return true;
}

// Tokens for every worker (refresh chains), one for userinfo and the API, a logged-in browser with
// consent given.
bool setup(Server *server, int chains, QString *error)
{
    LoopbackConnection connection(server->origin);
    for (int i = 0; i <= chains; ++i) {
        CookieJar jar;
        const auto tokens = codeFlow(connection, *server, &jar, false, error);
        if (!tokens)
            return false;
        const QByteArray refresh = tokens->value(QStringLiteral("refresh_token")).toString().toLatin1();
        const QByteArray access = tokens->value(QStringLiteral("access_token")).toString().toLatin1();
        if (refresh.isEmpty() || access.isEmpty()) {
            *error = QStringLiteral("%1: the code flow gave no refresh or access token").arg(server->name);
            return false;
        }
        if (i < chains) {
            server->refreshChains.append(refresh);
        } else {
            server->accessToken = access;
            server->loggedIn = jar;
        }
    }
    return true;
}

// ---- load -----------------------------------------------------------------------------------------

// One operation of a scenario (a request, or a whole flow) by worker `worker` on its own connection;
// false (with a reason) counts as a failure.
using Operation = std::function<bool(int worker, LoopbackConnection &connection, QString *error)>;

struct Load
{
    Operation operation;
    int workers = 1;
    double pacePerSecond = 0; // 0: back to back; otherwise operation k starts at k / pace seconds
};

struct Sample
{
    int done = 0;
    int failures = 0;
    double seconds = 0;
    QList<double> latenciesMs;
    QString firstError;

    double rate() const { return seconds > 0 ? (done - failures) / seconds : 0; }
    double percentile(double p) const
    {
        if (latenciesMs.isEmpty())
            return 0;
        return latenciesMs.at(std::min<qsizetype>(latenciesMs.size() - 1, qsizetype(p * latenciesMs.size())));
    }
};

struct Measured
{
    QList<Sample> loads;
    double clientCpuPercent = 0; // of one core
    double serverCpuPercent = 0;
};

// Runs the loads together, each on its own worker threads with their own connections, until `maxOps`
// operations of a load were started or `seconds` passed.
Measured drive(const Server &server, const QList<Load> &loads, int maxOps, int seconds)
{
    struct Worker
    {
        QList<double> latenciesMs;
        int failures = 0;
        QString firstError;
    };
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::seconds(seconds);
    const double clientCpu = ownCpuSeconds(), serverCpu = processCpuSeconds(server.pid);
    std::vector<std::unique_ptr<std::atomic<int>>> tickets;
    std::vector<std::vector<Worker>> results(size_t(loads.size()));
    std::vector<std::unique_ptr<QThread>> threads;
    for (qsizetype l = 0; l < loads.size(); ++l) {
        tickets.push_back(std::make_unique<std::atomic<int>>(0));
        results[size_t(l)].resize(size_t(loads[l].workers));
    }
    for (qsizetype l = 0; l < loads.size(); ++l) {
        for (int w = 0; w < loads[l].workers; ++w) {
            threads.emplace_back(QThread::create([&, l, w] {
                const Load &load = loads[l];
                Worker &mine = results[size_t(l)][size_t(w)];
                LoopbackConnection connection(server.origin);
                for (;;) {
                    const int k = (*tickets[size_t(l)])++;
                    if (k >= maxOps)
                        break;
                    if (load.pacePerSecond > 0)
                        std::this_thread::sleep_until(
                            start + std::chrono::nanoseconds(qint64(k * 1e9 / load.pacePerSecond)));
                    if (Clock::now() >= deadline)
                        break;
                    const auto begun = Clock::now();
                    QString error;
                    const bool ok = load.operation(w, connection, &error);
                    mine.latenciesMs.append(
                        std::chrono::duration<double, std::milli>(Clock::now() - begun).count());
                    if (!ok) {
                        ++mine.failures;
                        if (mine.firstError.isEmpty())
                            mine.firstError = error;
                    }
                }
            }));
            threads.back()->start();
        }
    }
    for (auto &thread : threads)
        thread->wait();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    Measured measured;
    measured.clientCpuPercent = 100 * (ownCpuSeconds() - clientCpu) / elapsed;
    measured.serverCpuPercent = 100 * (processCpuSeconds(server.pid) - serverCpu) / elapsed;
    for (const auto &workers : results) {
        Sample sample;
        sample.seconds = elapsed;
        for (const Worker &worker : workers) {
            sample.latenciesMs += worker.latenciesMs;
            sample.failures += worker.failures;
            if (sample.firstError.isEmpty())
                sample.firstError = worker.firstError;
        }
        sample.done = int(sample.latenciesMs.size());
        std::sort(sample.latenciesMs.begin(), sample.latenciesMs.end());
        measured.loads.append(sample);
    }
    return measured;
}

// ---- the figures ----------------------------------------------------------------------------------

struct Options
{
    int runs = 3;
    int seconds = 8;
    int requests = 100000;
    int concurrency = 4;
    QStringList only; // scenarios to run (refresh, userinfo, api, silent, full, login, paced); empty: all
};

const QStringList AllScenarios = { QStringLiteral("refresh"), QStringLiteral("userinfo"),
    QStringLiteral("api"), QStringLiteral("silent"), QStringLiteral("full"), QStringLiteral("login"),
    QStringLiteral("paced") };

// One value per run; the table shows the median.
using Figures = QMap<QString, QList<double>>;

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

void detail(const Server &server, const char *scenario, const Measured &measured, int load = 0)
{
    const Sample &s = measured.loads.at(load);
    std::printf(
        "| %-18s | %-21s | %6d | %4d | %5.1f | %8.1f | %7.2f | %7.2f | %7.2f | %5.0f %% | %5.0f %% |\n",
        qPrintable(server.name), scenario, s.done, s.failures, s.seconds, s.rate(), s.percentile(0.50),
        s.percentile(0.95), s.percentile(0.99), measured.clientCpuPercent, measured.serverCpuPercent);
    if (!s.firstError.isEmpty())
        std::printf("|   first failure: %s\n", qPrintable(s.firstError.left(300)));
    std::fflush(stdout);
}

// CPU time of one argon2id verification with the bank's own cost (PasswordHashCost's defaults, which
// the bank's hashes and its dummy hash use), measured on this thread: the median of `count`.
double argon2idCpuSeconds(int count)
{
    const QByteArray hash = hashPassword("bench-password");
    QList<double> seconds;
    for (int i = 0; i < count; ++i) {
        timespec before {}, after {};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
        verifyPassword(hash, "not-the-password");
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
        seconds.append(double(after.tv_sec - before.tv_sec) + double(after.tv_nsec - before.tv_nsec) / 1e9);
    }
    return median(seconds);
}

// Every scenario of one run against one server; figures keyed "<figure>/<server>".
void runScenarios(Server &server, const Options &options, double loginBound, Figures *figures)
{
    const bool bank = server.name == QLatin1String("codeflow-bank");
    const QString key = bank ? QStringLiteral("/bank") : QStringLiteral("/peer");
    std::mutex chainsLock; // workers write their own chain; the lock only orders the list's memory
    const Operation refresh = [&](int worker, LoopbackConnection &connection, QString *error) {
        QByteArray chain;
        {
            std::lock_guard guard(chainsLock);
            chain = server.refreshChains.at(worker);
        }
        const auto tokens = tokenRequest(
            connection, server, { { "grant_type", "refresh_token" }, { "refresh_token", chain } }, error);
        const QByteArray next
            = tokens ? tokens->value(QStringLiteral("refresh_token")).toString().toLatin1() : QByteArray();
        if (next.isEmpty()) {
            if (tokens)
                *error = QStringLiteral("a refresh without a new refresh token: no rotation");
            return false;
        }
        std::lock_guard guard(chainsLock);
        server.refreshChains[worker] = next;
        return true;
    };
    const auto bearerGet = [&server](const QByteArray &path) {
        return Operation([&server, path](int, LoopbackConnection &connection, QString *error) {
            HttpAnswer answer;
            if (!connection.send(
                    "GET", path, { { "Authorization", "Bearer " + server.accessToken } }, {}, &answer)) {
                *error = connection.error();
                return false;
            }
            if (answer.status != 200)
                *error = QStringLiteral("HTTP %1").arg(answer.status);
            return answer.status == 200;
        });
    };
    const Operation userinfo = bearerGet(server.userinfoPath);
    const auto flow = [&server](bool silent) {
        return Operation([&server, silent](int, LoopbackConnection &connection, QString *error) {
            CookieJar jar = silent ? server.loggedIn : CookieJar();
            const auto tokens = codeFlow(connection, server, &jar, silent, error);
            if (tokens && tokens->value(QStringLiteral("access_token")).toString().isEmpty()) {
                *error = QStringLiteral("a token answer without an access token");
                return false;
            }
            return tokens.has_value();
        });
    };
    // John's login to online banking, as a browser without a session does it: /web/login, the login
    // page, the form with his password (one argon2id verification), the redirect to /web. John and the
    // right password: a wrong one is throttled per name (InteractionPages, loginThrottle) and an unknown
    // name is hashed only within a budget (unknownUserBudget), so neither would measure hashing.
    const Operation login = [&](int, LoopbackConnection &connection, QString *error) {
        UserAgent agent(connection, server);
        HttpAnswer answer;
        if (!agent.request("GET", "/web/login", {}, &answer, error))
            return false;
        const QByteArray page = agent.localTarget(answer.header("location"));
        if (page.isEmpty() || !agent.request("GET", page, {}, &answer, error))
            return false;
        const auto form = fillForm(answer.body, UserName, Password);
        if (!form) {
            *error = QStringLiteral("no login form at %1").arg(QString::fromLatin1(page));
            return false;
        }
        if (!agent.request("POST", form->action, formEncode(form->fields), &answer, error))
            return false;
        if (answer.status != 303)
            *error = QStringLiteral("John's login answered HTTP %1, not 303").arg(answer.status);
        return answer.status == 303;
    };

    const int c = options.concurrency, n = options.requests, s = options.seconds;
    const auto wanted = [&options](const char *scenario) {
        return options.only.isEmpty() || options.only.contains(QLatin1String(scenario));
    };
    Measured m;
    if (wanted("refresh")) {
        m = drive(server, { { refresh, c } }, n, s);
        detail(server, "refresh", m);
        (*figures)[QStringLiteral("refresh") + key].append(m.loads[0].rate());
    }

    if (wanted("userinfo")) {
        m = drive(server, { { userinfo, c } }, n, s);
        detail(server, "userinfo", m);
        (*figures)[QStringLiteral("userinfo") + key].append(m.loads[0].rate());
    }

    if (bank && wanted("api")) {
        m = drive(server, { { bearerGet("/api/accounts"), c } }, n, s);
        detail(server, "api /api/accounts", m);
        (*figures)[QStringLiteral("api") + key].append(m.loads[0].rate());
    }

    if (wanted("silent")) {
        m = drive(server, { { flow(true), c } }, n, s);
        detail(server, "silent flow", m);
        (*figures)[QStringLiteral("silent") + key].append(m.loads[0].rate());
    }

    if (wanted("full")) {
        m = drive(server, { { flow(false), c } }, n, s);
        detail(server, "full flow", m);
        (*figures)[QStringLiteral("full") + key].append(m.loads[0].rate());
    }

    if (bank && wanted("login")) {
        // The bound as the host runs now: the same hash costs a third more or less an hour later on
        // this VM, so it is measured right before and after the logins it bounds, not only at the start.
        const double hashBefore = argon2idCpuSeconds(3);
        m = drive(server, { { login, c } }, n, s);
        const double hashAfter = argon2idCpuSeconds(3);
        detail(server, "login (argon2id)", m);
        const double bound = double(sysconf(_SC_NPROCESSORS_ONLN)) / ((hashBefore + hashAfter) / 2);
        (*figures)[QStringLiteral("logins") + key].append(m.loads[0].rate());
        (*figures)[QStringLiteral("loginBound") + key].append(bound);
        (*figures)[QStringLiteral("loginShare") + key].append(m.loads[0].rate() / bound);
    }

    if (!wanted("paced"))
        return;

    // Logins at the argon2id bound's rate (the bank: the login form; the peer, which hashes nothing:
    // whole flows with its login at that rate) and, meanwhile, one userinfo request at a time: how long a
    // request waits behind the logins.
    const Operation background = bank ? login : flow(false);
    m = drive(server, { { background, std::max(c, 8), loginBound }, { userinfo, 1 } }, n, s);
    detail(server, bank ? "logins at bound rate" : "flows at bound rate", m, 0);
    detail(server, "  userinfo meanwhile", m, 1);
    (*figures)[QStringLiteral("paced") + key].append(m.loads[0].rate());
    (*figures)[QStringLiteral("p50") + key].append(m.loads[1].percentile(0.50));
    (*figures)[QStringLiteral("p95") + key].append(m.loads[1].percentile(0.95));
    (*figures)[QStringLiteral("p99") + key].append(m.loads[1].percentile(0.99));
}

QString run(const QString &program, const QStringList &arguments, const QString &directory = {})
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.start(program, arguments);
    if (!process.waitForFinished(10000))
        return QStringLiteral("?");
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

QString machine()
{
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    QString model = QStringLiteral("unknown CPU");
    if (cpuinfo.open(QIODevice::ReadOnly)) {
        const auto match = QRegularExpression(QStringLiteral(R"(model name\s*:\s*(.+))"))
                               .match(QString::fromLatin1(cpuinfo.readAll()));
        if (match.hasMatch())
            model = match.captured(1).trimmed();
    }
    return QStringLiteral("%1, %2 cores online").arg(model).arg(sysconf(_SC_NPROCESSORS_ONLN));
}

QString loadAverage()
{
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    if (!loadavg.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(loadavg.readAll()).section(QLatin1Char(' '), 0, 2);
}

QString fixed(double value, int decimals = 0)
{
    return QString::number(value, 'f', decimals);
}

void row(const QString &figure, const QString &bank, const QString &peer, const QString &ratio,
    const QString &goal, const QString &met)
{
    say(QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |").arg(figure, bank, peer, ratio, goal, met));
}

QString yesNo(bool met)
{
    return met ? QStringLiteral("yes") : QStringLiteral("**no**");
}

} // namespace

int runSideBySide(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The bank and node-oidc-provider side by side on loopback, the same client against both."));
    parser.addHelpOption();
    const QCommandLineOption sideBySide(QStringLiteral("side-by-side"), QStringLiteral("This mode."));
    const QCommandLineOption runs(QStringLiteral("runs"),
        QStringLiteral("Runs; the table shows medians (default 3)."), QStringLiteral("N"),
        QStringLiteral("3"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
        QStringLiteral("At most S seconds per scenario and server (default 8)."), QStringLiteral("S"),
        QStringLiteral("8"));
    const QCommandLineOption requests(QStringLiteral("requests"),
        QStringLiteral("At most N operations per scenario and server (default 100000: the 8 s of issue 13, "
                       "not the count, end a scenario on this machine)."),
        QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption concurrency(QStringLiteral("concurrency"),
        QStringLiteral("Operations in flight, and rotating refresh chains (default 4)."), QStringLiteral("C"),
        QStringLiteral("4"));
    const QCommandLineOption bankPath(QStringLiteral("bank"), QStringLiteral("The codeflow-bank program."),
        QStringLiteral("PATH"), QStringLiteral(CFL_BENCH_BANK));
    const QCommandLineOption peerDir(QStringLiteral("peer"),
        QStringLiteral("The peer's directory (server.mjs, node_modules from 'npm ci')."),
        QStringLiteral("DIR"), QStringLiteral(CFL_BENCH_PEER_DIR));
    const QCommandLineOption nodePath(QStringLiteral("node"), QStringLiteral("The Node.js program."),
        QStringLiteral("PATH"), QStringLiteral("node"));
    const QCommandLineOption only(QStringLiteral("only"),
        QStringLiteral("Only these scenarios, comma-separated: %1 (default: all). For profiling one.")
            .arg(AllScenarios.join(QLatin1Char(','))),
        QStringLiteral("LIST"));
    parser.addOptions(
        { sideBySide, runs, seconds, requests, concurrency, bankPath, peerDir, nodePath, only });
    parser.process(arguments);
    Options options;
    // Bounds keep a run bounded: a number outside them is refused, not quietly changed.
    const auto number = [&parser](const QCommandLineOption &option, int low, int high, int *value) {
        bool ok = false;
        *value = parser.value(option).toInt(&ok);
        if (ok && *value >= low && *value <= high)
            return true;
        complain(QStringLiteral("--%1 must be a number from %2 to %3, not '%4'")
                     .arg(option.names().constFirst())
                     .arg(low)
                     .arg(high)
                     .arg(parser.value(option)));
        return false;
    };
    if (!number(runs, 1, 9, &options.runs) || !number(seconds, 1, 60, &options.seconds)
        || !number(requests, 10, 1000000, &options.requests)
        || !number(concurrency, 1, 32, &options.concurrency))
        return 2;
    if (parser.isSet(only)) {
        options.only = parser.value(only).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &scenario : std::as_const(options.only)) {
            if (!AllScenarios.contains(scenario)) {
                complain(QStringLiteral("--only: no scenario '%1'; there are %2")
                             .arg(scenario, AllScenarios.join(QLatin1String(", "))));
                return 2;
            }
        }
    }

    const QString startedAt
        = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    const QString loadAtStart = loadAverage();
    // Scenarios per run: the bank 7 (refresh, userinfo, api, silent, full, login, logins + userinfo), the
    // peer 5 (refresh, userinfo, silent, full, flows + userinfo).
    const int bound = StartSeconds * 2 + options.runs * 12 * options.seconds + 10;
    say(QStringLiteral(
        "cfl-bench --side-by-side: %1 run(s), at most %2 operations or %3 s per scenario and server, "
        "%4 in flight; the whole run takes at most %5 s (start-up included).")
            .arg(options.runs)
            .arg(options.requests)
            .arg(options.seconds)
            .arg(options.concurrency)
            .arg(bound));

    const int cores = int(sysconf(_SC_NPROCESSORS_ONLN));
    const PasswordHashCost cost;
    const double hashSeconds = argon2idCpuSeconds(9);
    const double loginBound = cores / hashSeconds;

    QTemporaryDir dir;
    if (!dir.isValid()) {
        complain(QStringLiteral("no temporary directory: %1").arg(dir.errorString()));
        return 1;
    }
    Server bank, peer;
    bank.name = QStringLiteral("codeflow-bank");
    peer.name = QStringLiteral("node-oidc-provider");
    QProcess bankProcess, peerProcess;
    QString error;
    const auto fail = [&](const QString &message) {
        complain(message);
        stop(bankProcess);
        stop(peerProcess);
        return 1;
    };
    if (!startBank(bankProcess, parser.value(bankPath), dir.path(), &bank, &error))
        return fail(error);
    if (!startPeer(peerProcess, parser.value(nodePath), parser.value(peerDir), dir.path(), &peer, &error))
        return fail(error);
    for (Server *server : { &bank, &peer }) {
        if (const auto refusal = nonLoopbackTarget(server->origin))
            return fail(QStringLiteral("%1 announced %2").arg(server->name, *refusal));
        if (!discover(server, &error) || !setup(server, options.concurrency, &error))
            return fail(QStringLiteral("%1: %2").arg(server->name, error));
    }
    bank.version = QStringLiteral("%1").arg(run(parser.value(bankPath), { QStringLiteral("--version") }));
    const QString sourceDir = QStringLiteral(CFL_SOURCE_DIR);
    QString commit = run(QStringLiteral("git"),
        { QStringLiteral("rev-parse"), QStringLiteral("--short"), QStringLiteral("HEAD") }, sourceDir);
    if (!run(QStringLiteral("git"),
            { QStringLiteral("status"), QStringLiteral("--porcelain"),
                QStringLiteral("--untracked-files=no") },
            sourceDir)
             .isEmpty())
        commit += QStringLiteral(" + uncommitted changes in the working tree");

    say(QStringLiteral(
        "\nPer scenario (client and server CPU in % of one core, over the scenario's time):\n"));
    say(QStringLiteral("| server             | scenario              |   done | fail |     s |    ops/s | "
                       "p50 ms  | p95 ms  | p99 ms  | client  | server  |"));
    say(QStringLiteral("|--------------------|-----------------------|-------:|-----:|------:|---------:|----"
                       "----:|--------:|--------:|--------:|--------:|"));
    Figures figures;
    for (int r = 0; r < options.runs; ++r) {
        // Alternate which server goes first, so that neither always follows the other's after-effects.
        Server &first = r % 2 ? peer : bank;
        Server &second = r % 2 ? bank : peer;
        runScenarios(first, options, loginBound, &figures);
        runScenarios(second, options, loginBound, &figures);
    }
    const qint64 bankRss = peakRssKiB(bank.pid), peerRss = peakRssKiB(peer.pid);
    const QString loadAtEnd = loadAverage();
    stop(bankProcess);
    stop(peerProcess);

    const auto m = [&](const QString &name) { return median(figures.value(name)); };
    // A goal whose scenarios --only left out is neither met nor missed.
    const auto verdict = [&](const QStringList &names, bool met) {
        for (const QString &name : names) {
            if (figures.value(name).isEmpty())
                return QStringLiteral("— (not run)");
        }
        return yesNo(met);
    };
    const auto ratio = [](double a, double b) {
        return b > 0 ? QString::number(a / b, 'f', 2) + QStringLiteral("×") : QStringLiteral("—");
    };
    say(QString());
    say(QStringLiteral("## cfl-bench --side-by-side, %1").arg(startedAt));
    say(QString());
    say(QStringLiteral("Machine: %1; load average %2 at the start, %3 at the end.")
            .arg(machine(), loadAtStart, loadAtEnd));
    say(QStringLiteral("Versions: %1 (commit %2); cfl-bench with Qt %3, %4; %5.")
            .arg(bank.version, commit, QString::fromLatin1(qVersion()),
                QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION)), peer.version));
    say(QStringLiteral(
        "Settings: %1 in flight (and %1 rotating refresh chains), at most %2 operations or %3 s "
        "per scenario and server, median of %4 run(s).")
            .arg(options.concurrency)
            .arg(options.requests)
            .arg(options.seconds)
            .arg(options.runs));
    say(QStringLiteral(
        "argon2id as the bank hashes (m=%1 KiB, t=%2, p=%3): %4 ms CPU per hash at the start; bound %5 "
        "cores ÷ %4 ms = %6 logins/s (the pace of the paced scenario; the logins figure uses the bound "
        "measured around its own runs).")
            .arg(cost.memoryKiB)
            .arg(cost.timeCost)
            .arg(cost.parallelism)
            .arg(fixed(hashSeconds * 1000, 1))
            .arg(cores)
            .arg(fixed(loginBound, 1)));
    say(QString());
    say(QStringLiteral("| figure | codeflow-bank | node-oidc-provider | ratio | goal (issue 13) | met |"));
    say(QStringLiteral("| --- | ---: | ---: | ---: | --- | --- |"));
    const double refreshBank = m(QStringLiteral("refresh/bank")),
                 refreshPeer = m(QStringLiteral("refresh/peer"));
    row(QStringLiteral("refresh grants/s (rotating chains)"), fixed(refreshBank), fixed(refreshPeer),
        ratio(refreshBank, refreshPeer), QStringLiteral("≥ 2×"),
        verdict({ QStringLiteral("refresh/bank"), QStringLiteral("refresh/peer") },
            refreshBank >= 2 * refreshPeer));
    const double userinfoBank = m(QStringLiteral("userinfo/bank")),
                 userinfoPeer = m(QStringLiteral("userinfo/peer"));
    row(QStringLiteral("userinfo/s"), fixed(userinfoBank), fixed(userinfoPeer),
        ratio(userinfoBank, userinfoPeer), QStringLiteral("≥ 2×"),
        verdict({ QStringLiteral("userinfo/bank"), QStringLiteral("userinfo/peer") },
            userinfoBank >= 2 * userinfoPeer));
    const double apiBank = m(QStringLiteral("api/bank"));
    row(QStringLiteral("API calls/s (bank `/api/accounts`; peer: its userinfo/s)"), fixed(apiBank),
        fixed(userinfoPeer), ratio(apiBank, userinfoPeer), QStringLiteral("≥ 2×"),
        verdict(
            { QStringLiteral("api/bank"), QStringLiteral("userinfo/peer") }, apiBank >= 2 * userinfoPeer));
    const double silentBank = m(QStringLiteral("silent/bank")), fullPeer = m(QStringLiteral("full/peer"));
    row(QStringLiteral("silent flows/s (bank) vs full flows/s (peer)"), fixed(silentBank, 1),
        fixed(fullPeer, 1), ratio(silentBank, fullPeer), QStringLiteral("≥ 1.5×"),
        verdict(
            { QStringLiteral("silent/bank"), QStringLiteral("full/peer") }, silentBank >= 1.5 * fullPeer));
    const double silentPeer = m(QStringLiteral("silent/peer")), fullBank = m(QStringLiteral("full/bank"));
    row(QStringLiteral("silent flows/s, both (session + remembered consent)"), fixed(silentBank, 1),
        fixed(silentPeer, 1), ratio(silentBank, silentPeer), QStringLiteral("—"), QStringLiteral("—"));
    row(QStringLiteral("full flows/s, both (login + consent + code + token)"), fixed(fullBank, 1),
        fixed(fullPeer, 1), ratio(fullBank, fullPeer), QStringLiteral("—"), QStringLiteral("—"));
    // Each run's logins against the bound measured around them; the median of those shares.
    const double logins = m(QStringLiteral("logins/bank"));
    const double loginShare = m(QStringLiteral("loginShare/bank"));
    row(QStringLiteral("logins/s (bank) vs the argon2id bound measured around them"), fixed(logins, 1),
        fixed(m(QStringLiteral("loginBound/bank")), 1) + QStringLiteral(" (bound)"),
        fixed(100 * loginShare) + QStringLiteral(" %"), QStringLiteral("≥ 80 %"),
        verdict({ QStringLiteral("logins/bank") }, loginShare >= 0.8));
    row(QStringLiteral("logins/s reached when paced at the bound (peer: whole flows)"),
        fixed(m(QStringLiteral("paced/bank")), 1), fixed(m(QStringLiteral("paced/peer")), 1),
        QStringLiteral("—"), QStringLiteral("= bound"), QStringLiteral("—"));
    const double p99Bank = m(QStringLiteral("p99/bank"));
    row(QStringLiteral("userinfo p50 / p95 / p99 ms meanwhile"),
        QStringLiteral("%1 / %2 / %3")
            .arg(fixed(m(QStringLiteral("p50/bank")), 2), fixed(m(QStringLiteral("p95/bank")), 2),
                fixed(p99Bank, 2)),
        QStringLiteral("%1 / %2 / %3")
            .arg(fixed(m(QStringLiteral("p50/peer")), 2), fixed(m(QStringLiteral("p95/peer")), 2),
                fixed(m(QStringLiteral("p99/peer")), 2)),
        ratio(p99Bank, m(QStringLiteral("p99/peer"))) + QStringLiteral(" (p99)"),
        QStringLiteral("bank p99 ≤ 10 ms"), verdict({ QStringLiteral("p99/bank") }, p99Bank <= 10));
    row(QStringLiteral("peak RSS over the run (VmHWM)"), fixed(bankRss / 1024.0, 1) + QStringLiteral(" MiB"),
        fixed(peerRss / 1024.0, 1) + QStringLiteral(" MiB"), ratio(bankRss, peerRss),
        QStringLiteral("bank ≤ 64 MiB"), yesNo(bankRss <= 64 * 1024));
    return 0;
}

} // namespace cfl::bench
