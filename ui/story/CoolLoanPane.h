#pragma once
// CoolLoan's window: a small loan shop that asks the bank, not John, for access.

#include "client/CoolLoanClient.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QListWidget;
class QPushButton;
class QTimer;
QT_END_NAMESPACE

namespace cfl {

class CoolLoanPane : public QWidget
{
    Q_OBJECT
public:
    explicit CoolLoanPane(CoolLoanClient *client, QWidget *parent = nullptr);

private:
    void onPhase(CoolLoanClient::Phase phase);
    void onFailed(const QString &title, const QString &detail);
    void onIdToken(const IdTokenValidation &validation);
    void onOffer(const LoanOffer &offer);
    void addNarration(const QString &text);
    void updateTokens();

    CoolLoanClient *m_client;
    QLabel *m_intro = nullptr;
    QLabel *m_phase;
    QPushButton *m_connect;
    QListWidget *m_narration;
    QLabel *m_error;
    QLabel *m_idToken;
    QLabel *m_offer;
    QLabel *m_tokens;
    QPushButton *m_callApi;
    QPushButton *m_refresh;
    QPushButton *m_disconnect;
    QPushButton *m_logOut;
    QLabel *m_loggedOut; // what logging out ended, and what it did not
    QPushButton *m_startOver;
    QTimer *m_countdown;
};

} // namespace cfl
