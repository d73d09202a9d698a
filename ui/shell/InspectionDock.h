#pragma once
// The teaching views: a dock of tabs under the story panes — the live sequence diagram, the traffic log, the
// panels for codes and tokens, the bank's ledger, "why did it fail". Each is a view of the TraceModel and of
// the parties' own state.

#include <QDockWidget>

QT_BEGIN_NAMESPACE
class QTabWidget;
QT_END_NAMESPACE

namespace cfl {

class InspectionDock : public QDockWidget
{
    Q_OBJECT
public:
    // Any window can hold it: it knows its panels, not the window they inspect.
    explicit InspectionDock(QWidget *parent = nullptr);

    void addPanel(QWidget *panel, const QString &title);
    // Brings the tab holding `panel` to the front.
    void showPanel(QWidget *panel);
    QTabWidget *tabs() const { return m_tabs; }

private:
    QTabWidget *m_tabs;
};

} // namespace cfl
