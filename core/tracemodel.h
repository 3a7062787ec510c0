#pragma once

#include "traceevent.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace procession {

// What a trace's events add up to: lanes, calls, awaits, printed lines, phases and
// the figures a person asks for first (wall time, work, speedup, overhead). Built
// incrementally with apply(), so the GUI can feed it events as they arrive.
// Times are absolute ns; subtract t0() for times from the run's start. -1 = not yet.

struct CallRecord
{
    qint64 id = -1;
    int lane = 0;
    qint64 pid = 0;
    QString function;
    QString args; // display text of the arguments, e.g. `1, "Chess"`
    qint64 dispatch = -1;
    qint64 begin = -1;
    qint64 end = -1;
    qint64 result = -1;
    qint64 cpuNs = -1;
    qint64 waitNs = 0; // ready to run but without a CPU (more busy workers than cores)
    // When the worker was free to start this call: its dispatch, or the end of the call
    // before it on the same worker, whichever is later. begin - free is the real cost of
    // getting the call there; time spent queued behind other work is not overhead.
    qint64 free = -1;
    // From when the result waited for the parent to read it: the call's end, or the moment
    // the parent read the result before it from the same worker, whichever is later. A
    // burst of results read at once waited once, not once per result.
    qint64 unread = -1;
    int phase = -1; // index into TraceModel::phases() when the call was made; -1 before any
    bool finished = false;
    bool ok = false;
    QString value; // display text of the result
    QString errorKind;
    QString error;

    QString label() const { return function + QLatin1Char('(') + args + QLatin1Char(')'); }
    bool inProcess() const { return lane == 0; }
};

struct LaneRecord
{
    int lane = 0;
    QString name; // "main", "worker 2"
    qint64 pid = 0;
    qint64 fork = -1;
    qint64 ready = -1;
    qint64 join = -1;
    qint64 exit = -1;
    int exitCode = 0;
    bool crashed = false;      // ended badly: a crash, an unexpected exit, or no start
    bool neverStarted = false; // ... because it could not start (the Crash event's detail
                               // is "start"): no process, or the system gave it no thread
    QString reason;            // sentence for a crash
    int phase = -1;          // index into TraceModel::phases() when it was forked
    qint64 lastCallEnd = -1; // end of the latest finished call on this lane
    qint64 lastResult = -1;  // when the parent read this lane's latest result
};

struct AwaitSpan
{
    qint64 call = -1;
    qint64 begin = -1;
    qint64 end = -1;
};

struct OutputLine
{
    qint64 t = 0;
    int lane = 0;
    QString text;
};

struct PhaseRecord
{
    QString name;
    qint64 begin = -1;
    qint64 end = -1;
};

struct StepMark
{
    int index = -1; // index into Scenario::steps
    qint64 t = -1;
};

} // namespace procession

// Records hold QStrings, which move by memcpy: so can they. A run's QList<CallRecord> grows
// to a million entries, and growing it by moving each one stalled the window for 50 ms.
Q_DECLARE_TYPEINFO(procession::CallRecord, Q_RELOCATABLE_TYPE);
Q_DECLARE_TYPEINFO(procession::LaneRecord, Q_RELOCATABLE_TYPE);
Q_DECLARE_TYPEINFO(procession::AwaitSpan, Q_PRIMITIVE_TYPE);
Q_DECLARE_TYPEINFO(procession::OutputLine, Q_RELOCATABLE_TYPE);

namespace procession {

// What a run, or one phase of it, adds up to at one instant. Work is the time calls really
// ran: begin -> end, or begin -> the instant for a call still running. A call queued behind
// another on its worker is not work. While a run is live a worker's begin stamp arrives with
// its result, so the call at the head of a worker's queue is taken to run from when that
// worker was free (its dispatch, the previous call's end, or the worker's hello).
struct RunSummary
{
    double wallS = 0;     // run (phase) begin -> end, or -> the instant asked for
    double workS = 0;     // sum of calls' begin -> end, less the time they waited for a CPU
    double speedup = 0;   // work / wall
    double cpuS = 0;      // CPU time the calls used; far below work when they sleep, and
                          // equal to it for CPU-bound calls that each had a core
    double startupS = 0;  // sum of fork -> ready over workers
    double dispatchS = 0; // sum of (dispatch, or previous call's end) -> begin over remote calls
    double returnS = 0;   // sum of unread -> result over remote calls: time a worker's results
                          // waited for the parent, each stretch counted once
    int calls = 0;
    int finishedCalls = 0;
    int failedCalls = 0;
    int workers = 0; // worker processes started (in this phase)
    int crashes = 0;  // workers that crashed or exited unasked
    int noStarts = 0; // workers that could not start

    double overheadS() const { return startupS + dispatchS + returnS; }
};

struct PhaseSummary
{
    QString name;
    qint64 begin = -1; // absolute ns
    qint64 end = -1;   // -1: still going
    RunSummary figures;
};

class TraceModel
{
public:
    void apply(const TraceEvent &event);
    void applyAll(const QList<TraceEvent> &events);
    void clear();

    qint64 t0() const { return m_t0; }
    qint64 lastT() const { return m_lastT; }
    bool running() const { return m_t0 >= 0 && m_runEnd < 0; }
    bool finished() const { return m_runEnd >= 0; }
    int runExitCode() const { return m_runExitCode; }
    QString runMessage() const { return m_runMessage; }
    QString scenarioId() const { return m_scenarioId; }
    QString scenarioTitle() const { return m_scenarioTitle; }
    qsizetype eventCount() const { return m_eventCount; }

    // Sorted by lane number (sorted when asked after a lane came out of order).
    const QList<LaneRecord> &lanes() const;
    qsizetype laneCount() const { return m_lanes.size(); } // without sorting
    const QList<CallRecord> &calls() const { return m_calls; } // in dispatch order
    const QList<AwaitSpan> &awaits() const { return m_awaits; }
    const QList<OutputLine> &outputs() const { return m_outputs; }
    const QList<PhaseRecord> &phases() const { return m_phases; }
    const QList<StepMark> &steps() const { return m_steps; }
    // The scenario step being played at time t (-1 before the first).
    int stepAt(qint64 t) const;
    const QList<TraceEvent> &rejected() const { return m_rejected; }

    const CallRecord *call(qint64 id) const;
    qsizetype callIndex(qint64 id) const; // into calls(), or -1
    const LaneRecord *lane(int lane) const;
    // The n-th call sent to a worker lane whose end is not known yet, in dispatch order, or
    // -1: n = 0 is the call it is running (its begin arrives with its result), the others
    // wait behind it.
    qsizetype queuedCall(int lane, qsizetype n = 0) const;

    // The figures at instant `at` (absolute ns): while a run is live, at = now; in a replay,
    // at = the playhead, and the figures are those of the trace cut at that instant. -1: the
    // run's end (or its latest event while live).
    RunSummary summary(qint64 at = -1) const;
    // The same figures for each phase: calls belong to the phase in which they were made,
    // workers to the phase in which they were forked.
    QList<PhaseSummary> phaseSummaries(qint64 at = -1) const;
    int phaseIndex(const QString &name) const; // -1 if no phase has that name

private:
    // What the calls add up to in a summary, kept current as events arrive: the window asks
    // for a summary on every frame, and walking 100,000 calls for it took most of a frame.
    struct CallTotals
    {
        int finished = 0;
        int failed = 0;
        qint64 cpuNs = 0;
        qint64 workNs = 0; // calls whose end (or result) is known; open calls are added live
        qint64 dispatchNs = 0;
        qint64 returnNs = 0;
    };

    CallRecord *callFor(qint64 id, qsizetype *index);
    LaneRecord &laneFor(int lane);
    void noteRead(CallRecord *call); // sets call->unread, when its result has just been read
    // Takes call's share out of (sign -1) or into (+1) the totals.
    void account(const CallRecord &call, int sign);
    qint64 instant(qint64 at) const;
    // The walk over every call behind summary() and phaseSummaries(); `phases` may be null.
    RunSummary walk(qint64 at, QList<PhaseSummary> *phases) const;
    void addLanes(qint64 at, RunSummary *run, QList<PhaseSummary> *phases) const;

    qint64 m_t0 = -1;
    qint64 m_lastT = -1;
    qint64 m_runEnd = -1;
    int m_runExitCode = 0;
    QString m_runMessage;
    QString m_scenarioId;
    QString m_scenarioTitle;
    qsizetype m_eventCount = 0;
    void sortLanes() const;
    // Appended as lanes appear; sorted by number when lanes() is asked. A lane that came
    // before those already there used to be inserted in place and every index after it
    // renumbered: 100,000 lanes in falling order took 29.5 s.
    mutable QList<LaneRecord> m_lanes;
    mutable QHash<int, qsizetype> m_laneIndex; // lane number -> index into m_lanes
    mutable bool m_lanesUnsorted = false;
    QList<CallRecord> m_calls;
    QHash<qint64, qsizetype> m_callIndex;
    CallTotals m_totals;
    QSet<qsizetype> m_openCalls; // begun, not ended, not finished: their work grows with time
    // Per worker lane, the calls sent to it whose end is not known yet, in dispatch order:
    // the first one is running (its begin arrives with its result), the others are queued.
    QHash<int, QList<qsizetype>> m_unended;
    QList<AwaitSpan> m_awaits;
    QHash<qint64, qsizetype> m_openAwaits;
    QList<OutputLine> m_outputs;
    QList<PhaseRecord> m_phases;
    QList<StepMark> m_steps;
    QList<TraceEvent> m_rejected;
};

} // namespace procession
