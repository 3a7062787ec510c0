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
    for (LaneRecord &l : m_lanes)
        if (l.lane == lane)
            return l;
    LaneRecord record;
    record.lane = lane;
    record.name = lane == 0 ? QStringLiteral("main") : QStringLiteral("worker %1").arg(lane);
    // Lanes are kept sorted by number so the picture is stable.
    auto pos = std::lower_bound(m_lanes.begin(), m_lanes.end(), lane,
                                [](const LaneRecord &l, int n) { return l.lane < n; });
    return *m_lanes.insert(pos, record);
}

const LaneRecord *TraceModel::lane(int lane) const
{
    for (const LaneRecord &l : m_lanes)
        if (l.lane == lane)
            return &l;
    return nullptr;
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
        break;
    }
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
    }
}

int TraceModel::stepAt(qint64 t) const
{
    auto it = std::upper_bound(m_steps.cbegin(), m_steps.cend(), t,
                               [](qint64 time, const StepMark &m) { return time < m.t; });
    return it == m_steps.cbegin() ? -1 : std::prev(it)->index;
}

RunSummary TraceModel::summary(qint64 nowNs) const
{
    RunSummary s;
    if (m_t0 < 0)
        return s;
    const qint64 end = m_runEnd >= 0 ? m_runEnd : std::max(nowNs, m_lastT);
    s.wallS = (end - m_t0) / 1e9;
    s.calls = int(m_calls.size());
    s.finishedCalls = m_totals.finished;
    s.failedCalls = m_totals.failed;
    s.cpuS = m_totals.cpuNs / 1e9;
    qint64 workNs = m_totals.workNs;
    for (qsizetype i : m_openCalls) {
        const CallRecord &c = m_calls.at(i);
        workNs += std::max<qint64>(0, end - c.begin - c.waitNs);
    }
    s.workS = workNs / 1e9;
    s.dispatchS = m_totals.dispatchNs / 1e9;
    s.returnS = m_totals.returnNs / 1e9;
    for (const LaneRecord &l : m_lanes) {
        if (l.lane == 0)
            continue;
        ++s.workers;
        if (l.crashed)
            ++s.crashes;
        if (l.fork >= 0 && l.ready >= 0)
            s.startupS += (l.ready - l.fork) / 1e9;
    }
    s.speedup = s.wallS > 0 ? s.workS / s.wallS : 0;
    return s;
}

} // namespace procession
