#include "bank/AuthenticationContext.h"

#include <QVariant>

namespace cfl::authn {

namespace {
QStringList preferences(const ClaimsRequest &claims, const QString &acrValues)
{
    QStringList preferred;
    if (const auto acr = claims.claim(ClaimsRequest::Target::IdToken, QStringLiteral("acr"))) {
        for (const QJsonValue &value : acr->acceptable())
            preferred.append(value.toString());
    }
    preferred += acrValues.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return preferred;
}
} // namespace

QStringList passwordLogin()
{
    return { QStringLiteral("pwd") };
}

QStringList supportedAcrValues()
{
    // "0" only. OIDC Core §2 defines one acr value, "0": the authentication "did not meet the
    // requirements of ISO/IEC 29115 level 1" — its example is a long-lived browser cookie — and such an
    // authentication SHOULD NOT be used for access to anything of monetary value. That is this bank, said
    // honestly: John's password is a workshop password printed in the README, nobody's identity was ever
    // proofed, a login session answers for eight hours, and no second factor exists. A higher level (an
    // RFC 6711 name such as InCommon's bronze or silver) would promise what the bank does not do; a name
    // of our own would say no more than amr ["pwd"] does already. A client that needs more learns from
    // acr "0" that it must not rely on this login for money — the lesson the workshop teaches.
    return { QStringLiteral("0") };
}

QString acrFor(const ClaimsRequest &claims, const QString &acrValues)
{
    const QStringList supported = supportedAcrValues();
    for (const QString &value : preferences(claims, acrValues)) {
        if (supported.contains(value))
            return value;
    }
    // acr_values, and an acr claim that is not essential, are voluntary (§3.1.2.1, §5.5.1): the bank
    // authenticates as it can and says so. acr is OPTIONAL (§2); the bank always names it, so that every
    // ID token tells the client the same thing about how much to trust the login.
    return supported.first();
}

std::optional<QStringList> unmetEssentialAcr(const ClaimsRequest &claims)
{
    const auto acr = claims.claim(ClaimsRequest::Target::IdToken, QStringLiteral("acr"));
    if (!acr || !acr->essential)
        return std::nullopt;
    const QJsonArray acceptable = acr->acceptable();
    if (acceptable.isEmpty()) // essential without values: any acr will do
        return std::nullopt;
    QStringList wanted;
    for (const QJsonValue &value : acceptable) {
        if (supportedAcrValues().contains(value.toString()))
            return std::nullopt;
        wanted.append(value.isString() ? value.toString()
                                       : value.toVariant().toString() + QStringLiteral(" (not a string)"));
    }
    return wanted;
}

} // namespace cfl::authn
