#include "ui/CastStrip.h"

#include "ui/CastIcon.h"
#include "ui/Theme.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>

namespace cfl {

namespace {
QFrame *card(const QString &icon, const QString &name, const QString &role, const QColor &colour)
{
    auto *frame = new QFrame;
    frame->setObjectName(QStringLiteral("castCard-%1").arg(icon));
    frame->setStyleSheet(
        QStringLiteral("QFrame#castCard-%1 { background: white; border: 2px solid %2; border-radius: 8px; }")
            .arg(icon, colour.name()));
    frame->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    frame->setMinimumWidth(120);
    auto *label = new QLabel(
        QStringLiteral("<b style='color:%1'>%2</b><br><small>%3</small>").arg(colour.name(), name, role),
        frame);
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *layout = new QHBoxLayout(frame);
    layout->setContentsMargins(6, 4, 8, 4);
    layout->setSpacing(6);
    layout->addWidget(new CastIcon(icon, 1.9, frame), 0, Qt::AlignVCenter);
    layout->addWidget(label, 1);
    return frame;
}
} // namespace

CastStrip::CastStrip(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("castStrip"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(8);
    layout->addWidget(
        card(QStringLiteral("john"), tr("John"), tr("resource owner: it is his money"), theme::John));
    layout->addWidget(card(QStringLiteral("browser"), tr("John's browser"),
        tr("user agent: carries the redirects"), theme::Browser));
    layout->addWidget(card(QStringLiteral("coolloan"), tr("CoolLoan"),
        tr("3rd party, registered: asks the bank"), theme::CoolLoan));
    layout->addWidget(card(QStringLiteral("pirateloan"), tr("PirateLoan"),
        tr("3rd party: asks for the password"), theme::PirateLoan));
    layout->addWidget(
        card(QStringLiteral("eddy"), tr("eddy"), tr("authorization server: login, consent"), theme::Bank));
    layout->addWidget(
        card(QStringLiteral("boris"), tr("boris"), tr("token provider: code → tokens"), theme::Bank));
    layout->addWidget(
        card(QStringLiteral("banky"), tr("banky"), tr("resource server: the bank's API"), theme::Bank));
}

} // namespace cfl
