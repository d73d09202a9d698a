#include "trace/TraceEvent.h"

namespace cfl {

QString channelName(TraceChannel channel)
{
    switch (channel) {
    case TraceChannel::FrontChannel:
        return QStringLiteral("front channel");
    case TraceChannel::BackChannel:
        return QStringLiteral("back channel");
    case TraceChannel::ResourceApi:
        return QStringLiteral("resource API");
    case TraceChannel::Internal:
        return QStringLiteral("internal");
    case TraceChannel::UserAction:
        return QStringLiteral("user action");
    }
    return {};
}

QString kindName(TraceKind kind)
{
    switch (kind) {
    case TraceKind::Request:
        return QStringLiteral("request");
    case TraceKind::Response:
        return QStringLiteral("response");
    case TraceKind::Decision:
        return QStringLiteral("decision");
    case TraceKind::Action:
        return QStringLiteral("action");
    }
    return {};
}

bool isBankParty(const QString &party)
{
    return party == QLatin1String("eddy") || party == QLatin1String("boris")
        || party == QLatin1String("banky");
}

QString malloryDevice()
{
    return QStringLiteral("Mallory's device");
}

QString malloryMalware()
{
    return QStringLiteral("Mallory's malware");
}

QString malloryListener()
{
    return QStringLiteral("Mallory's listener");
}

QString malloryBank()
{
    return QStringLiteral("MalloryBank");
}

bool isMalloryParty(const QString &party)
{
    return party.startsWith(QLatin1String("Mallory"));
}

bool TraceEvent::isPageResource() const
{
    const QString path = url.path();
    return isExchange()
        && (path.startsWith(QLatin1String("/static/")) || path == QLatin1String("/favicon.ico"));
}

bool TraceEvent::mirrorsBankRecord() const
{
    return source != QLatin1String("bank") && isExchange() && (isBankParty(to) || isBankParty(from));
}

} // namespace cfl
