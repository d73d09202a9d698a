#pragma once
// Inspection panel "PKCE" (RFC 7636), with the run's real values: CoolLoan's code_verifier → SHA-256 →
// base64url = the code_challenge it sent (checked against the authorization URL), and the bank's own
// recomputation at the token endpoint: the verifier boris received (from the bank's trace of
// POST /token), hashed again, compared with the challenge the bank stored with the code (its ledger).

#include <QHash>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QTextBrowser;
class QTimer;
QT_END_NAMESPACE

namespace cfl {

class BankHost;
class CoolLoanClient;
class TraceModel;

class PkcePanel : public QWidget
{
    Q_OBJECT
public:
    PkcePanel(CoolLoanClient *client, TraceModel *trace, BankHost *bank, QWidget *parent = nullptr);

private:
    void render();

    CoolLoanClient *m_client;
    TraceModel *m_trace;
    BankHost *m_bank;
    QLabel *m_clientVerdict;
    QLabel *m_bankVerdict;
    QTextBrowser *m_text;
    QTimer *m_throttle;
    // The challenge the bank stored with a code, by the code's SHA-256 hex (it never changes).
    QHash<QByteArray, QString> m_storedChallenges;
};

} // namespace cfl
