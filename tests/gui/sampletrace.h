#pragma once

#include "traceevent.h"

#include <QList>
#include <QStringList>

// Traces shaped like the ones the runner records, with round times, for tests that
// must not depend on how fast this machine starts a process.
namespace sample {

using procession::EventType;
using procession::TraceEvent;

constexpr qint64 Ms = 1000000;
constexpr qint64 T0 = 1000 * Ms;

inline TraceEvent ev(qint64 t, EventType type, int lane = 0, qint64 pid = 100, qint64 call = -1,
                     qint64 code = 0, const QString &text = {}, const QString &detail = {})
{
    TraceEvent e;
    e.t = T0 + t;
    e.type = type;
    e.lane = lane;
    e.pid = pid;
    e.call = call;
    e.code = code;
    e.text = text;
    e.detail = detail;
    return e;
}

// greet-spawn: one process per call, four one-second greetings, all awaited in order.
inline QList<TraceEvent> greetSpawn()
{
    const QStringList names = {QStringLiteral("Chess"), QStringLiteral("Cheese"),
                               QStringLiteral("Chase"), QStringLiteral("Cherry")};
    QList<TraceEvent> e;
    e << ev(0, EventType::RunBegin, 0, 100, -1, 0, QStringLiteral("greet-spawn"),
            QStringLiteral("Four greetings, one process each"));
    e << ev(0, EventType::Step, 0, 100, -1, 0, QStringLiteral("call_async"));
    for (int i = 1; i <= 4; ++i) {
        const qint64 t = i * Ms;
        e << ev(t, EventType::Fork, i, 0, -1, 0, QStringLiteral("worker %1").arg(i));
        e << ev(t, EventType::Dispatch, i, 0, i, 0, QStringLiteral("greet"),
                QStringLiteral("%1, \"%2\"").arg(i).arg(names[i - 1]));
    }
    e << ev(5 * Ms, EventType::Step, 0, 100, -1, 1, QStringLiteral("call_await"));
    e << ev(5 * Ms, EventType::AwaitBegin, 0, 100, 1);
    for (int i = 1; i <= 4; ++i)
        e << ev(60 * Ms + i * Ms, EventType::Ready, i, 200 + i);
    for (int i = 1; i <= 4; ++i) {
        const qint64 begin = 61 * Ms + i * Ms;
        e << ev(begin + 1000 * Ms, EventType::Output, i, 200 + i, i, 0,
                QStringLiteral("%1 Hello %2!").arg(i).arg(names[i - 1]));
        e << ev(begin, EventType::Begin, i, 200 + i, i);
        e << ev(begin + 1000 * Ms, EventType::End, i, 200 + i, i, 2 * Ms);
        e << ev(begin + 1001 * Ms, EventType::Result, i, 200 + i, i, 0, QString::number(i));
        e << ev(begin + 1001 * Ms, EventType::AwaitEnd, 0, 100, i);
        if (i < 4)
            e << ev(begin + 1001 * Ms, EventType::AwaitBegin, 0, 100, i + 1);
        e << ev(begin + 1002 * Ms, EventType::Join, i, 200 + i);
        e << ev(begin + 1004 * Ms, EventType::Exit, i, 200 + i);
    }
    e << ev(1070 * Ms, EventType::RunEnd, 0, 100, -1, 0, QStringLiteral("4 calls, all ok"));
    return e;
}

// greet-spawn cut short: the first `count` events (a live run seen half way).
inline QList<TraceEvent> prefix(const QList<TraceEvent> &events, qsizetype count)
{
    return events.mid(0, count);
}

// One worker that crashes while running crash("segfault").
inline QList<TraceEvent> crash()
{
    QList<TraceEvent> e;
    e << ev(0, EventType::RunBegin, 0, 100, -1, 0, QStringLiteral("crash"));
    e << ev(1 * Ms, EventType::Fork, 1, 0, -1, 0, QStringLiteral("worker 1"));
    e << ev(2 * Ms, EventType::Dispatch, 1, 0, 7, 0, QStringLiteral("crash"),
            QStringLiteral("\"segfault\""));
    e << ev(2 * Ms, EventType::AwaitBegin, 0, 100, 7);
    e << ev(50 * Ms, EventType::Ready, 1, 301);
    e << ev(80 * Ms, EventType::Crash, 1, 301, -1, 11,
            QStringLiteral(
                "worker 1 (pid 301) crashed with SIGSEGV while running crash(\"segfault\")"));
    e << ev(
        81 * Ms, EventType::Error, 1, 301, 7, 0,
        QStringLiteral("worker 1 (pid 301) crashed with SIGSEGV while running crash(\"segfault\")"),
        QStringLiteral("crashed"));
    e << ev(81 * Ms, EventType::AwaitEnd, 0, 100, 7);
    e << ev(90 * Ms, EventType::RunEnd, 0, 100, -1, 0, QStringLiteral("the crash was expected"));
    return e;
}

// `n` tiny calls of 1 µs each, 10 µs apart, on one pool worker: a test of scale.
inline QList<TraceEvent> manyCalls(int n)
{
    QList<TraceEvent> e;
    e.reserve(n * 4 + 4);
    e << ev(0, EventType::RunBegin, 0, 100, -1, 0, QStringLiteral("many"));
    e << ev(0, EventType::Fork, 1, 0, -1, 0, QStringLiteral("worker 1"));
    e << ev(10 * Ms, EventType::Ready, 1, 201);
    for (int i = 0; i < n; ++i) {
        const qint64 t = 10 * Ms + qint64(i) * 10000;
        e << ev(t, EventType::Dispatch, 1, 201, i + 1, 0, QStringLiteral("square"),
                QString::number(i));
        e << ev(t + 2000, EventType::Begin, 1, 201, i + 1);
        e << ev(t + 3000, EventType::End, 1, 201, i + 1);
        e << ev(t + 5000, EventType::Result, 1, 201, i + 1, 0, QString::number(qint64(i) * i));
    }
    e << ev(10 * Ms + qint64(n) * 10000 + Ms, EventType::RunEnd, 0, 100);
    return e;
}

} // namespace sample
