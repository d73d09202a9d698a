#include "ui/story/CastStrip.h"

#include "ui/story/CastIcon.h"
#include "ui/theme/Theme.h"

#include <QFontMetrics>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>

#include <algorithm>

namespace cfl {

namespace {
QFrame *card(const QString &icon, const QString &name, const QString &role, const QColor &colour)
{
    auto *frame = new QFrame;
    frame->setObjectName(QStringLiteral("castCard-%1").arg(icon));
    frame->setStyleSheet(
        QStringLiteral("QFrame#castCard-%1 { background: %2; border: 2px solid %3; border-radius: 8px; }")
            .arg(icon, theme::Paper.name(), colour.name()));
    frame->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *label = new QLabel(
        QStringLiteral("<b style='color:%1'>%2</b><br><small>%3</small>").arg(colour.name(), name, role),
        frame);
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    // A name may wrap between words but is never cut ("PirateLoar" on a 1024-pixel projector): the
    // label is at least as wide as the name's longest word, in bold.
    QFont bold = label->font();
    bold.setBold(true);
    int longestWord = 0;
    for (const QString &word : name.split(QLatin1Char(' ')))
        longestWord = std::max(longestWord, QFontMetrics(bold).horizontalAdvance(word));
    label->setMinimumWidth(longestWord + 2);
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
    struct Member
    {
        QString icon, name, role;
        QColor colour;
    };
    const Member cast[] = {
        { QStringLiteral("john"), tr("John"), tr("resource owner: it is his money"), theme::John },
        { QStringLiteral("browser"), tr("John's browser"), tr("user agent: carries the redirects"),
            theme::Browser },
        { QStringLiteral("coolloan"), tr("CoolLoan"), tr("3rd party, registered: asks the bank"),
            theme::CoolLoan },
        { QStringLiteral("pirateloan"), tr("PirateLoan"), tr("3rd party: asks for the password"),
            theme::PirateLoan },
        { QStringLiteral("eddy"), tr("eddy"), tr("authorization server: login, consent"), theme::Bank },
        { QStringLiteral("boris"), tr("boris"), tr("token provider: code → tokens"), theme::Bank },
        { QStringLiteral("banky"), tr("banky"), tr("resource server: the bank's API"), theme::Bank },
    };
    // Equal stretch: every member gets the same width, whatever the length of their role.
    for (const Member &member : cast)
        layout->addWidget(card(member.icon, member.name, member.role, member.colour), 1);
}

} // namespace cfl
