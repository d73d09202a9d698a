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

// The numbers by name, for the code that realises a step to say so (bank/BankContext.h, ExchangeSteps).
namespace seed {
inline constexpr int AuthorizationRequest = 1; // browser → eddy: GET /authorize
inline constexpr int ValidateRequest = 2; // eddy checks the request
inline constexpr int LoginScreen = 3; // eddy → browser: the login page
inline constexpr int SetCredential = 4; // John types his user name and password
inline constexpr int PushCredential = 5; // browser → eddy: the login form
inline constexpr int ConsentScreen = 6; // eddy → browser: the consent page
inline constexpr int Accept = 7; // John accepts
inline constexpr int ConsentResponse = 8; // browser → eddy: the consent form
inline constexpr int IssueCode = 9; // eddy issues the code
inline constexpr int RedirectWithCode = 10; // eddy → browser: 302 to the callback with the code
inline constexpr int Callback = 11; // browser → CoolLoan: the callback
inline constexpr int TokenRequest = 12; // CoolLoan → boris: the code grant
inline constexpr int TokenResponse = 13; // boris → CoolLoan: the tokens
inline constexpr int ResourceRequest = 14; // CoolLoan → banky: an API call with the access token
inline constexpr int ValidateToken = 15; // banky checks the token
inline constexpr int Resource = 16; // banky → CoolLoan: the resource
} // namespace seed

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
