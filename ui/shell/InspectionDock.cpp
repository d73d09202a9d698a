#include "ui/shell/InspectionDock.h"

#include <QTabWidget>

namespace cfl {

InspectionDock::InspectionDock(QWidget *parent)
    : QDockWidget(tr("Inspection — every exchange, code and token of the run"), parent)
    , m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("inspectionDock"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_tabs->setObjectName(QStringLiteral("inspectionTabs"));
    m_tabs->setDocumentMode(true);
    setWidget(m_tabs);
}

void InspectionDock::addPanel(QWidget *panel, const QString &title)
{
    m_tabs->addTab(panel, title);
}

void InspectionDock::showPanel(QWidget *panel)
{
    m_tabs->setCurrentWidget(panel);
}

} // namespace cfl
