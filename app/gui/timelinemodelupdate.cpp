// TimelineModel::append(): a live run's events change the picture in place. Before an event
// is applied, what the call (or lane) it touches shows is noted; after the batch, what they
// show now is worked out, and the difference is merged into the sorted lists.
#include "timelinemodel_p.h"

namespace procession::gui {

namespace {

bool touchesCall(const TraceEvent &e)
{
    switch (e.type) {
    case EventType::Dispatch:
    case EventType::Unsent:
    case EventType::Begin:
    case EventType::End:
    case EventType::Result:
        return true;
    case EventType::Error:
        return e.call >= 0;
    default:
        return false;
    }
}

qint64 length(const Arrow &a)
{
    return (a.to < 0 ? a.from : a.to) - a.from;
}

// Takes out what one item showed and puts in what it shows now, if they differ.
template<typename T>
void change(bool had, const T &was, bool has, const T &is, QList<T> *out, QList<T> *in)
{
    if (had == has && (!had || same(was, is)))
        return;
    if (had)
        out->append(was);
    if (has)
        in->append(is);
}

} // namespace

void TimelineModel::append(const QList<TraceEvent> &events)
{
    if (events.isEmpty())
        return;
    m_store.append(events);
    m_busyKnown = false;
    Batch batch;
    // Nothing drawn yet (the first events, or a whole file): build it at once.
    batch.rebuild = m_trace.t0() < 0 || m_lanes.isEmpty();
    for (const TraceEvent &e : events) {
        if (!batch.rebuild)
            note(e, &batch);
        const qsizetype lanesBefore = m_trace.laneCount();
        m_trace.apply(e);
        batch.phases = batch.phases || e.type == EventType::Phase || e.type == EventType::RunEnd;
        if (batch.rebuild || m_trace.laneCount() == lanesBefore)
            continue;
        // A new lane. Workers are numbered in the order they start, so it comes last: a row
        // of its own after the others. Anything else moves rows, and the picture is rebuilt.
        const int lane = m_trace.lanes().last().lane;
        if (m_rowOf.contains(lane) && !(lane == 0 && lanesBefore == 0)) {
            batch.rebuild = true; // it came before lanes already there
        } else if (lane < 0 || (lane == 0 && lanesBefore > 0) || m_orphans > 0) {
            batch.rebuild = true; // odd numbers, or calls that waited on row 0 for their lane
        } else if (lane != 0) {
            TimelineLane row; // nothing shown yet: flush() fills it in
            row.lane = lane;
            m_rowOf.insert(lane, int(m_lanes.size()));
            m_lanes.append(row);
            m_lost.append(0);
            m_workerTimes.append(QList<qint64>());
        }
        batch.lanes.insert(lane); // lane 0 in place of the main row it had until now
    }
    if (batch.rebuild || !flush(&batch))
        rebuild();
    // Phases end at the next phase or at the run's end: only then are their figures redone
    // (a walk over every call, too much for every frame of a large run).
    if (batch.phases) {
        m_phaseFigures = m_trace.phaseSummaries();
        if (!m_lessonFrom.isEmpty())
            m_lesson = comparePhases(m_trace, m_lessonFrom, m_lessonTo);
    }
}

void TimelineModel::touchCall(qsizetype index, Batch *batch)
{
    if (!batch->calls.contains(index))
        batch->calls.insert(index, callPicture(index));
}

void TimelineModel::touchLane(int lane, Batch *batch)
{
    batch->lanes.insert(lane);
}

void TimelineModel::note(const TraceEvent &e, Batch *batch)
{
    if (touchesCall(e)) {
        const qsizetype index = m_trace.callIndex(e.call);
        if (index < 0) {
            batch->calls.insert(m_trace.calls().size(), CallPicture()); // new: showed nothing
        } else {
            touchCall(index, batch);
            touchLane(m_trace.calls().at(index).lane, batch);
        }
        touchLane(e.lane, batch);
        // Its awaits show whether it failed.
        for (auto [it, end] = m_awaitsOf.equal_range(e.call); it != end; ++it)
            batch->awaits.insert(*it);
        return;
    }
    switch (e.type) {
    case EventType::AwaitBegin:
        m_awaitsOf.insert(e.call, m_trace.awaits().size());
        break;
    case EventType::AwaitEnd:
        for (auto [it, end] = m_awaitsOf.equal_range(e.call); it != end; ++it)
            batch->awaits.insert(*it);
        break;
    case EventType::RunBegin:
        touchLane(0, batch);
        break;
    case EventType::Fork:
    case EventType::Ready:
    case EventType::Join:
    case EventType::Exit:
    case EventType::Crash:
        touchLane(e.lane, batch);
        break;
    default:
        break;
    }
}

bool TimelineModel::flush(Batch *batch)
{
    if (m_trace.t0() != m_t0Seen)
        return false; // every time is counted from the start: all of them move

    // A lane whose running call, last end or hello changed shows its running call anew.
    // What those calls showed is noted before the rows change.
    for (int lane : std::as_const(batch->lanes)) {
        const int row = rowOfLane(lane);
        const LaneRecord *r = m_trace.lane(lane);
        if (row < 0 || !r)
            continue;
        const TimelineLane &now = m_lanes.at(row);
        const TimelineLane next = laneRow(*r);
        if (next.running != now.running || next.lastCallEnd != now.lastCallEnd ||
            next.ready != now.ready) {
            if (now.running >= 0)
                touchCall(now.running, batch);
            if (next.running >= 0)
                touchCall(next.running, batch);
        }
        if (next.ready != now.ready && m_lost.at(row) > 0)
            return false; // the spans of its lost calls start at its hello
    }

    QList<QList<Span>> spansOut(m_lanes.size()), spansIn(m_lanes.size());
    QList<Arrow> dispatchOut, dispatchIn, returnOut, returnIn;
    QList<Marker> markersOut, markersIn;
    QList<qint64> times;
    QList<QList<qint64>> workerTimes(m_lanes.size());
    bool timesMoved = false;
    // Times 1 and 2 of a call (begin, end) go to its worker's list, the others to the
    // parent's. A time that went away or moved: count them all again (rare).
    auto changeTimes = [&](const qint64 *was, int wasRow, const qint64 *is, int isRow) {
        for (int k = 0; k < 4; ++k) {
            const bool stamp = k == 1 || k == 2;
            const int from = stamp ? wasRow : -1, to = stamp ? isRow : -1;
            if (was[k] >= 0 && (is[k] != was[k] || from != to))
                timesMoved = true;
            else if (was[k] < 0 && is[k] >= 0)
                (to >= 0 ? workerTimes[to] : times).append(is[k]);
        }
    };

    for (int lane : std::as_const(batch->lanes)) {
        const int row = rowOfLane(lane);
        const LaneRecord *r = m_trace.lane(lane);
        if (row < 0 || !r)
            continue;
        const LanePicture was = lanePicture(row);
        TimelineLane &l = m_lanes[row];
        TimelineLane next = laneRow(*r);
        next.spans = std::move(l.spans);
        next.spanMaxEnd = std::move(l.spanMaxEnd);
        next.awaits = std::move(l.awaits);
        next.awaitMaxEnd = std::move(l.awaitMaxEnd);
        l = std::move(next);
        const LanePicture is = lanePicture(row);
        change(was.hasStartup, was.startup, is.hasStartup, is.startup, &spansOut[row],
               &spansIn[row]);
        change(was.hasJoin, was.join, is.hasJoin, is.join, &markersOut, &markersIn);
        change(was.hasExit, was.exit, is.hasExit, is.exit, &markersOut, &markersIn);
        changeTimes(was.times, -1, is.times, -1);
    }

    for (auto it = batch->calls.cbegin(); it != batch->calls.cend(); ++it) {
        const CallPicture &was = it.value();
        const CallPicture is = callPicture(it.key());
        if (was.hasSpan != is.hasSpan || was.row != is.row ||
            (was.hasSpan && !same(was.span, is.span))) {
            if (was.hasSpan)
                spansOut[was.row].append(was.span);
            if (is.hasSpan)
                spansIn[is.row].append(is.span);
        }
        m_lost[was.row] -= was.lost ? 1 : 0;
        m_lost[is.row] += is.lost ? 1 : 0;
        m_orphans += (is.orphan ? 1 : 0) - (was.orphan ? 1 : 0);
        change(was.remote, was.marker, is.remote, is.marker, &markersOut, &markersIn);
        change(was.remote, was.dispatchArrow, is.remote, is.dispatchArrow, &dispatchOut,
               &dispatchIn);
        change(was.hasReturn, was.returnArrow, is.hasReturn, is.returnArrow, &returnOut, &returnIn);
        changeTimes(was.times, was.stampRow, is.times, is.stampRow);
    }

    // Awaits come in the order they begin: an await is its index in the main row.
    TimelineLane &main = m_lanes.first();
    const qsizetype awaitsBefore = main.awaits.size();
    QList<qsizetype> awaitsChanged;
    for (qsizetype k : std::as_const(batch->awaits)) {
        if (k >= awaitsBefore)
            continue; // new: below
        Span &s = main.awaits[k];
        const Span is = awaitSpan(k);
        if (same(s, is))
            continue;
        if (is.end != s.end) {
            if (s.end != -1)
                timesMoved = true;
            else if (m_trace.awaits().at(k).end >= 0)
                times.append(is.end);
        }
        s = is;
        awaitsChanged.append(k);
    }
    const QList<AwaitSpan> &awaits = m_trace.awaits();
    for (qsizetype k = awaitsBefore; k < awaits.size(); ++k) {
        const Span s = awaitSpan(k);
        if (!main.awaits.isEmpty() && s.start < main.awaits.last().start)
            return false; // began before one already there
        main.awaits.append(s);
        times.append(s.start);
        if (awaits.at(k).end >= 0)
            times.append(s.end);
    }
    refreshMaxEnd(main.awaits, main.awaitMaxEnd, awaitsBefore, awaitsChanged);

    const QList<OutputLine> &outputs = m_trace.outputs();
    for (; m_outputsSeen < outputs.size(); ++m_outputsSeen)
        times.append(relative(outputs.at(m_outputsSeen).t));
    const QList<StepMark> &steps = m_trace.steps();
    for (; m_stepsSeen < steps.size(); ++m_stepsSeen)
        times.append(relative(steps.at(m_stepsSeen).t));

    for (int row = 0; row < m_lanes.size(); ++row) {
        TimelineLane &l = m_lanes[row];
        QList<qsizetype> changed;
        const qsizetype from =
            mergeChanges(l.spans, spansOut[row], spansIn[row], order::spans, &changed);
        refreshMaxEnd(l.spans, l.spanMaxEnd, from, changed);
    }
    bool longestGone = false;
    for (const QList<Arrow> *out : {&dispatchOut, &returnOut})
        for (const Arrow &a : *out)
            longestGone = longestGone || length(a) >= m_maxArrowLength;
    for (const QList<Arrow> *in : {&dispatchIn, &returnIn})
        for (const Arrow &a : *in)
            m_maxArrowLength = std::max(m_maxArrowLength, length(a));
    mergeChanges(m_dispatchArrows, dispatchOut, dispatchIn, order::arrows);
    mergeChanges(m_returnArrows, returnOut, returnIn, order::arrows);
    if (longestGone) {
        m_maxArrowLength = 0;
        for (const QList<Arrow> *arrows : {&m_dispatchArrows, &m_returnArrows})
            for (const Arrow &a : *arrows)
                m_maxArrowLength = std::max(m_maxArrowLength, length(a));
    }
    mergeChanges(m_markers, markersOut, markersIn, order::markers);
    if (timesMoved) {
        rebuildTimes();
    } else {
        addTimes(m_times, times);
        for (int row = 0; row < m_lanes.size(); ++row)
            addTimes(m_workerTimes[row], workerTimes[row]);
    }
    return true;
}

} // namespace procession::gui
