#pragma once
// Inspection panel "Code": the authorization code of the run — when eddy issued it (the bank's trace),
// to whom, bound to what (redirect URI, PKCE challenge, nonce, scopes: the bank's ledger, looked up by
// the code's SHA-256), every attempt to redeem it, the tokens issued from it, and a live countdown to
// its expiry. Reads the ledger only while shown (BankHost::withStore waits for the bank's thread).

#include "storage/BankRecords.h"
#include "ui/inspection/InspectionPanel.h"

#include <optional>

QT_BEGIN_NAMESPACE
class QLabel;
class QTextBrowser;
class QTimer;
QT_END_NAMESPACE

namespace cfl {

class BankHost;
class CoolLoanClient;
class TraceModel;

class CodePanel : public InspectionPanel
{
    Q_OBJECT
public:
    CodePanel(CoolLoanClient *client, TraceModel *trace, BankHost *bank, QWidget *parent = nullptr);

protected:
    void reload() override;

private:
    void updateCountdown();

    CoolLoanClient *m_client;
    TraceModel *m_trace;
    BankHost *m_bank;
    QLabel *m_state;
    QLabel *m_countdown;
    QTextBrowser *m_text;
    QTimer *m_clock;
    std::optional<AuthorizationCode> m_record; // the ledger's row for the code shown
    QString m_redeemedAfter; // "0.03 s", from the trace's milliseconds
    int m_replays = 0; // refused attempts after it was redeemed
};

} // namespace cfl
