#pragma once
// The red banner of the attack lab (issue 11): while any weakness is on — toggled by hand for the app's
// own bank and CoolLoan, or switched on by an attack being played — it names every one. Weakened is loud:
// nobody should forget that a defence is off.

#include "attack/Weakness.h"

#include <QLabel>

namespace cfl {

class WeaknessBanner : public QLabel
{
    Q_OBJECT
public:
    explicit WeaknessBanner(QWidget *parent = nullptr);

    // Shown while `weaknesses` is not empty; hidden otherwise.
    void setWeaknesses(const QList<attack::Weakness> &weaknesses);
    const QList<attack::Weakness> &weaknesses() const { return m_weaknesses; }

private:
    QList<attack::Weakness> m_weaknesses;
};

} // namespace cfl
