#pragma once

#include "traceevent.h"

#include <QList>
#include <QRandomGenerator>

#include <algorithm>

// Random runs shaped like the ones the runner records: workers that start (or die starting),
// calls sent to them or made in-process, each worker running its queue in order, results
// read later than the worker's stamps, failures, crashes mid-run that lose the calls queued
// behind, awaits, printed lines, steps and phases. The events come in the order the parent
// learns of them, as a live run delivers them.
namespace randomrun {

using procession::EventType;
using procession::TraceEvent;

struct Options
{
    int maxWorkers = 5;
    int maxCalls = 120;
    // Lanes forked out of order and calls sent to a lane before its fork: rare shapes that
    // make the model build its picture again.
    bool oddLanes = false;
};

inline QList<TraceEvent> make(quint32 seed, Options o = {})
{
    QRandomGenerator rng(seed);
    auto r = [&](int lo, int hi) { return int(rng.bounded(lo, hi + 1)); };
    auto chance = [&](int percent) { return r(1, 100) <= percent; };
    constexpr qint64 Us = 1000;
    struct Out
    {
        qint64 arrival;
        int order;
        TraceEvent e;
    };
    QList<Out> out;
    auto put = [&](qint64 arrival, EventType type, qint64 t, int lane, qint64 pid, qint64 call = -1,
                   qint64 code = 0, const QString &text = {}, const QString &detail = {}) {
        TraceEvent e;
        e.t = t;
        e.type = type;
        e.lane = lane;
        e.pid = pid;
        e.call = call;
        e.code = code;
        e.text = text;
        e.detail = detail;
        out.append(Out{arrival, int(out.size()), e});
    };

    qint64 t = 5000000000LL;
    const qint64 selfPid = 100;
    put(t, EventType::RunBegin, t, 0, selfPid, -1, 0, QStringLiteral("random"),
        QStringLiteral("Random run %1").arg(seed));
    int step = 0;
    auto maybeStep = [&] {
        if (chance(15))
            put(t, EventType::Step, t, 0, selfPid, -1, step++, QStringLiteral("step"));
    };
    auto maybePhase = [&] {
        if (chance(4))
            put(t, EventType::Phase, t, 0, selfPid, -1, 0, QStringLiteral("phase %1").arg(step));
    };

    struct Worker
    {
        int lane = 0;
        qint64 pid = 0;
        qint64 ready = -1;   // -1: never says hello (dies starting)
        qint64 free = -1;    // when its last call ended
        qint64 crashAt = -1; // -1: does not crash
        bool gone = false;
    };
    QList<Worker> workers;
    const int nWorkers = r(0, o.maxWorkers);
    QList<int> lanes;
    for (int i = 1; i <= nWorkers; ++i)
        lanes << i;
    if (o.oddLanes)
        std::shuffle(lanes.begin(), lanes.end(), rng);
    auto fork = [&](int lane) {
        Worker w;
        w.lane = lane;
        w.pid = 1000 + lane;
        put(t, EventType::Fork, t, lane, 0, -1, 0, QStringLiteral("worker %1").arg(lane));
        const qint64 startup = r(200, 60000) * Us;
        if (chance(8)) { // dies starting
            w.crashAt = t + startup;
            put(w.crashAt, EventType::Crash, w.crashAt, lane, 0, -1, 1,
                QStringLiteral("worker %1 could not start").arg(lane), QStringLiteral("exit"));
            w.gone = true;
        } else {
            w.ready = t + startup;
            w.free = w.ready;
            put(w.ready, EventType::Ready, w.ready, lane, w.pid);
            if (chance(12))
                w.crashAt = w.ready + r(1, 400000) * Us;
        }
        workers << w;
        t += r(0, 3000) * Us;
    };
    // Most workers are forked at the start, some later in the run.
    const int early = nWorkers - (nWorkers > 1 && chance(40) ? 1 : 0);
    for (int i = 0; i < early; ++i)
        fork(lanes.at(i));

    const int nCalls = r(0, o.maxCalls);
    for (qint64 id = 1; id <= nCalls; ++id) {
        maybeStep();
        maybePhase();
        if (workers.size() < nWorkers && chance(3))
            fork(lanes.at(workers.size()));
        t += r(0, 4000) * Us;
        const QString fn = chance(50) ? QStringLiteral("square") : QStringLiteral("sleep");
        const QString args = QString::number(id);
        const bool awaited = chance(35);
        if (workers.isEmpty() || chance(10)) { // in-process
            const qint64 begin = t, end = t + r(1, 3000) * Us;
            put(begin, EventType::Begin, begin, 0, selfPid, id, 0, fn, args);
            if (chance(20))
                put(begin + Us, EventType::Output, begin + Us, 0, selfPid, -1, 1,
                    QStringLiteral("line %1").arg(id));
            put(end, EventType::End, end, 0, selfPid, id, r(0, 3000) * Us);
            if (chance(10))
                put(end, EventType::Error, end, 0, selfPid, id, 0, QStringLiteral("it failed"),
                    QStringLiteral("ValueError"));
            else
                put(end, EventType::Result, end, 0, selfPid, id, 0, QString::number(id * id));
            t = end;
            continue;
        }
        Worker &w = workers[r(0, int(workers.size()) - 1)];
        const qint64 dispatch = t;
        if (o.oddLanes && chance(3)) { // to a lane with no fork yet
            const int lane = nWorkers + r(1, 2);
            put(dispatch, EventType::Dispatch, dispatch, lane, 0, id, 0, fn, args);
            put(dispatch + Us, EventType::Error, dispatch + Us, lane, 0, id, 0,
                QStringLiteral("no such worker"), QStringLiteral("lost"));
            continue;
        }
        if (w.gone && w.crashAt < dispatch && chance(50)) { // never sent: it is known gone
            put(dispatch, EventType::Unsent, dispatch, w.lane, w.pid, id, 0, fn, args);
            put(dispatch, EventType::Error, dispatch, w.lane, w.pid, id, 0,
                QStringLiteral("worker %1 is gone").arg(w.lane), QStringLiteral("crashed"));
            continue;
        }
        put(dispatch, EventType::Dispatch, dispatch, w.lane, w.ready >= 0 ? w.pid : 0, id, 0, fn,
            args);
        qint64 awaitFrom = -1;
        if (awaited) {
            awaitFrom = dispatch + r(0, 500) * Us;
            put(awaitFrom, EventType::AwaitBegin, awaitFrom, 0, selfPid, id, 0,
                fn + QLatin1Char('(') + args + QLatin1Char(')'));
        }
        qint64 answered = -1;
        if (w.gone || w.ready < 0) {
            // Its worker died starting (or already crashed): the call fails when the parent
            // finds out.
            answered = std::max(dispatch, w.crashAt) + r(1, 2000) * Us;
            put(answered, EventType::Error, answered, w.lane, w.pid, id, 0,
                QStringLiteral("worker %1 is gone").arg(w.lane), QStringLiteral("crashed"));
        } else {
            const qint64 begin = std::max({dispatch + r(20, 300) * Us, w.ready, w.free}) + Us;
            const qint64 end = begin + r(1, 20000) * Us;
            if (w.crashAt >= 0 && w.crashAt < end) {
                answered = w.crashAt + r(1, 2000) * Us;
                put(answered, EventType::Error, answered, w.lane, w.pid, id, 0,
                    QStringLiteral("worker %1 crashed while running %2").arg(w.lane).arg(fn),
                    QStringLiteral("crashed"));
                if (!w.gone) {
                    put(answered, EventType::Crash, w.crashAt, w.lane, w.pid, -1, 11,
                        QStringLiteral("worker %1 (pid %2) crashed with SIGSEGV")
                            .arg(w.lane)
                            .arg(w.pid),
                        QStringLiteral("signal"));
                    w.gone = true;
                }
            } else {
                answered = end + r(5, 3000) * Us;
                if (chance(10))
                    put(begin + Us, EventType::Output, begin + Us, w.lane, w.pid, -1, 1,
                        QStringLiteral("printed by %1").arg(id));
                put(answered, EventType::Begin, begin, w.lane, w.pid, id, r(0, 5) * Us);
                put(answered, EventType::End, end, w.lane, w.pid, id, r(0, 20000) * Us);
                if (chance(8))
                    put(answered, EventType::Error, answered, w.lane, w.pid, id, 0,
                        QStringLiteral("ZeroDivisionError"), QStringLiteral("task"));
                else
                    put(answered, EventType::Result, answered, w.lane, w.pid, id, 0,
                        QString::number(id * id));
                w.free = end;
            }
        }
        if (awaited)
            put(std::max(answered, awaitFrom), EventType::AwaitEnd, std::max(answered, awaitFrom),
                0, selfPid, id);
    }
    qint64 last = t;
    for (const Out &x : std::as_const(out))
        last = std::max(last, x.arrival);
    t = last + r(1, 5000) * Us;
    for (const Worker &w : std::as_const(workers)) {
        if (w.gone)
            continue;
        put(t, EventType::Join, t, w.lane, w.pid);
        t += r(1, 2000) * Us;
        put(t, EventType::Exit, t, w.lane, w.pid, -1, 0);
    }
    t += Us;
    put(t, EventType::RunEnd, t, 0, selfPid, -1, 0, QStringLiteral("finished"));

    std::stable_sort(out.begin(), out.end(), [](const Out &a, const Out &b) {
        return a.arrival != b.arrival ? a.arrival < b.arrival : a.order < b.order;
    });
    QList<TraceEvent> events;
    events.reserve(out.size());
    for (const Out &x : std::as_const(out))
        events << x.e;
    return events;
}

} // namespace randomrun
