#pragma once
// The base of the inspection panels that read the bank's ledger (code, tokens, ledger). A read goes
// through BankHost::withStore, which waits for the bank's thread — possibly in the middle of a request —
// so a panel reads only while it is shown, at most once per 300 ms however fast the run appends events,
// and once more when it is shown after a change it missed while hidden.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace cfl {

class InspectionPanel : public QWidget
{
    Q_OBJECT
public:
    // Reads now when shown; otherwise as soon as it is.
    void refresh();

protected:
    explicit InspectionPanel(QWidget *parent = nullptr);

    // What the panel shows may have changed: read again within 300 ms if shown, else when shown.
    void scheduleRefresh();
    // Reads what the panel shows and shows it; called only while the panel is shown.
    virtual void reload() = 0;
    void showEvent(QShowEvent *event) override;

private:
    QTimer *m_throttle;
    bool m_dirty = true;
};

} // namespace cfl
