#include "bank/UserClaims.h"

namespace cfl::userclaims {

const QList<ClaimInfo> &all()
{
    static const QList<ClaimInfo> list {
        { QStringLiteral("name"), QStringLiteral("profile"), QStringLiteral("Your full name") },
        { QStringLiteral("given_name"), QStringLiteral("profile"), QStringLiteral("Your first name") },
        { QStringLiteral("family_name"), QStringLiteral("profile"), QStringLiteral("Your surname") },
        { QStringLiteral("middle_name"), QStringLiteral("profile"), QStringLiteral("Your middle name") },
        { QStringLiteral("nickname"), QStringLiteral("profile"), QStringLiteral("Your nickname") },
        { QStringLiteral("preferred_username"), QStringLiteral("profile"),
            QStringLiteral("Your user name at the bank") },
        { QStringLiteral("profile"), QStringLiteral("profile"),
            QStringLiteral("The address of your profile page") },
        { QStringLiteral("picture"), QStringLiteral("profile"), QStringLiteral("Your photo") },
        { QStringLiteral("website"), QStringLiteral("profile"), QStringLiteral("Your web site") },
        { QStringLiteral("gender"), QStringLiteral("profile"), QStringLiteral("Your gender") },
        { QStringLiteral("birthdate"), QStringLiteral("profile"), QStringLiteral("Your date of birth") },
        { QStringLiteral("zoneinfo"), QStringLiteral("profile"), QStringLiteral("Your time zone") },
        { QStringLiteral("locale"), QStringLiteral("profile"), QStringLiteral("Your language and country") },
        { QStringLiteral("updated_at"), QStringLiteral("profile"),
            QStringLiteral("When your details at the bank last changed") },
        { QStringLiteral("email"), QStringLiteral("email"), QStringLiteral("Your e-mail address") },
        { QStringLiteral("email_verified"), QStringLiteral("email"),
            QStringLiteral("Whether the bank verified your e-mail address") },
        { QStringLiteral("address"), QStringLiteral("address"),
            QStringLiteral("Your postal address: street, town, postcode and country") },
        { QStringLiteral("phone_number"), QStringLiteral("phone"), QStringLiteral("Your phone number") },
        { QStringLiteral("phone_number_verified"), QStringLiteral("phone"),
            QStringLiteral("Whether the bank verified your phone number") },
    };
    return list;
}

const ClaimInfo *find(const QString &name)
{
    for (const ClaimInfo &info : all()) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

QStringList names()
{
    QStringList result;
    for (const ClaimInfo &info : all())
        result.append(info.name);
    return result;
}

QString subjectOf(qint64 userId)
{
    return QStringLiteral("user-%1").arg(userId);
}

qint64 userIdOfSubject(const QString &subject)
{
    if (!subject.startsWith(QLatin1String("user-")))
        return 0;
    bool ok = false;
    const qint64 id = subject.mid(5).toLongLong(&ok);
    return ok && id > 0 && subjectOf(id) == subject ? id : 0;
}

namespace {
QJsonValue known(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(text);
}

// §5.1.1: the parts the bank knows, and "formatted", the full mailing address for display, lines joined
// by "\n".
QJsonValue addressOf(const User::Address &a)
{
    QJsonObject address;
    auto insertKnown = [&](const QString &name, const QString &part) {
        if (!part.isEmpty())
            address.insert(name, part);
    };
    insertKnown(QStringLiteral("street_address"), a.streetAddress);
    insertKnown(QStringLiteral("locality"), a.locality);
    insertKnown(QStringLiteral("region"), a.region);
    insertKnown(QStringLiteral("postal_code"), a.postalCode);
    insertKnown(QStringLiteral("country"), a.country);
    QStringList lines { a.streetAddress };
    lines.append(QStringList { a.postalCode, a.locality }.join(QLatin1Char(' ')).trimmed());
    if (!a.region.isEmpty() && a.region != a.locality)
        lines.append(a.region);
    lines.append(a.country);
    lines.removeAll(QString());
    if (lines.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    address.insert(QStringLiteral("formatted"), lines.join(QLatin1Char('\n')));
    return address;
}
} // namespace

QJsonValue value(const User &user, const QString &name)
{
    if (name == QLatin1String("name"))
        return known(user.name);
    if (name == QLatin1String("given_name"))
        return known(user.givenName);
    if (name == QLatin1String("family_name"))
        return known(user.familyName);
    if (name == QLatin1String("middle_name"))
        return known(user.middleName);
    if (name == QLatin1String("nickname"))
        return known(user.nickname);
    if (name == QLatin1String("preferred_username"))
        return known(user.username);
    if (name == QLatin1String("profile"))
        return known(user.profileUrl);
    if (name == QLatin1String("picture"))
        return known(user.pictureUrl);
    if (name == QLatin1String("website"))
        return known(user.website);
    if (name == QLatin1String("gender"))
        return known(user.gender);
    if (name == QLatin1String("birthdate"))
        return known(user.birthdate);
    if (name == QLatin1String("zoneinfo"))
        return known(user.zoneinfo);
    if (name == QLatin1String("locale"))
        return known(user.locale);
    if (name == QLatin1String("updated_at"))
        return user.updatedAt; // a number: seconds since the epoch
    if (name == QLatin1String("email"))
        return known(user.email);
    // A verification flag only with the value it is about.
    if (name == QLatin1String("email_verified"))
        return user.email.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(user.emailVerified);
    if (name == QLatin1String("address"))
        return addressOf(user.address);
    if (name == QLatin1String("phone_number"))
        return known(user.phoneNumber);
    if (name == QLatin1String("phone_number_verified"))
        return user.phoneNumber.isEmpty() ? QJsonValue(QJsonValue::Undefined)
                                          : QJsonValue(user.phoneNumberVerified);
    return QJsonValue(QJsonValue::Undefined);
}

void insertNamed(QJsonObject &claims, const User &user, const QStringList &names)
{
    for (const QString &name : names) {
        const QJsonValue claim = value(user, name);
        if (!claim.isUndefined())
            claims.insert(name, claim);
    }
}

QJsonObject byScope(const User &user, const QStringList &scopes)
{
    QJsonObject claims { { QStringLiteral("sub"), subjectOf(user.id) } };
    QStringList released;
    for (const ClaimInfo &info : all()) {
        if (scopes.contains(info.scope))
            released.append(info.name);
    }
    insertNamed(claims, user, released);
    return claims;
}

} // namespace cfl::userclaims
