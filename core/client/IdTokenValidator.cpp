#include "client/IdTokenValidator.h"

#include "crypto/Digest.h"
#include "crypto/Jwt.h"

#include <QJsonArray>

namespace cfl {

QString IdTokenValidation::firstFailure() const
{
    for (const IdTokenCheck &check : checks) {
        if (!check.passed)
            return check.name + QStringLiteral(": ") + check.detail;
    }
    return {};
}

IdTokenValidation validateIdToken(
    const QByteArray &idToken, const QJsonObject &jwks, const IdTokenExpectations &expected)
{
    IdTokenValidation result;
    auto check = [&](ClientCheckId id, const QString &name, bool passed, const QString &detail) {
        result.checks.append({ name, passed, detail, id });
    };

    // §3.1.3.7 step 6: the signature, with the key the issuer publishes (alg RS256 only).
    QString error;
    const auto verified = verifyRs256(idToken, jwks, &error);
    if (!verified) {
        check(ClientCheckId::IdTokenSignature, QStringLiteral("signature"), false, error);
        const auto decoded = decodeJwt(idToken);
        if (decoded) {
            result.header = decoded->header;
            result.claims = decoded->payload;
        }
        if (!decoded || !expected.checkClaimsOfUnverifiedToken)
            return result;
    } else {
        result.header = verified->header;
        result.claims = verified->payload;
        check(ClientCheckId::IdTokenSignature, QStringLiteral("signature"), true,
            QStringLiteral("RS256 signature verified with key %1 from the bank's JWKS")
                .arg(verified->header.value(QStringLiteral("kid")).toString()));
    }
    const QJsonObject &claims = result.claims;

    // step 2: iss exactly the issuer CoolLoan discovered.
    const QString iss = claims.value(QStringLiteral("iss")).toString();
    check(ClientCheckId::IdTokenIssuer, QStringLiteral("iss"), iss == expected.issuer,
        QStringLiteral("expected %1, got %2").arg(expected.issuer, iss));

    // step 3: aud contains CoolLoan's client_id.
    QStringList audiences;
    const QJsonValue aud = claims.value(QStringLiteral("aud"));
    if (aud.isArray()) {
        for (const QJsonValue &value : aud.toArray())
            audiences.append(value.toString());
    } else {
        audiences.append(aud.toString());
    }
    check(ClientCheckId::IdTokenAudience, QStringLiteral("aud"), audiences.contains(expected.clientId),
        QStringLiteral("expected %1, got %2").arg(expected.clientId, audiences.join(QStringLiteral(", "))));

    // steps 4 and 5: with several audiences azp must be present, and an azp, when present, must be
    // CoolLoan: the party the token was issued to.
    const QJsonValue azp = claims.value(QStringLiteral("azp"));
    if (audiences.size() > 1 || !azp.isUndefined()) {
        check(ClientCheckId::IdTokenAuthorizedParty, QStringLiteral("azp"),
            azp.toString() == expected.clientId,
            azp.isUndefined() ? QStringLiteral("%1 audiences (%2) but no azp")
                                    .arg(audiences.size())
                                    .arg(audiences.join(QStringLiteral(", ")))
                              : QStringLiteral("expected %1, got %2").arg(expected.clientId, azp.toString()));
    }

    // step 9: not expired.
    const qint64 exp = claims.value(QStringLiteral("exp")).toInteger();
    check(ClientCheckId::IdTokenExpiry, QStringLiteral("exp"),
        exp > 0 && expected.now<exp + expected.leewaySeconds, exp> 0
            ? QStringLiteral("expires at %1, now is %2").arg(exp).arg(expected.now)
            : QStringLiteral("exp is missing"));

    // step 10: issued at a sensible time (not in the future).
    const qint64 iat = claims.value(QStringLiteral("iat")).toInteger();
    check(ClientCheckId::IdTokenIssuedAt, QStringLiteral("iat"),
        iat > 0 && iat <= expected.now + expected.leewaySeconds,
        iat > 0 ? QStringLiteral("issued at %1").arg(iat) : QStringLiteral("iat is missing"));

    // step 11: the nonce CoolLoan sent (binds the token to this login, against replay).
    const QString nonce = claims.value(QStringLiteral("nonce")).toString();
    if (!expected.nonce.isEmpty() || !nonce.isEmpty()) {
        check(ClientCheckId::IdTokenNonce, QStringLiteral("nonce"),
            !expected.nonce.isEmpty() && nonce == expected.nonce,
            QStringLiteral("expected %1, got %2")
                .arg(expected.nonce, nonce.isEmpty() ? QStringLiteral("nothing") : nonce));
    }

    // §3.2.2.9 / §3.1.3.8: at_hash ties the ID token to the access token that came with it.
    if (!expected.accessToken.isEmpty()) {
        const QString atHashClaim = claims.value(QStringLiteral("at_hash")).toString();
        const QString computed = QString::fromLatin1(atHash(expected.accessToken));
        check(ClientCheckId::IdTokenAtHash, QStringLiteral("at_hash"),
            !atHashClaim.isEmpty() && atHashClaim == computed,
            QStringLiteral("computed %1 from the access token, token says %2")
                .arg(computed, atHashClaim.isEmpty() ? QStringLiteral("nothing") : atHashClaim));
    }

    result.valid = std::all_of(
        result.checks.cbegin(), result.checks.cend(), [](const IdTokenCheck &c) { return c.passed; });
    return result;
}

} // namespace cfl
