// TraceModel's summary: kept up to date event by event (the window asks for it every frame),
// it must always equal what a walk over every call computes, whatever the order of events.

#include "tracemodel.h"

#include <QRandomGenerator>
#include <QTest>

using namespace procession;

namespace {

TraceEvent makeEvent(qint64 t, EventType type, int lane, qint64 call, qint64 code = 0)
{
    TraceEvent e;
    e.t = t;
    e.type = type;
    e.lane = lane;
    e.pid = 1000 + lane;
    e.call = call;
    e.code = code;
    e.text = QStringLiteral("square");
    return e;
}

// The summary's call figures the slow way: one walk over the calls and their lanes.
RunSummary reference(const TraceModel &m, qint64 now)
{
    RunSummary s;
    const qint64 end = m.finished() ? m.lastT() : std::max(now, m.lastT());
    QHash<int, qint64> lastResult;
    QList<CallRecord> byResult = m.calls();
    for (const CallRecord &c : m.calls()) {
        ++s.calls;
        if (c.finished) {
            ++s.finishedCalls;
            s.failedCalls += c.ok ? 0 : 1;
        }
        if (c.cpuNs > 0)
            s.cpuS += c.cpuNs / 1e9;
        if (c.begin >= 0) {
            const qint64 e = c.end >= 0 ? c.end : (c.finished ? c.result : end);
            s.workS += std::max<qint64>(0, e - c.begin - c.waitNs) / 1e9;
        }
        if (c.lane != 0 && c.dispatch >= 0 && c.begin >= 0)
            s.dispatchS += std::max<qint64>(0, c.begin - (c.free >= 0 ? c.free : c.dispatch)) / 1e9;
    }
    // Return: per worker, the union of end -> result over its calls.
    std::sort(byResult.begin(), byResult.end(),
              [](const CallRecord &a, const CallRecord &b) { return a.result < b.result; });
    QHash<int, qint64> covered;
    for (const CallRecord &c : byResult) {
        if (c.lane == 0 || c.end < 0 || c.result < 0)
            continue;
        const qint64 from = std::max(c.end, covered.value(c.lane, -1));
        s.returnS += std::max<qint64>(0, c.result - from) / 1e9;
        covered[c.lane] = std::max(covered.value(c.lane, -1), c.result);
    }
    return s;
}

void compare(const RunSummary &got, const RunSummary &want, const char *where)
{
    QVERIFY2(got.calls == want.calls, where);
    QVERIFY2(got.finishedCalls == want.finishedCalls, where);
    QVERIFY2(got.failedCalls == want.failedCalls, where);
    // Sums of integer nanoseconds against sums of seconds: equal to well under a ns a call.
    QVERIFY2(qAbs(got.cpuS - want.cpuS) < 1e-9 * (want.calls + 1), where);
    QVERIFY2(qAbs(got.workS - want.workS) < 1e-9 * (want.calls + 1), where);
    QVERIFY2(qAbs(got.dispatchS - want.dispatchS) < 1e-9 * (want.calls + 1), where);
    QVERIFY2(qAbs(got.returnS - want.returnS) < 1e-9 * (want.calls + 1), where);
}

} // namespace

class TestTraceModel : public QObject
{
    Q_OBJECT

private slots:
    void resultsReadTogetherWaitedOnce()
    {
        TraceModel m;
        m.apply(makeEvent(0, EventType::RunBegin, 0, -1));
        // Worker 1 finishes three calls at 10, 20 and 60; the parent reads the first two at
        // 50 (together) and the third at 70: results waited 10..50 and 60..70, 50 in all.
        const qint64 ends[3] = {10, 20, 60}, reads[3] = {50, 50, 70};
        for (int i = 0; i < 3; ++i) {
            m.apply(makeEvent(1, EventType::Dispatch, 1, i + 1));
            m.apply(makeEvent(ends[i] - 5, EventType::Begin, 1, i + 1));
            m.apply(makeEvent(ends[i], EventType::End, 1, i + 1, 3));
            m.apply(makeEvent(reads[i], EventType::Result, 1, i + 1));
        }
        QCOMPARE(qRound64(m.summary().returnS * 1e9), 50);
        QCOMPARE(qRound64(m.summary().workS * 1e9), 15);
        QCOMPARE(qRound64(m.summary().cpuS * 1e9), 9);
        QCOMPARE(m.summary().finishedCalls, 3);
    }

    void openCallsGrowWithNow()
    {
        TraceModel m;
        m.apply(makeEvent(0, EventType::RunBegin, 0, -1));
        m.apply(makeEvent(100, EventType::Begin, 0, 1)); // an in-process call, still running
        QCOMPARE(qRound64(m.summary(400).workS * 1e9), 300);
        QCOMPARE(qRound64(m.summary(900).workS * 1e9), 800);
        m.apply(makeEvent(1000, EventType::End, 0, 1));
        m.apply(makeEvent(1000, EventType::Result, 0, 1));
        QCOMPARE(qRound64(m.summary(5000).workS * 1e9), 900);
    }

    // Random runs on three workers and the main lane, with errors, calls never answered
    // and calls still running, events in time order: after every event the summary equals
    // the walk over all calls.
    void incrementalEqualsAWalk_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed : {1u, 2u, 3u, 42u, 2026u})
            QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }
    void incrementalEqualsAWalk()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        QList<TraceEvent> events;
        events << makeEvent(0, EventType::RunBegin, 0, -1);
        qint64 laneFree[4] = {0, 0, 0, 0};
        for (qint64 id = 1; id <= 300; ++id) {
            const int lane = int(rng.bounded(4));
            const qint64 dispatch = qint64(rng.bounded(100000));
            const qint64 begin = std::max(dispatch, laneFree[lane]) + rng.bounded(50);
            const qint64 end = begin + rng.bounded(500);
            laneFree[lane] = end;
            const int fate = int(rng.bounded(10)); // 0: running, 1: error, else a result
            if (lane != 0)
                events << makeEvent(dispatch, EventType::Dispatch, lane, id);
            TraceEvent b = makeEvent(begin, EventType::Begin, lane, id, rng.bounded(20));
            events << b;
            if (fate == 0)
                continue;
            events << makeEvent(end, EventType::End, lane, id, rng.bounded(400));
            events << makeEvent(end + rng.bounded(300),
                                fate == 1 ? EventType::Error : EventType::Result, lane, id);
        }
        std::stable_sort(events.begin(), events.end(),
                         [](const TraceEvent &a, const TraceEvent &b) { return a.t < b.t; });
        TraceModel m;
        for (qsizetype i = 0; i < events.size(); ++i) {
            m.apply(events.at(i));
            if (i % 37 == 0 || i == events.size() - 1) {
                const qint64 now = m.lastT() + 123;
                compare(m.summary(now), reference(m, now),
                        qPrintable(QStringLiteral("event %1").arg(i)));
            }
        }
        QVERIFY(m.summary().returnS > 0);
        QVERIFY(m.summary().failedCalls > 0);
    }
};

QTEST_GUILESS_MAIN(TestTraceModel)
#include "tst_tracemodel.moc"
