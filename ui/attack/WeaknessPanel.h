#pragma once
// Every weakness of the attack lab, with the rule it breaks and where that rule is written, each toggled by
// hand (issue 11). The toggles act on the app's own bank (BankHost::setDisabledChecks) and CoolLoan
// (CoolLoanClient::setDisabledChecks); they live in memory only: every start has none.

#include "attack/Weakness.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QListWidget;
QT_END_NAMESPACE

namespace cfl {

class WeaknessPanel : public QWidget
{
    Q_OBJECT
public:
    explicit WeaknessPanel(QWidget *parent = nullptr);

    QList<attack::Weakness> checked() const;
    void setChecked(attack::Weakness weakness, bool on);
    QListWidget *list() const { return m_list; }

Q_SIGNALS:
    void changed(const QList<cfl::attack::Weakness> &checked);

private:
    QListWidget *m_list;
};

} // namespace cfl
