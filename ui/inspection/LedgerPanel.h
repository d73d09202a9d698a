#pragma once
// Inspection panel "Bank ledger": the bank's own database, live — authorization codes, tokens, consents
// and login sessions with their state (active, redeemed, expired, rotated, revoked) by SHA-256 prefix, and
// the audit log, newest first. Read through BankHost::withStore (on the bank's thread) at most every
// 300 ms after trace events, and only while the panel is shown.

#include "ui/inspection/InspectionPanel.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;
QT_END_NAMESPACE

namespace cfl {

class BankHost;
class TraceModel;

class LedgerPanel : public InspectionPanel
{
    Q_OBJECT
public:
    LedgerPanel(BankHost *bank, TraceModel *trace, QWidget *parent = nullptr);

protected:
    void reload() override;

private:
    BankHost *m_bank;
    QTreeWidget *m_ledger;
    QTreeWidget *m_audit;
    QTreeWidgetItem *m_codes;
    QTreeWidgetItem *m_tokens;
    QTreeWidgetItem *m_consents;
    QTreeWidgetItem *m_sessions;
    QTimer *m_clock;
    QStringList m_shown; // every cell of the last read, to rebuild only on change
};

} // namespace cfl
