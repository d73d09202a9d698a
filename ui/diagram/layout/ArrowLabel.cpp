#include "ui/diagram/layout/ArrowLabel.h"

#include "trace/SeedSteps.h"
#include "trace/TraceEvent.h"

#include <QStringList>
#include <QUrl>

namespace cfl::diagram {

QString shortPath(const QUrl &url)
{
    // Long random path segments (interaction ids) would push the label off the screen.
    QStringList parts = url.path().split(QLatin1Char('/'));
    for (QString &part : parts) {
        if (part.size() > 14)
            part = part.left(6) + QStringLiteral("…");
    }
    QString path = parts.join(QLatin1Char('/'));
    if (url.hasQuery())
        path += QStringLiteral("?…");
    return path;
}

QString httpHint(const TraceEvent &event)
{
    if (event.kind == TraceKind::Request && !event.method.isEmpty()) {
        if (event.summary.startsWith(QString::fromLatin1(event.method)))
            return {};
        return QStringLiteral("%1 %2").arg(QString::fromLatin1(event.method), shortPath(event.url));
    }
    if (event.kind == TraceKind::Response && event.status > 0) {
        const QString status = QString::number(event.status);
        return event.summary.startsWith(status) ? QString() : status;
    }
    if (!event.refusalRule.isEmpty())
        return event.refusalRule;
    return {};
}

QString arrowLabel(const TraceEvent &event)
{
    QString label = event.summary.isEmpty() ? kindName(event.kind) : event.summary;
    label.replace(QLatin1Char('\n'), QLatin1Char(' '));
    // "GET /interaction/6A9bOiK7Xo5b…": the id says nothing to a reader, the detail view has it whole.
    if (!event.method.isEmpty() && label.startsWith(QString::fromLatin1(event.method) + QLatin1Char(' '))) {
        const qsizetype end = label.indexOf(QLatin1Char(' '), event.method.size() + 1);
        const QString path = label.mid(event.method.size() + 1, end < 0 ? -1 : end - event.method.size() - 1);
        label.replace(event.method.size() + 1, path.size(), shortPath(QUrl(path)));
    }
    return isRefusal(event) ? QStringLiteral("✘ ") + label : label;
}

} // namespace cfl::diagram
