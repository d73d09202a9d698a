#pragma once
// What an arrow of the live sequence diagram says: the event's summary in one line, with long random path
// segments (interaction ids) shortened, and beside it the HTTP behind it when the summary does not say it
// already ("GET /authorize?…", "302", or the rule a refusal broke).

#include <QString>

QT_BEGIN_NAMESPACE
class QUrl;
QT_END_NAMESPACE

namespace cfl {

struct TraceEvent;

namespace diagram {

// The label, "✘ " first for a refusal.
QString arrowLabel(const TraceEvent &event);
// The HTTP hint; empty when the label already says it.
QString httpHint(const TraceEvent &event);
// A path with segments over 14 characters cut to 6 and "…", and "?…" for a query.
QString shortPath(const QUrl &url);

} // namespace diagram

} // namespace cfl
