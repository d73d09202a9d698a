#include "bank/Scopes.h"

namespace cfl::scopes {

const QList<ScopeInfo> &all()
{
    static const QList<ScopeInfo> list {
        { QStringLiteral("openid"), QStringLiteral("Sign you in with your bank identity"),
            QStringLiteral("A stable identifier for you (no name, no e-mail) in an ID token"), false },
        { QStringLiteral("profile"), QStringLiteral("Know who you are"),
            QStringLiteral("Your names and nickname, user name, birthday, gender, photo, web pages, time "
                           "zone and language") },
        { QStringLiteral("email"), QStringLiteral("Know your e-mail address"),
            QStringLiteral("Your e-mail address and whether the bank verified it") },
        { QStringLiteral("address"), QStringLiteral("Know where you live"),
            QStringLiteral("Your postal address: street, town, postcode and country") },
        { QStringLiteral("phone"), QStringLiteral("Know your phone number"),
            QStringLiteral("Your phone number and whether the bank verified it") },
        { QStringLiteral("offline_access"), QStringLiteral("Stay connected when you are away"),
            QStringLiteral("A refresh token, so the app keeps access without asking you to log in again, "
                           "until you revoke it") },
        { QStringLiteral("accounts:read"), QStringLiteral("See your accounts"),
            QStringLiteral("Account names, IBANs and current balances") },
        { QStringLiteral("transactions:read"), QStringLiteral("See your transactions"),
            QStringLiteral(
                "Every booking on your accounts: dates, amounts, who paid you and whom you paid") },
        { QStringLiteral("payments:write"), QStringLiteral("Make payments for you"),
            QStringLiteral("Move money out of your accounts") },
    };
    return list;
}

const ScopeInfo *find(const QString &name)
{
    for (const ScopeInfo &info : all()) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

QStringList names()
{
    QStringList result;
    for (const ScopeInfo &info : all())
        result.append(info.name);
    return result;
}

bool isValidScopeToken(const QString &token)
{
    if (token.isEmpty())
        return false;
    for (const QChar c : token) {
        const ushort u = c.unicode();
        if (!(u == 0x21 || (u >= 0x23 && u <= 0x5B) || (u >= 0x5D && u <= 0x7E)))
            return false;
    }
    return true;
}

} // namespace cfl::scopes
