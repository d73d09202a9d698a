#include "ui/shell/LabWindow.h"

#include "bank/BankHost.h"
#include "bank/BankTrace.h"
#include "client/CoolLoanClient.h"
#include "client/PirateLoanClient.h"
#include "crypto/SigningKey.h"
#include "secrets/SecretStore.h"
#include "trace/TraceExport.h"
#include "trace/TraceModel.h"
#include "ui/attack/AttackLabView.h"
#include "ui/attack/WeaknessBanner.h"
#include "ui/diagram/SequenceDiagramView.h"
#include "ui/inspection/AuthorizationRequestPanel.h"
#include "ui/inspection/CodePanel.h"
#include "ui/inspection/LedgerPanel.h"
#include "ui/inspection/PkcePanel.h"
#include "ui/inspection/TokenPanel.h"
#include "ui/inspection/WhyPanel.h"
#include "ui/shell/AboutDialog.h"
#include "ui/shell/InspectionDock.h"
#include "ui/shell/SettingsDialog.h"
#include "ui/shell/WelcomeView.h"
#include "ui/story/CastStrip.h"
#include "ui/story/CoolLoanPane.h"
#include "ui/story/JohnsBrowser.h"
#include "ui/story/PirateLoanPane.h"
#include "ui/theme/Theme.h"
#include "ui/traffic/TrafficLogView.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QToolBar>
#include <QVBoxLayout>

namespace cfl {

LabWindow::LabWindow(const LabOptions &options, QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("labWindow"));
    // The application's display name, once: Qt appends it to any other title (" — CodeFlow Lab").
    setWindowTitle(tr("CodeFlow Lab"));
    m_trace = new TraceModel(this);
    m_secrets = SecretStore::openBest(&m_secretFallbackReason);
    m_coolLoan = new CoolLoanClient(this);
    m_pirateLoan = new PirateLoanClient(this);
    m_coolLoan->setSecretStore(m_secrets.get());
    // Trainer settings stored with QSettings win over the options' bank settings; --data-dir stays.
    m_options = options;
    m_trainerSettings = TrainerSettings::load(TrainerSettings::from(options.bank));
    m_trainerSettings.applyTo(m_options.bank);
    // One BankHost for the window's life (panels keep a pointer to it); Reset workshop restarts it.
    m_bank = std::make_unique<BankHost>();
    // What the bank saw, on the GUI thread (queued), as trace events in the one model.
    connect(m_bank.get(), &BankHost::exchanged, m_trace, [this](const BankExchange &exchange) {
        for (const TraceEvent &event : traceEventsFor(exchange, m_trace->nextExchangeId()))
            m_trace->append(event);
    });
    startBank();
    buildUi();
    theme::applyUiScale(m_trainerSettings.scalePercent);
    m_browser->setZoom(m_trainerSettings.scalePercent / 100.0);
    fitToScreen();
    if (options.firstRunWelcome && !QSettings().value(WelcomeView::shownKey()).toBool())
        showStory();
}

void LabWindow::fitToScreen()
{
    // 1280×800 where the screen has room for it (the size the README's pictures show); on a smaller
    // screen, such as a 1024×768 projector, all of it: the first-run story's buttons must stay on screen.
    const QSize preferred(1280, 800);
    const QRect available = screen() ? screen()->availableGeometry() : QRect(QPoint(), preferred);
    if (available.width() >= preferred.width() && available.height() >= preferred.height()) {
        resize(preferred);
        return;
    }
    setGeometry(available);
    setWindowState(windowState() | Qt::WindowMaximized);
}

LabWindow::~LabWindow()
{
    if (m_bank)
        m_bank->stop();
}

bool LabWindow::startBank()
{
    // The signing key lives in the secret store, never in the bank's database.
    std::optional<QByteArray> keyJwk = m_secrets->read(SecretStore::bankSigningKeyKey());
    if (!keyJwk || !SigningKey::fromPrivateJwk(*keyJwk)) {
        keyJwk = SigningKey::generate().toPrivateJwk();
        m_secrets->write(SecretStore::bankSigningKeyKey(), *keyJwk);
    }
    BankServerOptions bankOptions;
    bankOptions.dataDir = m_options.dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/bank")
        : m_options.dataDir;
    bankOptions.config = m_options.bank;
    bankOptions.externalSigningKey = keyJwk;

    m_startupError.clear();
    QString error;
    if (!m_bank->start(bankOptions, &error)) {
        m_startupError = tr("The bank could not start: %1").arg(error);
        return false;
    }
    // CoolLoan's client secret: from the secret store; a new one when the bank does not know it
    // (first run, a reset bank, or secrets kept in memory only).
    const QByteArray stored = m_secrets->read(SecretStore::coolLoanClientSecretKey()).value_or(QByteArray());
    const QByteArray secret = m_bank->ensureClientSecret(QStringLiteral("coolloan"), stored);
    if (secret != stored)
        m_secrets->write(SecretStore::coolLoanClientSecretKey(), secret);

    CoolLoanClient::Settings settings;
    settings.issuer = m_bank->issuer();
    settings.clientSecret = secret;
    m_coolLoan->setSettings(settings);
    m_pirateLoan->setBankUrl(m_bank->issuer());
    return true;
}

void LabWindow::buildUi()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *exportAction = file->addAction(tr("&Export run…"));
    exportAction->setObjectName(QStringLiteral("exportRunAction"));
    connect(exportAction, &QAction::triggered, this, [this] {
        const bool attack = m_pages->currentWidget() == m_attackLab;
        const QString path
            = QFileDialog::getSaveFileName(this, attack ? tr("Export attack run") : tr("Export run"),
                attack ? QStringLiteral("codeflow-attack.json") : QStringLiteral("codeflow-run.json"),
                tr("Trace (*.json)"));
        if (path.isEmpty())
            return;
        QString uml = path;
        uml.replace(QRegularExpression(QStringLiteral("\\.json$")), QString());
        uml += QStringLiteral(".puml");
        QString error;
        if (exportRun(path, uml, false, &error))
            QMessageBox::information(
                this, tr("Run exported"), tr("Wrote %1 and %2 (tokens and secrets masked).").arg(path, uml));
        else
            QMessageBox::warning(this, tr("Export failed"), error);
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *attackMenu = menuBar()->addMenu(tr("&Attack lab"));
    m_attackLabAction = attackMenu->addAction(tr("⚔ &Attack lab"));
    m_attackLabAction->setObjectName(QStringLiteral("attackLabAction"));
    m_attackLabAction->setCheckable(true);
    m_attackLabAction->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    m_attackLabAction->setToolTip(tr("Switch a defence off, run a real attack, watch it work — and fail"));
    connect(m_attackLabAction, &QAction::toggled, this, &LabWindow::showAttackLab);

    QMenu *settingsMenu = menuBar()->addMenu(tr("&Settings"));
    m_settingsAction
        = settingsMenu->addAction(tr("&Trainer settings…"), this, &LabWindow::openTrainerSettings);
    m_settingsAction->setObjectName(QStringLiteral("trainerSettingsAction"));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    m_storyAction = help->addAction(tr("The &story"), this, &LabWindow::showStory);
    m_storyAction->setObjectName(QStringLiteral("storyAction"));
    m_storyAction->setShortcut(QKeySequence::HelpContents);
    m_aboutAction = help->addAction(tr("&About CodeFlow Lab"), this, [this] {
        auto *about = new AboutDialog(this);
        about->setAttribute(Qt::WA_DeleteOnClose);
        about->open();
    });
    m_aboutAction->setObjectName(QStringLiteral("aboutAction"));
    m_aboutAction->setMenuRole(QAction::AboutRole);

    auto *toolbar = addToolBar(tr("Lab"));
    toolbar->setObjectName(QStringLiteral("labToolbar"));
    toolbar->setMovable(false);
    m_autoplayAction = toolbar->addAction(tr("▶ Autoplay CoolLoan"));
    m_autoplayAction->setObjectName(QStringLiteral("autoplayAction"));
    m_autoplayAction->setToolTip(tr("Play the CoolLoan scenario by itself at a readable pace"));
    toolbar->addAction(m_attackLabAction);
    toolbar->addSeparator();
    m_bankStatus = new QLabel(this);
    m_bankStatus->setObjectName(QStringLiteral("bankStatus"));
    m_bankStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    toolbar->addWidget(m_bankStatus);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    if (!m_secretFallbackReason.isEmpty()) {
        auto *banner = new QLabel(
            tr("⚠ No keychain is reachable (%1). Secrets — CoolLoan's client secret and refresh token, "
               "the bank's signing key — are kept <b>in memory for this session only</b>, never in a file.")
                .arg(m_secretFallbackReason.toHtmlEscaped()),
            central);
        banner->setObjectName(QStringLiteral("secretBanner"));
        banner->setWordWrap(true);
        banner->setStyleSheet(QStringLiteral(
            "QLabel { background: %1; border: 1px solid %2; border-radius: 6px; padding: 6px; }")
                                  .arg(theme::WarningPaper.name(), theme::Warning.name()));
        layout->addWidget(banner);
    }
    if (!m_startupError.isEmpty()) {
        m_startupErrorLabel = new QLabel(m_startupError, central);
        m_startupErrorLabel->setObjectName(QStringLiteral("startupError"));
        m_startupErrorLabel->setStyleSheet(
            QStringLiteral("QLabel { color: %1; background: %2; padding: 8px; }")
                .arg(theme::Refused.name(), theme::RefusedPaper.name()));
        layout->addWidget(m_startupErrorLabel);
    }

    m_weaknessBanner = new WeaknessBanner(central);
    layout->addWidget(m_weaknessBanner);

    m_pages = new QStackedWidget(central);
    auto *story = new QWidget(m_pages);
    auto *storyLayout = new QVBoxLayout(story);
    storyLayout->setContentsMargins(0, 0, 0, 0);
    storyLayout->setSpacing(4);
    storyLayout->addWidget(new CastStrip(story));
    auto *splitter = new QSplitter(Qt::Horizontal, story);
    m_coolLoanPane = new CoolLoanPane(m_coolLoan, splitter);
    m_browser = new JohnsBrowser(splitter);
    m_pirateLoanPane = new PirateLoanPane(m_pirateLoan, splitter);
    splitter->addWidget(m_coolLoanPane);
    splitter->addWidget(m_browser);
    splitter->addWidget(m_pirateLoanPane);
    splitter->setSizes({ 430, 500, 340 });
    splitter->setChildrenCollapsible(false);
    storyLayout->addWidget(splitter, 1);
    m_pages->addWidget(story);
    m_attackLab = new AttackLabView(m_bank.get(), m_coolLoan, m_weaknessBanner, m_pages);
    m_pages->addWidget(m_attackLab);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    // A restarted bank has every defence on: the toggles made by hand apply to it again.
    connect(this, &LabWindow::workshopReset, m_attackLab, &AttackLabView::reapplyWeaknesses);

    m_inspection = new InspectionDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_inspection);
    // Inspection panels: one line each, in tab order.
    m_inspection->addPanel(new SequenceDiagramView(m_trace, m_inspection), tr("Sequence diagram"));
    m_inspection->addPanel(new TrafficLogView(m_trace, m_inspection), tr("Traffic"));
    m_inspection->addPanel(
        new AuthorizationRequestPanel(m_coolLoan, m_inspection), tr("Authorization request"));
    m_inspection->addPanel(new PkcePanel(m_coolLoan, m_trace, m_bank.get(), m_inspection), tr("PKCE"));
    m_inspection->addPanel(new CodePanel(m_coolLoan, m_trace, m_bank.get(), m_inspection), tr("Code"));
    m_inspection->addPanel(new TokenPanel(m_coolLoan, m_trace, m_bank.get(), m_inspection), tr("Tokens"));
    m_inspection->addPanel(new LedgerPanel(m_bank.get(), m_trace, m_inspection), tr("Bank ledger"));
    m_inspection->addPanel(new WhyPanel(m_trace, m_inspection), tr("Why it failed"));

    showBankStatus();
    // CoolLoan sends John's browser to the bank; each flow starts a fresh private session.
    connect(m_coolLoan, &CoolLoanClient::authorizationUrlReady, m_browser, &JohnsBrowser::openFresh);
    // Logging out happens in the session John logged in with: that is the session it ends.
    connect(m_coolLoan, &CoolLoanClient::endSessionUrlReady, m_browser, &JohnsBrowser::open);
    connect(m_coolLoan, &CoolLoanClient::traceEvent, m_trace, &TraceModel::append);
    connect(m_pirateLoan, &PirateLoanClient::traceEvent, m_trace, &TraceModel::append);

    // The story, over everything but the menu bar; its last panel leads into the walkthrough.
    m_welcome = new WelcomeView(this);
    connect(m_welcome, &WelcomeView::autoplayRequested, m_autoplayAction, &QAction::trigger);
    connect(m_welcome, &WelcomeView::connectRequested, m_coolLoan, &CoolLoanClient::connectBank);
}

void LabWindow::showAttackLab(bool shown)
{
    if (m_attackLabAction->isChecked() != shown) {
        m_attackLabAction->setChecked(shown); // comes back here through toggled
        return;
    }
    if ((m_pages->currentWidget() == m_attackLab) == shown)
        return;
    // The attack lab has a diagram of its own: the dock of the app's own run gives it the room.
    if (shown) {
        m_inspectionWasVisible = !m_inspection->isHidden();
        m_inspection->hide();
    } else if (m_inspectionWasVisible) {
        m_inspection->show();
    }
    m_pages->setCurrentWidget(shown ? static_cast<QWidget *>(m_attackLab) : m_pages->widget(0));
}

void LabWindow::showBankStatus()
{
    if (m_startupErrorLabel) {
        m_startupErrorLabel->setText(m_startupError);
        m_startupErrorLabel->setVisible(!m_startupError.isEmpty());
    }
    if (!m_startupError.isEmpty()) {
        m_bankStatus->setText(
            tr("<b style='color:%1'>The bank is not running.</b>").arg(theme::Refused.name()));
        return;
    }
    m_browser->setBankUrl(m_bank->issuer());
    m_bankStatus->setText(tr("Bank running at <b>%1</b> (loopback only) &nbsp;·&nbsp; Secrets: %2")
                              .arg(m_bank->issuer().toString(), m_secrets->location().toHtmlEscaped()));
}

void LabWindow::showStory()
{
    m_welcome->open();
    QSettings().setValue(WelcomeView::shownKey(), true);
}

void LabWindow::openTrainerSettings()
{
    if (!m_settingsDialog)
        m_settingsDialog = new SettingsDialog(this);
    m_settingsDialog->setSettings(m_trainerSettings);
    m_settingsDialog->open();
}

void LabWindow::applyTrainerSettings(const TrainerSettings &settings)
{
    m_trainerSettings = settings;
    m_trainerSettings.save();
    // Kept for a restart of the bank (Reset workshop), and applied to the running one now.
    m_trainerSettings.applyTo(m_options.bank);
    m_bank->setLifetimes(m_options.bank.lifetimes());
    m_bank->setRememberConsent(settings.rememberConsent);
    theme::applyUiScale(settings.scalePercent);
    m_browser->setZoom(settings.scalePercent / 100.0);
}

QString LabWindow::bankDatabasePath() const
{
    const QString dir = m_options.dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/bank")
        : m_options.dataDir;
    return QDir(dir).filePath(QString::fromLatin1(Database::FileName));
}

std::optional<KeyRotation> LabWindow::rotateSigningKey(QString *error)
{
    QString why;
    std::optional<KeyRotation> rotation = m_bank->rotateSigningKey(&why);
    // The new private key replaces the old one in the keychain, the only place it lives. Should that
    // fail, the bank still signs with it until it stops; the next start takes the keychain's key back
    // (the database keeps every public key it published, bank/SigningKeyRing.h).
    if (rotation && !m_secrets->write(SecretStore::bankSigningKeyKey(), rotation->privateJwk, &why))
        why = tr("the new key signs until the bank stops, but the keychain did not take it: %1").arg(why);
    else if (rotation)
        why.clear();
    if (rotation)
        rotation->privateJwk.clear(); // no further than here
    if (error)
        *error = why;
    return rotation;
}

bool LabWindow::resetWorkshop(QString *error)
{
    QStringList problems;
    // The parties first, so that nothing of theirs reaches the bank while its state goes away.
    m_coolLoan->startOver();
    m_pirateLoan->forget();
    m_pirateLoanPane->reset();
    m_browser->openFresh(QUrl(QStringLiteral("about:blank")));

    // A fresh database: every row deleted and the seed written again, on the bank's thread.
    const bool wasRunning = m_bank->isRunning();
    if (wasRunning) {
        bool reset = false;
        QString why;
        m_bank->withStore([&](BankStore &store) { reset = store.reset(&why); });
        if (!reset)
            problems << tr("the bank's database could not be reset: %1").arg(why);
        m_bank->stop();
        // Exchanges the old bank reported and the GUI has not taken yet belong to the old trace.
        QCoreApplication::sendPostedEvents(m_bank.get(), QEvent::MetaCall);
    }
    // The app's keychain entries; startBank() makes a new signing key and a new CoolLoan secret.
    for (const QString &key : { SecretStore::coolLoanClientSecretKey(),
             SecretStore::coolLoanRefreshTokenKey(), SecretStore::bankSigningKeyKey() }) {
        QString why;
        if (!m_secrets->remove(key, &why))
            problems
                << tr("the keychain entry %1 could not be removed: %2").arg(SecretStore::fullKey(key), why);
    }
    Q_EMIT workshopCleared();

    m_trace->clear();
    if (!startBank())
        problems << m_startupError;
    else if (!wasRunning) {
        // The bank had not started before: its database is reset now that it runs, and CoolLoan's secret
        // set again (the reset seeds a new one).
        bool reset = false;
        QString why;
        m_bank->withStore([&](BankStore &store) { reset = store.reset(&why); });
        if (!reset)
            problems << tr("the bank's database could not be reset: %1").arg(why);
        m_secrets->remove(SecretStore::coolLoanClientSecretKey());
        m_bank->stop();
        if (!startBank())
            problems << m_startupError;
    }
    showBankStatus();
    Q_EMIT workshopReset();
    if (!problems.isEmpty() && error)
        *error = problems.join(QStringLiteral("; "));
    return problems.isEmpty();
}

bool LabWindow::exportRun(
    const QString &jsonPath, const QString &umlPath, bool includeSecrets, QString *error) const
{
    auto write = [error](const QString &path, const QByteArray &bytes) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
            *error = tr("cannot write %1: %2").arg(path, file.errorString());
            return false;
        }
        return true;
    };
    // The attack lab keeps a trace of its own (Mallory's parties, the attack bank): what is on screen is
    // what gets exported.
    const TraceModel *shown = m_pages->currentWidget() == m_attackLab ? m_attackLab->trace() : m_trace;
    if (!jsonPath.isEmpty()
        && !write(jsonPath,
            QJsonDocument(traceToJson(shown->events(), includeSecrets)).toJson(QJsonDocument::Indented)))
        return false;
    return umlPath.isEmpty() || write(umlPath, traceToPlantUml(shown->events(), includeSecrets).toUtf8());
}

} // namespace cfl
