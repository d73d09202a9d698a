#pragma once
// Settings → Trainer settings…: lifetimes (the refresh family's too), remembered consent, projector scale,
// and Reset workshop. Every change applies at once to the running lab (no restart) and is kept for the next
// start.

#include "ui/shell/TrainerSettings.h"

#include <QDialog>

#include <functional>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QSpinBox;
QT_END_NAMESPACE

namespace cfl {

class LabWindow;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // Asks the question; true to go on. The default is a QMessageBox; tests answer without one.
    using Confirmation = std::function<bool(QWidget *parent, const QString &title, const QString &text)>;

    explicit SettingsDialog(LabWindow *window);

    // What the fields say now, and filling them in (neither applies anything).
    TrainerSettings settings() const;
    void setSettings(const TrainerSettings &settings);
    // Applies the fields to the running lab and saves them (OK and Apply do this).
    void apply();

    void setConfirmation(Confirmation confirmation) { m_confirm = std::move(confirmation); }
    // Asks first, saying exactly what will be lost; then LabWindow::resetWorkshop(). True when it reset.
    bool resetWorkshop();
    // The question asked before a reset.
    QString resetQuestion() const;
    // LabWindow::rotateSigningKey(), then says what happened: the new kid, when the old key leaves the
    // JWKS. True when the bank signs with a new key.
    bool rotateSigningKey();

protected:
    void showEvent(QShowEvent *event) override;

private:
    // The height every group needs, up to the screen's: QWidget::adjustSize gives a dialog at most two
    // thirds of the screen, which at 1024×768 squashed the lifetimes' spin boxes to slivers.
    void fitToContents();
    void updateHints();

    LabWindow *m_window;
    QSpinBox *m_codeLifetime;
    QSpinBox *m_accessTokenLifetime;
    QSpinBox *m_refreshTokenLifetime; // minutes
    QSpinBox *m_refreshFamilyLifetime; // minutes
    QCheckBox *m_rememberConsent;
    QSpinBox *m_scale;
    QLabel *m_codeHint;
    QLabel *m_accessHint;
    QLabel *m_refreshHint;
    QLabel *m_familyHint;
    QLabel *m_resetResult;
    QLabel *m_rotateResult;
    Confirmation m_confirm;
};

} // namespace cfl
