#include "ui/inspection/InspectionTrace.h"

#include "http/FormData.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace cfl::inspect {

namespace {
QByteArray headerValue(const TraceEvent::Headers &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}
} // namespace

QList<CodeRedemption> codeRedemptions(const TraceModel &trace)
{
    QList<CodeRedemption> found;
    for (int i = 0; i < trace.size(); ++i) {
        const TraceEvent &e = trace.at(i);
        if (e.source != QLatin1String("bank") || e.kind != TraceKind::Request || e.method != "POST"
            || !e.url.path().endsWith(QLatin1String("/token")))
            continue;
        const auto form = FormData::parse(e.requestBody);
        if (!form || form->valueOr(QStringLiteral("grant_type")) != QLatin1String("authorization_code"))
            continue;
        CodeRedemption r;
        r.index = i;
        r.exchangeId = e.exchangeId;
        r.timeMs = e.timeMs;
        r.code = form->valueOr(QStringLiteral("code"));
        r.codeVerifier = form->valueOr(QStringLiteral("code_verifier"));
        r.redirectUri = form->valueOr(QStringLiteral("redirect_uri"));
        r.status = e.status;
        if (e.status >= 400) {
            const QJsonObject body = QJsonDocument::fromJson(e.responseBody).object();
            r.error = body.value(QStringLiteral("error")).toString();
            r.errorDescription = body.value(QStringLiteral("error_description")).toString();
        }
        found.append(r);
    }
    return found;
}

std::optional<CodeIssue> codeIssue(const TraceModel &trace, const QString &code)
{
    for (int i = trace.size() - 1; i >= 0; --i) {
        const TraceEvent &e = trace.at(i);
        if (e.source != QLatin1String("bank") || e.kind != TraceKind::Response || e.status != 302)
            continue;
        const QUrl location(QString::fromUtf8(headerValue(e.responseHeaders, "Location")));
        const QString issued = QUrlQuery(location).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
        if (issued.isEmpty() || (!code.isEmpty() && issued != code))
            continue;
        CodeIssue issue;
        issue.index = i;
        issue.exchangeId = e.exchangeId;
        issue.timeMs = e.timeMs;
        issue.code = issued;
        issue.redirectTo = location.adjusted(QUrl::RemoveQuery).toString();
        return issue;
    }
    return std::nullopt;
}

} // namespace cfl::inspect
