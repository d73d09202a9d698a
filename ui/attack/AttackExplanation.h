#pragma once
// The texts of the attack lab (issue 11), as HTML in the style of the "Why it failed" panel
// (ui/inspection/WhyPanel): a scenario's card, and after a run "Why it worked" (the checks that were
// switched off, their rule and section, the refusal each would have produced) or "Why it failed" (the
// check that stopped the attack, its rule, the values it compared, what it revoked). Read from the
// outcome's facts, never from what the screen shows.

#include "attack/AttackEngine.h"
#include "attack/AttackScenario.h"

#include <QString>

namespace cfl::attackui {

// Goal, the two-line story, the defences in the order the attack meets them (party, refusal, rule and
// section), who Mallory is and the one-laptop shortcut.
QString scenarioCard(const attack::Scenario &scenario);
// "Why it worked" or "Why it failed", with what Mallory holds; `runTitle` names the run ("Weak run").
QString outcomeExplanation(
    const attack::Scenario &scenario, const attack::AttackOutcome &outcome, const QString &runTitle);
// The heading the explanation opens with: "Why it worked", "Why it failed", or "The run did not finish".
QString outcomeHeading(const attack::AttackOutcome &outcome);

} // namespace cfl::attackui
