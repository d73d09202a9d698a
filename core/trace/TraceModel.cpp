#include "trace/TraceModel.h"

namespace cfl {

TraceModel::TraceModel(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<TraceEvent>();
}

void TraceModel::append(TraceEvent event)
{
    event.sequence = m_events.size() + 1;
    if (event.exchangeId == 0 && event.isExchange())
        event.exchangeId = nextExchangeId();
    m_events.append(std::move(event));
    Q_EMIT appended(int(m_events.size()) - 1);
}

void TraceModel::clear()
{
    m_events.clear();
    Q_EMIT cleared();
}

QList<int> TraceModel::diagramIndexes() const
{
    QList<int> indexes;
    for (int i = 0; i < m_events.size(); ++i) {
        if (m_events.at(i).belongsInDiagram())
            indexes.append(i);
    }
    return indexes;
}

QList<int> TraceModel::stepsSeen() const
{
    QList<int> steps;
    for (const TraceEvent &event : m_events) {
        if (event.step > 0 && !event.mirrorsBankRecord() && !steps.contains(event.step))
            steps.append(event.step);
    }
    return steps;
}

} // namespace cfl
