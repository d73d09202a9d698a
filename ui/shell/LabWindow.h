#pragma once
// The CodeFlow Lab window: the bank running in-process on its own thread, CoolLoan and PirateLoan,
// John's browser, and the cast of the story across the top.

#include "bank/BankConfig.h"
#include "bank/SigningKeyRing.h"
#include "trace/TraceEvent.h"
#include "ui/shell/TrainerSettings.h"

#include <QMainWindow>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QLabel;
class QStackedWidget;
QT_END_NAMESPACE

namespace cfl {

class AttackLabView;
class BankHost;
class CoolLoanClient;
class CoolLoanPane;
class InspectionDock;
class JohnsBrowser;
class PirateLoanClient;
class PirateLoanPane;
class SecretStore;
class SettingsDialog;
class TraceModel;
class WeaknessBanner;
class WelcomeView;

struct LabOptions
{
    QString dataDir; // the bank's database; default: the app's data directory
    BankConfig bank; // the trainer settings stored with QSettings replace its lifetimes and consent
    // Shows the story on the first run (QSettings "welcome/shown" not yet set). The app turns it on
    // unless it runs --autoplay; tests and scripted runs leave it off.
    bool firstRunWelcome = false;
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
    // Writes the run on screen — the attack lab's while it is shown, else the code flow's — as JSON (and
    // PlantUML when umlPath is given); false and *error on failure.
    bool exportRun(
        const QString &jsonPath, const QString &umlPath, bool includeSecrets, QString *error) const;

    // The trainer settings in force: stored ones (QSettings) over LabOptions::bank, applied at startup.
    const TrainerSettings &trainerSettings() const { return m_trainerSettings; }
    // Saves `settings` and applies them to the running lab at once, without a restart: the bank's
    // lifetimes and remembered consent, the text scale and the browser's zoom.
    void applyTrainerSettings(const TrainerSettings &settings);
    // Reset workshop: a fresh database, a new signing key, the app's keychain entries removed, then the
    // bank restarted with the new key and CoolLoan with a new client secret; CoolLoan starts over,
    // PirateLoan forgets John's password, the trace is cleared. Asks nothing: SettingsDialog asks first.
    // False and *error when a step failed.
    bool resetWorkshop(QString *error = nullptr);
    // Settings → Rotate signing key (OpenID Connect Core §10.1.1): the running bank signs with a new key
    // from now on, kept in the keychain in place of the old one, whose public key stays in the JWKS until
    // the last token it signed expires. nullopt and *error when it failed.
    std::optional<KeyRotation> rotateSigningKey(QString *error = nullptr);
    // Where the bank keeps its database (for the reset question).
    QString bankDatabasePath() const;

    WelcomeView *welcomeView() const { return m_welcome; }
    // Help → The story.
    void showStory();
    // Settings → Trainer settings… (window-modal, returns at once); the dialog once opened, else nullptr.
    void openTrainerSettings();
    SettingsDialog *settingsDialog() const { return m_settingsDialog; }
    QAction *storyAction() const { return m_storyAction; }
    QAction *settingsAction() const { return m_settingsAction; }
    QAction *aboutAction() const { return m_aboutAction; }
    // The attack lab (issue 11): a page in place of the parties' panes, with the inspection dock put away
    // while it is shown. Its banner stays above both pages while any weakness is on.
    AttackLabView *attackLab() const { return m_attackLab; }
    QAction *attackLabAction() const { return m_attackLabAction; }
    WeaknessBanner *weaknessBanner() const { return m_weaknessBanner; }
    void showAttackLab(bool shown);

Q_SIGNALS:
    // During resetWorkshop(): the database is fresh and the keychain entries are gone; the bank is
    // stopped and about to start with a new key.
    void workshopCleared();
    // After resetWorkshop(): the bank runs again (or failed to: startupError()).
    void workshopReset();

private:
    bool startBank();
    void showBankStatus();
    void buildUi();
    void fitToScreen();

    LabOptions m_options;
    TrainerSettings m_trainerSettings;
    std::unique_ptr<SecretStore> m_secrets;
    QString m_secretFallbackReason;
    std::unique_ptr<BankHost> m_bank;
    CoolLoanClient *m_coolLoan = nullptr;
    PirateLoanClient *m_pirateLoan = nullptr;
    JohnsBrowser *m_browser = nullptr;
    CoolLoanPane *m_coolLoanPane = nullptr;
    PirateLoanPane *m_pirateLoanPane = nullptr;
    QLabel *m_bankStatus = nullptr;
    QLabel *m_startupErrorLabel = nullptr;
    WelcomeView *m_welcome = nullptr;
    SettingsDialog *m_settingsDialog = nullptr;
    QAction *m_storyAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_autoplayAction = nullptr;
    QAction *m_attackLabAction = nullptr;
    QStackedWidget *m_pages = nullptr;
    AttackLabView *m_attackLab = nullptr;
    WeaknessBanner *m_weaknessBanner = nullptr;
    bool m_inspectionWasVisible = true;
    TraceModel *m_trace = nullptr;
    InspectionDock *m_inspection = nullptr;
    QString m_startupError;
};

} // namespace cfl
