#include "ui/shell/SettingsDialog.h"

#include "bank/BankHost.h"
#include "secrets/SecretStore.h"
#include "ui/shell/LabWindow.h"
#include "ui/theme/Theme.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSpinBox>
#include <QVBoxLayout>

namespace cfl {

namespace {
// "45 s", "10 min", "1 h 30 min", "14 days": what a lifetime means, next to the number.
QString inWords(qint64 seconds)
{
    const qint64 days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60,
                 rest = seconds % 60;
    QStringList parts;
    if (days)
        parts << (days == 1 ? SettingsDialog::tr("1 day") : SettingsDialog::tr("%1 days").arg(days));
    if (hours)
        parts << SettingsDialog::tr("%1 h").arg(hours);
    if (minutes)
        parts << SettingsDialog::tr("%1 min").arg(minutes);
    if (rest || parts.isEmpty())
        parts << SettingsDialog::tr("%1 s").arg(rest);
    return QStringLiteral("= ") + parts.join(QLatin1Char(' '));
}

QSpinBox *spinBox(qint64 min, qint64 max, const QString &suffix, const QString &objectName, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(int(min), int(max));
    box->setSuffix(suffix);
    box->setObjectName(objectName);
    box->setAccelerated(true);
    box->setMinimumWidth(140);
    return box;
}

QLabel *hint(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(theme::Muted.name()));
    label->setMinimumWidth(110);
    return label;
}

QHBoxLayout *row(QWidget *field, QWidget *note)
{
    auto *layout = new QHBoxLayout;
    layout->addWidget(field);
    layout->addWidget(note, 1);
    return layout;
}

QLabel *note(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(theme::Muted.name()));
    return label;
}
} // namespace

SettingsDialog::SettingsDialog(LabWindow *window)
    : QDialog(window)
    , m_window(window)
    , m_codeLifetime(spinBox(TrainerSettings::MinCodeLifetime, TrainerSettings::MaxCodeLifetime, tr(" s"),
          QStringLiteral("codeLifetime"), this))
    , m_accessTokenLifetime(spinBox(TrainerSettings::MinAccessTokenLifetime,
          TrainerSettings::MaxAccessTokenLifetime, tr(" s"), QStringLiteral("accessTokenLifetime"), this))
    , m_refreshTokenLifetime(spinBox(TrainerSettings::MinRefreshTokenLifetime / 60,
          TrainerSettings::MaxRefreshTokenLifetime / 60, tr(" min"), QStringLiteral("refreshTokenLifetime"),
          this))
    , m_refreshFamilyLifetime(spinBox(TrainerSettings::MinRefreshFamilyLifetime / 60,
          TrainerSettings::MaxRefreshFamilyLifetime / 60, tr(" min"), QStringLiteral("refreshFamilyLifetime"),
          this))
    , m_rememberConsent(
          new QCheckBox(tr("Remember John's consent: skip the consent page when he already approved "
                           "the same scopes"),
              this))
    , m_scale(
          spinBox(theme::MinScalePercent, theme::MaxScalePercent, tr(" %"), QStringLiteral("scale"), this))
    , m_codeHint(hint(QStringLiteral("codeLifetimeHint"), this))
    , m_accessHint(hint(QStringLiteral("accessTokenLifetimeHint"), this))
    , m_refreshHint(hint(QStringLiteral("refreshTokenLifetimeHint"), this))
    , m_familyHint(hint(QStringLiteral("refreshFamilyLifetimeHint"), this))
    , m_resetResult(new QLabel(this))
    , m_rotateResult(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Trainer settings"));
    m_rememberConsent->setObjectName(QStringLiteral("rememberConsent"));
    m_scale->setSingleStep(10);

    // The bank
    auto *bank = new QGroupBox(tr("The bank"), this);
    auto *bankForm = new QFormLayout;
    bankForm->addRow(tr("Authorization code lifetime"), row(m_codeLifetime, m_codeHint));
    bankForm->addRow(tr("Access token lifetime"), row(m_accessTokenLifetime, m_accessHint));
    bankForm->addRow(tr("Refresh token lifetime"), row(m_refreshTokenLifetime, m_refreshHint));
    bankForm->addRow(tr("Refresh family, at most"), row(m_refreshFamilyLifetime, m_familyHint));
    auto *bankLayout = new QVBoxLayout(bank);
    bankLayout->addLayout(bankForm);
    bankLayout->addWidget(m_rememberConsent);
    bankLayout->addWidget(
        note(tr("For codes and tokens issued from now on (those already issued keep their expiry) "
                "and for John's next consent page. A short access token "
                "(30 s) lets the room watch CoolLoan refresh it. However often CoolLoan refreshes, "
                "its grant ends when the family is that old (counted from John's sign-in, also for "
                "grants already running); then John signs in again."),
            bank));

    // The projector
    auto *display = new QGroupBox(tr("Projector"), this);
    auto *displayForm = new QFormLayout(display);
    displayForm->addRow(tr("Text and browser size"),
        row(m_scale, note(tr("All panels, the diagram and John's browser; at once."), display)));

    // Signing key rotation (OpenID Connect Core §10.1.1)
    auto *keys = new QGroupBox(tr("Signing key"), this);
    auto *rotateButton = new QPushButton(tr("Rotate signing key"), keys);
    rotateButton->setObjectName(QStringLiteral("rotateSigningKey"));
    rotateButton->setAutoDefault(false);
    m_rotateResult->setObjectName(QStringLiteral("rotateResult"));
    m_rotateResult->setWordWrap(true);
    m_rotateResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rotateResult->hide();
    auto *keysLayout = new QVBoxLayout(keys);
    auto *rotateRow = new QHBoxLayout;
    rotateRow->addWidget(note(tr("The bank signs every token from now on with a new key (a new <i>kid</i>). "
                                 "The old public key stays in the JWKS until the last token it signed "
                                 "expires, so nobody is logged out; CoolLoan fetches the JWKS again when it "
                                 "meets the new kid."),
                             keys),
        1);
    rotateRow->addWidget(rotateButton, 0, Qt::AlignTop);
    keysLayout->addLayout(rotateRow);
    keysLayout->addWidget(m_rotateResult);

    // Reset workshop
    auto *reset = new QGroupBox(tr("Reset workshop"), this);
    auto *resetButton = new QPushButton(tr("Reset workshop…"), reset);
    resetButton->setObjectName(QStringLiteral("resetWorkshop"));
    resetButton->setStyleSheet(
        QStringLiteral("QPushButton { background: %1; color: %2; font-weight: bold; padding: 6px 14px; "
                       "border-radius: 6px; }")
            .arg(theme::PirateLoan.name(), theme::OnColour.name()));
    resetButton->setAutoDefault(false);
    m_resetResult->setObjectName(QStringLiteral("resetResult"));
    m_resetResult->setWordWrap(true);
    m_resetResult->hide();
    auto *resetLayout = new QVBoxLayout(reset);
    auto *resetRow = new QHBoxLayout;
    resetRow->addWidget(
        note(tr("For the next group: a fresh bank (database), a new signing key, and CodeFlow Lab's "
                "entries removed from the keychain. You will be asked first."),
            reset),
        1);
    resetRow->addWidget(resetButton, 0, Qt::AlignTop);
    resetLayout->addLayout(resetRow);
    resetLayout->addWidget(m_resetResult);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply
            | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults,
        this);
    buttons->setObjectName(QStringLiteral("settingsButtons"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(
        note(tr("Kept on this computer and used at every start. Every change applies at once to the "
                "running lab: no restart needed."),
            this));
    layout->addWidget(bank);
    layout->addWidget(display);
    layout->addWidget(keys);
    layout->addWidget(reset);
    layout->addStretch();
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
        [this] { setSettings(TrainerSettings::from(BankConfig())); });
    connect(resetButton, &QPushButton::clicked, this, &SettingsDialog::resetWorkshop);
    connect(rotateButton, &QPushButton::clicked, this, &SettingsDialog::rotateSigningKey);
    for (QSpinBox *box :
        { m_codeLifetime, m_accessTokenLifetime, m_refreshTokenLifetime, m_refreshFamilyLifetime })
        connect(box, &QSpinBox::valueChanged, this, &SettingsDialog::updateHints);

    m_confirm = [](QWidget *parent, const QString &title, const QString &text) {
        QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, parent);
        box.setTextFormat(Qt::RichText);
        QPushButton *go = box.addButton(tr("Reset workshop"), QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        return box.clickedButton() == go;
    };
    setSettings(m_window->trainerSettings());
}

TrainerSettings SettingsDialog::settings() const
{
    TrainerSettings settings;
    settings.codeLifetime = m_codeLifetime->value();
    settings.accessTokenLifetime = m_accessTokenLifetime->value();
    settings.refreshTokenLifetime = qint64(m_refreshTokenLifetime->value()) * 60;
    settings.refreshFamilyLifetime = qint64(m_refreshFamilyLifetime->value()) * 60;
    settings.rememberConsent = m_rememberConsent->isChecked();
    settings.scalePercent = m_scale->value();
    return settings;
}

void SettingsDialog::setSettings(const TrainerSettings &settings)
{
    m_codeLifetime->setValue(int(settings.codeLifetime));
    m_accessTokenLifetime->setValue(int(settings.accessTokenLifetime));
    m_refreshTokenLifetime->setValue(int(settings.refreshTokenLifetime / 60));
    m_refreshFamilyLifetime->setValue(int(settings.refreshFamilyLifetime / 60));
    m_rememberConsent->setChecked(settings.rememberConsent);
    m_scale->setValue(settings.scalePercent);
    updateHints();
}

void SettingsDialog::apply()
{
    m_window->applyTrainerSettings(settings());
}

void SettingsDialog::updateHints()
{
    m_codeHint->setText(inWords(m_codeLifetime->value()));
    m_accessHint->setText(inWords(m_accessTokenLifetime->value()));
    m_refreshHint->setText(inWords(qint64(m_refreshTokenLifetime->value()) * 60));
    m_familyHint->setText(inWords(qint64(m_refreshFamilyLifetime->value()) * 60));
}

QString SettingsDialog::resetQuestion() const
{
    return tr(
        "<p><b>Reset the workshop?</b> This cannot be undone. It will:</p><ul>"
        "<li><b>delete the bank's database</b> (%1) and start a fresh one: every payment, transaction, "
        "consent, login session, authorization code and token of this workshop is lost; John's accounts "
        "go back to their starting balances;</li>"
        "<li>make a <b>new signing key</b> for the bank: tokens and ID tokens signed before no longer "
        "verify;</li>"
        "<li><b>remove CodeFlow Lab's entries from the keychain</b> (%2): CoolLoan's client secret, "
        "CoolLoan's refresh token and the bank's signing key;</li>"
        "<li>give CoolLoan a new client secret, sign CoolLoan out, make PirateLoan forget John's password, "
        "and clear the trace of this run (export it first if you want to keep it).</li></ul>"
        "<p>The bank restarts at once. Your trainer settings are kept.</p>")
        .arg(m_window->bankDatabasePath().toHtmlEscaped(), m_window->secrets()->location().toHtmlEscaped());
}

void SettingsDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    fitToContents();
}

void SettingsDialog::fitToContents()
{
    const QSize available = screen() ? screen()->availableGeometry().size() : sizeHint();
    resize(sizeHint().boundedTo(available));
}

bool SettingsDialog::rotateSigningKey()
{
    QString error;
    const std::optional<KeyRotation> rotation = m_window->rotateSigningKey(&error);
    if (!rotation) {
        m_rotateResult->setText(tr("<b style='color:%1'>The key was not rotated:</b> %2")
                                    .arg(theme::PirateLoan.name(), error.toHtmlEscaped()));
    } else {
        const QDateTime leaves = QDateTime::fromSecsSinceEpoch(rotation->retiredKeyLeavesAt);
        const QString when = rotation->retiredKeyLeavesAt <= rotation->retiredAt
            ? tr("it leaves the JWKS now: no token it signed is still valid")
            : tr("it stays in the JWKS until %1, when the last token it signed expires")
                  .arg(QLocale().toString(leaves.time(), QLocale::LongFormat));
        QString text = tr("<b style='color:%1'>✔ New signing key</b> <code>%2</code> signs from now on. The "
                          "old key <code>%3</code> no longer signs; %4.")
                           .arg(theme::CoolLoan.name(), rotation->kid.toHtmlEscaped(),
                               rotation->retiredKid.toHtmlEscaped(), when.toHtmlEscaped());
        if (!error.isEmpty())
            text += QStringLiteral("<br>") + error.toHtmlEscaped();
        m_rotateResult->setText(text);
    }
    m_rotateResult->show();
    fitToContents();
    return rotation.has_value();
}

bool SettingsDialog::resetWorkshop()
{
    if (!m_confirm(this, tr("Reset workshop"), resetQuestion()))
        return false;
    QString error;
    const bool ok = m_window->resetWorkshop(&error);
    m_resetResult->setText(ok ? tr("<b style='color:%1'>✔ Workshop reset.</b> A fresh bank is running at %2.")
                                    .arg(theme::CoolLoan.name(), m_window->bank()->issuer().toString())
                              : tr("<b style='color:%1'>The reset failed:</b> %2")
                                    .arg(theme::PirateLoan.name(), error.toHtmlEscaped()));
    m_resetResult->show();
    return ok;
}

} // namespace cfl
