#pragma once

#include "comparison.h"
#include "eventstore.h"
#include "tracemodel.h"

#include <QList>

namespace procession::gui {

// Everything the timeline draws, in ns from the run's start, built from a TraceModel:
// per lane the sorted spans (start-up, calls, awaits), the arrows between lanes and the
// point markers. No widgets here: the view paints it, tests count it.

struct Span
{
    enum class Kind : quint8
    {
        Startup, // fork -> ready, hatched
        Call,    // begin -> end as the worker stamped it
        Flight,  // dispatched, begin not known yet (drawn lighter up to the playhead)
        Await,   // main lane: waiting for a result
    };
    qint64 start = 0;
    qint64 end = -1;     // -1: still open
    qsizetype call = -1; // index into TraceModel::calls()
    Kind kind = Kind::Call;
    bool failed = false;
};

struct Arrow
{
    enum class Kind : quint8
    {
        Dispatch,
        Return
    };
    Kind kind = Kind::Dispatch;
    qint64 from = 0; // time at the tail
    qint64 to = -1;  // time at the head; -1: not known yet
    int fromRow = 0; // lane index (row) at the tail and head
    int toRow = 0;
    qsizetype call = -1;
    bool failed = false;
};

struct Marker
{
    enum class Kind : quint8
    {
        Dispatch,
        Join,
        Exit,
        Crash
    };
    Kind kind = Kind::Dispatch;
    qint64 t = 0;
    int row = 0;
    qsizetype call = -1;
};

struct TimelineLane
{
    int lane = 0; // 0 main, n worker n
    QString name;
    qint64 pid = 0;
    qint64 fork = -1; // ns from start; -1 unknown
    qint64 ready = -1;
    qint64 join = -1;
    qint64 exit = -1;
    int exitCode = 0;
    bool crashed = false;
    QString reason;
    QList<Span> spans; // start-up and calls, sorted by start
    QList<qint64> spanMaxEnd;
    QList<Span> awaits; // main lane only
    QList<qint64> awaitMaxEnd;
};

class TimelineModel
{
public:
    void clear();
    // Adds events (as they arrive from a live run, or all at once from a file).
    void append(const QList<TraceEvent> &events);
    void setEvents(const QList<TraceEvent> &events);

    // The run's events, kept once (the saver streams them from here).
    const EventStore &store() const { return m_store; }
    QList<TraceEvent> events() const { return m_store.toList(); } // a copy, for tests
    const TraceModel &trace() const { return m_trace; }
    bool isEmpty() const { return m_store.isEmpty(); }

    const QList<TimelineLane> &lanes() const { return m_lanes; }
    const QList<Arrow> &arrows() const { return m_arrows; }    // sorted by tail time
    const QList<Marker> &markers() const { return m_markers; } // sorted by time
    const CallRecord &callAt(qsizetype index) const { return m_trace.calls().at(index); }

    qint64 t0() const { return m_trace.t0(); }
    qint64 relative(qint64 absNs) const { return absNs < 0 ? -1 : absNs - m_trace.t0(); }
    // From the run's first to its last event so far.
    qint64 duration() const;
    // Rows (indices into lanes()) that exist at time t: a worker appears at its fork.
    QList<int> rowsAt(qint64 t) const;
    int rowOfLane(int lane) const;

    // Times of every event worth stepping to, sorted; next/previous relative to t.
    const QList<qint64> &eventTimes() const { return m_eventTimes; }
    qint64 nextEventAfter(qint64 t) const;  // -1 if none
    qint64 prevEventBefore(qint64 t) const; // -1 if none

    // Each phase's figures (wall, work, CPU, speedup, overhead), worked out when a phase ends:
    // a phase's calls are all answered by then, so its figures no longer change.
    const QList<PhaseSummary> &phaseFigures() const { return m_phaseFigures; }
    // The scenario's two phases to compare ("compare" in its file); the comparison is
    // worked out once both have ended.
    void setLessonPhases(const QString &from, const QString &to);
    const PhaseComparison &lesson() const { return m_lesson; }
    // The phase running at t (ns from the start), or -1.
    int phaseAt(qint64 t) const;

    int countCalls(const QString &function = QString()) const;
    int countSpans(Span::Kind kind) const;
    int countArrows(Arrow::Kind kind) const;
    int countMarkers(Marker::Kind kind) const;

private:
    void rebuild();

    EventStore m_store;
    TraceModel m_trace;
    QList<TimelineLane> m_lanes;
    QList<Arrow> m_arrows;
    QList<Marker> m_markers;
    QList<qint64> m_eventTimes;
    QList<PhaseSummary> m_phaseFigures;
    QString m_lessonFrom;
    QString m_lessonTo;
    PhaseComparison m_lesson;
};

} // namespace procession::gui
