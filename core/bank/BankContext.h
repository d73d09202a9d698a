#pragma once
// What every endpoint of the bank shares (docs/architecture.md, "The bank"): its database, its signing
// key, its configuration and clock, and the record of what it decides while it answers one request —
// the decisions the trace shows, each refusal with the named check that made it, each check that did
// not refuse because the attack lab switched it off.

#include "bank/BankConfig.h"
#include "bank/BankShared.h"
#include "bank/OAuthError.h"
#include "bank/SigningKeyRing.h"
#include "crypto/VerifiedJwts.h"
#include "mutation/MutationSwitch.h"
#include "storage/BankStore.h"
#include "trace/SeedSteps.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace cfl {

struct CheckSpec;

// What the bank decided while answering one request, for the trace and the "why did it fail" panel.
struct BankDecision
{
    BankDecision(QString summary = {}, int step = 0, std::optional<OAuthError> refused = std::nullopt,
        QString checkId = {});

    QString what; // "authorization request validated", "refused: invalid_grant", "check skipped: ..."
    int seedStep = 0; // the seed step it realises: 2 (validate the request), 9 (issue the code), 15
                      // (validate the token); 0 for none
    std::optional<OAuthError> refusal;
    QString check; // the named check (bank/Check.h) that refused, or that was skipped
    // A skipped check's values it compared and would have refused (the attack lab's "Why it worked").
    QString expected;
    QString received;

    // A switched-off check that would have refused here (BankConfig::disabledChecks).
    bool isSkippedCheck() const { return !check.isEmpty() && !refusal; }
};

// The arrows of the seed diagram (docs/architecture.md, "The seed diagram"; trace/SeedSteps.h) one exchange
// draws besides its decisions, as the code that answers it says: the request's, the answer's, and what John
// did for the request (his browser posts what he typed or clicked). 0: none.
struct ExchangeSteps
{
    int johnsAction = 0; // 4 (types his password), 7 (accepts)
    int request = 0; // 1, 5, 8, 12, 14
    int answer = 0; // 3, 6, 10, 13, 16
};

class BankContext
{
public:
    BankContext(BankStore &store, SigningKeyRing signingKeys, BankConfig config);
    // One of the bank's threads (bank/BankWorkers.h): the configuration and the rest of `shared` are the
    // bank's, the store and the signing key ring this thread's own.
    BankContext(BankStore &store, SigningKeyRing signingKeys, std::shared_ptr<BankShared> shared);

    BankStore &store() const { return m_store; }
    // The current signing key and the JWKS, as the database says now (bank/SigningKeyRing.h).
    SigningKeyRing &signingKeys() { return m_signingKeys; }
    // The configuration as of the start of the request being answered.
    const BankConfig &config() const { return m_config; }
    // Changes the configuration for every thread of the bank, this one at once, the others from their
    // next request on.
    void updateConfig(const std::function<void(BankConfig &)> &change);
    BankShared &shared() const { return *m_shared; }
    qint64 now() const { return m_config.clock(); }
    QString issuer() const;
    // The `aud` of access tokens: banky's identifier (RFC 9068 §3, RFC 8707).
    QString apiAudience() const;
    QJsonObject jwks() { return m_signingKeys.jwks(now()); }
    // Every key the bank signed with, also those the JWKS no longer lists (SigningKeyRing::everyKey).
    QJsonObject everySigningKey() { return m_signingKeys.everyKey(now()); }
    // The access tokens this thread accepted, so that banky verifies a token's signature once per key set
    // (crypto/VerifiedJwts.h).
    VerifiedJwts &verifiedAccessTokens() { return m_verifiedAccessTokens; }

    // The decisions of the request being answered; Bank::handle starts every request with none.
    // The configuration is read again when it changed since the last request.
    void startRequest()
    {
        m_decisions.clear();
        m_steps = {};
        if (m_shared->configVersion() != m_configVersion)
            syncConfig();
    }
    const QList<BankDecision> &decisions() const { return m_decisions; }
    // The seed step the request being answered realises, refused or not, and what John did for it.
    void requestRealises(int seedStep, int johnsAction = 0)
    {
        m_steps.request = seedStep;
        m_steps.johnsAction = johnsAction;
    }
    // The seed step the answer realises (the page, the redirect, the tokens, the resource).
    void answerRealises(int seedStep) { m_steps.answer = seedStep; }
    const ExchangeSteps &steps() const { return m_steps; }
    void decide(const QString &what, int seedStep = 0);
    // The status of a redirect that answers a form POST: 303 See Other (RFC 9700 §4.12) — 307, which
    // makes the browser post the form again to the new address, when the attack lab switched
    // "interaction.see_other" off (recorded as a skipped check, with both statuses compared).
    int redirectStatusAfterPost();
    void recordRefusal(const CheckSpec &check, const OAuthError &error);
    // "check skipped: <id> (<rule>)", where the check's refusal would have been.
    // `wouldHave`: the refusal the check would have answered, with the values it compared.
    void recordSkipped(const CheckSpec &check, const OAuthError &wouldHave);

    void audit(const QString &event, const QString &clientId, const QString &username, const QString &detail,
        const QString &checkId = {});

    // The attack lab's switches: a check named here does not refuse (bank/Check.h, runChecks). A
    // mutation build adds the checks of CFL_MUTATE_CHECKS (mutation/MutationSwitch.h); no other build can.
    bool isSwitchedOff(const QString &checkId) const
    {
#ifdef CFL_MUTATION
        if (mutation::isSwitchedOff(checkId))
            return true;
#endif
        return m_config.disabledChecks.contains(checkId);
    }

private:
    void syncConfig();

    BankStore &m_store;
    SigningKeyRing m_signingKeys;
    std::shared_ptr<BankShared> m_shared;
    BankConfig m_config; // m_shared's, as of m_configVersion
    quint64 m_configVersion = 0;
    QList<BankDecision> m_decisions;
    ExchangeSteps m_steps;
    VerifiedJwts m_verifiedAccessTokens;
};

} // namespace cfl
