#include "chrometimelinebuilder.h"

#include <algorithm>
#include <cstring>

namespace procession {

namespace {

QByteArray raw(std::string_view s)
{
    return QByteArray::fromRawData(s.data(), qsizetype(s.size()));
}

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QByteArray key3(qint32 process, std::string_view a, std::string_view b)
{
    QByteArray k;
    k.reserve(qsizetype(8 + a.size() + b.size()));
    k.append(reinterpret_cast<const char *>(&process), sizeof process);
    k.append(a.data(), qsizetype(a.size()));
    k.append('\0');
    k.append(b.data(), qsizetype(b.size()));
    return k;
}

// pid/tid order: numbers as numbers, then text.
bool idLess(const QString &a, const QString &b)
{
    bool okA = false, okB = false;
    const double na = a.toDouble(&okA), nb = b.toDouble(&okB);
    if (okA != okB)
        return okA;
    if (okA && na != nb)
        return na < nb;
    return a < b;
}

} // namespace

void ChromeTimelineBuilder::see(qint64 t)
{
    m_min = std::min(m_min, t);
    m_max = std::max(m_max, t);
}

void ChromeTimelineBuilder::skip(const QString &what)
{
    ++m_t.m_skipped[what];
}

std::string_view ChromeTimelineBuilder::keep(std::string_view s)
{
    m_keys.emplace_back(s);
    return m_keys.back();
}

quint32 ChromeTimelineBuilder::intern(std::string_view s)
{
    const auto it = m_stringIndex.find(s);
    if (it != m_stringIndex.end())
        return quint32(it->second);
    const quint32 id = quint32(m_t.m_strings.size());
    m_t.m_strings.append(text(s));
    m_stringIndex.emplace(keep(s), qint32(id));
    return id;
}

quint32 ChromeTimelineBuilder::keepArgs(std::string_view json)
{
    if (json.empty() || json == "{}")
        return 0;
    if (m_t.m_args.isEmpty())
        m_t.m_args.append('\0'); // offset 0 means "no args"
    const qsizetype at = m_t.m_args.size();
    if (at > qsizetype(std::numeric_limits<quint32>::max() - ChromeTimeline::ArgsLimit - 2))
        return 0; // past 4 GiB of args text: the rest are not kept
    const quint16 n = quint16(std::min<std::size_t>(json.size(), ChromeTimeline::ArgsLimit));
    m_t.m_args.append(reinterpret_cast<const char *>(&n), sizeof n);
    m_t.m_args.append(json.data(), n);
    return quint32(at);
}

qint32 ChromeTimelineBuilder::processFor(std::string_view pid)
{
    const auto it = m_processIndex.find(pid);
    if (it != m_processIndex.end())
        return it->second;
    TraceProcess p;
    p.pid = text(pid);
    p.firstSeen = m_order++;
    const qint32 index = qint32(m_t.m_processes.size());
    m_t.m_processes.append(p);
    m_threadIndex.append(Index());
    m_processIndex.emplace(keep(pid), index);
    return index;
}

qint32 ChromeTimelineBuilder::laneFor(std::string_view pid, std::string_view tid)
{
    if (m_lastLane >= 0 && m_lastPid == pid && m_lastTid == tid)
        return m_lastLane;
    const qint32 process = processFor(pid);
    Index &threads = m_threadIndex[process];
    qint32 lane = -1;
    const auto it = threads.find(tid);
    if (it != threads.end()) {
        lane = it->second;
    } else {
        TraceLane l;
        l.process = process;
        l.tid = text(tid);
        l.firstSeen = m_order++;
        lane = qint32(m_t.m_lanes.size());
        m_t.m_lanes.append(l);
        m_t.m_processes[process].lanes.append(lane);
        m_open.append(QList<qint32>());
        threads.emplace(keep(tid), lane);
    }
    m_lastPid.assign(pid);
    m_lastTid.assign(tid);
    m_lastLane = lane;
    return lane;
}

qint32 ChromeTimelineBuilder::asyncLaneFor(qint32 process)
{
    TraceProcess &p = m_t.m_processes[process];
    if (p.asyncLane >= 0)
        return p.asyncLane;
    TraceLane l;
    l.process = process;
    l.kind = LaneKind::Async;
    l.name = QStringLiteral("async");
    l.firstSeen = -1;
    p.asyncLane = qint32(m_t.m_lanes.size());
    m_t.m_lanes.append(l);
    p.lanes.append(p.asyncLane);
    m_open.append(QList<qint32>());
    return p.asyncLane;
}

void ChromeTimelineBuilder::chromeEvent(const ChromeEvent &e)
{
    ++m_t.m_events;
    if (e.ph == 'M') {
        metadata(e);
        return;
    }
    if (e.ph == 0) {
        skip(QStringLiteral("(no ph)"));
        return;
    }
    if (!e.hasTs) {
        skip(QStringLiteral("(no ts)"));
        return;
    }
    switch (e.ph) {
    case 'X': {
        const qint32 lane = laneFor(e.pid, e.tid);
        TraceSlice s;
        s.begin = e.ts;
        s.end = e.ts + std::max<qint64>(0, e.dur);
        s.name = intern(e.name);
        s.args = keepArgs(e.args);
        s.lane = lane;
        s.ph = 'X';
        see(s.begin);
        see(s.end);
        m_t.m_slices.push_back(s);
        flowBinding(e, qint32(m_t.m_slices.size() - 1));
        return;
    }
    case 'B': {
        const qint32 lane = laneFor(e.pid, e.tid);
        TraceSlice s;
        s.begin = s.end = e.ts;
        s.name = intern(e.name);
        s.args = keepArgs(e.args);
        s.lane = lane;
        s.ph = 'B';
        s.flags = TraceSlice::Unfinished; // until its E arrives
        see(e.ts);
        m_t.m_slices.push_back(s);
        m_open[lane].append(qint32(m_t.m_slices.size() - 1));
        flowBinding(e, qint32(m_t.m_slices.size() - 1));
        return;
    }
    case 'E': {
        const qint32 lane = laneFor(e.pid, e.tid);
        see(e.ts);
        if (m_open[lane].isEmpty()) {
            ++m_t.m_unmatchedEnds;
            return;
        }
        TraceSlice &s = m_t.m_slices[std::size_t(m_open[lane].takeLast())];
        s.end = std::max(s.begin, e.ts);
        s.flags &= quint8(~TraceSlice::Unfinished);
        if (!s.args && !e.args.empty())
            s.args = keepArgs(e.args);
        return;
    }
    case 'i':
    case 'I':
    case 'n': {
        TraceInstant in;
        in.t = e.ts;
        in.name = intern(e.name);
        in.args = keepArgs(e.args);
        if (e.ph == 'n') {
            in.process = processFor(e.pid);
            in.lane = asyncLaneFor(in.process);
        } else if (e.scope == "g") {
            in.scope = TraceInstant::Scope::Global;
        } else if (e.scope == "p") {
            in.scope = TraceInstant::Scope::Process;
            in.process = processFor(e.pid);
        } else {
            in.lane = laneFor(e.pid, e.tid);
            in.process = m_t.m_lanes.at(in.lane).process;
        }
        see(e.ts);
        m_t.m_instants.append(in);
        return;
    }
    case 'b':
    case 'S':
        asyncBegin(e, e.ph);
        return;
    case 'e':
    case 'F':
        asyncEnd(e, e.ph);
        return;
    case 'T':
    case 'p':
        see(e.ts); // a step inside an async span: the span is drawn, the step is not
        return;
    case 's':
    case 't':
    case 'f': {
        FlowStep step;
        step.t = e.ts;
        step.lane = laneFor(e.pid, e.tid);
        step.order = m_order++;
        step.ph = e.ph;
        step.enclosing = e.bindToEnclosing || e.ph == 's';
        step.name = intern(e.name);
        see(e.ts);
        m_flowSteps[raw(e.cat) + QByteArray(1, '\0') + raw(e.id)].append(step);
        return;
    }
    case 'C':
        counter(e);
        return;
    default:
        skip(QString(QLatin1Char(e.ph)));
        return;
    }
}

void ChromeTimelineBuilder::flowBinding(const ChromeEvent &e, qint32 slice)
{
    if (!e.flowIn && !e.flowOut)
        return;
    const std::string_view id = e.bindId.empty() ? e.id : e.bindId;
    if (id.empty())
        return;
    m_boundSteps[QByteArray(id.data(), qsizetype(id.size()))].append(
        {e.ts, slice, e.flowIn, e.flowOut});
}

void ChromeTimelineBuilder::asyncBegin(const ChromeEvent &e, char kind)
{
    const qint32 process = processFor(e.pid);
    const qint32 lane = asyncLaneFor(process);
    TraceSlice s;
    s.begin = s.end = e.ts;
    s.name = intern(e.name);
    s.args = keepArgs(e.args);
    s.lane = lane;
    s.ph = kind;
    s.flags = TraceSlice::Async | TraceSlice::Unfinished;
    see(e.ts);
    m_t.m_slices.push_back(s);
    m_openAsync[key3(process, e.cat, e.id) + kind].append(qint32(m_t.m_slices.size() - 1));
}

void ChromeTimelineBuilder::asyncEnd(const ChromeEvent &e, char kind)
{
    const qint32 process = processFor(e.pid);
    see(e.ts);
    const auto it = m_openAsync.find(key3(process, e.cat, e.id) + (kind == 'e' ? 'b' : 'S'));
    if (it == m_openAsync.end() || it->isEmpty()) {
        ++m_t.m_unmatchedEnds;
        return;
    }
    // The innermost open span of that name, else the innermost one.
    QList<qint32> &open = *it;
    qsizetype pick = open.size() - 1;
    if (!e.name.empty()) {
        const quint32 name = intern(e.name);
        for (qsizetype i = open.size() - 1; i >= 0; --i) {
            if (m_t.m_slices[std::size_t(open.at(i))].name == name) {
                pick = i;
                break;
            }
        }
    }
    TraceSlice &s = m_t.m_slices[std::size_t(open.takeAt(pick))];
    s.end = std::max(s.begin, e.ts);
    s.flags &= quint8(~TraceSlice::Unfinished);
}

void ChromeTimelineBuilder::counter(const ChromeEvent &e)
{
    const qint32 process = processFor(e.pid);
    see(e.ts);
    if (!e.counterValues || e.counterValues->isEmpty()) {
        skip(QStringLiteral("C (no numbers)"));
        return;
    }
    const bool single = e.counterValues->size() == 1;
    for (const auto &[series, value] : *e.counterValues) {
        const QByteArray key = key3(process, e.name, e.id) + '\0' + raw(series);
        qint32 index = m_counterIndex.value(key, -1);
        if (index < 0) {
            CounterTrack c;
            c.process = process;
            c.name = text(e.name);
            if (!e.id.empty())
                c.name += QLatin1Char('[') + text(e.id) + QLatin1Char(']');
            if (!single || series != "value")
                c.name += QLatin1Char('.') + text(series);
            c.min = c.max = value;
            index = qint32(m_t.m_counters.size());
            m_t.m_counters.append(c);
            m_t.m_processes[process].counters.append(index);
            m_counterIndex.insert(key, index);
        }
        CounterTrack &c = m_t.m_counters[index];
        c.t.append(e.ts);
        c.value.append(value);
        c.min = std::min(c.min, value);
        c.max = std::max(c.max, value);
        ++m_t.m_counterSamples;
    }
}

void ChromeTimelineBuilder::metadata(const ChromeEvent &e)
{
    ++m_t.m_metadata;
    if (e.name == "process_name" || e.name == "process_sort_index") {
        TraceProcess &p = m_t.m_processes[processFor(e.pid)];
        if (e.name == "process_name")
            p.name = text(e.metaName);
        else if (e.hasSortIndex) {
            p.sortIndex = e.sortIndex;
            p.hasSortIndex = true;
        }
    } else if (e.name == "thread_name" || e.name == "thread_sort_index") {
        TraceLane &l = m_t.m_lanes[laneFor(e.pid, e.tid)];
        if (e.name == "thread_name")
            l.name = text(e.metaName);
        else if (e.hasSortIndex) {
            l.sortIndex = e.sortIndex;
            l.hasSortIndex = true;
        }
    }
}

// Thread slices nest: sorted by begin (longer first), each goes one row below the slices
// still open at its begin. Async spans are packed into the first row free at their begin.
void ChromeTimelineBuilder::placeSlices(QList<qsizetype> *newIndex)
{
    std::vector<TraceSlice> &slices = m_t.m_slices;
    struct Key
    {
        qint64 begin;
        qint64 end;
        qint32 index;
        bool operator<(const Key &o) const
        {
            if (begin != o.begin)
                return begin < o.begin;
            if (end != o.end)
                return end > o.end; // the longer slice first: it encloses the other
            return index < o.index;
        }
    };
    std::vector<std::vector<Key>> byLane(std::size_t(m_t.m_lanes.size()));
    for (std::size_t i = 0; i < slices.size(); ++i)
        byLane[std::size_t(slices[i].lane)].push_back({slices[i].begin, slices[i].end, qint32(i)});
    std::vector<TraceSlice> sorted;
    sorted.reserve(slices.size());
    newIndex->resize(qsizetype(slices.size()));
    std::vector<qint64> ends; // thread: the open stack; async: each row's last end
    std::vector<qsizetype> rowCount;
    for (std::size_t lane = 0; lane < byLane.size(); ++lane) {
        std::vector<Key> &list = byLane[lane];
        TraceLane &l = m_t.m_lanes[qsizetype(lane)];
        if (!std::is_sorted(list.begin(), list.end()))
            std::sort(list.begin(), list.end());
        ends.clear();
        rowCount.clear();
        const bool async = l.kind == LaneKind::Async;
        for (const Key &k : list) {
            TraceSlice &s = slices[std::size_t(k.index)];
            std::size_t row = 0;
            if (async) {
                while (row < ends.size() && ends[row] > s.begin)
                    ++row;
                if (row == ends.size())
                    ends.push_back(s.end);
                else
                    ends[row] = s.end;
            } else {
                while (!ends.empty() && ends.back() <= s.begin)
                    ends.pop_back();
                row = ends.size();
                ends.push_back(s.end);
            }
            s.depth = quint16(std::min<std::size_t>(row, 0xffff));
            if (rowCount.size() <= s.depth)
                rowCount.resize(std::size_t(s.depth) + 1, 0);
            ++rowCount[s.depth];
        }
        // Rows one after another, each in begin order: a counting sort on depth.
        l.rows = int(rowCount.size());
        l.first = qsizetype(sorted.size());
        l.count = qsizetype(list.size());
        l.rowFirst.resize(l.rows + 1);
        qsizetype at = l.first;
        for (int row = 0; row < l.rows; ++row) {
            l.rowFirst[row] = at;
            at += rowCount[std::size_t(row)];
        }
        l.rowFirst[l.rows] = at;
        sorted.resize(std::size_t(at));
        QList<qsizetype> next = l.rowFirst;
        for (const Key &k : list) {
            const TraceSlice &s = slices[std::size_t(k.index)];
            const qsizetype to = next[s.depth]++;
            sorted[std::size_t(to)] = s;
            (*newIndex)[k.index] = to;
        }
        std::vector<Key>().swap(list);
    }
    slices.swap(sorted);
}

void ChromeTimelineBuilder::bindFlows(const QList<qsizetype> &newIndex)
{
    auto bind = [this](const FlowStep &s) -> qint32 {
        qint32 slice = -1;
        if (s.enclosing)
            slice = m_t.sliceAt(s.lane, s.t);
        if (slice < 0)
            slice = m_t.nextSlice(s.lane, s.t);
        if (slice < 0 && !s.enclosing)
            slice = m_t.sliceAt(s.lane, s.t);
        if (slice < 0)
            ++m_t.m_unboundFlowEnds;
        return slice;
    };
    for (auto it = m_flowSteps.begin(); it != m_flowSteps.end(); ++it) {
        QList<FlowStep> &steps = *it;
        std::sort(steps.begin(), steps.end(), [](const FlowStep &a, const FlowStep &b) {
            return a.t != b.t ? a.t < b.t : a.order < b.order;
        });
        // s starts a flow, t continues it, f ends it; a new s after f starts another.
        for (qsizetype i = 0; i + 1 < steps.size(); ++i) {
            const FlowStep &a = steps.at(i), &b = steps.at(i + 1);
            if (a.ph == 'f' || b.ph == 's')
                continue;
            TraceFlow f;
            f.fromT = a.t;
            f.toT = b.t;
            f.fromLane = a.lane;
            f.toLane = b.lane;
            f.fromSlice = bind(a);
            f.toSlice = bind(b);
            f.name = a.name;
            m_t.m_flows.append(f);
        }
    }
    for (auto it = m_boundSteps.begin(); it != m_boundSteps.end(); ++it) {
        QList<BoundStep> &steps = *it;
        std::stable_sort(steps.begin(), steps.end(),
                         [](const BoundStep &a, const BoundStep &b) { return a.t < b.t; });
        for (qsizetype i = 0; i + 1 < steps.size(); ++i) {
            if (!steps.at(i).out)
                continue;
            for (qsizetype j = i + 1; j < steps.size(); ++j) {
                if (!steps.at(j).in)
                    continue;
                const TraceSlice &from = m_t.m_slices[std::size_t(newIndex.at(steps.at(i).slice))];
                const TraceSlice &to = m_t.m_slices[std::size_t(newIndex.at(steps.at(j).slice))];
                TraceFlow f;
                f.fromSlice = qint32(newIndex.at(steps.at(i).slice));
                f.toSlice = qint32(newIndex.at(steps.at(j).slice));
                f.fromT = from.end;
                f.toT = to.begin;
                f.fromLane = from.lane;
                f.toLane = to.lane;
                f.name = from.name;
                m_t.m_flows.append(f);
                break;
            }
        }
    }
}

void ChromeTimelineBuilder::orderLanes()
{
    QList<TraceProcess> &ps = m_t.m_processes;
    m_t.m_processOrder.clear();
    for (qint32 i = 0; i < ps.size(); ++i)
        m_t.m_processOrder.append(i);
    std::stable_sort(m_t.m_processOrder.begin(), m_t.m_processOrder.end(),
                     [&ps](qint32 a, qint32 b) {
                         const TraceProcess &x = ps.at(a), &y = ps.at(b);
                         if (x.sortIndex != y.sortIndex)
                             return x.sortIndex < y.sortIndex;
                         return idLess(x.pid, y.pid);
                     });
    const QList<TraceLane> &lanes = m_t.m_lanes;
    for (TraceProcess &p : ps) {
        std::stable_sort(p.lanes.begin(), p.lanes.end(), [&lanes](qint32 a, qint32 b) {
            const TraceLane &x = lanes.at(a), &y = lanes.at(b);
            if ((x.kind == LaneKind::Async) != (y.kind == LaneKind::Async))
                return x.kind == LaneKind::Async;
            if (x.sortIndex != y.sortIndex)
                return x.sortIndex < y.sortIndex;
            return idLess(x.tid, y.tid);
        });
    }
}

void ChromeTimelineBuilder::measure()
{
    QList<QList<ParallelismProfile::Interval>> busy;
    for (TraceLane &l : m_t.m_lanes) {
        if (l.kind != LaneKind::Thread || l.rows == 0)
            continue;
        // Every row, not only the top one: slices that overlap without nesting (a
        // thread's overflow) keep the lane busy too.
        QList<ParallelismProfile::Interval> top;
        for (qsizetype i = l.first; i < l.first + l.count; ++i)
            top.append({m_t.m_slices[std::size_t(i)].begin, m_t.m_slices[std::size_t(i)].end});
        l.busyNs = ParallelismProfile::unionLength(top);
        busy.append(std::move(top));
    }
    m_t.m_parallelism = ParallelismProfile::fromLanes(busy, m_t.m_start, m_t.m_end);
}

ChromeTimeline ChromeTimelineBuilder::finish()
{
    if (m_min <= m_max) {
        m_t.m_start = m_min;
        m_t.m_end = m_max;
    }
    // What never ended runs to the end of the trace.
    for (TraceSlice &s : m_t.m_slices) {
        if (s.flags & TraceSlice::Unfinished) {
            s.end = std::max(s.begin, m_t.m_end);
            ++m_t.m_unfinished;
        }
    }
    QList<qsizetype> newIndex;
    placeSlices(&newIndex);
    bindFlows(newIndex);
    for (CounterTrack &c : m_t.m_counters) {
        if (std::is_sorted(c.t.begin(), c.t.end()))
            continue;
        QList<qsizetype> order(c.t.size());
        for (qsizetype i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&c](qsizetype a, qsizetype b) { return c.t.at(a) < c.t.at(b); });
        QList<qint64> t;
        QList<double> v;
        for (qsizetype i : std::as_const(order)) {
            t.append(c.t.at(i));
            v.append(c.value.at(i));
        }
        c.t = std::move(t);
        c.value = std::move(v);
    }
    orderLanes();
    measure();
    ChromeTimeline out = std::move(m_t);
    *this = ChromeTimelineBuilder();
    return out;
}

} // namespace procession
