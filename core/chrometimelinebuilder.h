#pragma once

#include "chrometimeline.h"
#include "tracereader.h"

#include <QHash>

#include <deque>
#include <string>
#include <unordered_map>

namespace procession {

// Fills a ChromeTimeline from the reader's events: pairs B/E and async begins/ends, keeps
// the names and sort indexes of processes and threads, counts what it does not draw.
// finish() then places slices in depth rows, binds flows to slices and measures busy time.
class ChromeTimelineBuilder : public TraceReaderSink
{
public:
    void chromeEvent(const ChromeEvent &e) override;
    // Ends the trace: open slices run to its end. The builder is empty afterwards.
    ChromeTimeline finish();

private:
    struct FlowStep
    {
        qint64 t = 0;
        qint32 lane = -1;
        qint32 order = 0;
        char ph = 's';
        bool enclosing = false;
        quint32 name = 0;
    };
    struct BoundStep // a flow (v2) end that is a slice itself
    {
        qint64 t = 0;
        qint32 slice = -1; // index before sorting
        bool in = false;
        bool out = false;
    };

    qint32 processFor(std::string_view pid);
    qint32 laneFor(std::string_view pid, std::string_view tid);
    qint32 asyncLaneFor(qint32 process);
    quint32 intern(std::string_view s);
    quint32 keepArgs(std::string_view json);
    void see(qint64 t);
    void skip(const QString &what);
    void asyncBegin(const ChromeEvent &e, char kind);
    void asyncEnd(const ChromeEvent &e, char kind);
    void counter(const ChromeEvent &e);
    void metadata(const ChromeEvent &e);
    void flowBinding(const ChromeEvent &e, qint32 slice);

    void placeSlices(QList<qsizetype> *newIndex);
    void bindFlows(const QList<qsizetype> &newIndex);
    void orderLanes();
    void measure();

    ChromeTimeline m_t;
    // Looked up with the reader's views, no copy: the keys live in m_keys.
    using Index = std::unordered_map<std::string_view, qint32>;
    std::string_view keep(std::string_view s);
    std::deque<std::string> m_keys;
    Index m_processIndex;
    QList<Index> m_threadIndex; // per process: tid -> lane
    Index m_stringIndex;
    std::string m_lastPid, m_lastTid; // the lane looked up last (events come in runs)
    qint32 m_lastLane = -1;
    QList<QList<qint32>> m_open;                      // per lane: open B slices
    QHash<QByteArray, QList<qint32>> m_openAsync;     // process, cat, id: open async slices
    QHash<QByteArray, QList<FlowStep>> m_flowSteps;   // cat + id: v1 steps
    QHash<QByteArray, QList<BoundStep>> m_boundSteps; // bind_id: v2 ends
    QHash<QByteArray, qint32> m_counterIndex;
    qint64 m_min = std::numeric_limits<qint64>::max();
    qint64 m_max = std::numeric_limits<qint64>::min();
    qint32 m_order = 0;
};

} // namespace procession
