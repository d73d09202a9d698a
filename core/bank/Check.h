#pragma once
// Every endpoint of the bank is an ordered list of named checks, as node-oidc-provider's
// lib/actions/authorization/index.js reads: small functions, each enforcing one rule of one RFC section.
// The lists are data. checksOf() names them at run time; tst_checkcatalogue pins their order, because
// the order decides which refusal an attack meets first; the attack lab switches single checks off
// (BankConfig::disabledChecks).
//
// A check reads the request and what the checks before it found, and fills in what it finds itself
// before it decides. Switched off, it records "check skipped: <id> (<rule>)" instead of refusing, and
// the request goes on with that state, unverified: the checks after it still have something to compare,
// and usually one of them refuses in its place.

#include "bank/BankContext.h"
#include "bank/OAuthError.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace cfl {

// One named check, as the catalogue lists it.
struct CheckSpec
{
    QString id; // stable, "<endpoint>.<subject>.<rule>", e.g. "token.code.pkce": the trace, the audit log
                // and the attack lab name the check by it
    QString rule; // one line: "SHA-256(code_verifier) equals the code_challenge"
    QString section; // where the rule is written: "RFC 7636 §4.6"; "—" for a limit of the bank's own
};

// The bank's routes that refuse, each with its own list.
enum class Endpoint {
    AnyRequest, // every request, before routing: its Host
    Authorization, // GET|POST /authorize
    InteractionPage, // GET /interaction/{id}
    Login, // POST /interaction/{id}/login
    Consent, // POST /interaction/{id}/consent
    Token, // POST /token, up to the grant
    AuthorizationCodeGrant, // POST /token, grant_type=authorization_code
    RefreshTokenGrant, // POST /token, grant_type=refresh_token
    Revocation, // POST /revoke
    Introspection, // POST /introspect
    UserInfo, // GET|POST /userinfo
    Accounts, // GET /api/accounts
    Transactions, // GET /api/accounts/{id}/transactions
    Payments, // POST /api/payments
    WebLogout, // POST /web/logout
    WebAccount, // GET /web/accounts/{id}
    WebPayment, // POST /web/payments
    WebRevokeApp, // POST /web/apps/{clientId}/revoke
    EndSession, // GET|POST /session/end (OpenID Connect RP-Initiated Logout 1.0)
    EndSessionConfirm, // POST /session/end/confirm
};

QList<Endpoint> allEndpoints();
QString endpointName(Endpoint endpoint); // "POST /token (authorization_code)"
// The checks of one endpoint, in the order it runs them.
QList<CheckSpec> checksOf(Endpoint endpoint);
// Every check once (a check shared by several endpoints, such as client authentication, counts once).
QList<CheckSpec> allChecks();
std::optional<CheckSpec> findCheck(const QString &id);
// Defences that refuse nothing — they are how the bank answers — switched off by the attack lab as a check
// is (BankConfig::disabledChecks), each with its rule and section: "interaction.see_other", the 303 that
// answers a form POST (RFC 9700 §4.12). Not in allChecks(): no request is refused by them.
QList<CheckSpec> defenceBehaviours();
std::optional<CheckSpec> findDefence(const QString &id); // a check, or a behaviour

// What a check found: nothing against the request, or the error to refuse it with — and, for the few
// refusals that do more than answer, what they do (revoke the tokens of a replayed code, RFC 6749 §10.5).
// Refusing is implicit: a check returns an OAuthError.
class Verdict
{
public:
    Verdict() = default;
    Verdict(OAuthError error, std::function<void()> consequence = {});

    bool refuses() const { return m_error.has_value(); }
    const OAuthError &error() const { return *m_error; }
    void carryOut() const;

private:
    std::optional<OAuthError> m_error;
    std::function<void()> m_consequence;
};

// Whether a check only reads (the request, the database) or also writes: the conditional UPDATE that makes
// a code or a refresh token single-use decides and records in one statement.
enum class CheckEffect { ReadsOnly, Writes };

template <typename Request> struct Check
{
    using Run = Verdict (*)(BankContext &bank, Request &request);

    Check(const char *id, const char *rule, const char *section, Run check,
        CheckEffect checkEffect = CheckEffect::ReadsOnly)
        : spec { QString::fromUtf8(id), QString::fromUtf8(rule), QString::fromUtf8(section) }
        , run(check)
        , effect(checkEffect)
    { }

    CheckSpec spec;
    Run run;
    CheckEffect effect;
};

template <typename Request> using CheckList = std::vector<Check<Request>>;

template <typename Request> QList<CheckSpec> specsOf(const CheckList<Request> &checks)
{
    QList<CheckSpec> specs;
    for (const Check<Request> &check : checks)
        specs.append(check.spec);
    return specs;
}

// The first refusal of a list: the check that made it, and what it answers.
struct Refusal
{
    CheckSpec check;
    OAuthError error;
};

// Runs `checks` in order until one refuses. A refusing check that is switched off records that it was
// skipped, and the next one runs.
template <typename Request>
std::optional<Refusal> runChecks(BankContext &bank, const CheckList<Request> &checks, Request &request)
{
    for (const Check<Request> &check : checks) {
        const Verdict verdict = check.run(bank, request);
        if (!verdict.refuses())
            continue;
        if (bank.isSwitchedOff(check.spec.id)) {
            bank.recordSkipped(check.spec, verdict.error());
            continue;
        }
        verdict.carryOut();
        return Refusal { check.spec, verdict.error() };
    }
    return std::nullopt;
}

// Whether runChecks would let `request` through as far as its first check that writes: the checks before it
// run (a switched-off one lets the request through, as it would there), and nothing is carried out or
// recorded. For work done ahead of runChecks and outside its transaction, which runChecks then confirms or
// throws away (TokenEndpoint signs a refresh's access token ahead). Never a decision of its own.
template <typename Request>
bool wouldPass(BankContext &bank, const CheckList<Request> &checks, Request &request)
{
    for (const Check<Request> &check : checks) {
        if (check.effect == CheckEffect::Writes)
            break;
        if (check.run(bank, request).refuses() && !bank.isSwitchedOff(check.spec.id))
            return false;
    }
    return true;
}

} // namespace cfl
