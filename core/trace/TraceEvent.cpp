#include "trace/TraceEvent.h"

namespace cfl {

QString channelName(TraceChannel channel)
{
    switch (channel) {
    case TraceChannel::FrontChannel: return QStringLiteral("front channel");
    case TraceChannel::BackChannel: return QStringLiteral("back channel");
    case TraceChannel::ResourceApi: return QStringLiteral("resource API");
    case TraceChannel::Internal: return QStringLiteral("internal");
    case TraceChannel::UserAction: return QStringLiteral("user action");
    }
    return {};
}

} // namespace cfl
