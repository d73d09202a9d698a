#pragma once
// An attack of the attack lab, as a record (docs/architecture.md, "Attack lab"):
// what Mallory wants, the story in two lines, the weaknesses that let it through, and the defences that
// stop it, in the order the attack meets them, each with the refusal it must produce. The engine
// (attack/AttackEngine.h) plays it; the window, the command line and the tests read the same record.

#include "attack/Weakness.h"

#include <QList>
#include <QString>

#include <optional>

namespace cfl::attack {

// The refusal a defence layer must produce when it alone is on.
struct DefenceLayer
{
    QList<Weakness> weaknesses; // what is switched off while this layer is "peeled"
    QString party; // "eddy", "boris", "banky" (or "CoolLoan")
    int status = 0; // the HTTP status of the refusing answer
    QString error; // the OAuth `error`
    QString check; // the named check that refuses first
    QString rule; // its rule and section, as the catalogue states it
};

struct Scenario
{
    QString id; // "code-replay"
    QString goal; // "Mallory gets John's tokens with a code CoolLoan already used"
    QString story; // two lines
    QString shortcut; // where one laptop stands in for two devices (said on screen)
    QString attackerParties; // who Mallory is in this run
    QList<DefenceLayer> layers; // in the order the attack meets them
    // The weak run switches all of these off: the union of the layers' weaknesses.
    QList<Weakness> weaknesses() const;
};

QList<Scenario> allScenarios();
std::optional<Scenario> findScenario(const QString &id);

} // namespace cfl::attack
