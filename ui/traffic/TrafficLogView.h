#pragma once
// The traffic log: every HTTP exchange of the run as each party saw it, live, with a filter box, refusals in
// red, and the selected exchange opened beside the table.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QTableView;
QT_END_NAMESPACE

namespace cfl {

class ExchangeDetailView;
class TraceModel;
class TrafficFilterModel;
class TrafficTableModel;

class TrafficLogView : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficLogView(TraceModel *trace, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    ExchangeDetailView *detail() const { return m_detail; }
    TrafficTableModel *trafficModel() const { return m_model; }
    void setFilter(const QString &filter);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateRowHeight();
    void showSelected();
    void updateCount();

    TrafficTableModel *m_model;
    TrafficFilterModel *m_filterModel;
    QLineEdit *m_filter;
    QCheckBox *m_showDecisions;
    QLabel *m_count;
    QTableView *m_table;
    ExchangeDetailView *m_detail;
    bool m_following = true; // keep the newest row in sight while the run plays, until the reader scrolls up
};

} // namespace cfl
