#pragma once
// How John authenticated, as the ID token tells it (OpenID Connect Core §2): amr, the methods (RFC 8176),
// and acr, the class of the authentication context the bank asserts for it.

#include "bank/ClaimsRequest.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace cfl::authn {

// The bank's login form: a password (RFC 8176 §2 "pwd"), nothing else. The only way to log in, so it is
// also what a silent re-authorization (a login session, prompt=none) and a refresh carry on.
QStringList passwordLogin();

// The acr values the bank can assert, for discovery's acr_values_supported (OIDC Discovery §3).
QStringList supportedAcrValues();

// The acr the ID token names: the first of the client's preferences (claims' id_token.acr value/values,
// else acr_values — both in order of preference, OIDC Core §3.1.2.1, §5.5.1.1) the bank can assert;
// without a preference it can meet, what it does assert for every login.
QString acrFor(const ClaimsRequest &claims, const QString &acrValues);

// An acr requested as essential through claims (§5.5.1.1) with values the bank cannot assert: the values,
// to tell the client; nullopt when there is none or the bank meets one of them.
std::optional<QStringList> unmetEssentialAcr(const ClaimsRequest &claims);

} // namespace cfl::authn
