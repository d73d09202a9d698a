// cfl-bench-ui: the desktop app's figures (docs/benchmarks.md, "The desktop app") — a program, not a
// timed test.
//   cfl-bench-ui startup [--runs N] [--app PATH]   the app's cold start to a usable window: a first start
//                                                   (fresh data directory: key generation, seeding) and a
//                                                   later one, each run a new process
//   cfl-bench-ui trace [--events N] [--seconds S]   the sequence diagram and the traffic log while the
//                                                   trace grows to N events (default 10,000): every update
//                                                   timed from the append to both views painted
// Both need a display (QT_QPA_PLATFORM=offscreen, or Xvfb) and, for startup, the session bus and keyring
// the app expects (./dev bench-ui sets both up). Bounded: at most 20 runs, at most 50,000 events, the
// trace phases by --seconds each.

#include "trace/SeedSteps.h"
#include "trace/TraceModel.h"
#include "ui/diagram/SequenceDiagramCanvas.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/traffic/TrafficLogView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSplitter>
#include <QSysInfo>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <numeric>

using namespace cfl;

namespace {

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype index = std::min<qsizetype>(values.size() - 1, qsizetype(p / 100.0 * values.size()));
    return values.at(index);
}

QString figures(const QList<double> &ms)
{
    return QStringLiteral("median %1 ms, p99 %2 ms, max %3 ms")
        .arg(percentile(ms, 50), 0, 'f', 2)
        .arg(percentile(ms, 99), 0, 'f', 2)
        .arg(percentile(ms, 100), 0, 'f', 2);
}

// The machine's CPU time so far, and the part of it the hypervisor gave to others ("steal", the eighth
// figure of /proc/stat's cpu line, proc(5)), in clock ticks; zeros where there is no such file.
struct CpuTicks
{
    qint64 total = 0;
    qint64 steal = 0;
};

CpuTicks cpuTicks()
{
    QFile stat(QStringLiteral("/proc/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> fields = stat.readLine().simplified().split(' ');
    CpuTicks ticks;
    for (qsizetype i = 1; i < fields.size() && i <= 8; ++i)
        ticks.total += fields.at(i).toLongLong();
    ticks.steal = fields.size() > 8 ? fields.at(8).toLongLong() : 0;
    return ticks;
}

// Counts the paint events of one widget (left to it and its scroll area: an event filter that delivered
// them itself would bypass QAbstractScrollArea's): an update is over when both views have painted.
class PaintWatch : public QObject
{
public:
    explicit PaintWatch(QWidget *widget)
    {
        Q_ASSERT(widget);
        widget->installEventFilter(this);
    }
    int paints = 0;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return false;
    }
};

// ---- startup ----

struct StartupRun
{
    double wallMs = 0; // from starting the process to its report: exec, linking, main, the window
    double usableMs = 0; // the app's own figure, from main()
    bool ok = false;
};

StartupRun startOnce(const QString &app, const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer wall;
    wall.start();
    process.start(app, { QStringLiteral("--report-startup") });
    StartupRun run;
    if (!process.waitForStarted(10000))
        return run;
    while (!process.canReadLine() && process.state() == QProcess::Running)
        process.waitForReadyRead(30000);
    run.wallMs = wall.nsecsElapsed() / 1e6;
    const QJsonObject report = QJsonDocument::fromJson(process.readLine()).object();
    run.usableMs = report.value(QStringLiteral("usable_ms")).toDouble();
    run.ok = report.contains(QStringLiteral("usable_ms"));
    if (!process.waitForFinished(20000))
        process.kill();
    if (!run.ok)
        std::fprintf(
            stderr, "cfl-bench-ui: the app did not report: %s\n", process.readAllStandardError().constData());
    return run;
}

int startup(const QString &app, int runs)
{
    std::printf(
        "codeflow-lab start-up, %d runs each, QPA %s: wall time from exec to a painted, idle window\n", runs,
        qPrintable(QGuiApplication::platformName()));
    QList<double> first, later, firstOwn, laterOwn;
    for (int i = 0; i < runs; ++i) {
        QTemporaryDir home;
        const StartupRun a = startOnce(app, home.path());
        const StartupRun b = startOnce(app, home.path());
        if (!a.ok || !b.ok)
            return 1;
        first.append(a.wallMs);
        firstOwn.append(a.usableMs);
        later.append(b.wallMs);
        laterOwn.append(b.usableMs);
    }
    std::printf(
        "  first start (fresh data: RSA key, seeding with argon2id): %s (main() to usable: median %.1f ms)\n",
        qPrintable(figures(first)), percentile(firstOwn, 50));
    std::printf(
        "  later start (existing data):                          %s (main() to usable: median %.1f ms)\n",
        qPrintable(figures(later)), percentile(laterOwn, 50));
    return 0;
}

// ---- trace ----

// An event shaped like those of a real run: the seed's parties and channels, request and response
// bodies of realistic sizes (a token response with three JWTs), a summary.
TraceEvent syntheticEvent(int index, qint64 exchangeId)
{
    const SeedStep &step = seedSteps().at(index % SeedStepCount);
    TraceEvent event;
    event.timeMs = 1'764'000'000'000 + index * 37;
    event.step = step.number;
    event.from = step.from;
    event.to = step.to;
    event.summary = step.label;
    event.source = QStringLiteral("bank");
    const bool decision = step.from == step.to;
    const bool action = step.from == QLatin1String("John");
    if (decision || action) {
        event.kind = decision ? TraceKind::Decision : TraceKind::Action;
        event.channel = decision ? TraceChannel::Internal : TraceChannel::UserAction;
        return event;
    }
    static const QByteArray jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0."
        + QByteArray(420, 'e') + '.' + QByteArray(342, 's');
    event.kind = index % 2 ? TraceKind::Response : TraceKind::Request;
    event.exchangeId = exchangeId;
    event.channel = step.from == QLatin1String("Browser") || step.to == QLatin1String("Browser")
        ? TraceChannel::FrontChannel
        : TraceChannel::BackChannel;
    event.method = "POST";
    event.url = QUrl(QStringLiteral("http://127.0.0.1:4444/token"));
    event.status = 200;
    event.requestHeaders
        = { { "Host", "127.0.0.1:4444" }, { "Content-Type", "application/x-www-form-urlencoded" },
              { "Authorization", "Basic Y29vbGxvYW46c2VjcmV0" } };
    event.requestBody = "grant_type=authorization_code&code=" + QByteArray(43, 'c')
        + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcallback&code_verifier=" + QByteArray(43, 'v');
    event.responseHeaders = { { "Content-Type", "application/json" }, { "Cache-Control", "no-store" } };
    event.responseBody = R"({"access_token":")" + jwt + R"(","id_token":")" + jwt + R"(","refresh_token":")"
        + QByteArray(43, 'r') + R"(","token_type":"Bearer","expires_in":600})";
    event.durationUs = 1400;
    return event;
}

int trace(int events, int seconds)
{
    TraceModel model;
    QWidget window;
    window.resize(1280, 800);
    auto *splitter = new QSplitter(Qt::Vertical, &window);
    auto *diagram = new SequenceDiagramView(&model, splitter);
    auto *log = new TrafficLogView(&model, splitter);
    splitter->resize(window.size());
    window.show();
    QCoreApplication::processEvents();

    // One update: the append, then the event loop until the views have painted it — once each, as in the
    // app (a repaint() after processEvents() would paint them a second time). Its parts: the append
    // itself, and the event loop's work until both painted (the queued updates and the paints).
    // And this thread's CPU time for it: a wall time far above it is time the thread did not run (the
    // host's other guests, on a VM), not work the views did.
    PaintWatch diagramPaints(diagram->findChild<SequenceDiagramCanvas *>()->viewport());
    PaintWatch logPaints(log->table()->viewport());
    QList<double> appendParts, paintParts, cpuTimes;
    const auto threadCpuNs = [] {
        timespec now {};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
    };
    // The event loop until both views painted since `before` (-1: a view with nothing new to show, as the
    // log for a decision, which it hides), at most 10 s.
    const auto untilPainted = [&](const QElapsedTimer &timer, int diagramBefore, int logBefore) {
        while ((diagramPaints.paints == diagramBefore || logPaints.paints == logBefore)
            && !timer.hasExpired(10000))
            QCoreApplication::processEvents();
        return diagramPaints.paints > diagramBefore && logPaints.paints > logBefore;
    };
    int unpainted = 0;
    const auto update = [&](int index) {
        const qint64 cpuStart = threadCpuNs();
        const int diagramBefore = diagramPaints.paints, logBefore = logPaints.paints;
        const int logRows = log->table()->model()->rowCount();
        QElapsedTimer timer;
        timer.start();
        model.append(syntheticEvent(index, index / 2 + 1));
        const qint64 appended = timer.nsecsElapsed();
        if (!untilPainted(
                timer, diagramBefore, log->table()->model()->rowCount() != logRows ? logBefore : -1))
            ++unpainted;
        const qint64 done = timer.nsecsElapsed();
        appendParts.append(appended / 1e6);
        paintParts.append((done - appended) / 1e6);
        cpuTimes.append((threadCpuNs() - cpuStart) / 1e6);
        return done / 1e6;
    };
    QList<double> all, lastThousand;
    QElapsedTimer total;
    total.start();
    const CpuTicks ticksBefore = cpuTicks();
    const int wanted = events;
    for (int i = 0; i < wanted; ++i) {
        const double ms = update(i);
        all.append(ms);
        if (i >= wanted - 1000)
            lastThousand.append(ms);
        if (total.hasExpired(qint64(seconds) * 1000)) {
            events = i + 1; // the bound: what was reached is reported as such
            break;
        }
    }
    const double fillSeconds = total.nsecsElapsed() / 1e9;
    const CpuTicks ticksAfter = cpuTicks();
    if (events < wanted)
        std::printf("  BOUND: growing stopped after %d s at %d of %d events\n", seconds, events, wanted);

    // The views on a trace that is already long: stepping through the arrows.
    QList<double> steps;
    for (int i = 0; i < 200; ++i) {
        QElapsedTimer timer;
        timer.start();
        const int diagramBefore = diagramPaints.paints;
        diagram->stepBack();
        if (!untilPainted(timer, diagramBefore, -1)) // the log has nothing new to show
            ++unpainted;
        steps.append(timer.nsecsElapsed() / 1e6);
    }
    // Everything at once: cleared, and the same number of events appended without painting in between.
    QElapsedTimer reload;
    reload.start();
    model.clear();
    const int diagramBefore = diagramPaints.paints, logBefore = logPaints.paints;
    for (int i = 0; i < events && !reload.hasExpired(qint64(seconds) * 1000); ++i)
        model.append(syntheticEvent(i, i / 2 + 1));
    if (!untilPainted(reload, diagramBefore, logBefore))
        ++unpainted;
    const double reloadMs = reload.nsecsElapsed() / 1e6;

    std::printf(
        "sequence diagram + traffic log (1280×800, QPA %s), the trace grown to %d events one by one:\n",
        qPrintable(QGuiApplication::platformName()), events);
    std::printf("  every update (append → both views painted):   %s\n", qPrintable(figures(all)));
    if (events == wanted)
        std::printf("  the last 1,000 updates (%d–%d events):        %s\n", std::max(0, events - 1000),
            events, qPrintable(figures(lastThousand)));
    // Where the slowest updates fell: a spike at a size (a container growing, a scroll range) or spread out.
    QList<int> order(all.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return all.at(a) > all.at(b); });
    QStringList slowest;
    for (int i = 0; i < std::min<int>(5, int(order.size())); ++i) {
        const int slow = order.at(i);
        slowest << QStringLiteral("%1 ms at event %2 (%3 ms CPU)")
                       .arg(all.at(slow), 0, 'f', 1)
                       .arg(slow + 1)
                       .arg(cpuTimes.at(slow), 0, 'f', 1);
    }
    std::printf("  the slowest updates: %s\n", qPrintable(slowest.join(QStringLiteral(", "))));
    std::printf("  this thread's CPU time per update: %s\n", qPrintable(figures(cpuTimes)));
    if (ticksAfter.total > ticksBefore.total)
        std::printf(
            "  while growing, the hypervisor ran others on this VM's CPUs (steal) %.1f %% of the time\n",
            100.0 * double(ticksAfter.steal - ticksBefore.steal)
                / double(ticksAfter.total - ticksBefore.total));
    std::printf("  of an update: the append %s; then until both painted %s\n",
        qPrintable(figures(appendParts)), qPrintable(figures(paintParts)));
    std::printf("  stepping back one arrow, at %d events:          %s\n", events, qPrintable(figures(steps)));
    std::printf("  %d events appended at once, then painted:     %.0f ms; growing one by one took %.1f s\n",
        events, reloadMs, fillSeconds);
    if (unpainted > 0)
        std::printf("  NOT PAINTED within 10 s: %d updates\n", unpainted);
    const bool responsive
        = events == wanted && unpainted == 0 && percentile(all, 100) < 50 && percentile(steps, 100) < 50;
    std::printf("  goal: each update < 50 ms — %s\n", responsive ? "met" : "NOT met");
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The desktop app's start-up and trace-view figures."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("what"), QStringLiteral("startup | trace"));
    const QCommandLineOption runs(QStringLiteral("runs"),
        QStringLiteral("Start-ups of each kind (1–20, default 5)."), QStringLiteral("N"),
        QStringLiteral("5"));
    const QCommandLineOption appPath(QStringLiteral("app"), QStringLiteral("The codeflow-lab to start."),
        QStringLiteral("PATH"), QStringLiteral(CFL_BENCH_APP));
    const QCommandLineOption events(QStringLiteral("events"),
        QStringLiteral("Events in the trace (1,000–50,000, default 10,000)."), QStringLiteral("N"),
        QStringLiteral("10000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
        QStringLiteral("Bound on growing the trace, and on filling it at once (10–1800, default 180)."),
        QStringLiteral("S"), QStringLiteral("180"));
    parser.addOptions({ runs, appPath, events, seconds });
    parser.process(app);
    const QString what = parser.positionalArguments().value(0);
    std::printf("%s, %s, Qt %s, %d cores\n", qPrintable(QSysInfo::prettyProductName()),
        qPrintable(QSysInfo::currentCpuArchitecture()), qVersion(), QThread::idealThreadCount());
    if (what == QLatin1String("startup")) {
        const int n = parser.value(runs).toInt();
        if (n < 1 || n > 20) {
            std::fputs("cfl-bench-ui: --runs must be 1–20\n", stderr);
            return 2;
        }
        return startup(parser.value(appPath), n);
    }
    if (what == QLatin1String("trace")) {
        const int n = parser.value(events).toInt();
        if (n < 1000 || n > 50000) {
            std::fputs("cfl-bench-ui: --events must be 1,000–50,000\n", stderr);
            return 2;
        }
        const int bound = parser.value(seconds).toInt();
        if (bound < 10 || bound > 1800) {
            std::fputs("cfl-bench-ui: --seconds must be 10–1800\n", stderr);
            return 2;
        }
        return trace(n, bound);
    }
    std::fputs("cfl-bench-ui: say 'startup' or 'trace' (--help)\n", stderr);
    return 2;
}
