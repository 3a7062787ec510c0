#include "timelinemodel.h"

#include "lod.h"

#include <algorithm>

namespace procession::gui {

void TimelineModel::clear()
{
    m_store.clear();
    m_trace.clear();
    m_lanes.clear();
    m_arrows.clear();
    m_markers.clear();
    m_eventTimes.clear();
    m_phaseFigures.clear();
    m_lessonFrom.clear();
    m_lessonTo.clear();
    m_lesson = PhaseComparison();
}

void TimelineModel::setLessonPhases(const QString &from, const QString &to)
{
    m_lessonFrom = from;
    m_lessonTo = to;
    m_lesson = from.isEmpty() ? PhaseComparison() : comparePhases(m_trace, from, to);
}

void TimelineModel::append(const QList<TraceEvent> &events)
{
    if (events.isEmpty())
        return;
    m_store.append(events);
    m_trace.applyAll(events);
    // Phases end at the next phase or at the run's end: only then are their figures redone
    // (a walk over every call, too much for every frame of a large run).
    for (const TraceEvent &e : events) {
        if (e.type == EventType::Phase || e.type == EventType::RunEnd) {
            m_phaseFigures = m_trace.phaseSummaries();
            if (!m_lessonFrom.isEmpty())
                m_lesson = comparePhases(m_trace, m_lessonFrom, m_lessonTo);
            break;
        }
    }
    rebuild();
}

int TimelineModel::phaseAt(qint64 t) const
{
    const QList<PhaseRecord> &phases = m_trace.phases();
    for (qsizetype i = phases.size() - 1; i >= 0; --i) {
        const qint64 b = relative(phases.at(i).begin);
        if (b > t)
            continue;
        const qint64 e = phases.at(i).end >= 0 ? relative(phases.at(i).end) : -1;
        return e < 0 || t <= e ? int(i) : -1;
    }
    return -1;
}

void TimelineModel::setEvents(const QList<TraceEvent> &events)
{
    clear();
    append(events);
}

qint64 TimelineModel::duration() const
{
    return m_trace.t0() < 0 ? 0 : m_trace.lastT() - m_trace.t0();
}

int TimelineModel::rowOfLane(int lane) const
{
    for (int i = 0; i < m_lanes.size(); ++i)
        if (m_lanes.at(i).lane == lane)
            return i;
    return -1;
}

QList<int> TimelineModel::rowsAt(qint64 t) const
{
    QList<int> rows;
    for (int i = 0; i < m_lanes.size(); ++i) {
        const TimelineLane &l = m_lanes.at(i);
        if (l.lane == 0 || l.fork <= t)
            rows.append(i);
    }
    return rows;
}

qint64 TimelineModel::nextEventAfter(qint64 t) const
{
    auto it = std::upper_bound(m_eventTimes.cbegin(), m_eventTimes.cend(), t);
    return it == m_eventTimes.cend() ? -1 : *it;
}

qint64 TimelineModel::prevEventBefore(qint64 t) const
{
    auto it = std::lower_bound(m_eventTimes.cbegin(), m_eventTimes.cend(), t);
    return it == m_eventTimes.cbegin() ? -1 : *std::prev(it);
}

int TimelineModel::countCalls(const QString &function) const
{
    int n = 0;
    for (const CallRecord &c : m_trace.calls())
        if (function.isEmpty() || c.function == function)
            ++n;
    return n;
}

int TimelineModel::countSpans(Span::Kind kind) const
{
    int n = 0;
    for (const TimelineLane &l : m_lanes) {
        for (const Span &s : kind == Span::Kind::Await ? l.awaits : l.spans)
            n += s.kind == kind;
    }
    return n;
}

int TimelineModel::countArrows(Arrow::Kind kind) const
{
    return int(std::count_if(m_arrows.cbegin(), m_arrows.cend(),
                             [kind](const Arrow &a) { return a.kind == kind; }));
}

int TimelineModel::countMarkers(Marker::Kind kind) const
{
    return int(std::count_if(m_markers.cbegin(), m_markers.cend(),
                             [kind](const Marker &m) { return m.kind == kind; }));
}

void TimelineModel::rebuild()
{
    m_lanes.clear();
    m_arrows.clear();
    m_markers.clear();
    m_eventTimes.clear();
    if (m_trace.t0() < 0)
        return;

    for (const LaneRecord &r : m_trace.lanes()) {
        TimelineLane l;
        l.lane = r.lane;
        l.name = r.name;
        l.pid = r.pid;
        l.fork = relative(r.fork);
        l.ready = relative(r.ready);
        l.join = relative(r.join);
        l.exit = relative(r.exit);
        l.exitCode = r.exitCode;
        l.crashed = r.crashed;
        l.reason = r.reason;
        if (r.lane == 0)
            l.fork = 0;
        if (r.lane != 0 && l.fork >= 0) {
            // Start-up: from fork until the worker said hello (or until it died trying).
            const qint64 end = l.ready >= 0 ? l.ready : l.exit;
            l.spans.append(Span{l.fork, end, -1, Span::Kind::Startup, l.crashed && l.ready < 0});
        }
        m_lanes.append(l);
    }
    if (m_lanes.isEmpty() || m_lanes.first().lane != 0) {
        TimelineLane main;
        main.name = QStringLiteral("main");
        main.fork = 0;
        m_lanes.prepend(main);
    }

    const QList<CallRecord> &calls = m_trace.calls();
    // Per row: the latest end of a call drawn, and whether the call at the head of the
    // worker's queue (the one running now, while live) has been drawn.
    QList<qint64> lastEnd(m_lanes.size(), -1);
    QList<bool> headDrawn(m_lanes.size(), false);
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const CallRecord &c = calls.at(i);
        const int row = std::max(rowOfLane(c.lane), 0);
        TimelineLane &lane = m_lanes[row];
        const qint64 dispatch = relative(c.dispatch);
        const qint64 begin = relative(c.begin);
        const qint64 end = relative(c.end);
        const qint64 result = relative(c.result);
        const bool failed = c.finished && !c.ok;
        if (begin >= 0) {
            // The worker's own stamps; an in-process call still running has no end yet.
            const qint64 e = end >= 0 ? end : (c.finished ? result : -1);
            lane.spans.append(Span{begin, e, i, Span::Kind::Call, failed});
            lastEnd[row] = std::max(lastEnd[row], e);
        } else if (dispatch >= 0 && !c.finished && lane.lane != 0 && lane.ready < 0) {
            // Queued while its worker is still starting: the start-up span and the dispatch
            // arrow show it; it cannot be running yet.
        } else if (dispatch >= 0 && !c.finished && lane.lane != 0) {
            // Live, on a ready worker: only the call at the head of its queue can be running,
            // from when the worker was free (its begin stamp comes with its result). The
            // calls queued behind it wait: drawn as running from their dispatch, 50 of them
            // covered the worker's finished calls with one "running…" bar.
            if (!headDrawn[row]) {
                headDrawn[row] = true;
                const qint64 from = std::max({dispatch, lane.ready, lastEnd[row]});
                lane.spans.append(Span{from, -1, i, Span::Kind::Flight, false});
            }
        } else if (dispatch >= 0) {
            // In flight (live), or lost with its worker: from the time it could start.
            const qint64 from = std::max(dispatch, lane.ready);
            const Span::Kind kind = c.finished ? Span::Kind::Call : Span::Kind::Flight;
            lane.spans.append(Span{std::min(from, c.finished ? result : from),
                                   c.finished ? result : -1, i, kind, failed});
        }
        if (c.lane != 0 && dispatch >= 0) {
            m_markers.append(Marker{Marker::Kind::Dispatch, dispatch, 0, i});
            m_arrows.append(Arrow{Arrow::Kind::Dispatch, dispatch, begin, 0, row, i, false});
            if (end >= 0 && result >= 0)
                m_arrows.append(Arrow{Arrow::Kind::Return, end, result, row, 0, i, failed});
        }
        for (qint64 t : {dispatch, begin, end, result})
            if (t >= 0)
                m_eventTimes.append(t);
    }

    TimelineLane &main = m_lanes.first();
    for (const AwaitSpan &a : m_trace.awaits()) {
        const CallRecord *c = m_trace.call(a.call);
        const qsizetype index = c ? qsizetype(c - calls.constData()) : -1;
        main.awaits.append(Span{relative(a.begin), relative(a.end), index, Span::Kind::Await,
                                c && c->finished && !c->ok});
        m_eventTimes.append(relative(a.begin));
        if (a.end >= 0)
            m_eventTimes.append(relative(a.end));
    }

    for (int row = 0; row < m_lanes.size(); ++row) {
        TimelineLane &l = m_lanes[row];
        auto byStart = [](const Span &a, const Span &b) { return a.start < b.start; };
        std::stable_sort(l.spans.begin(), l.spans.end(), byStart);
        std::stable_sort(l.awaits.begin(), l.awaits.end(), byStart);
        l.spanMaxEnd = runningMaxEnd(l.spans);
        l.awaitMaxEnd = runningMaxEnd(l.awaits);
        if (l.lane == 0)
            continue;
        if (l.join >= 0)
            m_markers.append(Marker{Marker::Kind::Join, l.join, row, -1});
        if (l.exit >= 0)
            m_markers.append(
                Marker{l.crashed ? Marker::Kind::Crash : Marker::Kind::Exit, l.exit, row, -1});
        for (qint64 t : {l.fork, l.ready, l.join, l.exit})
            if (t >= 0)
                m_eventTimes.append(t);
    }
    for (const OutputLine &o : m_trace.outputs())
        m_eventTimes.append(relative(o.t));
    for (const StepMark &s : m_trace.steps())
        m_eventTimes.append(relative(s.t));
    m_eventTimes.append(duration());

    std::stable_sort(m_arrows.begin(), m_arrows.end(),
                     [](const Arrow &a, const Arrow &b) { return a.from < b.from; });
    std::stable_sort(m_markers.begin(), m_markers.end(),
                     [](const Marker &a, const Marker &b) { return a.t < b.t; });
    std::sort(m_eventTimes.begin(), m_eventTimes.end());
    m_eventTimes.erase(std::unique(m_eventTimes.begin(), m_eventTimes.end()), m_eventTimes.end());
}

} // namespace procession::gui
