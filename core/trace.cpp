#include "trace.h"

#include <QMutexLocker>

#include <algorithm>

namespace procession {

void Trace::append(const TraceEvent &event)
{
    QMutexLocker lock(&m_mutex);
    m_store.append(event);
}

void Trace::append(const TraceEvent *events, qsizetype count)
{
    QMutexLocker lock(&m_mutex);
    for (qsizetype i = 0; i < count; ++i)
        m_store.append(events[i]);
}

qsizetype Trace::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_store.size();
}

QList<TraceEvent> Trace::eventsFrom(qsizetype from, qsizetype max) const
{
    QMutexLocker lock(&m_mutex);
    return m_store.toList(from, max < 0 ? -1 : std::min(m_store.size(), from + max));
}

EventStore Trace::take()
{
    QMutexLocker lock(&m_mutex);
    EventStore out = std::move(m_store);
    m_store = EventStore();
    return out;
}

qsizetype Trace::memoryBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_store.memoryBytes();
}

void Trace::clear()
{
    QMutexLocker lock(&m_mutex);
    m_store.clear();
}

} // namespace procession
