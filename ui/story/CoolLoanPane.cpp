#include "ui/story/CoolLoanPane.h"

#include "ui/story/PaneHeader.h"
#include "ui/theme/Theme.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

namespace cfl {

namespace {
QLabel *wrapping(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    return label;
}
} // namespace

CoolLoanPane::CoolLoanPane(CoolLoanClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_phase(new QLabel(this))
    , m_connect(new QPushButton(tr("Connect your bank"), this))
    , m_narration(new QListWidget(this))
    , m_error(wrapping({}, this))
    , m_idToken(wrapping({}, this))
    , m_offer(wrapping({}, this))
    , m_tokens(wrapping({}, this))
    , m_callApi(new QPushButton(tr("Call the API again"), this))
    , m_refresh(new QPushButton(tr("Refresh tokens"), this))
    , m_disconnect(new QPushButton(tr("Disconnect"), this))
    , m_logOut(new QPushButton(tr("Log out"), this))
    , m_loggedOut(wrapping({}, this))
    , m_startOver(new QPushButton(tr("Start over"), this))
    , m_countdown(new QTimer(this))
{
    setObjectName(QStringLiteral("coolLoanPane"));
    m_phase->setObjectName(QStringLiteral("coolLoanPhase"));
    m_connect->setObjectName(QStringLiteral("connectBank"));
    m_narration->setObjectName(QStringLiteral("coolLoanNarration"));
    m_error->setObjectName(QStringLiteral("coolLoanError"));
    m_idToken->setObjectName(QStringLiteral("idTokenChecks"));
    m_offer->setObjectName(QStringLiteral("loanOffer"));
    m_tokens->setObjectName(QStringLiteral("coolLoanTokens"));
    m_callApi->setObjectName(QStringLiteral("callApi"));
    m_refresh->setObjectName(QStringLiteral("refreshTokens"));
    m_disconnect->setObjectName(QStringLiteral("disconnectBank"));
    m_logOut->setObjectName(QStringLiteral("logOut"));
    m_logOut->setToolTip(tr("Log John out of the bank (OpenID Connect RP-Initiated Logout) and forget "
                            "CoolLoan's tokens"));
    m_loggedOut->setObjectName(QStringLiteral("coolLoanLoggedOut"));
    m_startOver->setObjectName(QStringLiteral("startOver"));

    m_connect->setStyleSheet(
        QStringLiteral("QPushButton { background: %1; color: %2; font-weight: bold; "
                       "padding: 8px 16px; border-radius: 6px; }"
                       "QPushButton:disabled { background: %3; }")
            .arg(theme::CoolLoan.name(), theme::OnColour.name(), theme::CoolLoanDisabled.name()));
    m_error->setStyleSheet(
        QStringLiteral("QLabel { color: %1; background: %2; border-radius: 6px; padding: 8px; }")
            .arg(theme::Refused.name(), theme::RefusedPaper.name()));
    m_offer->setStyleSheet(
        QStringLiteral("QLabel { background: %1; border: 2px solid %2; border-radius: 8px; padding: 10px; }")
            .arg(theme::OkPaper.name(), theme::CoolLoan.name()));
    m_loggedOut->setStyleSheet(QStringLiteral("QLabel { background: %1; border-radius: 6px; padding: 6px; }")
                                   .arg(theme::CalloutPaper.name()));
    m_loggedOut->setText(
        tr("<b>Logged out.</b> Ended: John's session at the bank (the next visit asks for his password) "
           "and CoolLoan's tokens (revoked and forgotten, also in the keychain).<br>Not ended: tokens the "
           "bank issued to other apps — their refresh tokens still work — and John's consent for CoolLoan, "
           "which he withdraws under Connected apps at the bank."));
    m_loggedOut->hide();
    m_idToken->setStyleSheet(QStringLiteral("QLabel { background: %1; border-radius: 6px; padding: 6px; }")
                                 .arg(theme::CalloutPaper.name()));
    m_narration->setWordWrap(true);
    m_narration->setMinimumHeight(110);
    m_narration->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_narration->setFrameShape(QFrame::NoFrame);
    m_narration->setStyleSheet(QStringLiteral("QListWidget { background: transparent; }"));

    // Header on top and the action buttons at the bottom stay in place; what happened in between
    // scrolls, so that nothing is clipped on a 1280×800 screen or at a projector's text scale.
    m_intro
        = wrapping(tr("John would like a loan offer. CoolLoan needs to <b>read his accounts</b> at the bank. "
                      "It never asks for his password: it sends him to the bank, which asks <i>him</i>, "
                      "and gives CoolLoan a key limited to what he allows."),
            this);
    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 4, 0);
    contentLayout->addWidget(m_intro);
    contentLayout->addWidget(m_connect);
    contentLayout->addWidget(m_phase);
    contentLayout->addWidget(m_error);
    contentLayout->addWidget(m_startOver);
    contentLayout->addWidget(m_loggedOut);
    contentLayout->addWidget(m_offer);
    contentLayout->addWidget(m_idToken);
    contentLayout->addWidget(m_narration);
    contentLayout->addWidget(m_tokens);
    contentLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("coolLoanScroll"));
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(new PaneHeader(QStringLiteral("coolloan"), tr("CoolLoan"),
        tr("the right way: OAuth 2.0 + OpenID Connect"), theme::CoolLoan, this));
    layout->addWidget(scroll, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_callApi);
    buttons->addWidget(m_refresh);
    buttons->addWidget(m_disconnect);
    buttons->addWidget(m_logOut);
    layout->addLayout(buttons);

    connect(m_connect, &QPushButton::clicked, m_client, &CoolLoanClient::connectBank);
    connect(m_startOver, &QPushButton::clicked, m_client, &CoolLoanClient::startOver);
    connect(m_callApi, &QPushButton::clicked, m_client, &CoolLoanClient::callApi);
    connect(m_refresh, &QPushButton::clicked, m_client, &CoolLoanClient::refreshTokens);
    connect(m_disconnect, &QPushButton::clicked, m_client, &CoolLoanClient::disconnectBank);
    connect(m_logOut, &QPushButton::clicked, m_client, &CoolLoanClient::logOut);
    connect(m_client, &CoolLoanClient::phaseChanged, this, &CoolLoanPane::onPhase);
    connect(m_client, &CoolLoanClient::failed, this, &CoolLoanPane::onFailed);
    connect(m_client, &CoolLoanClient::narration, this, &CoolLoanPane::addNarration);
    connect(m_client, &CoolLoanClient::idTokenChecked, this, &CoolLoanPane::onIdToken);
    connect(m_client, &CoolLoanClient::offerReady, this, &CoolLoanPane::onOffer);
    connect(m_client, &CoolLoanClient::tokensChanged, this, &CoolLoanPane::updateTokens);
    connect(m_countdown, &QTimer::timeout, this, &CoolLoanPane::updateTokens);
    m_countdown->start(1000);
    onPhase(m_client->phase());
}

void CoolLoanPane::addNarration(const QString &text)
{
    m_narration->addItem(QStringLiteral("• ") + text);
    m_narration->scrollToBottom();
}

void CoolLoanPane::onPhase(CoolLoanClient::Phase phase)
{
    using Phase = CoolLoanClient::Phase;
    m_phase->setText(tr("<b>Status:</b> %1").arg(CoolLoanClient::phaseName(phase)));
    const bool idle = phase == Phase::Idle || phase == Phase::Disconnected || phase == Phase::LoggedOut;
    const bool connected = phase == Phase::Connected;
    m_connect->setEnabled(idle);
    // Once the flow runs, the story intro and the big button give their room to what happens.
    m_connect->setVisible(idle);
    m_intro->setVisible(idle);
    m_callApi->setEnabled(connected);
    m_refresh->setEnabled(connected && !m_client->refreshToken().isEmpty());
    m_disconnect->setEnabled(connected);
    m_logOut->setEnabled(connected && !m_client->idToken().isEmpty());
    m_loggedOut->setVisible(phase == Phase::LoggedOut);
    // While CoolLoan waits for John, nothing may ever come back (he left the bank's page, or it
    // expired): he must be able to start over then too, not only after an error.
    m_startOver->setVisible(
        phase == Phase::Failed || phase == Phase::WaitingForJohn || phase == Phase::LoggingOut);
    m_error->setVisible(phase == Phase::Failed);
    if (phase == Phase::Idle) {
        m_narration->clear();
        m_idToken->hide();
        m_offer->hide();
    }
    if (phase == Phase::Disconnected || phase == Phase::LoggedOut)
        m_offer->hide();
    if (phase == Phase::LoggedOut)
        m_idToken->hide(); // the token it was about is gone
    updateTokens();
}

void CoolLoanPane::onFailed(const QString &title, const QString &detail)
{
    m_error->setText(QStringLiteral("<b>%1</b><br>%2").arg(title.toHtmlEscaped(), detail.toHtmlEscaped()));
    m_error->show();
    addNarration(title);
}

void CoolLoanPane::onIdToken(const IdTokenValidation &validation)
{
    QString html = validation.valid
        ? tr("<b>ID token valid</b> — CoolLoan checked it itself:")
        : tr("<b style='color:%1'>ID token rejected</b>:").arg(theme::Refused.name());
    QStringList checks;
    for (const IdTokenCheck &check : validation.checks)
        checks.append(QStringLiteral("%1&nbsp;%2")
                          .arg(check.passed ? QStringLiteral("✔") : QStringLiteral("✘"), check.name));
    html += QStringLiteral(" ") + checks.join(QStringLiteral(" · "));
    const QString name = validation.claims.value(QStringLiteral("sub")).toString();
    if (!name.isEmpty())
        html += tr("<br>The bank says this is <code>%1</code>.").arg(name.toHtmlEscaped());
    m_idToken->setText(html);
    m_idToken->show();
}

void CoolLoanPane::onOffer(const LoanOffer &offer)
{
    const QLocale locale(QLocale::English);
    if (!offer.possible) {
        m_offer->setText(tr("<b>No offer possible.</b><br>%1").arg(offer.basis.toHtmlEscaped()));
    } else {
        m_offer->setText(tr(
            "<span style='font-size:130%'><b>Your offer: %1 EUR</b></span><br>over %2 months at %3 % APR — "
            "<b>%4 EUR / month</b><br><small>Based on %5.</small>")
                             .arg(locale.toString(offer.amount, 'f', 0))
                             .arg(offer.months)
                             .arg(offer.annualRatePercent, 0, 'f', 1)
                             .arg(
                                 locale.toString(offer.monthlyPayment, 'f', 2), offer.basis.toHtmlEscaped()));
    }
    m_offer->show();
}

void CoolLoanPane::updateTokens()
{
    if (m_client->accessToken().isEmpty()) {
        m_tokens->setText(tr("<small>CoolLoan holds no token.</small>"));
        return;
    }
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(m_client->accessTokenExpiresAt());
    const QString expiry = left > 0
        ? tr("expires in %1:%2").arg(left / 60).arg(left % 60, 2, 10, QLatin1Char('0'))
        : tr("<b>expired</b> — the next call refreshes it");
    m_tokens->setText(
        tr("<small><b>Scope granted:</b> %1<br><b>Access token</b> %2 · <b>refresh token</b> %3 · "
           "%4 successful API call(s)</small>")
            .arg(m_client->grantedScopes().join(QLatin1Char(' ')).toHtmlEscaped(), expiry,
                m_client->refreshToken().isEmpty() ? tr("none") : tr("kept in the secret store"))
            .arg(m_client->apiCallsOk()));
}

} // namespace cfl
