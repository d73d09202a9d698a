#include "bank/ClaimsRequest.h"

#include "bank/UserClaims.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace cfl {

namespace {
QString memberName(ClaimsRequest::Target target)
{
    return target == ClaimsRequest::Target::IdToken ? QStringLiteral("id_token") : QStringLiteral("userinfo");
}

const QList<ClaimsRequest::Target> &targets()
{
    static const QList<ClaimsRequest::Target> list { ClaimsRequest::Target::IdToken,
        ClaimsRequest::Target::UserInfo };
    return list;
}

RequestedClaim readClaim(const QString &name, const QJsonValue &entry)
{
    RequestedClaim claim;
    claim.name = name;
    const QJsonObject object = entry.toObject(); // null: a voluntary claim with nothing more said
    claim.essential = object.value(QStringLiteral("essential")).toBool(false);
    claim.value = object.value(QStringLiteral("value"));
    claim.hasValues = object.contains(QStringLiteral("values"));
    claim.values = object.value(QStringLiteral("values")).toArray();
    return claim;
}

// One claim's entry (§5.5.1): null, or an object whose "essential" is a boolean and whose "values" is an
// array. "value" may be of any type: the claim's own (a string for acr, a number for auth_time).
QString entryProblem(const QString &where, const QJsonValue &entry)
{
    if (entry.isNull())
        return {};
    if (!entry.isObject())
        return QStringLiteral("%1 must be null or an object").arg(where);
    const QJsonObject object = entry.toObject();
    if (object.contains(QStringLiteral("essential")) && !object.value(QStringLiteral("essential")).isBool())
        return QStringLiteral("%1.essential must be true or false").arg(where);
    if (object.contains(QStringLiteral("values")) && !object.value(QStringLiteral("values")).isArray())
        return QStringLiteral("%1.values must be an array").arg(where);
    return {};
}
} // namespace

QJsonArray RequestedClaim::acceptable() const
{
    QJsonArray all;
    if (!value.isUndefined())
        all.append(value);
    for (const QJsonValue &v : values)
        all.append(v);
    return all;
}

std::optional<ClaimsRequest> ClaimsRequest::parse(const QString &text, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    // Qt reads only arrays and objects at the top (RFC 8259 allows any value): a lone string or number
    // is valid JSON, just not an object, and is told so.
    const bool scalar = parseError.error != QJsonParseError::NoError
        && QJsonDocument::fromJson('[' + text.toUtf8() + ']').isArray();
    if (parseError.error != QJsonParseError::NoError && !scalar) {
        *error = QStringLiteral("claims is not valid JSON (%1 at character %2)")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("claims must be a JSON object with the members id_token and/or userinfo");
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    ClaimsRequest request;
    // Other members are for extensions this bank does not have: ignored (§5.5).
    for (const Target target : targets()) {
        const QString member = memberName(target);
        if (!object.contains(member))
            continue;
        const QJsonValue claims = object.value(member);
        if (!claims.isObject()) {
            *error = QStringLiteral("claims.%1 must be a JSON object of claim names").arg(member);
            return std::nullopt;
        }
        const QJsonObject entries = claims.toObject();
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            const QString problem = entryProblem(QStringLiteral("claims.%1.%2").arg(member, it.key()), *it);
            if (!problem.isEmpty()) {
                *error = problem;
                return std::nullopt;
            }
        }
        request.m_request.insert(member, entries);
    }
    return request;
}

ClaimsRequest ClaimsRequest::fromStored(const QString &stored)
{
    QString ignored;
    if (stored.isEmpty())
        return {};
    return parse(stored, &ignored).value_or(ClaimsRequest {});
}

QString ClaimsRequest::stored() const
{
    if (m_request.isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(m_request).toJson(QJsonDocument::Compact));
}

bool ClaimsRequest::isEmpty() const
{
    for (const Target target : targets()) {
        if (!m_request.value(memberName(target)).toObject().isEmpty())
            return false;
    }
    return true;
}

QList<RequestedClaim> ClaimsRequest::claims(Target target) const
{
    QList<RequestedClaim> list;
    const QJsonObject entries = m_request.value(memberName(target)).toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it)
        list.append(readClaim(it.key(), *it));
    return list;
}

std::optional<RequestedClaim> ClaimsRequest::claim(Target target, const QString &name) const
{
    const QJsonObject entries = m_request.value(memberName(target)).toObject();
    if (!entries.contains(name))
        return std::nullopt;
    return readClaim(name, entries.value(name));
}

QStringList ClaimsRequest::userClaims(Target target, const QStringList &allowedScopes) const
{
    QStringList names;
    for (const RequestedClaim &claim : claims(target)) {
        const userclaims::ClaimInfo *info = userclaims::find(claim.name);
        if (info && allowedScopes.contains(info->scope))
            names.append(claim.name);
    }
    return names;
}

QStringList ClaimsRequest::userClaims(const QStringList &allowedScopes) const
{
    QStringList names;
    for (const Target target : targets()) {
        for (const QString &name : userClaims(target, allowedScopes)) {
            if (!names.contains(name))
                names.append(name);
        }
    }
    return names;
}

ClaimsRequest ClaimsRequest::consentedTo(const QStringList &requestedScopes, const QStringList &grantedScopes,
    const QStringList &allowedScopes) const
{
    ClaimsRequest kept;
    for (const Target target : targets()) {
        const QString member = memberName(target);
        if (!m_request.contains(member))
            continue;
        QJsonObject entries = m_request.value(member).toObject();
        for (const QString &name : entries.keys()) {
            const userclaims::ClaimInfo *info = userclaims::find(name);
            if (!info)
                continue;
            const bool unticked
                = requestedScopes.contains(info->scope) && !grantedScopes.contains(info->scope);
            if (!allowedScopes.contains(info->scope) || unticked)
                entries.remove(name);
        }
        kept.m_request.insert(member, entries);
    }
    return kept;
}

} // namespace cfl
