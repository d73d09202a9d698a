#include "storage/ScopeList.h"

namespace cfl::scopes {

QStringList parse(const QString &scope)
{
    QStringList result;
    for (const QString &token : scope.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!result.contains(token))
            result.append(token);
    }
    return result;
}

QString join(const QStringList &scopes)
{
    return scopes.join(QLatin1Char(' '));
}

QStringList sorted(QStringList scopes)
{
    scopes.removeDuplicates();
    scopes.sort();
    return scopes;
}

} // namespace cfl::scopes
