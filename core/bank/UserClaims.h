#pragma once
// What the bank can tell about a customer: OpenID Connect Core §5.1's standard claims, which scope releases
// each one (§5.4), and what each means in plain words for the consent page. Userinfo releases them by
// scope; the claims request parameter (§5.5, bank/ClaimsRequest.h) asks for them one by one.

#include "storage/BankRecords.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace cfl::userclaims {

struct ClaimInfo
{
    QString name; // "email"
    QString scope; // the scope that releases it (§5.4): "email"
    QString words; // for John: "Your e-mail address"
};

// Every standard claim of §5.1 the bank knows, in the order userinfo writes them.
const QList<ClaimInfo> &all();
const ClaimInfo *find(const QString &name);
QStringList names();

// "user-42": the subject identifier, the same in every token and at userinfo (§2, §5.3.2).
QString subjectOf(qint64 userId);
// The user id a `sub` of subjectOf()'s names; 0 for any other string.
qint64 userIdOfSubject(const QString &subject);

// The claim's value for `user`; Undefined when the bank does not know it (§5.3.2: an unknown claim is
// left out, never an empty string).
QJsonValue value(const User &user, const QString &name);
// Every claim released by `scopes`, with sub (§5.4).
QJsonObject byScope(const User &user, const QStringList &scopes);
// Adds the claims `names` that the bank knows for `user` to `claims`.
void insertNamed(QJsonObject &claims, const User &user, const QStringList &names);

} // namespace cfl::userclaims
