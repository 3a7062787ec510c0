#include "trace.h"

#include <QMutexLocker>

namespace procession {

void Trace::append(const TraceEvent &event)
{
    QMutexLocker lock(&m_mutex);
    m_events.append(event);
}

void Trace::append(TraceEvent &&event)
{
    QMutexLocker lock(&m_mutex);
    m_events.append(std::move(event));
}

void Trace::append(TraceEvent *events, qsizetype count)
{
    QMutexLocker lock(&m_mutex);
    for (qsizetype i = 0; i < count; ++i)
        m_events.append(std::move(events[i]));
}

qsizetype Trace::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_events.size();
}

QList<TraceEvent> Trace::eventsFrom(qsizetype from) const
{
    QMutexLocker lock(&m_mutex);
    if (from <= 0)
        return m_events;
    if (from >= m_events.size())
        return {};
    return m_events.mid(from);
}

void Trace::clear()
{
    QMutexLocker lock(&m_mutex);
    m_events.clear();
}

} // namespace procession
