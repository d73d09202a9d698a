#pragma once
// How the live sequence diagram colours what it draws, from the theme: the lifelines in the cast's
// colours; an arrow by the road it takes (front channel through John's browser, back channel server to
// server), John's own actions in his colour, decisions in slate, refusals in red; Mallory's lifelines and
// her own doings in her red.

#include <QColor>
#include <QString>

namespace cfl {

struct SeedStep;
struct TraceEvent;

namespace diagram {

QColor laneColour(const QString &laneKey);
QColor arrowColour(const TraceEvent &event);
// The colour a seed step's arrow has, for the strip of steps.
QColor stepColour(const SeedStep &step);

} // namespace diagram

} // namespace cfl
