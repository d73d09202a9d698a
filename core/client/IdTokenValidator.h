#pragma once
// CoolLoan validates the ID token itself (OpenID Connect Core §3.1.3.7): Qt NetworkAuth never does. Each
// check is one of CoolLoan's named checks (client/ClientChecks.h); CoolLoanClient refuses on the first that
// fails, unless the attack lab switched it off.

#include "client/ClientChecks.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace cfl {

struct IdTokenExpectations
{
    QString issuer;
    QString clientId;
    QString nonce; // the nonce CoolLoan sent; must come back unchanged
    QByteArray accessToken; // for at_hash (§3.2.2.9); empty to skip
    qint64 now = 0; // seconds since the epoch
    qint64 leewaySeconds = 30;
    // The attack lab switched the signature check off (coolloan.id_token.signature): the claims of a token
    // whose signature fails are checked all the same, as if it had not failed. Otherwise nothing of such a
    // token is believed, so nothing else is checked.
    bool checkClaimsOfUnverifiedToken = false;
};

struct IdTokenCheck
{
    QString name; // "signature", "iss", "aud", "azp", "exp", "iat", "nonce", "at_hash"
    bool passed = false;
    QString detail; // what was compared, in words
    ClientCheckId check = ClientCheckId::IdTokenSignature; // the named check it is
};

struct IdTokenValidation
{
    bool valid = false;
    QList<IdTokenCheck> checks;
    QJsonObject header;
    QJsonObject claims;
    QString firstFailure() const;
};

IdTokenValidation validateIdToken(
    const QByteArray &idToken, const QJsonObject &jwks, const IdTokenExpectations &expected);

} // namespace cfl
