#include "ui/CastStrip.h"

#include "ui/Theme.h"

#include <QHBoxLayout>
#include <QLabel>

namespace cfl {

namespace {
QLabel *card(const QString &emoji, const QString &name, const QString &role, const QColor &colour)
{
    auto *label = new QLabel(QStringLiteral("<span style='font-size:140%'>%1</span>&nbsp;<b style='color:%2'>%3</b><br><small>%4</small>")
                                 .arg(emoji, colour.name(), name, role));
    label->setTextFormat(Qt::RichText);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMinimumWidth(120);
    label->setStyleSheet(QStringLiteral("QLabel { background: white; border: 2px solid %1; border-radius: 8px; padding: 4px 10px; }")
                             .arg(colour.name()));
    label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    return label;
}
} // namespace

CastStrip::CastStrip(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("castStrip"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(8);
    layout->addWidget(card(QStringLiteral("☺"), tr("John"), tr("resource owner: it is his money"), theme::John));
    layout->addWidget(card(QStringLiteral("◫"), tr("John's browser"), tr("user agent: carries the redirects"), theme::Browser));
    layout->addWidget(card(QStringLiteral("✔"), tr("CoolLoan"), tr("3rd party, registered: asks the bank"), theme::CoolLoan));
    layout->addWidget(card(QStringLiteral("☠"), tr("PirateLoan"), tr("3rd party: asks for the password"), theme::PirateLoan));
    layout->addWidget(card(QStringLiteral("⌂"), tr("eddy"), tr("authorization server: login, consent"), theme::Bank));
    layout->addWidget(card(QStringLiteral("⇄"), tr("boris"), tr("token provider: code → tokens"), theme::Bank));
    layout->addWidget(card(QStringLiteral("€"), tr("banky"), tr("resource server: the bank's API"), theme::Bank));
}

} // namespace cfl
