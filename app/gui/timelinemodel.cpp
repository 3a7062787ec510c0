#include "timelinemodel.h"

#include "timelinemodel_p.h"

#include <algorithm>

namespace procession::gui {

void TimelineModel::clear()
{
    m_store.clear();
    m_trace.clear();
    m_lanes.clear();
    m_dispatchArrows.clear();
    m_returnArrows.clear();
    m_markers.clear();
    m_times.clear();
    m_workerTimes.clear();
    m_phaseFigures.clear();
    m_lessonFrom.clear();
    m_lessonTo.clear();
    m_lesson = PhaseComparison();
    m_maxArrowLength = 0;
    m_rowOf.clear();
    m_lost.clear();
    m_orphans = 0;
    m_awaitsOf.clear();
    m_outputsSeen = 0;
    m_stepsSeen = 0;
    m_t0Seen = -1;
    m_busy = ParallelismProfile();
    m_busyKnown = false;
}

void TimelineModel::setLessonPhases(const QString &from, const QString &to)
{
    m_lessonFrom = from;
    m_lessonTo = to;
    m_lesson = from.isEmpty() ? PhaseComparison() : comparePhases(m_trace, from, to);
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
    EventStore store;
    store.append(events);
    build(std::move(store));
}

bool TimelineModel::build(EventStore &&events, const std::atomic<bool> *cancel,
                          const Progress &progress)
{
    clear();
    m_store = std::move(events);
    const qsizetype n = m_store.size();
    // The picture is built once, after the records; that counts as the last tenth.
    const qint64 total = n + n / 9 + 1;
    bool phases = false;
    for (qsizetype i = 0; i < n; ++i) {
        if ((i & 0x3fff) == 0) {
            if (cancel && cancel->load()) {
                clear();
                return false;
            }
            if (progress)
                progress(i, total);
        }
        const StoredEvent &raw = m_store.raw(i);
        phases = phases || raw.type == EventType::Phase || raw.type == EventType::RunEnd;
        m_trace.apply(m_store.at(i));
    }
    if (n > 0 && !rebuild(cancel)) {
        clear();
        return false;
    }
    if (phases)
        m_phaseFigures = m_trace.phaseSummaries(); // the lesson's phases are set afterwards
    m_busy = busyProfile();
    m_busyKnown = true;
    if (progress)
        progress(total, total);
    return true;
}

ParallelismProfile TimelineModel::busyProfile() const
{
    if (m_busyKnown)
        return m_busy;
    QList<QList<ParallelismProfile::Interval>> lanes;
    const qint64 end = std::max<qint64>(1, duration());
    for (const TimelineLane &lane : m_lanes) {
        if (lane.lane == 0)
            continue;
        QList<ParallelismProfile::Interval> busy;
        // A live run's running call is a Flight span (its begin comes with its result),
        // drawn from when the worker was free: counted as it is drawn.
        for (const Span &s : lane.spans)
            if (s.kind == Span::Kind::Call || (s.kind == Span::Kind::Flight && s.end < 0))
                busy.append({s.start, s.end >= 0 ? s.end : end});
        lanes.append(busy);
    }
    return ParallelismProfile::fromLanes(lanes, 0, end);
}

qint64 TimelineModel::knownUntil() const
{
    qint64 known = duration();
    for (const TimelineLane &lane : m_lanes) {
        if (lane.lane == 0 || lane.running < 0)
            continue;
        const CallPicture p = callPicture(lane.running);
        // Not yet begun as far as the events tell, or begun and not yet ended (its end may
        // be in the next slice of events): known up to where it is drawn from.
        if (p.hasSpan && p.span.end < 0)
            known = std::min(known, p.span.start);
    }
    return known;
}

qint64 TimelineModel::duration() const
{
    return m_trace.t0() < 0 ? 0 : m_trace.lastT() - m_trace.t0();
}

int TimelineModel::rowOfLane(int lane) const
{
    return m_rowOf.value(lane, -1);
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

QList<qint64> TimelineModel::eventTimes() const
{
    QList<qint64> times = m_times;
    for (const QList<qint64> &w : m_workerTimes)
        times.append(w);
    if (m_trace.t0() >= 0)
        times.append(duration()); // no event is later than the last one
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    return times;
}

qint64 TimelineModel::nextEventAfter(qint64 t) const
{
    bool found = false;
    qint64 best = 0;
    auto consider = [&](const QList<qint64> &times) {
        auto it = std::upper_bound(times.cbegin(), times.cend(), t);
        if (it != times.cend() && (!found || *it < best)) {
            best = *it;
            found = true;
        }
    };
    consider(m_times);
    for (const QList<qint64> &w : m_workerTimes)
        consider(w);
    if (m_trace.t0() >= 0)
        consider({duration()});
    return found ? best : -1;
}

qint64 TimelineModel::prevEventBefore(qint64 t) const
{
    bool found = false;
    qint64 best = 0;
    auto consider = [&](const QList<qint64> &times) {
        auto it = std::lower_bound(times.cbegin(), times.cend(), t);
        if (it != times.cbegin() && (!found || *std::prev(it) > best)) {
            best = *std::prev(it);
            found = true;
        }
    };
    consider(m_times);
    for (const QList<qint64> &w : m_workerTimes)
        consider(w);
    if (m_trace.t0() >= 0)
        consider({duration()});
    return found ? best : -1;
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
    return int(kind == Arrow::Kind::Dispatch ? m_dispatchArrows.size() : m_returnArrows.size());
}

QList<Arrow> TimelineModel::arrows() const
{
    QList<Arrow> all = m_dispatchArrows;
    all.append(m_returnArrows);
    std::sort(all.begin(), all.end(), order::arrows);
    return all;
}

int TimelineModel::countMarkers(Marker::Kind kind) const
{
    return int(std::count_if(m_markers.cbegin(), m_markers.cend(),
                             [kind](const Marker &m) { return m.kind == kind; }));
}

QList<Marker> TimelineModel::laneMarkers() const
{
    QList<Marker> out;
    for (int row = 0; row < m_lanes.size(); ++row) {
        const LanePicture p = lanePicture(row);
        if (p.hasJoin)
            out.append(p.join);
        if (p.hasExit)
            out.append(p.exit);
    }
    std::sort(out.begin(), out.end(), order::markers);
    return out;
}

TimelineLane TimelineModel::laneRow(const LaneRecord &r) const
{
    TimelineLane l;
    l.lane = r.lane;
    l.name = r.name;
    l.pid = r.pid;
    l.fork = r.lane == 0 ? 0 : relative(r.fork);
    l.ready = relative(r.ready);
    l.join = relative(r.join);
    l.exit = relative(r.exit);
    l.exitCode = r.exitCode;
    l.crashed = r.crashed;
    l.neverStarted = r.neverStarted;
    l.reason = r.reason;
    l.running = r.lane == 0 ? -1 : m_trace.queuedCall(r.lane, 0);
    l.lastCallEnd = relative(r.lastCallEnd);
    return l;
}

TimelineModel::LanePicture TimelineModel::lanePicture(int row) const
{
    LanePicture p;
    const TimelineLane &l = m_lanes.at(row);
    if (l.lane == 0)
        return p;
    if (l.fork >= 0) {
        // Start-up: from fork until the worker said hello (or until it died trying).
        p.hasStartup = true;
        p.startup = Span{l.fork, l.ready >= 0 ? l.ready : l.exit, -1, Span::Kind::Startup,
                         l.crashed && l.ready < 0};
    }
    if (l.join >= 0) {
        p.hasJoin = true;
        p.join = Marker{Marker::Kind::Join, l.join, row, -1};
    }
    if (l.exit >= 0) {
        p.hasExit = true;
        p.exit = Marker{l.crashed ? Marker::Kind::Crash : Marker::Kind::Exit, l.exit, row, -1};
    }
    const qint64 times[4] = {l.fork, l.ready, l.join, l.exit};
    for (int k = 0; k < 4; ++k)
        p.times[k] = times[k] >= 0 ? times[k] : -1;
    return p;
}

TimelineModel::CallPicture TimelineModel::callPicture(qsizetype i) const
{
    CallPicture p;
    const CallRecord &c = m_trace.calls().at(i);
    const int own = rowOfLane(c.lane);
    p.orphan = c.lane != 0 && own < 0;
    p.row = std::max(own, 0);
    const TimelineLane &lane = m_lanes.at(p.row);
    const qint64 dispatch = relative(c.dispatch);
    const qint64 begin = relative(c.begin);
    const qint64 end = relative(c.end);
    const qint64 result = relative(c.result);
    const bool failed = c.finished && !c.ok;
    if (begin >= 0) {
        // The worker's own stamps; an in-process call still running has no end yet.
        p.hasSpan = true;
        p.span =
            Span{begin, end >= 0 ? end : (c.finished ? result : -1), i, Span::Kind::Call, failed};
    } else if (dispatch >= 0 && c.finished) {
        // Lost with its worker before it began: from the time it could start.
        const qint64 from = std::max(dispatch, lane.ready);
        p.hasSpan = p.lost = true;
        p.span = Span{std::min(from, result), result, i, Span::Kind::Call, failed};
    } else if (dispatch >= 0 && own >= 0 && lane.lane != 0 && lane.ready >= 0 &&
               lane.running == i) {
        // The call its worker runs now: since the worker was free for it. The calls queued
        // behind it (and all of them while the worker is still starting) are not drawn.
        p.hasSpan = true;
        p.span = Span{std::max({dispatch, lane.ready, lane.lastCallEnd}), -1, i, Span::Kind::Flight,
                      false};
    }
    if (c.lane != 0 && dispatch >= 0) {
        p.remote = true;
        p.stampRow = p.row;
        p.marker = Marker{Marker::Kind::Dispatch, dispatch, 0, i};
        p.dispatchArrow = Arrow{Arrow::Kind::Dispatch, dispatch, begin, 0, p.row, i, false};
        if (end >= 0 && result >= 0) {
            p.hasReturn = true;
            p.returnArrow = Arrow{Arrow::Kind::Return, end, result, p.row, 0, i, failed};
        }
    }
    const qint64 times[4] = {dispatch, begin, end, result};
    for (int k = 0; k < 4; ++k)
        p.times[k] = times[k] >= 0 ? times[k] : -1;
    return p;
}

int TimelineModel::stampRow(const CallRecord &c) const
{
    return c.lane != 0 && c.dispatch >= 0 ? std::max(rowOfLane(c.lane), 0) : -1;
}

Span TimelineModel::awaitSpan(qsizetype k) const
{
    const AwaitSpan &a = m_trace.awaits().at(k);
    const qsizetype index = m_trace.callIndex(a.call);
    const CallRecord *c = index >= 0 ? &m_trace.calls().at(index) : nullptr;
    return Span{relative(a.begin), relative(a.end), index, Span::Kind::Await,
                c && c->finished && !c->ok};
}

void TimelineModel::rebuildTimes()
{
    m_times.clear();
    m_workerTimes = QList<QList<qint64>>(m_lanes.size());
    if (m_trace.t0() >= 0) {
        for (const CallRecord &c : m_trace.calls()) {
            const int row = stampRow(c);
            QList<qint64> &stamps = row >= 0 ? m_workerTimes[row] : m_times;
            for (qint64 t : {c.dispatch, c.result})
                if (relative(t) >= 0)
                    m_times.append(relative(t));
            for (qint64 t : {c.begin, c.end})
                if (relative(t) >= 0)
                    stamps.append(relative(t));
        }
        for (int row = 0; row < m_lanes.size(); ++row) {
            const TimelineLane &l = m_lanes.at(row);
            if (l.lane != 0)
                for (qint64 t : {l.fork, l.ready, l.join, l.exit})
                    if (t >= 0)
                        m_times.append(t);
        }
        for (const AwaitSpan &a : m_trace.awaits()) {
            m_times.append(relative(a.begin));
            if (a.end >= 0)
                m_times.append(relative(a.end));
        }
        for (const OutputLine &o : m_trace.outputs())
            m_times.append(relative(o.t));
        for (const StepMark &s : m_trace.steps())
            m_times.append(relative(s.t));
    }
    auto sortOnce = [](QList<qint64> &times) {
        std::sort(times.begin(), times.end());
        times.erase(std::unique(times.begin(), times.end()), times.end());
    };
    sortOnce(m_times);
    for (QList<qint64> &w : m_workerTimes)
        sortOnce(w);
}

// Merges new times into a sorted list of times, each once. New times come near the end.
void TimelineModel::addTimes(QList<qint64> &times, QList<qint64> &added)
{
    if (added.isEmpty())
        return;
    std::sort(added.begin(), added.end());
    added.erase(std::unique(added.begin(), added.end()), added.end());
    const qsizetype from =
        std::lower_bound(times.cbegin(), times.cend(), added.first()) - times.cbegin();
    if (from == times.size()) {
        times.append(added);
        return;
    }
    const QList<qint64> tail(times.cbegin() + from, times.cend());
    times.resize(from);
    std::set_union(tail.cbegin(), tail.cend(), added.cbegin(), added.cend(),
                   std::back_inserter(times));
}

bool TimelineModel::rebuild(const std::atomic<bool> *cancel)
{
    ++m_rebuilds;
    m_lanes.clear();
    m_dispatchArrows.clear();
    m_returnArrows.clear();
    m_markers.clear();
    m_rowOf.clear();
    m_lost.clear();
    m_orphans = 0;
    m_awaitsOf.clear();
    m_maxArrowLength = 0;
    m_t0Seen = m_trace.t0();
    m_outputsSeen = m_trace.outputs().size();
    m_stepsSeen = m_trace.steps().size();
    const QList<AwaitSpan> &awaits = m_trace.awaits();
    for (qsizetype k = 0; k < awaits.size(); ++k)
        m_awaitsOf.insert(awaits.at(k).call, k);
    if (m_trace.t0() >= 0) {
        for (const LaneRecord &r : m_trace.lanes())
            m_lanes.append(laneRow(r));
        if (m_lanes.isEmpty() || m_lanes.first().lane != 0) {
            TimelineLane main;
            main.name = QStringLiteral("main");
            main.fork = 0;
            m_lanes.prepend(main);
        }
    }
    for (int row = 0; row < m_lanes.size(); ++row)
        if (!m_rowOf.contains(m_lanes.at(row).lane))
            m_rowOf.insert(m_lanes.at(row).lane, row);
    m_lost.fill(0, m_lanes.size());

    for (int row = 0; row < m_lanes.size(); ++row) {
        const LanePicture p = lanePicture(row);
        if (p.hasStartup)
            m_lanes[row].spans.append(p.startup);
        if (p.hasJoin)
            m_markers.append(p.join);
        if (p.hasExit)
            m_markers.append(p.exit);
    }
    const qsizetype calls = m_lanes.isEmpty() ? 0 : m_trace.calls().size();
    for (qsizetype i = 0; i < calls; ++i) {
        if ((i & 0x3fff) == 0 && cancel && cancel->load())
            return false;
        const CallPicture p = callPicture(i);
        if (p.hasSpan)
            m_lanes[p.row].spans.append(p.span);
        m_lost[p.row] += p.lost ? 1 : 0;
        m_orphans += p.orphan ? 1 : 0;
        if (p.remote) {
            m_markers.append(p.marker);
            m_dispatchArrows.append(p.dispatchArrow);
        }
        if (p.hasReturn)
            m_returnArrows.append(p.returnArrow);
    }
    if (!m_lanes.isEmpty()) {
        TimelineLane &main = m_lanes.first();
        for (qsizetype k = 0; k < awaits.size(); ++k)
            main.awaits.append(awaitSpan(k));
    }
    for (TimelineLane &l : m_lanes) {
        std::sort(l.spans.begin(), l.spans.end(), order::spans);
        std::stable_sort(l.awaits.begin(), l.awaits.end(),
                         [](const Span &a, const Span &b) { return a.start < b.start; });
        l.spanMaxEnd = runningMaxEnd(l.spans);
        l.awaitMaxEnd = runningMaxEnd(l.awaits);
    }
    std::sort(m_dispatchArrows.begin(), m_dispatchArrows.end(), order::arrows);
    std::sort(m_returnArrows.begin(), m_returnArrows.end(), order::arrows);
    std::sort(m_markers.begin(), m_markers.end(), order::markers);
    for (const QList<Arrow> *arrows : {&m_dispatchArrows, &m_returnArrows})
        for (const Arrow &a : *arrows)
            m_maxArrowLength = std::max(m_maxArrowLength, (a.to < 0 ? a.from : a.to) - a.from);
    if (cancel && cancel->load())
        return false;
    rebuildTimes();
    return true;
}

} // namespace procession::gui
