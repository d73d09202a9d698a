#include "ui/story/CastIcon.h"

#include "ui/theme/Theme.h"

#include <QEvent>

namespace cfl {

CastIcon::CastIcon(const QString &name, qreal lines, QWidget *parent)
    : QLabel(parent)
    , m_name(name)
    , m_lines(lines)
{
    setObjectName(QStringLiteral("castIcon-%1").arg(name));
    setAlignment(Qt::AlignCenter);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    render();
}

void CastIcon::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    // The projector scale changed the font: keep the same size relative to the text.
    if (event->type() == QEvent::FontChange)
        render();
}

void CastIcon::render()
{
    const int side = qRound(fontMetrics().height() * m_lines);
    setPixmap(
        theme::illustrationPixmap(QStringLiteral("cast/") + m_name, QSize(side, side), devicePixelRatioF()));
    setFixedSize(side, side);
}

} // namespace cfl
