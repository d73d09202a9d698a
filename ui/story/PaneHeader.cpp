#include "ui/story/PaneHeader.h"

#include "ui/story/CastIcon.h"
#include "ui/theme/Theme.h"

#include <QColor>
#include <QHBoxLayout>
#include <QLabel>

namespace cfl {

PaneHeader::PaneHeader(
    const QString &icon, const QString &name, const QString &role, const QColor &colour, QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("paneHeader-%1").arg(icon));
    auto *text = new QLabel(
        QStringLiteral("<b style='font-size:large; color:%1'>%2</b><br><span style='color:%3'>%4</span>")
            .arg(colour.name(), name.toHtmlEscaped(), theme::Muted.name(), role.toHtmlEscaped()),
        this);
    text->setTextFormat(Qt::RichText);
    text->setWordWrap(true);
    text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(new CastIcon(icon, 2.3, this), 0, Qt::AlignTop);
    layout->addWidget(text, 1);
}

} // namespace cfl
