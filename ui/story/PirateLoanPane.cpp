#include "ui/story/PirateLoanPane.h"

#include "ui/story/PaneHeader.h"
#include "ui/theme/Theme.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cfl {

PirateLoanPane::PirateLoanPane(PirateLoanClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_username(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_login(new QPushButton(tr("Give PirateLoan my bank password"), this))
    , m_status(new QLabel(this))
    , m_seen(new QTreeWidget(this))
    , m_pay(new QPushButton(tr("Watch PirateLoan pay itself 1.00 EUR"), this))
    , m_contrast(new QLabel(this))
{
    setObjectName(QStringLiteral("pirateLoanPane"));
    m_username->setObjectName(QStringLiteral("pirateUsername"));
    m_password->setObjectName(QStringLiteral("piratePassword"));
    m_login->setObjectName(QStringLiteral("pirateLogin"));
    m_status->setObjectName(QStringLiteral("pirateStatus"));
    m_seen->setObjectName(QStringLiteral("pirateSeen"));
    m_pay->setObjectName(QStringLiteral("piratePay"));
    m_contrast->setObjectName(QStringLiteral("pirateContrast"));

    auto *header = new PaneHeader(QStringLiteral("pirateloan"), tr("PirateLoan"),
        tr("the wrong way: asks for your password"), theme::PirateLoan, this);
    auto *pitch = new QLabel(
        tr("“Quick loans! Just type your <b>bank user name and password</b> here and we do the rest.”"),
        this);
    pitch->setWordWrap(true);
    m_username->setPlaceholderText(tr("bank user name"));
    m_password->setPlaceholderText(tr("bank password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_login->setStyleSheet(QStringLiteral("QPushButton { background: %1; color: %2; font-weight: bold; "
                                          "padding: 8px 12px; border-radius: 6px; }")
                               .arg(theme::PirateLoan.name(), theme::OnColour.name()));
    m_status->setWordWrap(true);
    m_seen->setHeaderLabels({ tr("What PirateLoan now sees"), tr("") });
    m_seen->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_seen->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_seen->hide();
    m_pay->hide();
    m_contrast->setWordWrap(true);
    m_contrast->setTextFormat(Qt::RichText);
    m_contrast->setStyleSheet(
        QStringLiteral("QLabel { background: %1; border: 2px solid %2; border-radius: 8px; padding: 8px; }")
            .arg(theme::RefusedPaper.name(), theme::PirateLoan.name()));
    m_contrast->setText(tr(
        "<b>With John's password PirateLoan is John.</b><br>"
        "• <b>No scope:</b> every account, every transaction, payments too.<br>"
        "• <b>No expiry:</b> it can log in again tomorrow, and next year.<br>"
        "• <b>Invisible:</b> the bank cannot tell PirateLoan from John; it is not under Connected apps.<br>"
        "• <b>Only a password change</b> stops it — and breaks everything else John uses."));
    m_contrast->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("User name"), m_username);
    form->addRow(tr("Password"), m_password);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(header);
    layout->addWidget(pitch);
    layout->addLayout(form);
    layout->addWidget(m_login);
    layout->addWidget(m_status);
    layout->addWidget(m_seen, 1);
    layout->addWidget(m_pay);
    layout->addWidget(m_contrast);
    layout->addStretch();

    connect(m_login, &QPushButton::clicked, this, [this] {
        m_status->setText(tr("PirateLoan logs in to the bank's online banking <b>as John</b>…"));
        m_client->logIn(m_username->text(), m_password->text());
    });
    connect(m_pay, &QPushButton::clicked, this, [this] { m_client->payPirate(QStringLiteral("1.00")); });
    connect(m_client, &PirateLoanClient::loggedIn, this, [this] {
        m_status->setText(
            tr("<b style='color:%1'>PirateLoan is in.</b> The bank gave it John's session cookie.")
                .arg(theme::Refused.name()));
    });
    connect(m_client, &PirateLoanClient::accountsScraped, this, &PirateLoanPane::showAccounts);
    connect(m_client, &PirateLoanClient::paymentMade, this, [this](const QString &message) {
        m_status->setText(
            QStringLiteral("<b style='color:%1'>%2</b>").arg(theme::Refused.name(), message.toHtmlEscaped()));
    });
    connect(m_client, &PirateLoanClient::failed, this, [this](const QString &message) {
        m_status->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                              .arg(theme::Refused.name(), message.toHtmlEscaped()));
    });
}

void PirateLoanPane::reset()
{
    m_username->clear();
    m_password->clear();
    m_status->clear();
    m_seen->clear();
    m_seen->hide();
    m_pay->hide();
    m_contrast->hide();
}

void PirateLoanPane::showAccounts()
{
    m_seen->clear();
    int transactions = 0;
    for (const ScrapedAccount &account : m_client->accounts()) {
        auto *item = new QTreeWidgetItem(m_seen,
            { QStringLiteral("%1 (%2) %3").arg(account.name, account.kind, account.iban), account.balance });
        for (const QString &line : account.recentTransactions)
            new QTreeWidgetItem(item, { line, {} });
        if (account.transactionCount > account.recentTransactions.size())
            new QTreeWidgetItem(item,
                { tr("… and %1 more transactions")
                        .arg(account.transactionCount - account.recentTransactions.size()),
                    {} });
        transactions += account.transactionCount;
        item->setExpanded(true);
    }
    m_status->setText(
        tr("<b style='color:%1'>PirateLoan sees all %2 accounts and %3 transactions</b> — and it can pay.")
            .arg(theme::Refused.name())
            .arg(m_client->accounts().size())
            .arg(transactions));
    m_seen->show();
    m_pay->show();
    m_contrast->show();
}

} // namespace cfl
