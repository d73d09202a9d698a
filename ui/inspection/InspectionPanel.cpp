#include "ui/inspection/InspectionPanel.h"

#include <QTimer>

namespace cfl {

InspectionPanel::InspectionPanel(QWidget *parent)
    : QWidget(parent)
    , m_throttle(new QTimer(this))
{
    // A run appends dozens of events in bursts: read once the burst is over.
    m_throttle->setSingleShot(true);
    m_throttle->setInterval(300);
    connect(m_throttle, &QTimer::timeout, this, &InspectionPanel::refresh);
}

void InspectionPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        refresh();
}

void InspectionPanel::scheduleRefresh()
{
    m_dirty = true;
    if (isVisible() && !m_throttle->isActive())
        m_throttle->start();
}

void InspectionPanel::refresh()
{
    // Hidden: read when shown (showEvent), not now.
    m_dirty = !isVisible();
    if (m_dirty)
        return;
    reload();
}

} // namespace cfl
