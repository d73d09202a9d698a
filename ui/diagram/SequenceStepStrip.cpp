#include "ui/diagram/SequenceStepStrip.h"

#include "trace/SeedSteps.h"
#include "ui/diagram/ArrowColours.h"
#include "ui/diagram/layout/SequenceLanes.h"
#include "ui/theme/Theme.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <cmath>
#include <utility>

namespace cfl {

SequenceStepStrip::SequenceStepStrip(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("seedStepStrip"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void SequenceStepStrip::setState(QList<int> seen, int current)
{
    m_seen = std::move(seen);
    m_current = current;
    update();
}

QSize SequenceStepStrip::sizeHint() const
{
    const double u = fontMetrics().height();
    return QSize(int(std::ceil(SeedStepCount * diameter() + (SeedStepCount - 1) * u * 0.22 + u * 0.4)),
        int(std::ceil(u * 1.5)));
}

double SequenceStepStrip::diameter() const
{
    return fontMetrics().height() * 1.15;
}

QRectF SequenceStepStrip::circle(int step) const
{
    const double u = fontMetrics().height();
    const double d = diameter();
    return QRectF(u * 0.2 + (step - 1) * (d + u * 0.22), (height() - d) / 2, d, d);
}

int SequenceStepStrip::stepAt(QPointF pos) const
{
    for (int step = 1; step <= SeedStepCount; ++step) {
        if (circle(step).adjusted(-2, -4, 2, 4).contains(pos))
            return step;
    }
    return 0;
}

void SequenceStepStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QFont f = theme::scaledFont(font(), 0.8);
    f.setBold(true);
    p.setFont(f);
    for (const SeedStep &step : seedSteps()) {
        const QRectF c = circle(step.number);
        const bool seen = m_seen.contains(step.number);
        if (step.number == m_current) {
            p.setPen(Qt::NoPen);
            p.setBrush(theme::Warning);
            p.drawEllipse(c.adjusted(-2.5, -2.5, 2.5, 2.5));
        }
        const QColor colour = diagram::stepColour(step);
        p.setPen(QPen(seen ? colour : theme::IdleRing, 1.2));
        p.setBrush(seen ? colour : theme::Paper);
        p.drawEllipse(c);
        p.setPen(seen ? theme::OnColour : theme::IdleText);
        p.drawText(c, Qt::AlignCenter, QString::number(step.number));
    }
}

bool SequenceStepStrip::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const SeedStep *step = seedStep(stepAt(help->pos()))) {
            QToolTip::showText(help->globalPos(),
                tr("<b>Step %1</b>: %2 → %3: %4%5")
                    .arg(step->number)
                    .arg(diagram::partyTitle(step->from), diagram::partyTitle(step->to),
                        step->label.toHtmlEscaped(),
                        m_seen.contains(step->number) ? QString() : tr(" <i>(not yet seen)</i>")),
                this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    return QWidget::event(event);
}

void SequenceStepStrip::mousePressEvent(QMouseEvent *event)
{
    const int step = stepAt(event->position());
    if (step > 0)
        Q_EMIT stepClicked(step);
}

} // namespace cfl
