#pragma once

#include "eventstore.h"
#include "traceevent.h"

#include <QList>
#include <QMutex>

namespace procession {

// The append-only event log of a run, kept compact in an EventStore. Thread-safe: the
// runner appends from its thread while the GUI takes what is new from another.
class Trace
{
public:
    Trace() = default;
    Trace(const Trace &) = delete;
    Trace &operator=(const Trace &) = delete;

    void append(const TraceEvent &event);
    // Several events under one lock (a call's begin, end and result arrive together).
    void append(const TraceEvent *events, qsizetype count);

    qsizetype size() const;
    // Copies the events from index `from` on (at most `max` of them, if max >= 0).
    QList<TraceEvent> eventsFrom(qsizetype from, qsizetype max = -1) const;
    QList<TraceEvent> events() const { return eventsFrom(0); }
    // Hands over everything appended so far and starts empty: the one copy of the run moves
    // to whoever keeps it (the report and the trace writer, or the window's model).
    EventStore take();
    qsizetype memoryBytes() const;
    void clear();

private:
    mutable QMutex m_mutex;
    EventStore m_store;
};

} // namespace procession
