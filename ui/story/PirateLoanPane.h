#pragma once
// PirateLoan's window: "give us your bank password" — and what that gives it.

#include "client/PirateLoanClient.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
QT_END_NAMESPACE

namespace cfl {

class PirateLoanPane : public QWidget
{
    Q_OBJECT
public:
    explicit PirateLoanPane(PirateLoanClient *client, QWidget *parent = nullptr);
    // Back to the start (Reset workshop): no password typed, nothing seen.
    void reset();

private:
    void showAccounts();

    PirateLoanClient *m_client;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QPushButton *m_login;
    QLabel *m_status;
    QTreeWidget *m_seen;
    QPushButton *m_pay;
    QLabel *m_contrast;
};

} // namespace cfl
