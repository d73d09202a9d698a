#pragma once
// The attack lab's engine (issue 11): starts a bank of its own (BankServer on loopback, real SQLite in a
// temporary directory) with the named weaknesses switched on, plays a scenario with real parties over
// real HTTP, and says what happened — on facts: which check refused first, what Mallory holds, what banky
// served her, whether John's tokens were revoked. Headless and synchronous; the trace it returns names
// Mallory's parties as lifelines of their own (trace/TraceEvent.h).

#include "attack/AttackScenario.h"
#include "trace/TraceEvent.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace cfl::attack {

// A defence the run passed because it was switched off: the bank recorded "check skipped" where its
// refusal would have been (bank/Check.h, runChecks) — what "Why it worked" shows.
struct SkippedCheck
{
    QString party; // "eddy", "boris", "banky", or "CoolLoan" for its own checks
    QString check; // its id (bank/Check.h)
    QString rule; // "rule (section)", as the catalogue states it
    // The values the check compared and would have refused (empty when it compared none).
    QString expected;
    QString received;
};

// What a caller may see of a run while it is played: each trace event as it is recorded, and a gate
// before every HTTP exchange of every party (the window plays one real exchange per step at its pace).
// Both are called on the thread that runs the attack.
struct RunHooks
{
    std::function<void(const TraceEvent &)> event;
    // Returns false to end the run: the exchange is not sent, and the run stops with a failure.
    std::function<bool()> beforeExchange;
};

struct AttackOutcome
{
    QString attack;
    QList<Weakness> weaknesses; // switched on for this run
    // banky served John's data to one of Mallory's parties — or, for login CSRF, John's CoolLoan session
    // is logged in to Mallory's account (what he enters there is hers).
    bool succeeded = false;
    // The first refusal of the run (empty party: none).
    QString stoppedBy;
    int status = 0;
    QString error;
    QString check;
    QString rule; // "rule (section)"
    // What Mallory ended up holding, for people: "John's access and refresh tokens (sub …)".
    QString obtained;
    QString malloryTokenSubject; // `sub` of the access token Mallory holds; empty: none
    QString johnSubject; // John's `sub`, as the bank put it in a token of his (empty when he got none)
    QStringList accountsServedToMallory; // account ids banky answered Mallory's party with
    // Login CSRF: the account ids banky answered CoolLoan with in John's session (Mallory's: it worked).
    QStringList accountsShownToJohn;
    // 307-redirect: Mallory's listener received John's password in a POST body.
    bool passwordAtMallory = false;
    int johnsApiCallAfter = 0; // John's client's API call after the attack (0: not made)
    int johnsRefreshAfter = 0; // John's client's refresh after the attack (0: not made)
    QList<SkippedCheck> skipped; // switched-off checks the attack passed, in order
    QList<TraceEvent> trace;
    QString failure; // the run could not be played (the bank did not start, a party got no answer...)

    QJsonObject toJson() const; // the command line's one line
};

// Plays `scenario` against a bank with `weaknesses` on. Bank weaknesses switch off the bank's checks;
// CoolLoan's switch off the scripted CoolLoan's own checks where a scenario plays them (code-injection's
// ID-token checks, client/IdTokenValidator.h, as CoolLoanClient runs them).
AttackOutcome runAttack(
    const Scenario &scenario, const QList<Weakness> &weaknesses, const RunHooks &hooks = {});
// The weak run (every weakness of the scenario), the defended run (none), and the run with every
// weakness but one layer's ("peel": that layer back on).
AttackOutcome runWeak(const Scenario &scenario);
AttackOutcome runDefended(const Scenario &scenario);
AttackOutcome runPeeled(const Scenario &scenario, int layer);
// Whether `outcome` is what the run should give: the weak run succeeds; a run with layer i on (and
// nothing before it) is stopped by layer i's party, status, error and check, and Mallory holds nothing.
bool isExpected(const Scenario &scenario, const AttackOutcome &outcome, int expectedLayer, QString *why);

// The control: CoolLoan's normal flow (John's scripted browser and a scripted CoolLoan: login, consent,
// code, tokens, accounts, one refresh) against a bank with `weaknesses` on.
struct NormalFlowOutcome
{
    bool succeeded = false;
    QString failure; // where it went wrong
};
NormalFlowOutcome runNormalFlow(const QList<Weakness> &weaknesses);

} // namespace cfl::attack
