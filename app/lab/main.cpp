// codeflow-lab: the desktop app. Wiring only: options → LabWindow → (optional) autoplay.

#include "attack/AttackEngine.h"
#include "process/QuitOnSignal.h"
#include "trace/TraceExport.h"
#include "ui/attack/AttackLabView.h"
#include "ui/shell/Autoplay.h"
#include "ui/shell/InspectionDock.h"
#include "ui/shell/LabWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace {
// --attack ID --weak|--defended: the attack lab's scenario, headless (attack/AttackEngine.h) — a bank of its
// own on loopback, not the window's. One JSON line; exit 0 when the outcome is the expected one (weak: the
// attack succeeds; defended: the first defence layer stops it).
int runAttackCommand(const QString &id, bool weak, const QString &exportTrace, bool includeSecrets)
{
    const auto scenario = cfl::attack::findScenario(id);
    if (!scenario) {
        QStringList ids;
        for (const cfl::attack::Scenario &known : cfl::attack::allScenarios())
            ids.append(known.id);
        std::fprintf(stderr, "codeflow-lab: unknown attack '%s'; known attacks: %s\n", qPrintable(id),
            qPrintable(ids.join(QStringLiteral(", "))));
        return 2;
    }
    if (weak) {
        for (const cfl::attack::Weakness w : scenario->weaknesses())
            std::fprintf(
                stderr, "codeflow-lab: WEAKENED: %s\n", qPrintable(cfl::attack::weaknessSpec(w).key));
    }
    const cfl::attack::AttackOutcome outcome
        = weak ? cfl::attack::runWeak(*scenario) : cfl::attack::runDefended(*scenario);
    QString why;
    bool ok = cfl::attack::isExpected(*scenario, outcome, weak ? -1 : 0, &why);
    if (!exportTrace.isEmpty()) {
        QFile file(exportTrace);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(cfl::traceToJson(outcome.trace, includeSecrets)).toJson()) < 0) {
            std::fprintf(stderr, "codeflow-lab: could not write %s\n", qPrintable(exportTrace));
            ok = false;
        }
    }
    std::printf("%s\n", QJsonDocument(outcome.toJson()).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    if (!ok)
        std::fprintf(stderr, "codeflow-lab: not the expected outcome: %s\n", qPrintable(why));
    return ok ? 0 : 1;
}

// --report-startup (docs/benchmarks.md, cfl-bench-ui): once the window has painted and the event loop
// has nothing left from the start, print how long that took since main() and exit.
class StartupReporter : public QObject
{
public:
    StartupReporter(QWidget *window, const QElapsedTimer &sinceMain)
        : m_sinceMain(sinceMain)
    {
        window->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_painted) {
            m_painted = m_sinceMain.nsecsElapsed() / 1e6;
            // Everything queued by the start (the bank's thread, the docks) before calling it usable.
            QTimer::singleShot(0, this, [this] {
                std::printf("{\"window_painted_ms\":%.1f,\"usable_ms\":%.1f}\n", m_painted,
                    m_sinceMain.nsecsElapsed() / 1e6);
                std::fflush(stdout);
                QCoreApplication::exit(0);
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer &m_sinceMain;
    double m_painted = 0;
};
} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    // Chromium refuses to run as root with its sandbox on; say so rather than fail.
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("QTWEBENGINE_DISABLE_SANDBOX")) {
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
        std::fputs("codeflow-lab: running as root: the embedded browser's sandbox is off\n", stderr);
    }
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("CodeFlowLab"));
    QApplication::setApplicationName(QStringLiteral("codeflow-lab"));
    QApplication::setApplicationDisplayName(QStringLiteral("CodeFlow Lab"));
    QApplication::setApplicationVersion(QStringLiteral(CFL_VERSION));
    // Lets Wayland compositors match the window to the installed .desktop entry and its icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.codeflowlab.CodeFlowLab"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("CodeFlow Lab: watch and break the OAuth 2.0 authorization code flow, for real."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption autoplay(
        QStringLiteral("autoplay"), QStringLiteral("Play the CoolLoan scenario by itself."));
    const QCommandLineOption exitWhenDone(QStringLiteral("exit-when-done"),
        QStringLiteral("With --autoplay: print one JSON line and exit (0 on success)."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("With --exit-when-done: save a PNG of the window at the end."),
        QStringLiteral("FILE"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
        QStringLiteral("Directory of the bank's database."), QStringLiteral("DIR"));
    const QCommandLineOption pace(QStringLiteral("pace"),
        QStringLiteral("Autoplay pause between steps (default 1200)."), QStringLiteral("MS"),
        QStringLiteral("1200"));
    const QCommandLineOption exportTrace(QStringLiteral("export-trace"),
        QStringLiteral("With --exit-when-done: write the trace as JSON."), QStringLiteral("FILE.json"));
    const QCommandLineOption exportUml(QStringLiteral("export-plantuml"),
        QStringLiteral("With --exit-when-done: write the run as PlantUML."), QStringLiteral("FILE.puml"));
    const QCommandLineOption includeSecrets(
        QStringLiteral("include-secrets"), QStringLiteral("Do not mask tokens and secrets in exports."));
    parser.addOptions(
        { autoplay, exitWhenDone, screenshot, dataDir, pace, exportTrace, exportUml, includeSecrets });
    // The attack lab on the command line (issue 11).
    const QCommandLineOption attack(QStringLiteral("attack"),
        QStringLiteral(
            "Run an attack of the attack lab headless and print one JSON line (see --list-attacks)."),
        QStringLiteral("ID"));
    const QCommandLineOption weak(
        QStringLiteral("weak"), QStringLiteral("With --attack: with the scenario's weaknesses on."));
    const QCommandLineOption defended(
        QStringLiteral("defended"), QStringLiteral("With --attack: with every defence on."));
    const QCommandLineOption listAttacks(
        QStringLiteral("list-attacks"), QStringLiteral("List the attack lab's scenarios, and exit."));
    parser.addOptions({ attack, weak, defended, listAttacks });
    // For screenshots (README): the inspection tab in front, by its title.
    QCommandLineOption inspectionTab(QStringLiteral("inspection-tab"),
        QStringLiteral("Show this inspection tab."), QStringLiteral("TITLE"));
    inspectionTab.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(inspectionTab);
    // For the benchmark program (tests/benchmarks/ui): how long until the window is usable.
    QCommandLineOption reportStartup(QStringLiteral("report-startup"),
        QStringLiteral("Print the start-up time as JSON once the window is usable, then exit."));
    reportStartup.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(reportStartup);
    parser.process(app);
    bool paceOk = false;
    const int paceMs = parser.value(pace).toInt(&paceOk);
    if (!paceOk || paceMs < 0 || paceMs > 60000) {
        std::fputs("codeflow-lab: --pace must be a number of milliseconds from 0 to 60000\n", stderr);
        return 2;
    }
    if (parser.isSet(listAttacks)) {
        for (const cfl::attack::Scenario &scenario : cfl::attack::allScenarios())
            std::printf("%s\t%s\n", qPrintable(scenario.id), qPrintable(scenario.goal));
        return 0;
    }
    if (parser.isSet(attack)) {
        if (parser.isSet(weak) == parser.isSet(defended)) {
            std::fputs("codeflow-lab: --attack needs exactly one of --weak and --defended\n", stderr);
            return 2;
        }
        if (parser.isSet(autoplay) || parser.isSet(screenshot) || parser.isSet(exportUml)) {
            std::fputs(
                "codeflow-lab: --attack runs headless: no --autoplay, --screenshot or --export-plantuml\n",
                stderr);
            return 2;
        }
        // --exit-when-done is implied: the attack runs without the window.
        return runAttackCommand(parser.value(attack), parser.isSet(weak), parser.value(exportTrace),
            parser.isSet(includeSecrets));
    }
    if (parser.isSet(weak) || parser.isSet(defended)) {
        std::fputs("codeflow-lab: --weak and --defended need --attack ID\n", stderr);
        return 2;
    }
    if ((parser.isSet(exitWhenDone) || parser.isSet(screenshot)) && !parser.isSet(autoplay)) {
        std::fputs("codeflow-lab: --exit-when-done and --screenshot need --autoplay\n", stderr);
        return 2;
    }
    if (parser.isSet(screenshot) && !parser.isSet(exitWhenDone)) {
        std::fputs(
            "codeflow-lab: --screenshot is taken at the end of the run: add --exit-when-done\n", stderr);
        return 2;
    }
    if ((parser.isSet(exportTrace) || parser.isSet(exportUml)) && !parser.isSet(exitWhenDone)) {
        std::fputs("codeflow-lab: --export-trace and --export-plantuml need --autoplay --exit-when-done (or "
                   "use File → Export run…)\n",
            stderr);
        return 2;
    }

    cfl::LabOptions options;
    options.dataDir = parser.value(dataDir);
    // The story on the first run, but not in scripted runs (tests, trainers' --autoplay demos).
    options.firstRunWelcome = !parser.isSet(autoplay);
    cfl::LabWindow window(options);
    // The attack lab plays its attacks at the autoplay's pace.
    window.attackLab()->setPaceMs(paceMs);
    const auto showInspectionTab = [&] {
        QTabWidget *tabs = window.inspection()->tabs();
        for (int i = 0; i < tabs->count() && parser.isSet(inspectionTab); ++i) {
            if (tabs->tabText(i).compare(parser.value(inspectionTab), Qt::CaseInsensitive) == 0)
                tabs->setCurrentIndex(i);
        }
        // The picture is of the inspection: a taller window (1280×1024), the dock in its lower half.
        if (parser.isSet(inspectionTab)) {
            window.resize(window.width(), 1024);
            window.resizeDocks({ window.inspection() }, { 512 }, Qt::Vertical);
        }
    };
    showInspectionTab();
    std::unique_ptr<StartupReporter> startupReporter;
    if (parser.isSet(reportStartup))
        startupReporter = std::make_unique<StartupReporter>(&window, sinceMain);
    window.show();
    if (!window.isReady() && parser.isSet(exitWhenDone)) {
        std::fprintf(stderr, "codeflow-lab: %s\n", qPrintable(window.startupError()));
        return 1;
    }

    cfl::Autoplay player(&window, paceMs);
    QObject::connect(window.autoplayAction(), &QAction::triggered, &player, &cfl::Autoplay::start);
    if (parser.isSet(exitWhenDone)) {
        QObject::connect(&player, &cfl::Autoplay::finished, &app, [&](bool success) {
            // A moment for the last page and pane to paint before the picture.
            QTimer::singleShot(500, &app, [&, success] {
                bool ok = success;
                showInspectionTab();
                if (parser.isSet(screenshot) && !window.grab().save(parser.value(screenshot))) {
                    std::fprintf(
                        stderr, "codeflow-lab: could not save %s\n", qPrintable(parser.value(screenshot)));
                    ok = false;
                }
                QString error;
                if (!window.exportRun(parser.value(exportTrace), parser.value(exportUml),
                        parser.isSet(includeSecrets), &error)) {
                    std::fprintf(stderr, "codeflow-lab: %s\n", qPrintable(error));
                    ok = false;
                }
                std::printf(
                    "%s\n", QJsonDocument(player.result()).toJson(QJsonDocument::Compact).constData());
                std::fflush(stdout);
                QCoreApplication::exit(ok ? 0 : 1);
            });
        });
    }
    if (parser.isSet(autoplay))
        QTimer::singleShot(0, &player, &cfl::Autoplay::start);
    // Ctrl+C in the terminal of './dev run', or SIGTERM, closes the window as File → Quit does.
    cfl::QuitOnSignal quitOnSignal;
    return QApplication::exec();
}
