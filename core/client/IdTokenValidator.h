#pragma once
// CoolLoan validates the ID token itself (OpenID Connect Core §3.1.3.7): Qt NetworkAuth never does.

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
};

struct IdTokenCheck
{
    QString name; // "signature", "iss", "aud", "exp", "iat", "nonce", "at_hash"
    bool passed = false;
    QString detail; // what was compared, in words
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
