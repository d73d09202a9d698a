#pragma once
// Inspection panel "Authorization request": CoolLoan's last authorization URL (seed step 1) taken apart —
// every parameter with its value, what it is for, what it protects against, and the RFC section that says so.

#include <QUrl>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QTextBrowser;
QT_END_NAMESPACE

namespace cfl {

class CoolLoanClient;

class AuthorizationRequestPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AuthorizationRequestPanel(CoolLoanClient *client, QWidget *parent = nullptr);

private:
    void render();

    CoolLoanClient *m_client;
    QTextBrowser *m_text;
    QUrl m_shown;
};

} // namespace cfl
