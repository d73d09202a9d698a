#pragma once
// The CodeFlow Lab window: the bank running in-process on its own thread, CoolLoan and PirateLoan,
// John's browser, and the cast of the story across the top.

#include "bank/BankConfig.h"
#include "trace/TraceEvent.h"

#include <QMainWindow>

#include <memory>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace cfl {

class BankHost;
class CoolLoanClient;
class CoolLoanPane;
class InspectionDock;
class JohnsBrowser;
class PirateLoanClient;
class PirateLoanPane;
class SecretStore;
class TraceModel;

struct LabOptions
{
    QString dataDir;   // the bank's database; default: the app's data directory
    BankConfig bank;
};

class LabWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit LabWindow(const LabOptions &options, QWidget *parent = nullptr);
    ~LabWindow() override;

    bool isReady() const { return m_startupError.isEmpty(); }
    QString startupError() const { return m_startupError; }
    BankHost *bank() const { return m_bank.get(); }
    SecretStore *secrets() const { return m_secrets.get(); }
    CoolLoanClient *coolLoan() const { return m_coolLoan; }
    PirateLoanClient *pirateLoan() const { return m_pirateLoan; }
    JohnsBrowser *browser() const { return m_browser; }
    QAction *autoplayAction() const { return m_autoplayAction; }
    TraceModel *trace() const { return m_trace; }
    InspectionDock *inspection() const { return m_inspection; }
    // Writes the run as JSON (and PlantUML when umlPath is given); false and *error on failure.
    bool exportRun(const QString &jsonPath, const QString &umlPath, bool includeSecrets, QString *error) const;

private:
    bool startBank(const LabOptions &options);
    void buildUi();

    std::unique_ptr<SecretStore> m_secrets;
    QString m_secretFallbackReason;
    std::unique_ptr<BankHost> m_bank;
    CoolLoanClient *m_coolLoan = nullptr;
    PirateLoanClient *m_pirateLoan = nullptr;
    JohnsBrowser *m_browser = nullptr;
    CoolLoanPane *m_coolLoanPane = nullptr;
    PirateLoanPane *m_pirateLoanPane = nullptr;
    QLabel *m_bankStatus = nullptr;
    QAction *m_autoplayAction = nullptr;
    TraceModel *m_trace = nullptr;
    InspectionDock *m_inspection = nullptr;
    QString m_startupError;
};

} // namespace cfl
