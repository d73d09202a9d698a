#include "ui/LabWindow.h"

#include "bank/BankHost.h"
#include "bank/BankTrace.h"
#include "client/CoolLoanClient.h"
#include "client/PirateLoanClient.h"
#include "crypto/SigningKey.h"
#include "secrets/SecretStore.h"
#include "trace/TraceExport.h"
#include "trace/TraceModel.h"
#include "ui/CastStrip.h"
#include "ui/CoolLoanPane.h"
#include "ui/InspectionDock.h"
#include "ui/JohnsBrowser.h"
#include "ui/PirateLoanPane.h"
#include "ui/Theme.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QMenuBar>
#include <QRegularExpression>
#include <QMessageBox>
#include <QSaveFile>
#include <QLabel>
#include <QSplitter>
#include <QStandardPaths>
#include <QToolBar>
#include <QVBoxLayout>

namespace cfl {

LabWindow::LabWindow(const LabOptions &options, QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("labWindow"));
    setWindowTitle(tr("CodeFlow Lab — the OAuth 2.0 authorization code flow, for real"));
    m_trace = new TraceModel(this);
    m_secrets = SecretStore::openBest(&m_secretFallbackReason);
    m_coolLoan = new CoolLoanClient(this);
    m_pirateLoan = new PirateLoanClient(this);
    m_coolLoan->setSecretStore(m_secrets.get());
    startBank(options);
    buildUi();
    resize(1280, 800);
}

LabWindow::~LabWindow()
{
    if (m_bank)
        m_bank->stop();
}

bool LabWindow::startBank(const LabOptions &options)
{
    // The signing key lives in the secret store, never in the bank's database.
    std::optional<QByteArray> keyJwk = m_secrets->read(SecretStore::bankSigningKeyKey());
    if (!keyJwk || !SigningKey::fromPrivateJwk(*keyJwk)) {
        keyJwk = SigningKey::generate().toPrivateJwk();
        m_secrets->write(SecretStore::bankSigningKeyKey(), *keyJwk);
    }
    BankServerOptions bankOptions;
    bankOptions.dataDir = options.dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/bank")
        : options.dataDir;
    bankOptions.config = options.bank;
    bankOptions.loadSigningKey = [keyJwk] { return keyJwk; };
    bankOptions.saveSigningKey = [](const QByteArray &) {};

    m_bank = std::make_unique<BankHost>();
    // What the bank saw, on the GUI thread (queued), as trace events in the one model.
    connect(m_bank.get(), &BankHost::exchanged, m_trace, [this](const BankExchange &exchange) {
        for (const TraceEvent &event : traceEventsFor(exchange, m_trace->nextExchangeId()))
            m_trace->append(event);
    });
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
        const QString path = QFileDialog::getSaveFileName(this, tr("Export run"), QStringLiteral("codeflow-run.json"),
                                                          tr("Trace (*.json)"));
        if (path.isEmpty())
            return;
        QString uml = path;
        uml.replace(QRegularExpression(QStringLiteral("\\.json$")), QString());
        uml += QStringLiteral(".puml");
        QString error;
        if (exportRun(path, uml, false, &error))
            QMessageBox::information(this, tr("Run exported"), tr("Wrote %1 and %2 (tokens and secrets masked).").arg(path, uml));
        else
            QMessageBox::warning(this, tr("Export failed"), error);
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto *toolbar = addToolBar(tr("Lab"));
    toolbar->setObjectName(QStringLiteral("labToolbar"));
    toolbar->setMovable(false);
    m_autoplayAction = toolbar->addAction(tr("▶ Autoplay CoolLoan"));
    m_autoplayAction->setObjectName(QStringLiteral("autoplayAction"));
    m_autoplayAction->setToolTip(tr("Play the CoolLoan scenario by itself at a readable pace"));
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
        auto *banner = new QLabel(tr("⚠ No keychain is reachable (%1). Secrets — CoolLoan's client secret and refresh token, "
                                     "the bank's signing key — are kept <b>in memory for this session only</b>, never in a file.")
                                      .arg(m_secretFallbackReason.toHtmlEscaped()),
                                  central);
        banner->setObjectName(QStringLiteral("secretBanner"));
        banner->setWordWrap(true);
        banner->setStyleSheet(QStringLiteral("QLabel { background: #fff4d6; border: 1px solid %1; border-radius: 6px; padding: 6px; }")
                                  .arg(theme::Warning.name()));
        layout->addWidget(banner);
    }
    if (!m_startupError.isEmpty()) {
        auto *error = new QLabel(m_startupError, central);
        error->setObjectName(QStringLiteral("startupError"));
        error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; background: #fdecea; padding: 8px; }"));
        layout->addWidget(error);
    }

    layout->addWidget(new CastStrip(central));
    auto *splitter = new QSplitter(Qt::Horizontal, central);
    m_coolLoanPane = new CoolLoanPane(m_coolLoan, splitter);
    m_browser = new JohnsBrowser(splitter);
    m_pirateLoanPane = new PirateLoanPane(m_pirateLoan, splitter);
    splitter->addWidget(m_coolLoanPane);
    splitter->addWidget(m_browser);
    splitter->addWidget(m_pirateLoanPane);
    splitter->setSizes({380, 540, 340});
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    m_inspection = new InspectionDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_inspection);
    // Inspection panels: one line each, in tab order.


    if (m_bank && m_startupError.isEmpty()) {
        m_browser->setBankUrl(m_bank->issuer());
        m_bankStatus->setText(tr("Bank running at <b>%1</b> (loopback only) &nbsp;·&nbsp; Secrets: %2")
                                  .arg(m_bank->issuer().toString(), m_secrets->location().toHtmlEscaped()));
    }
    // CoolLoan sends John's browser to the bank; each flow starts a fresh private session.
    connect(m_coolLoan, &CoolLoanClient::authorizationUrlReady, m_browser, &JohnsBrowser::openFresh);
    connect(m_coolLoan, &CoolLoanClient::traceEvent, m_trace, &TraceModel::append);
    connect(m_pirateLoan, &PirateLoanClient::traceEvent, m_trace, &TraceModel::append);
}

bool LabWindow::exportRun(const QString &jsonPath, const QString &umlPath, bool includeSecrets, QString *error) const
{
    auto write = [error](const QString &path, const QByteArray &bytes) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
            *error = tr("cannot write %1: %2").arg(path, file.errorString());
            return false;
        }
        return true;
    };
    if (!jsonPath.isEmpty()
        && !write(jsonPath, QJsonDocument(traceToJson(m_trace->events(), includeSecrets)).toJson(QJsonDocument::Indented)))
        return false;
    return umlPath.isEmpty() || write(umlPath, traceToPlantUml(m_trace->events(), includeSecrets).toUtf8());
}

} // namespace cfl
