#pragma once
// A run, exported: the trace as JSON and as a PlantUML sequence diagram in the seed's style. Codes,
// tokens, secrets, passwords and cookies are masked unless includeSecrets is set (the live teaching
// views show them: they are the subject; a file leaves the room).

#include "trace/TraceEvent.h"

#include <QJsonArray>
#include <QJsonObject>

namespace cfl {

QJsonObject traceEventToJson(const TraceEvent &event, bool includeSecrets);
// Every event, in order (at least step, from, to, method, url, status).
QJsonArray traceToJson(const QList<TraceEvent> &events, bool includeSecrets);
// The diagram's events (TraceEvent::belongsInDiagram) as PlantUML with the seed's participants.
QString traceToPlantUml(const QList<TraceEvent> &events, bool includeSecrets);

// Masking, exposed for the tests: "eyJhbGciOi…(masked)".
QString maskSecret(const QString &value);
QUrl maskedUrl(const QUrl &url);
QByteArray maskedBody(const QByteArray &body, const QByteArray &contentType);
QByteArray maskedHeaderValue(const QByteArray &name, const QByteArray &value);

} // namespace cfl
