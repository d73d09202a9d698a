#pragma once
// CoolLoan's own checks (issue 15 §2): what CoolLoan verifies before it believes the bank, named as the
// bank names its own (bank/Check.h) — a stable id, the rule in one line, the section that writes it. The
// ids start with "coolloan." so that they never collide with the bank's ("authorize.", "token.", ...).
//
// The refusal CoolLoan emits carries the id (CoolLoanClient::failed, refusedCheck(), the trace's decision
// "... (check <id>)"); the attack lab switches single checks off by id (CoolLoanClient::setDisabledChecks),
// and tst_coolloanchecks walks every id to a case where that check is the first to refuse.

#include <QList>
#include <QString>

#include <optional>

namespace cfl {

struct ClientCheck
{
    QString id; // "coolloan.<subject>.<rule>", e.g. "coolloan.id_token.nonce"
    QString rule; // one line: "nonce is the one CoolLoan sent"
    QString section; // "OpenID Connect Core §3.1.3.7 (11)"
};

// In the order a grant meets them (clientChecks() lists them in this order).
enum class ClientCheckId {
    DiscoveryIssuer,
    JwksKeys,
    RedirectState,
    RedirectIssPresent,
    RedirectIss,
    AccessTokenPresent,
    IdTokenPresent,
    IdTokenSignature,
    IdTokenIssuer,
    IdTokenAudience,
    IdTokenAuthorizedParty,
    IdTokenExpiry,
    IdTokenIssuedAt,
    IdTokenNonce,
    IdTokenAtHash,
    IdTokenSameSubject,
};

const ClientCheck &clientCheck(ClientCheckId check);
// Every check of CoolLoan's, once, in the order above.
QList<ClientCheck> clientChecks();
std::optional<ClientCheck> findClientCheck(const QString &id);

} // namespace cfl
