#pragma once

#include "traceevent.h"

#include <QList>
#include <QMutex>

namespace procession {

// The append-only event log of a run. Thread-safe: the runner appends from its
// thread while the GUI reads what is new from another.
class Trace
{
public:
    Trace() = default;
    Trace(const Trace &) = delete;
    Trace &operator=(const Trace &) = delete;

    void append(const TraceEvent &event);
    void append(TraceEvent &&event);
    // Several events under one lock (a call's begin, end and result arrive together).
    void append(TraceEvent *events, qsizetype count);

    qsizetype size() const;
    // Copies the events from index `from` on; cheap to call repeatedly with a growing cursor.
    QList<TraceEvent> eventsFrom(qsizetype from) const;
    QList<TraceEvent> events() const { return eventsFrom(0); }
    void clear();

private:
    mutable QMutex m_mutex;
    QList<TraceEvent> m_events;
};

} // namespace procession
