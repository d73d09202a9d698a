#include "ui/diagram/ArrowColours.h"

#include "trace/SeedSteps.h"
#include "trace/TraceEvent.h"
#include "ui/theme/Theme.h"

namespace cfl::diagram {

QColor laneColour(const QString &laneKey)
{
    if (laneKey == QLatin1String("John"))
        return theme::John;
    if (laneKey == QLatin1String("Browser"))
        return theme::Browser;
    if (laneKey == QLatin1String("CoolLoan"))
        return theme::CoolLoan;
    if (laneKey == QLatin1String("PirateLoan"))
        return theme::PirateLoan;
    if (isBankParty(laneKey))
        return theme::Bank;
    if (isMalloryParty(laneKey))
        return theme::Mallory;
    return theme::OtherClient;
}

QColor arrowColour(const TraceEvent &event)
{
    if (isRefusal(event))
        return theme::RefusedArrow;
    switch (event.kind) {
    case TraceKind::Action:
        return theme::John;
    case TraceKind::Decision:
        // Mallory's own doings ("Mallory now holds John's code"), on her lifeline.
        return isMalloryParty(event.from) ? theme::Mallory : theme::Decision;
    case TraceKind::Request:
    case TraceKind::Response:
        break;
    }
    return event.channel == TraceChannel::FrontChannel ? theme::FrontChannel : theme::BackChannel;
}

QColor stepColour(const SeedStep &step)
{
    if (step.from == step.to)
        return theme::Decision;
    if (step.from == QLatin1String("John"))
        return theme::John;
    if (step.from == QLatin1String("Browser") || step.to == QLatin1String("Browser"))
        return theme::FrontChannel;
    return theme::BackChannel;
}

} // namespace cfl::diagram
