#include "bank/FormPost.h"

namespace cfl {

std::optional<FormData> parseFormPost(
    const HttpRequest &request, const QStringList &repeatable, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QByteArray contentType = request.header("Content-Type").split(';').value(0).trimmed().toLower();
    if (contentType != "application/x-www-form-urlencoded") {
        return fail(
            QStringLiteral("the form must be sent as application/x-www-form-urlencoded, not '%1'")
                .arg(QString::fromLatin1(contentType.isEmpty() ? QByteArray("nothing") : contentType)));
    }
    QString parseError;
    const auto form = FormData::parse(request.body, &parseError);
    if (!form)
        return fail(parseError);
    QStringList repeated = form->repeatedNames();
    repeated.removeIf([&](const QString &name) { return repeatable.contains(name); });
    if (!repeated.isEmpty())
        return fail(
            QStringLiteral("the form gives %1 more than once").arg(repeated.join(QStringLiteral(", "))));
    return form;
}

} // namespace cfl
