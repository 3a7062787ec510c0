#pragma once

#include "parallelism.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <vector>

namespace procession {

// A Chrome Trace Event file (any producer: Ray, VizTracer, Chrome, Perfetto JSON, Procession)
// laid out for drawing: processes, each with its lanes (one per thread, plus one row set
// for async spans), slices in depth rows, instants, flows bound to slices, counter tracks.
// Compact: a slice is 32 bytes, names are interned, args are kept as clipped JSON text in
// one arena. Built by ChromeTimelineBuilder; times are absolute ns as in the file.

enum class LaneKind : quint8
{
    Thread,
    Async, // the process's async spans (b/e, S/F) packed into rows
};

struct TraceSlice
{
    enum Flag : quint8
    {
        Unfinished = 1, // a B without its E (or an async begin without its end): runs to the end
        Async = 2,
    };
    qint64 begin = 0;
    qint64 end = 0;
    quint32 name = 0; // ChromeTimeline::string()
    quint32 args = 0; // ChromeTimeline::args(), 0 = none
    qint32 lane = 0;
    quint16 depth = 0;
    quint8 flags = 0;
    char ph = 'X'; // X, B, b or S
};
static_assert(sizeof(TraceSlice) == 32, "a slice stays 32 bytes");

struct TraceInstant
{
    enum class Scope : quint8
    {
        Thread,
        Process,
        Global,
    };
    qint64 t = 0;
    quint32 name = 0;
    quint32 args = 0;
    qint32 lane = -1;    // Thread scope (and async instants: the async lane)
    qint32 process = -1; // Thread and Process scope
    Scope scope = Scope::Thread;
};

// An arrow from one point to another; each end is bound to a slice when one was found.
struct TraceFlow
{
    qint64 fromT = 0;
    qint64 toT = 0;
    qint32 fromLane = -1;
    qint32 toLane = -1;
    qint32 fromSlice = -1; // index into slices(), or -1
    qint32 toSlice = -1;
    quint32 name = 0;
};

struct TraceLane
{
    qint32 process = -1;
    LaneKind kind = LaneKind::Thread;
    QString tid;  // as written
    QString name; // thread_name, or empty
    qint64 sortIndex = 0;
    bool hasSortIndex = false;
    int firstSeen = 0;
    int rows = 0;        // depth rows in use
    qint64 busyNs = 0;   // time covered by its top-level slices
    qsizetype first = 0; // its slices: [first, first + count) of slices(), by (depth, begin)
    qsizetype count = 0;
    QList<qsizetype> rowFirst; // rows + 1 entries: slices of row d are [rowFirst[d], rowFirst[d+1])

    QString label() const;
};

struct CounterTrack
{
    qint32 process = -1;
    QString name; // "name" or "name.series"
    QList<qint64> t;
    QList<double> value;
    double min = 0;
    double max = 0;
};

struct TraceProcess
{
    QString pid;  // as written
    QString name; // process_name, or empty
    qint64 sortIndex = 0;
    bool hasSortIndex = false;
    int firstSeen = 0;
    qint32 asyncLane = -1;
    QList<qint32> lanes;    // in display order (the async lane first)
    QList<qint32> counters; // indexes into counters()

    QString label() const;
};

class ChromeTimeline
{
public:
    const QList<TraceProcess> &processes() const { return m_processes; }
    const QList<TraceLane> &lanes() const { return m_lanes; }
    // Processes in display order (sort index, then pid), each process's lanes in order.
    const QList<qint32> &processOrder() const { return m_processOrder; }
    const std::vector<TraceSlice> &slices() const { return m_slices; }
    const QList<TraceInstant> &instants() const { return m_instants; }
    const QList<TraceFlow> &flows() const { return m_flows; }
    const QList<CounterTrack> &counters() const { return m_counters; }

    QString string(quint32 id) const
    {
        return id < quint32(m_strings.size()) ? m_strings.at(id) : QString();
    }
    // The args of a slice or instant as JSON text (clipped past ArgsLimit bytes).
    QByteArray args(quint32 id) const;
    static constexpr int ArgsLimit = 4096;

    qint64 start() const { return m_start; }
    qint64 end() const { return m_end; }
    qint64 events() const { return m_events; }
    qint64 metadata() const { return m_metadata; }
    qint64 unmatchedEnds() const { return m_unmatchedEnds; }
    qint64 unfinished() const { return m_unfinished; }
    qint64 unboundFlowEnds() const { return m_unboundFlowEnds; }
    qint64 counterSamples() const { return m_counterSamples; }
    qint64 threadLanes() const;
    // Phases that are not drawn, by phase ("O", "D", ..., "(no ph)", "(no ts)") and count.
    const QMap<QString, qint64> &skipped() const { return m_skipped; }
    bool hasContent() const;

    const ParallelismProfile &parallelism() const { return m_parallelism; }
    // The deepest slice on a lane that covers t, or -1.
    qint32 sliceAt(qint32 lane, qint64 t) const;
    // The first slice on a lane that begins at or after t, or -1.
    qint32 nextSlice(qint32 lane, qint64 t) const;
    std::size_t memoryBytes() const;

private:
    friend class ChromeTimelineBuilder;

    QList<TraceProcess> m_processes;
    QList<TraceLane> m_lanes;
    QList<qint32> m_processOrder;
    std::vector<TraceSlice> m_slices;
    QList<TraceInstant> m_instants;
    QList<TraceFlow> m_flows;
    QList<CounterTrack> m_counters;
    QList<QString> m_strings;
    QByteArray m_args; // [u16 length][bytes] records; offset 0 is "none"
    QMap<QString, qint64> m_skipped;
    ParallelismProfile m_parallelism;
    qint64 m_start = 0;
    qint64 m_end = 0;
    qint64 m_events = 0;
    qint64 m_metadata = 0;
    qint64 m_unmatchedEnds = 0;
    qint64 m_unfinished = 0;
    qint64 m_unboundFlowEnds = 0;
    qint64 m_counterSamples = 0;
};

} // namespace procession
