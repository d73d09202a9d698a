#pragma once
// The attack lab's weaknesses (issue 11, docs/architecture.md "Attack lab"): each one a defence switched
// off, by the ids of the named checks that make it (bank/Check.h, client/ClientChecks.h). One table, read
// by `codeflow-bank serve --weakness`, the scenario engine (attack/AttackEngine.h), the command line and
// the tests alike. A weakness lives in memory only: nothing here is stored, and every start has none.

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace cfl::attack {

enum class Weakness {
    CodeReusable,
    RefreshNotRotated,
    PkceNotChecked,
    PkceChallengeOptional,
    RedirectUriLax,
    TokenRedirectUriNotCompared,
    BankyTrustsToken,
    NonceNotChecked,
    StateNotChecked,
    IssNotChecked,
    LoopbackConsentRemembered,
    BankySkipsLedger,
    Redirect307AfterPost,
};

enum class Owner { Bank, CoolLoan };

struct WeaknessSpec
{
    Weakness weakness;
    QString key; // stable, for the command line: "code-reusable"
    QString title; // "authorization codes can be redeemed again"
    Owner owner;
    QStringList bankChecks; // ids of the bank's named checks it switches off
    QStringList clientChecks; // ids of CoolLoan's named checks it switches off
    QString rule; // the rule that no longer holds, as the (first) check states it
    QString section; // where the rule is written
    QString breaks; // what an attacker gains
    // Empty when a scenario of the attack lab plays it; else the scenario of a later slice that will.
    QString laterScenario;
};

QList<WeaknessSpec> allWeaknesses(); // in the order of the enum
const WeaknessSpec &weaknessSpec(Weakness weakness);
std::optional<Weakness> findWeakness(const QString &key);
QStringList weaknessKeys();
QString ownerName(Owner owner); // "bank", "CoolLoan"

// The check ids to switch off for a set of weaknesses.
QStringList bankChecksOf(const QList<Weakness> &weaknesses);
QStringList clientChecksOf(const QList<Weakness> &weaknesses);

// The table as text, one weakness per line (`codeflow-bank serve --list-weaknesses`).
QString weaknessTable();

} // namespace cfl::attack
