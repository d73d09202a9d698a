#pragma once
// The sixteen numbered arrows of the seed diagram (docs/architecture.md, "The seed diagram"), each with what
// happens and why it is safe, in words for someone who has never seen OAuth. The sequence diagram shows them
// beside the real exchange; the same words explain the traffic outside the seed (discovery, JWKS, refresh,
// revocation, PirateLoan, refusals).

#include "trace/TraceEvent.h"

#include <QList>
#include <QString>

namespace cfl {

struct SeedStep
{
    int number = 0; // 1–16, the seed's autonumber
    QString from; // parties as TraceEvent names them: "John", "Browser", "CoolLoan", "eddy", "boris", "banky"
    QString to;
    QString label; // the seed's own label
    QString explanation; // what happens, and what makes it safe
};

inline constexpr int SeedStepCount = 16;

const QList<SeedStep> &seedSteps();
// nullptr outside 1..SeedStepCount.
const SeedStep *seedStep(int number);

// A short title and explanation for any event: its seed step's, or one for the traffic outside the
// seed (discovery, JWKS, refresh, revocation, userinfo, PirateLoan's password login, refusals...).
struct EventExplanation
{
    QString title;
    QString text;
};
EventExplanation explanationFor(const TraceEvent &event);

// A refusal: a decision that names a broken rule, or an answer with an error status.
bool isRefusal(const TraceEvent &event);

} // namespace cfl
