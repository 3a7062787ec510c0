#include "tracemodel.h"

#include <algorithm>

namespace procession {

void TraceModel::clear()
{
    *this = TraceModel();
}

void TraceModel::applyAll(const QList<TraceEvent> &events)
{
    for (const TraceEvent &e : events)
        apply(e);
}

CallRecord *TraceModel::callFor(qint64 id, qsizetype *index)
{
    auto it = m_callIndex.constFind(id);
    if (it != m_callIndex.constEnd()) {
        *index = *it;
        return &m_calls[*it];
    }
    CallRecord record;
    record.id = id;
    record.phase = int(m_phases.size()) - 1;
    *index = m_calls.size();
    m_callIndex.insert(id, m_calls.size());
    m_calls.append(record);
    return &m_calls.last();
}

void TraceModel::noteRead(CallRecord *c)
{
    // Only an answer from a worker (with the worker's own end stamp) was waiting to be read.
    if (c->lane == 0 || c->end < 0)
        return;
    LaneRecord &l = laneFor(c->lane);
    c->unread = std::max(c->end, l.lastResult);
    l.lastResult = std::max(l.lastResult, c->result);
}

void TraceModel::account(const CallRecord &c, int sign)
{
    if (c.finished) {
        m_totals.finished += sign;
        if (!c.ok)
            m_totals.failed += sign;
    }
    if (c.cpuNs > 0)
        m_totals.cpuNs += sign * c.cpuNs;
    if (c.begin >= 0 && (c.end >= 0 || c.finished)) {
        const qint64 end = c.end >= 0 ? c.end : c.result;
        m_totals.workNs += sign * std::max<qint64>(0, end - c.begin - c.waitNs);
    }
    if (c.lane != 0 && c.dispatch >= 0 && c.begin >= 0)
        m_totals.dispatchNs +=
            sign * std::max<qint64>(0, c.begin - (c.free >= 0 ? c.free : c.dispatch));
    if (c.lane != 0 && c.end >= 0 && c.result >= 0)
        m_totals.returnNs +=
            sign * std::max<qint64>(0, c.result - (c.unread >= 0 ? c.unread : c.end));
}

const CallRecord *TraceModel::call(qint64 id) const
{
    auto it = m_callIndex.constFind(id);
    return it == m_callIndex.constEnd() ? nullptr : &m_calls.at(*it);
}

LaneRecord &TraceModel::laneFor(int lane)
{
    auto it = m_laneIndex.constFind(lane);
    if (it != m_laneIndex.constEnd())
        return m_lanes[*it];
    LaneRecord record;
    record.lane = lane;
    record.name = lane == 0 ? QStringLiteral("main") : QStringLiteral("worker %1").arg(lane);
    if (!m_lanes.isEmpty() && m_lanes.last().lane > lane)
        m_lanesUnsorted = true; // sorted once, when lanes() is next asked
    m_laneIndex.insert(lane, m_lanes.size());
    m_lanes.append(record);
    return m_lanes.last();
}

const QList<LaneRecord> &TraceModel::lanes() const
{
    sortLanes();
    return m_lanes;
}

void TraceModel::sortLanes() const
{
    if (!m_lanesUnsorted)
        return;
    std::sort(m_lanes.begin(), m_lanes.end(),
              [](const LaneRecord &a, const LaneRecord &b) { return a.lane < b.lane; });
    for (qsizetype i = 0; i < m_lanes.size(); ++i)
        m_laneIndex.insert(m_lanes.at(i).lane, i);
    m_lanesUnsorted = false;
}

const LaneRecord *TraceModel::lane(int lane) const
{
    auto it = m_laneIndex.constFind(lane);
    return it == m_laneIndex.constEnd() ? nullptr : &m_lanes.at(*it);
}

qsizetype TraceModel::callIndex(qint64 id) const
{
    return m_callIndex.value(id, -1);
}

qsizetype TraceModel::queuedCall(int lane, qsizetype n) const
{
    auto it = m_unended.constFind(lane);
    return it == m_unended.constEnd() || n >= it->size() ? -1 : it->at(n);
}

void TraceModel::apply(const TraceEvent &e)
{
    ++m_eventCount;
    // A call's share of the summary is taken out before the event changes it and put back
    // after.
    qsizetype index = -1;
    CallRecord *c = nullptr;
    switch (e.type) {
    case EventType::Dispatch:
    case EventType::Unsent:
    case EventType::Begin:
    case EventType::End:
    case EventType::Result:
        c = callFor(e.call, &index);
        break;
    case EventType::Error:
        if (e.call >= 0)
            c = callFor(e.call, &index);
        break;
    default:
        break;
    }
    // Whether the call's end was still to come: only then can this event take it off its
    // worker's queue (removeOne on a call no longer there walks the whole queue).
    const bool wasUnended = c && c->end < 0 && !c->finished;
    if (c)
        account(*c, -1);
    if (m_t0 < 0 || e.type == EventType::RunBegin)
        m_t0 = m_t0 < 0 ? e.t : std::min(m_t0, e.t);
    m_lastT = std::max(m_lastT, e.t);

    switch (e.type) {
    case EventType::RunBegin: {
        m_scenarioId = e.text;
        m_scenarioTitle = e.detail;
        LaneRecord &main = laneFor(0);
        main.pid = e.pid;
        main.fork = e.t;
        main.ready = e.t;
        break;
    }
    case EventType::Fork: {
        LaneRecord &l = laneFor(e.lane);
        l.fork = e.t;
        l.phase = int(m_phases.size()) - 1;
        if (!e.text.isEmpty())
            l.name = e.text;
        break;
    }
    case EventType::Ready: {
        LaneRecord &l = laneFor(e.lane);
        l.ready = e.t;
        l.pid = e.pid;
        break;
    }
    case EventType::Dispatch: {
        c->lane = e.lane;
        c->pid = e.pid;
        c->function = e.text;
        c->args = e.detail;
        c->dispatch = e.t;
        if (e.lane != 0)
            m_unended[e.lane].append(index);
        break;
    }
    case EventType::Unsent: // what the call was, without a dispatch: it never left
        c->lane = e.lane;
        c->pid = e.pid;
        c->function = e.text;
        c->args = e.detail;
        break;
    case EventType::Begin: {
        c->begin = e.t;
        c->waitNs = std::max<qint64>(0, e.code);
        if (c->dispatch < 0) { // an in-process call has no dispatch
            c->lane = e.lane;
            c->pid = e.pid;
            c->function = e.text;
            c->args = e.detail;
        }
        break;
    }
    case EventType::End: {
        c->end = e.t;
        c->cpuNs = e.code;
        if (c->lane != 0 && c->dispatch >= 0) {
            // Results come back in order per worker, so ends arrive in order too.
            LaneRecord &l = laneFor(c->lane);
            c->free = std::max(c->dispatch, l.lastCallEnd);
            l.lastCallEnd = std::max(l.lastCallEnd, e.t);
        }
        break;
    }
    case EventType::Result: {
        c->result = e.t;
        c->finished = true;
        c->ok = true;
        c->value = e.text;
        noteRead(c);
        break;
    }
    case EventType::Error: {
        if (!c)
            break;
        c->result = e.t;
        c->finished = true;
        c->ok = false;
        c->error = e.text;
        c->errorKind = e.detail;
        if (c->lane == 0 && e.lane != 0)
            c->lane = e.lane;
        noteRead(c);
        break;
    }
    case EventType::AwaitBegin:
        m_openAwaits.insert(e.call, m_awaits.size());
        m_awaits.append(AwaitSpan{e.call, e.t, -1});
        break;
    case EventType::AwaitEnd: {
        auto it = m_openAwaits.find(e.call);
        if (it != m_openAwaits.end()) {
            m_awaits[*it].end = e.t;
            m_openAwaits.erase(it);
        }
        break;
    }
    case EventType::Join:
        laneFor(e.lane).join = e.t;
        break;
    case EventType::Exit: {
        LaneRecord &l = laneFor(e.lane);
        l.exit = e.t;
        l.exitCode = int(e.code);
        break;
    }
    case EventType::Crash: {
        LaneRecord &l = laneFor(e.lane);
        l.exit = e.t;
        l.exitCode = int(e.code);
        l.crashed = true;
        l.neverStarted = e.detail == kCrashDetailNoStart;
        l.reason = e.text;
        break;
    }
    case EventType::Output:
        m_outputs.append(OutputLine{e.t, e.lane, e.text});
        break;
    case EventType::Phase:
        if (!m_phases.isEmpty() && m_phases.last().end < 0)
            m_phases.last().end = e.t;
        m_phases.append(PhaseRecord{e.text, e.t, -1});
        break;
    case EventType::Step:
        m_steps.append(StepMark{int(e.code), e.t});
        break;
    case EventType::Rejected:
        m_rejected.append(e);
        break;
    case EventType::RunEnd:
        m_runEnd = e.t;
        m_runExitCode = int(e.code);
        m_runMessage = e.text;
        if (!m_phases.isEmpty() && m_phases.last().end < 0)
            m_phases.last().end = e.t;
        break;
    }
    if (c) {
        account(*c, +1);
        if (c->begin >= 0 && c->end < 0 && !c->finished)
            m_openCalls.insert(index);
        else
            m_openCalls.remove(index);
        if ((c->end >= 0 || c->finished) && c->dispatch >= 0 &&
            (wasUnended || e.type == EventType::Dispatch)) {
            auto queue = m_unended.find(c->lane);
            if (queue != m_unended.end())
                queue->removeOne(index);
        }
    }
}

int TraceModel::stepAt(qint64 t) const
{
    auto it = std::upper_bound(m_steps.cbegin(), m_steps.cend(), t,
                               [](qint64 time, const StepMark &m) { return time < m.t; });
    return it == m_steps.cbegin() ? -1 : std::prev(it)->index;
}

qint64 TraceModel::instant(qint64 at) const
{
    if (at < 0)
        return m_runEnd >= 0 ? m_runEnd : m_lastT;
    return m_runEnd >= 0 ? std::min(at, m_runEnd) : at;
}

namespace {

// Nanosecond sums for one run or phase; turned into seconds once at the end.
struct Sums
{
    qint64 workNs = 0;
    qint64 cpuNs = 0;
    qint64 dispatchNs = 0;
    qint64 returnNs = 0;
    int calls = 0;
    int finished = 0;
    int failed = 0;

    void into(RunSummary *s) const
    {
        s->workS = workNs / 1e9;
        s->cpuS = cpuNs / 1e9;
        s->dispatchS = dispatchNs / 1e9;
        s->returnS = returnNs / 1e9;
        s->calls = calls;
        s->finishedCalls = finished;
        s->failedCalls = failed;
    }
};

// When a worker was free to start the call at the head of its queue.
qint64 presumedBegin(const CallRecord &c, qint64 laneLastEnd, qint64 laneReady)
{
    return std::max({c.dispatch, laneLastEnd, laneReady});
}

} // namespace

void TraceModel::addLanes(qint64 t, RunSummary *run, QList<PhaseSummary> *phases) const
{
    for (const LaneRecord &l : lanes()) {
        if (l.lane == 0 || l.fork < 0 || l.fork > t)
            continue;
        qint64 startup = 0;
        if (l.ready >= 0 && l.ready <= t)
            startup = l.ready - l.fork;
        else if (l.exit < 0 || l.exit > t)
            startup = t - l.fork; // still starting
        const bool ended = l.crashed && l.exit >= 0 && l.exit <= t;
        auto add = [&](RunSummary *s) {
            ++s->workers;
            s->crashes += ended && !l.neverStarted ? 1 : 0;
            s->noStarts += ended && l.neverStarted ? 1 : 0;
            s->startupS += startup / 1e9;
        };
        add(run);
        if (phases && l.phase >= 0 && l.phase < phases->size())
            add(&(*phases)[l.phase].figures);
    }
}

RunSummary TraceModel::walk(qint64 t, QList<PhaseSummary> *phases) const
{
    QList<Sums> sums(phases ? phases->size() + 1 : 1);
    struct LaneState
    {
        qint64 lastEnd = -1;
        bool busy = false; // a call on it began (or is taken to run) and has not ended by t
    };
    QHash<int, LaneState> lanes;
    // As the live model knows it: the latest end on each worker, whatever order calls came in.
    for (const CallRecord &c : m_calls)
        if (c.lane != 0 && c.dispatch >= 0 && c.end >= 0 && c.end <= t)
            lanes[c.lane].lastEnd = std::max(lanes[c.lane].lastEnd, c.end);
    for (const CallRecord &c : m_calls) {
        const qint64 first = c.dispatch >= 0 ? c.dispatch : c.begin;
        if (first < 0 || first > t)
            continue; // not made yet
        const bool done = c.finished && c.result <= t;
        const qint64 endKnown = c.end >= 0 ? c.end : (c.finished ? c.result : -1);
        const bool ended = endKnown >= 0 && endKnown <= t;
        const bool remote = c.lane != 0 && c.dispatch >= 0;
        LaneState *lane = remote ? &lanes[c.lane] : nullptr;
        qint64 work = 0;
        if (c.begin >= 0 && c.begin <= t) {
            if (ended) {
                work = endKnown - c.begin - c.waitNs;
            } else if (endKnown > c.begin) {
                // Cut in the middle of a finished call: its CPU wait, spread evenly.
                const qint64 elapsed = t - c.begin;
                work = elapsed -
                       qint64(double(c.waitNs) * double(elapsed) / double(endKnown - c.begin));
            } else {
                work = t - c.begin - c.waitNs;
            }
            if (lane && !ended)
                lane->busy = true;
        } else if (c.begin > t) {
            if (lane)
                lane->busy = true; // queued at t
        } else if (lane && !done && !lane->busy) {
            const LaneRecord *l = this->lane(c.lane);
            const qint64 ready = l ? l->ready : -1;
            const qint64 from = presumedBegin(c, lane->lastEnd, ready);
            if (ready >= 0 && from <= t)
                work = t - from;
            lane->busy = true;
        }

        auto add = [&](Sums &s) {
            ++s.calls;
            if (done) {
                ++s.finished;
                s.failed += c.ok ? 0 : 1;
            }
            s.workNs += std::max<qint64>(0, work);
            if (c.cpuNs > 0 && c.end >= 0 && c.end <= t)
                s.cpuNs += c.cpuNs;
            // A worker's begin arrives with its result: dispatch is known from then on.
            if (c.lane != 0 && c.dispatch >= 0 && c.begin >= 0 && c.begin <= t &&
                (!c.finished || c.result <= t))
                s.dispatchNs += std::max<qint64>(0, c.begin - (c.free >= 0 ? c.free : c.dispatch));
            if (c.lane != 0 && c.end >= 0 && c.result >= 0 && c.result <= t)
                s.returnNs += std::max<qint64>(0, c.result - (c.unread >= 0 ? c.unread : c.end));
        };
        add(sums[0]);
        if (phases && c.phase >= 0 && c.phase < phases->size())
            add(sums[c.phase + 1]);
    }
    RunSummary run;
    sums[0].into(&run);
    run.wallS = (t - m_t0) / 1e9;
    if (phases) {
        for (qsizetype i = 0; i < phases->size(); ++i) {
            PhaseSummary &p = (*phases)[i];
            sums[i + 1].into(&p.figures);
            const qint64 end = p.end >= 0 && p.end <= t ? p.end : t;
            p.figures.wallS = (end - p.begin) / 1e9;
        }
    }
    addLanes(t, &run, phases);
    run.speedup = run.wallS > 0 ? run.workS / run.wallS : 0;
    if (phases)
        for (PhaseSummary &p : *phases)
            p.figures.speedup = p.figures.wallS > 0 ? p.figures.workS / p.figures.wallS : 0;
    return run;
}

RunSummary TraceModel::summary(qint64 at) const
{
    if (m_t0 < 0)
        return {};
    const qint64 t = instant(at);
    if (t < m_lastT)
        return walk(t, nullptr); // a replay: the trace cut at t
    // Every known stamp is at or before t: the totals kept as events arrived, plus the calls
    // running now.
    RunSummary s;
    s.wallS = (t - m_t0) / 1e9;
    s.calls = int(m_calls.size());
    s.finishedCalls = m_totals.finished;
    s.failedCalls = m_totals.failed;
    s.cpuS = m_totals.cpuNs / 1e9;
    qint64 workNs = m_totals.workNs;
    for (qsizetype i : m_openCalls) {
        const CallRecord &c = m_calls.at(i);
        workNs += std::max<qint64>(0, t - c.begin - c.waitNs);
    }
    for (auto it = m_unended.cbegin(); it != m_unended.cend(); ++it) {
        if (it->isEmpty())
            continue;
        const CallRecord &head = m_calls.at(it->first());
        const LaneRecord *l = lane(it.key());
        if (head.begin >= 0 || head.finished || !l || l->ready < 0)
            continue;
        const qint64 from = presumedBegin(head, l->lastCallEnd, l->ready);
        workNs += std::max<qint64>(0, t - from);
    }
    s.workS = workNs / 1e9;
    s.dispatchS = m_totals.dispatchNs / 1e9;
    s.returnS = m_totals.returnNs / 1e9;
    addLanes(t, &s, nullptr);
    s.speedup = s.wallS > 0 ? s.workS / s.wallS : 0;
    return s;
}

QList<PhaseSummary> TraceModel::phaseSummaries(qint64 at) const
{
    QList<PhaseSummary> out;
    if (m_t0 < 0)
        return out;
    const qint64 t = instant(at);
    for (const PhaseRecord &p : m_phases)
        if (p.begin <= t)
            out.append(PhaseSummary{p.name, p.begin, p.end >= 0 && p.end <= t ? p.end : -1, {}});
    walk(t, &out);
    return out;
}

int TraceModel::phaseIndex(const QString &name) const
{
    for (qsizetype i = 0; i < m_phases.size(); ++i)
        if (m_phases.at(i).name == name)
            return int(i);
    return -1;
}

} // namespace procession
