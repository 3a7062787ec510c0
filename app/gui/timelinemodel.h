#pragma once

#include "comparison.h"
#include "eventstore.h"
#include "parallelism.h"
#include "tracemodel.h"

#include <QHash>
#include <QList>
#include <QMultiHash>

#include <atomic>
#include <functional>

namespace procession::gui {

// Everything the timeline draws, in ns from the run's start, built from a TraceModel:
// per lane the sorted spans (start-up, calls, awaits), the arrows between lanes and the
// point markers. No widgets here: the view paints it, tests count it.
//
// A live run feeds it events as they arrive. Each event changes only what its call or its
// lane shows, so append() takes out what those showed and puts in what they show now,
// merged into the sorted lists where they belong (near their ends, for a live run): a poll
// costs what arrived, not what came before. A few rare changes reshape the whole picture
// (a lane that comes before lanes already there, a run start that moves) and build it again.

struct Span
{
    enum class Kind : quint8
    {
        Startup, // fork -> ready, hatched
        Call,    // begin -> end as the worker stamped it
        Flight,  // the call a worker is running; begin not known yet (drawn lighter up to
                 // the playhead). Calls queued behind it have no span until they run.
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
    bool neverStarted = false; // crashed because it could not start
    QString reason;
    qsizetype running = -1;  // the call the worker runs now (index into calls), -1 none
    qint64 lastCallEnd = -1; // the end of its latest finished call
    QList<Span> spans;       // start-up and calls, sorted by start (then call)
    QList<qint64> spanMaxEnd;
    QList<Span> awaits; // main lane only, sorted by start
    QList<qint64> awaitMaxEnd;
};

} // namespace procession::gui

Q_DECLARE_TYPEINFO(procession::gui::Span, Q_PRIMITIVE_TYPE);
Q_DECLARE_TYPEINFO(procession::gui::Arrow, Q_PRIMITIVE_TYPE);
Q_DECLARE_TYPEINFO(procession::gui::Marker, Q_PRIMITIVE_TYPE);
Q_DECLARE_TYPEINFO(procession::gui::TimelineLane, Q_RELOCATABLE_TYPE);

namespace procession::gui {

class TimelineModel
{
public:
    void clear();
    // Adds events (as they arrive from a live run, or all at once from a file).
    void append(const QList<TraceEvent> &events);
    void setEvents(const QList<TraceEvent> &events);
    // A saved run's whole picture at once, from its events, which the model keeps (the one
    // copy: the saver streams them from here). Made for a thread of its own: progress(done,
    // total) now and then, and when *cancel turns true it stops, empties the model and
    // returns false.
    using Progress = std::function<void(qint64 done, qint64 total)>;
    bool build(EventStore &&events, const std::atomic<bool> *cancel = nullptr,
               const Progress &progress = {});

    // The run's events, kept once (the saver streams them from here).
    const EventStore &store() const { return m_store; }
    QList<TraceEvent> events() const { return m_store.toList(); } // a copy, for tests
    const TraceModel &trace() const { return m_trace; }
    bool isEmpty() const { return m_store.isEmpty(); }

    const QList<TimelineLane> &lanes() const { return m_lanes; }
    // Arrows from the main lane to a worker (dispatch -> begin) and back (end -> result), each
    // list sorted by tail time, then call. Kept apart because a result's tail (the worker's
    // end stamp) reaches the parent late: a burst of dispatches may lie after it.
    const QList<Arrow> &dispatchArrows() const { return m_dispatchArrows; }
    const QList<Arrow> &returnArrows() const { return m_returnArrows; }
    QList<Arrow> arrows() const; // both, sorted by tail time (a copy, for tests)
    const QList<Marker> &markers() const { return m_markers; } // sorted by time
    // The markers of the lanes (join, exit, crash) without the calls' dispatch marks, sorted
    // by time: a few per worker, found without walking a run's dispatch marks.
    QList<Marker> laneMarkers() const;
    // The longest arrow (head - tail): how far before a view an arrow into it may start.
    qint64 maxArrowLength() const { return m_maxArrowLength; }
    const CallRecord &callAt(qsizetype index) const { return m_trace.calls().at(index); }

    qint64 t0() const { return m_trace.t0(); }
    qint64 relative(qint64 absNs) const { return absNs < 0 ? -1 : absNs - m_trace.t0(); }
    // From the run's first to its last event so far.
    qint64 duration() const;
    // Rows (indices into lanes()) that exist at time t: a worker appears at its fork.
    QList<int> rowsAt(qint64 t) const;
    int rowOfLane(int lane) const;

    // Times of every event worth stepping to, sorted, each once (a copy, for tests);
    // next/previous relative to t.
    QList<qint64> eventTimes() const;
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

    // How many workers ran a call at each moment (the parallelism strip). A saved run's is
    // worked out once by build(), on the thread that builds it; a live run's on asking.
    ParallelismProfile busyProfile() const;

    // The newest moment (ns from the start) up to which every row is known: a worker whose
    // current call has no end yet is known up to where that call is drawn from (when it was
    // free for it: it may have run many calls since, their events still on their way), else
    // the newest event. A live window that is behind the run stops its playhead here.
    qint64 knownUntil() const;

    // How often the picture was built again from all the events (each setEvents(), and the
    // rare change that reshapes it); a live run's appends do not.
    int rebuildCount() const { return m_rebuilds; }

private:
    struct CallPicture;
    struct LanePicture;
    struct Batch;
    CallPicture callPicture(qsizetype index) const;
    LanePicture lanePicture(int row) const;
    Span awaitSpan(qsizetype index) const;
    TimelineLane laneRow(const LaneRecord &record) const;
    bool rebuild(const std::atomic<bool> *cancel = nullptr); // false: cancelled
    void rebuildTimes();
    void note(const TraceEvent &event, Batch *batch); // before the event is applied
    void touchLane(int lane, Batch *batch);
    void touchCall(qsizetype index, Batch *batch);
    bool flush(Batch *batch);                   // false: rebuild instead
    int stampRow(const CallRecord &call) const; // whose times list its begin and end join
    void addTimes(QList<qint64> &times, QList<qint64> &added);

    EventStore m_store;
    TraceModel m_trace;
    QList<TimelineLane> m_lanes;
    QList<Arrow> m_dispatchArrows;
    QList<Arrow> m_returnArrows;
    QList<Marker> m_markers;
    // Times worth stepping to, sorted, each once: the ones the parent stamped (they come in
    // the order it stamped them), and per row the begin and end its worker stamped (they
    // reach the parent later). Each list grows at its end; the duration is added on reading.
    QList<qint64> m_times;
    QList<QList<qint64>> m_workerTimes;
    qint64 m_maxArrowLength = 0;
    QList<PhaseSummary> m_phaseFigures;
    QString m_lessonFrom;
    QString m_lessonTo;
    PhaseComparison m_lesson;

    // What append() needs to change the picture in place.
    QHash<int, int> m_rowOf;                  // lane number -> row
    QList<qsizetype> m_lost;                  // per row: calls lost before they began
    qsizetype m_orphans = 0;                  // calls sent to a lane that has no row yet
    QMultiHash<qint64, qsizetype> m_awaitsOf; // call id -> indices into trace().awaits()
    qsizetype m_outputsSeen = 0;
    qsizetype m_stepsSeen = 0;
    qint64 m_t0Seen = -1;
    int m_rebuilds = 0;
    ParallelismProfile m_busy; // valid when m_busyKnown
    bool m_busyKnown = false;
};

} // namespace procession::gui
