// TraceModel's summary: kept up to date event by event (the window asks for it every frame),
// it must always equal what a walk over every call computes, whatever the order of events.

#include "comparison.h"
#include "report.h"
#include "runner.h"
#include "tracemodel.h"

#include <QRandomGenerator>
#include <QSet>
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
    QList<CallRecord> byResult = m.calls();
    QHash<int, qint64> laneEnd; // the latest end seen on each worker
    for (const CallRecord &c : m.calls())
        if (c.lane != 0 && c.dispatch >= 0 && c.end >= 0)
            laneEnd[c.lane] = std::max(laneEnd.value(c.lane, -1), c.end);
    QSet<int> busy;
    for (const CallRecord &c : m.calls()) {
        // A worker runs its calls in order; the first one without a begin stamp whose
        // predecessors all ended is running since the worker was free.
        if (c.lane != 0 && c.dispatch >= 0) {
            if (c.begin < 0 && !c.finished && !busy.contains(c.lane)) {
                const LaneRecord *l = m.lane(c.lane);
                if (l && l->ready >= 0)
                    s.workS +=
                        (end - std::max({c.dispatch, laneEnd.value(c.lane, -1), l->ready})) / 1e9;
            }
            if (c.end < 0 && !c.finished)
                busy.insert(c.lane);
        }
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

// A random run as the session records it: a worker's begin and end stamps arrive with its
// result, so every event has the time it was recorded (`arrival`) as well as its own time.
struct Recorded
{
    qint64 arrival = 0;
    TraceEvent event;
};

struct SyntheticRun
{
    QList<Recorded> records; // in arrival order
    qint64 end = 0;
    // Per call: what the live model cannot know before the result arrives.
    struct Hidden
    {
        qint64 latency = 0; // begin - when the worker was free
        qint64 wait = 0;    // CPU wait
        qint64 end = 0;
        qint64 result = 0;
    };
    QList<Hidden> hidden;
};

// exact: no dispatch latency, no CPU wait, results read the moment a call ends; then the
// head of a worker's queue is known to be running exactly when it is.
SyntheticRun makeRun(quint32 seed, bool exact)
{
    QRandomGenerator rng(seed);
    SyntheticRun run;
    auto add = [&](qint64 arrival, qint64 t, EventType type, int lane, qint64 call, qint64 code = 0,
                   const QString &text = QStringLiteral("sleep")) {
        Recorded r;
        r.arrival = arrival;
        r.event = makeEvent(t, type, lane, call, code);
        r.event.text = text;
        run.records << r;
    };
    add(0, 0, EventType::RunBegin, 0, -1, 0, QStringLiteral("synthetic"));
    qint64 now = 10;
    int lanes = 0;
    qint64 id = 0;
    QHash<int, qint64> ready;
    const int phases = 1 + int(rng.bounded(3));
    for (int p = 0; p < phases; ++p) {
        add(now, now, EventType::Phase, 0, -1, 0, QStringLiteral("phase %1").arg(p));
        const int forks = (p == 0 ? 1 : 0) + int(rng.bounded(3));
        for (int f = 0; f < forks; ++f) {
            const int lane = ++lanes;
            const qint64 fork = now + rng.bounded(100);
            ready[lane] = fork + 1000 + rng.bounded(4000);
            add(fork, fork, EventType::Fork, lane, -1);
            add(ready[lane], ready[lane], EventType::Ready, lane, -1);
            now = std::max(now, fork);
        }
        QHash<int, qint64> laneFree = ready; // when each worker finishes what it was given
        QHash<int, qint64> laneRead;
        qint64 lastRead = now;
        const int calls = 1 + int(rng.bounded(8));
        qint64 dispatch = now;
        for (int c = 0; c < calls; ++c) {
            const qint64 call = ++id;
            const int lane = 1 + int(rng.bounded(quint32(lanes)));
            dispatch += rng.bounded(300);
            SyntheticRun::Hidden h;
            h.latency = exact ? 0 : rng.bounded(200);
            const qint64 free = std::max(dispatch, laneFree.value(lane));
            const qint64 begin = free + h.latency;
            const qint64 duration = rng.bounded(3000);
            h.wait = exact || duration == 0 ? 0 : rng.bounded(quint32(duration / 2 + 1));
            h.end = begin + duration;
            laneFree[lane] = h.end;
            // Results of one worker are read in order; the parent may read late.
            h.result = std::max(h.end, laneRead.value(lane)) + (exact ? 0 : rng.bounded(500));
            laneRead[lane] = h.result;
            lastRead = std::max(lastRead, h.result);
            add(dispatch, dispatch, EventType::Dispatch, lane, call);
            add(h.result, begin, EventType::Begin, lane, call, h.wait);
            add(h.result, h.end, EventType::End, lane, call, duration / 3);
            add(h.result, h.result, rng.bounded(6) == 0 ? EventType::Error : EventType::Result,
                lane, call);
            run.hidden << h;
        }
        now = lastRead + 50 + rng.bounded(500);
    }
    for (int lane = 1; lane <= lanes; ++lane)
        add(now + lane, now + lane, EventType::Exit, lane, -1);
    run.end = now + lanes + 10;
    add(run.end, run.end, EventType::RunEnd, 0, -1);
    std::stable_sort(run.records.begin(), run.records.end(),
                     [](const Recorded &a, const Recorded &b) { return a.arrival < b.arrival; });
    return run;
}

TraceModel liveAt(const SyntheticRun &run, qint64 t)
{
    TraceModel m;
    for (const Recorded &r : run.records)
        if (r.arrival <= t)
            m.apply(r.event);
    return m;
}

void compareFigures(const RunSummary &live, const RunSummary &cut, const QString &where)
{
    const QByteArray w = where.toUtf8();
    const double eps = 1e-9 * (cut.calls + cut.workers + 2);
    QVERIFY2(qAbs(live.wallS - cut.wallS) < eps, w.constData());
    QVERIFY2(qAbs(live.workS - cut.workS) < eps,
             QByteArray(w + " work " + QByteArray::number(live.workS * 1e9) + " ns live, " +
                        QByteArray::number(cut.workS * 1e9) + " ns cut")
                 .constData());
    QVERIFY2(qAbs(live.cpuS - cut.cpuS) < eps, w.constData());
    QVERIFY2(qAbs(live.speedup - cut.speedup) < 1e-6, w.constData());
    QVERIFY2(qAbs(live.startupS - cut.startupS) < eps, w.constData());
    QVERIFY2(qAbs(live.dispatchS - cut.dispatchS) < eps, w.constData());
    QVERIFY2(qAbs(live.returnS - cut.returnS) < eps, w.constData());
    QVERIFY2(live.calls == cut.calls, w.constData());
    QVERIFY2(live.finishedCalls == cut.finishedCalls, w.constData());
    QVERIFY2(live.workers == cut.workers, w.constData());
}

} // namespace

class TestTraceModel : public QObject
{
    Q_OBJECT

private slots:
    // Whether a worker "could not start" or crashed is the Crash event's kind, not a guess
    // from its sentence: a crash while running a call whose text says "could not start"
    // is still a crash, in the model and in the text report.
    void noStartIsTheEventsKindNotItsWords()
    {
        TraceModel m;
        m.apply(makeEvent(0, EventType::RunBegin, 0, -1));
        for (int lane : {1, 2})
            m.apply(makeEvent(1, EventType::Fork, lane, -1));
        TraceEvent crash = makeEvent(5, EventType::Crash, 1, -1, 3);
        crash.text = QStringLiteral(
            "worker 1 (pid 1001) exited with status 3 while running echo(\"x could not start\")");
        crash.detail = QStringLiteral("exit");
        m.apply(crash);
        TraceEvent noStart = makeEvent(6, EventType::Crash, 2, -1, 71);
        noStart.text = QStringLiteral("worker 2 (pid 1002) could not start: the system gave it "
                                      "no thread");
        noStart.detail = kCrashDetailNoStart;
        m.apply(noStart);
        QVERIFY(m.lanes().at(1).crashed && !m.lanes().at(1).neverStarted);
        QVERIFY(m.lanes().at(2).crashed && m.lanes().at(2).neverStarted);
        QCOMPARE(m.summary().crashes, 1);
        QCOMPARE(m.summary().noStarts, 1);
        const QString report = runReportText(m, false, QStringLiteral("failed"));
        QVERIFY2(report.contains(QStringLiteral("  crash      worker 1 (pid 1001) exited")),
                 qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("  no start   worker 2 (pid 1002) could not")),
                 qPrintable(report));
    }

    // Problems fold by their cause, as the session gave it, not by the shape of their
    // sentences: a task's own error that happens to read "... never ran: ..." stands alone.
    void problemsFoldByTheirCause()
    {
        const QString crash = QStringLiteral("worker 2 (pid 9) crashed with SIGABRT");
        const QList<Problem> problems = {
            {crash, crash},
            {QStringLiteral("sleep(1) never ran: ") + crash, crash},
            {QStringLiteral("f(1) failed on worker 1: job 1 never ran: no input"), {}},
            {QStringLiteral("cannot run sleep(2): ") + crash, crash},
            {QStringLiteral("f(2) failed on worker 1: job 2 never ran: no input"), {}},
        };
        const QStringList out = summarizedProblems(problems);
        QCOMPARE(out, (QStringList{
                          crash,
                          QStringLiteral("… and 2 more calls failed the same way"),
                          QStringLiteral("f(1) failed on worker 1: job 1 never ran: no input"),
                          QStringLiteral("f(2) failed on worker 1: job 2 never ran: no input"),
                      }));
    }

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

    // The figures a person watches during a live run equal those of the finished trace cut
    // at the same instant: for random runs and random instants, run-wide and per phase.
    void liveEqualsFinishedCutAt_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 40; ++seed)
            QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }
    void liveEqualsFinishedCutAt()
    {
        QFETCH(quint32, seed);
        const SyntheticRun run = makeRun(seed, true);
        TraceModel finished;
        for (const Recorded &r : run.records)
            finished.apply(r.event);
        QVERIFY(finished.finished());
        QRandomGenerator rng(seed * 7919u);
        QList<qint64> instants;
        for (int i = 0; i < 30; ++i)
            instants << qint64(rng.bounded(quint32(run.end + 200)));
        for (const Recorded &r : run.records) // and exactly at every arrival
            instants << r.arrival;
        for (qint64 t : std::as_const(instants)) {
            const TraceModel live = liveAt(run, t);
            const QString where = QStringLiteral("seed %1, t %2").arg(seed).arg(t);
            compareFigures(live.summary(t), finished.summary(t), where);
            const QList<PhaseSummary> lp = live.phaseSummaries(t);
            const QList<PhaseSummary> fp = finished.phaseSummaries(t);
            QCOMPARE(lp.size(), fp.size());
            double phaseWork = 0;
            for (qsizetype i = 0; i < lp.size(); ++i) {
                QCOMPARE(lp.at(i).name, fp.at(i).name);
                compareFigures(lp.at(i).figures, fp.at(i).figures,
                               where + QStringLiteral(", phase %1").arg(i));
                phaseWork += fp.at(i).figures.workS;
            }
            // Every call is made inside a phase: the phases' work adds up to the run's.
            QVERIFY2(qAbs(phaseWork - finished.summary(t).workS) < 1e-6, qPrintable(where));
        }
    }

    // With what a live run cannot know (dispatch latency, CPU wait, results read late) the
    // live work differs from the truth by at most those unknowns, and queued calls never
    // count.
    void liveWorkWithinTheUnknowns_data() { liveEqualsFinishedCutAt_data(); }
    void liveWorkWithinTheUnknowns()
    {
        QFETCH(quint32, seed);
        const SyntheticRun run = makeRun(seed, false);
        TraceModel finished;
        for (const Recorded &r : run.records)
            finished.apply(r.event);
        QRandomGenerator rng(seed * 104729u);
        for (int i = 0; i < 60; ++i) {
            const qint64 t = qint64(rng.bounded(quint32(run.end + 200)));
            const TraceModel live = liveAt(run, t);
            qint64 bound = 0;
            for (const SyntheticRun::Hidden &h : run.hidden)
                if (h.result > t)
                    bound += h.latency + h.wait + std::max<qint64>(0, t - h.end);
            const double diff = (live.summary(t).workS - finished.summary(t).workS) * 1e9;
            QVERIFY2(qAbs(diff) <= bound + 1e-3 * (run.hidden.size() + 1),
                     qPrintable(QStringLiteral("seed %1, t %2: live work differs by %3 ns, "
                                               "the unknowns allow %4 ns")
                                    .arg(seed)
                                    .arg(t)
                                    .arg(diff)
                                    .arg(bound)));
        }
    }

    // A scenario's lesson: phase against phase, only when both make the same calls.
    void comparesPhasesDoingTheSameWork()
    {
        TraceModel m;
        m.apply(makeEvent(0, EventType::RunBegin, 0, -1));
        auto phase = [&](qint64 t, const QString &name) {
            TraceEvent e = makeEvent(t, EventType::Phase, 0, -1);
            e.text = name;
            m.apply(e);
        };
        auto call = [&](qint64 id, qint64 begin, qint64 end, const QString &args) {
            TraceEvent b = makeEvent(begin, EventType::Begin, 0, id);
            b.detail = args;
            m.apply(b);
            m.apply(makeEvent(end, EventType::End, 0, id));
            m.apply(makeEvent(end, EventType::Result, 0, id));
        };
        phase(0, QStringLiteral("one"));
        call(1, 0, 4000, QStringLiteral("1"));
        phase(4000, QStringLiteral("two"));
        call(2, 4000, 5000, QStringLiteral("1"));
        phase(5000, QStringLiteral("three"));
        call(3, 5000, 5500, QStringLiteral("2"));
        m.apply(makeEvent(5500, EventType::RunEnd, 0, -1));

        const PhaseComparison c = comparePhases(m, QStringLiteral("one"), QStringLiteral("two"));
        QVERIFY(c.found);
        QVERIFY(c.sameWork);
        QCOMPARE(c.speedup, 4.0);
        QCOMPARE(c.sentence(), QStringLiteral("two: 4.00× faster than one"));
        const PhaseComparison d = comparePhases(m, QStringLiteral("two"), QStringLiteral("three"));
        QVERIFY(!d.sameWork); // square(1) against square(2)
        QVERIFY2(d.sentence().contains(QStringLiteral("do not make the same calls")),
                 qPrintable(d.sentence()));
        QVERIFY(!comparePhases(m, QStringLiteral("one"), QStringLiteral("nine")).found);

        const QList<PhaseSummary> phases = m.phaseSummaries();
        QCOMPARE(phases.size(), 3);
        QCOMPARE(qRound64(phases.at(0).figures.wallS * 1e9), 4000);
        QCOMPARE(qRound64(phases.at(1).figures.workS * 1e9), 1000);
        QCOMPARE(phases.at(2).figures.calls, 1);

        TraceModel other = m;
        QVERIFY(sameCalls(m, other));
        TraceModel fewer;
        fewer.apply(makeEvent(0, EventType::RunBegin, 0, -1));
        QVERIFY(!sameCalls(m, fewer));
        QVERIFY(compareRunsSentence(m, QStringLiteral("a"), fewer, QStringLiteral("b"))
                    .contains(QStringLiteral("do not make the same calls")));
    }

    // The first example: eight calls queued on one worker are one call's work.
    void queuedCallsAreNotWork()
    {
        TraceModel m;
        m.apply(makeEvent(0, EventType::RunBegin, 0, -1));
        m.apply(makeEvent(0, EventType::Fork, 1, -1));
        m.apply(makeEvent(100, EventType::Ready, 1, -1));
        for (int i = 1; i <= 8; ++i)
            m.apply(makeEvent(200, EventType::Dispatch, 1, i));
        QCOMPARE(qRound64(m.summary(1200).workS * 1e9), 1000);
        // The first ends at 1200 and is read at 1300: the second runs from 1200.
        m.apply(makeEvent(250, EventType::Begin, 1, 1));
        m.apply(makeEvent(1200, EventType::End, 1, 1));
        m.apply(makeEvent(1300, EventType::Result, 1, 1));
        QCOMPARE(qRound64(m.summary(1500).workS * 1e9), 950 + 300);
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
