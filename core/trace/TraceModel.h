#pragma once
// All trace events of a run, in order, in the GUI thread. The sequence diagram, the traffic log and
// the token panels are views of it. Events from other threads arrive through queued signals.

#include "trace/TraceEvent.h"

#include <QJsonArray>
#include <QObject>

namespace cfl {

class TraceModel : public QObject
{
    Q_OBJECT
public:
    explicit TraceModel(QObject *parent = nullptr);

    const QList<TraceEvent> &events() const { return m_events; }
    int size() const { return int(m_events.size()); }
    const TraceEvent &at(int index) const { return m_events.at(index); }
    // The events drawn as arrows: everything but a client's copy of an exchange the bank recorded and
    // the pages' stylesheet and icon.
    QList<int> diagramIndexes() const;
    // Seed steps seen so far, in order of first appearance.
    QList<int> stepsSeen() const;
    qint64 nextExchangeId() { return ++m_lastExchangeId; }

public Q_SLOTS:
    void append(cfl::TraceEvent event);
    void clear();

Q_SIGNALS:
    void appended(int index);
    void cleared();

private:
    QList<TraceEvent> m_events;
    qint64 m_lastExchangeId = 0;
};

} // namespace cfl
