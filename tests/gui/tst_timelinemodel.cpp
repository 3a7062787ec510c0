#include "randomrun.h"
#include "sampletrace.h"
#include "timelinemodel.h"

#include <QRandomGenerator>
#include <QTest>

#include <tuple>

using namespace procession::gui;
using sample::Ms;

namespace {

QString spanText(const Span &s)
{
    return QStringLiteral("{%1..%2 call %3 kind %4%5}")
        .arg(s.start)
        .arg(s.end)
        .arg(s.call)
        .arg(int(s.kind))
        .arg(s.failed ? QStringLiteral(" failed") : QString());
}

// The first way in which two models differ, in words; empty if they are the same.
QString difference(const TimelineModel &a, const TimelineModel &b)
{
    if (a.lanes().size() != b.lanes().size())
        return QStringLiteral("%1 rows, not %2").arg(a.lanes().size()).arg(b.lanes().size());
    for (int r = 0; r < a.lanes().size(); ++r) {
        const TimelineLane &x = a.lanes().at(r), &y = b.lanes().at(r);
        const QString row = QStringLiteral("row %1: ").arg(r);
        if (x.lane != y.lane || x.name != y.name || x.pid != y.pid || x.fork != y.fork ||
            x.ready != y.ready || x.join != y.join || x.exit != y.exit ||
            x.exitCode != y.exitCode || x.crashed != y.crashed || x.reason != y.reason)
            return row + QStringLiteral("lane fields differ (lane %1/%2 ready %3/%4 exit %5/%6)")
                             .arg(x.lane)
                             .arg(y.lane)
                             .arg(x.ready)
                             .arg(y.ready)
                             .arg(x.exit)
                             .arg(y.exit);
        if (x.running != y.running || x.lastCallEnd != y.lastCallEnd)
            return row + QStringLiteral("running %1/%2, last end %3/%4")
                             .arg(x.running)
                             .arg(y.running)
                             .arg(x.lastCallEnd)
                             .arg(y.lastCallEnd);
        for (const auto &[xs, ys, what] :
             {std::make_tuple(&x.spans, &y.spans, QStringLiteral("span")),
              std::make_tuple(&x.awaits, &y.awaits, QStringLiteral("await"))}) {
            if (xs->size() != ys->size())
                return row +
                       QStringLiteral("%1 %2s, not %3").arg(xs->size()).arg(what).arg(ys->size());
            for (qsizetype i = 0; i < xs->size(); ++i) {
                const Span &p = xs->at(i), &q = ys->at(i);
                if (p.start != q.start || p.end != q.end || p.call != q.call || p.kind != q.kind ||
                    p.failed != q.failed)
                    return row + QStringLiteral("%1 %2 is %3, not %4")
                                     .arg(what)
                                     .arg(i)
                                     .arg(spanText(p), spanText(q));
            }
        }
        if (x.spanMaxEnd != y.spanMaxEnd)
            return row + QStringLiteral("running maximum of span ends");
        if (x.awaitMaxEnd != y.awaitMaxEnd)
            return row + QStringLiteral("running maximum of await ends");
    }
    const QList<Arrow> arrowsA = a.arrows(), arrowsB = b.arrows();
    if (arrowsA.size() != arrowsB.size())
        return QStringLiteral("%1 arrows, not %2").arg(arrowsA.size()).arg(arrowsB.size());
    for (qsizetype i = 0; i < arrowsA.size(); ++i) {
        const Arrow &p = arrowsA.at(i), &q = arrowsB.at(i);
        if (p.kind != q.kind || p.from != q.from || p.to != q.to || p.fromRow != q.fromRow ||
            p.toRow != q.toRow || p.call != q.call || p.failed != q.failed)
            return QStringLiteral("arrow %1: call %2 %3->%4 rows %5->%6, not call %7 %8->%9 rows "
                                  "%10->%11")
                .arg(i)
                .arg(p.call)
                .arg(p.from)
                .arg(p.to)
                .arg(p.fromRow)
                .arg(p.toRow)
                .arg(q.call)
                .arg(q.from)
                .arg(q.to)
                .arg(q.fromRow)
                .arg(q.toRow);
    }
    if (a.markers().size() != b.markers().size())
        return QStringLiteral("%1 markers, not %2").arg(a.markers().size()).arg(b.markers().size());
    for (qsizetype i = 0; i < a.markers().size(); ++i) {
        const Marker &p = a.markers().at(i), &q = b.markers().at(i);
        if (p.kind != q.kind || p.t != q.t || p.row != q.row || p.call != q.call)
            return QStringLiteral("marker %1 differs").arg(i);
    }
    if (a.eventTimes() != b.eventTimes())
        return QStringLiteral("event times: %1, not %2")
            .arg(a.eventTimes().size())
            .arg(b.eventTimes().size());
    if (a.maxArrowLength() != b.maxArrowLength())
        return QStringLiteral("longest arrow %1, not %2")
            .arg(a.maxArrowLength())
            .arg(b.maxArrowLength());
    if (a.duration() != b.duration() || a.countCalls() != b.countCalls())
        return QStringLiteral("duration or calls");
    if (a.phaseFigures().size() != b.phaseFigures().size())
        return QStringLiteral("phase figures");
    return {};
}

TimelineModel built(const QList<procession::TraceEvent> &events)
{
    TimelineModel m;
    m.setEvents(events);
    return m;
}

} // namespace

class TestTimelineModel : public QObject
{
    Q_OBJECT

private slots:
    void greetSpawnLanesSpansArrows();
    void workersAppearAtTheirFork();
    void liveCallsAreInFlightUntilTheirResult();
    void onlyTheHeadOfAQueueIsRunning();
    void incrementalEqualsAllAtOnce();
    void randomRunsInRandomChunks_data();
    void randomRunsInRandomChunks();
    void largeRunDoesNotRebuild();
    void laneMarkersLeaveOutTheDispatches();
    void queuedCallsWaitBehindTheRunningOne();
    void crashIsACrossAndAFailedCall();
    void stepsThroughEvents();
};

void TestTimelineModel::greetSpawnLanesSpansArrows()
{
    TimelineModel m;
    m.setEvents(sample::greetSpawn());
    QCOMPARE(m.lanes().size(), 5); // main + 4 workers
    QCOMPARE(m.lanes().at(0).name, QStringLiteral("main"));
    QCOMPARE(m.lanes().at(2).name, QStringLiteral("worker 2"));
    QCOMPARE(m.lanes().at(2).pid, 202);
    QCOMPARE(m.countCalls(QStringLiteral("greet")), 4);
    QCOMPARE(m.countSpans(Span::Kind::Startup), 4);
    QCOMPARE(m.countSpans(Span::Kind::Call), 4);
    QCOMPARE(m.countSpans(Span::Kind::Flight), 0);
    QCOMPARE(m.countSpans(Span::Kind::Await), 4);
    QCOMPARE(m.countArrows(Arrow::Kind::Dispatch), 4);
    QCOMPARE(m.countArrows(Arrow::Kind::Return), 4);
    QCOMPARE(m.countMarkers(Marker::Kind::Dispatch), 4);
    QCOMPARE(m.countMarkers(Marker::Kind::Join), 4);
    QCOMPARE(m.countMarkers(Marker::Kind::Exit), 4);
    QCOMPARE(m.countMarkers(Marker::Kind::Crash), 0);
    QCOMPARE(m.duration(), 1070 * Ms);

    // Worker 3: start-up from its fork to its hello, then the call as the worker stamped it.
    const TimelineLane &w3 = m.lanes().at(3);
    QCOMPARE(w3.spans.size(), 2);
    QCOMPARE(w3.spans[0].kind, Span::Kind::Startup);
    QCOMPARE(w3.spans[0].start, 3 * Ms);
    QCOMPARE(w3.spans[0].end, 63 * Ms);
    QCOMPARE(w3.spans[1].start, 64 * Ms);
    QCOMPARE(w3.spans[1].end, 1064 * Ms);
    QCOMPARE(m.callAt(w3.spans[1].call).label(), QStringLiteral("greet(3, \"Chase\")"));

    // Arrows go from the main lane's dispatch to the worker's begin, and back.
    const QList<Arrow> arrows = m.arrows();
    for (const Arrow &a : arrows) {
        const procession::CallRecord &c = m.callAt(a.call);
        if (a.kind == Arrow::Kind::Dispatch) {
            QCOMPARE(a.fromRow, 0);
            QCOMPARE(a.toRow, int(c.id));
            QCOMPARE(a.from, m.relative(c.dispatch));
            QCOMPARE(a.to, m.relative(c.begin));
        } else {
            QCOMPARE(a.toRow, 0);
            QCOMPARE(a.from, m.relative(c.end));
            QCOMPARE(a.to, m.relative(c.result));
        }
        QVERIFY(a.to >= a.from);
    }
    for (qsizetype i = 1; i < arrows.size(); ++i)
        QVERIFY(arrows[i - 1].from <= arrows[i].from);
}

void TestTimelineModel::workersAppearAtTheirFork()
{
    TimelineModel m;
    m.setEvents(sample::greetSpawn());
    QCOMPARE(m.rowsAt(0), (QList<int>{0}));
    QCOMPARE(m.rowsAt(2 * Ms), (QList<int>{0, 1, 2}));
    QCOMPARE(m.rowsAt(500 * Ms), (QList<int>{0, 1, 2, 3, 4}));
}

void TestTimelineModel::liveCallsAreInFlightUntilTheirResult()
{
    const QList<procession::TraceEvent> all = sample::greetSpawn();
    // Up to the four hellos: dispatched, not begun.
    qsizetype cut = 0;
    int ready = 0;
    while (ready < 4)
        ready += all[cut++].type == procession::EventType::Ready;
    TimelineModel m;
    m.setEvents(sample::prefix(all, cut));
    QCOMPARE(m.countSpans(Span::Kind::Flight), 4);
    QCOMPARE(m.countSpans(Span::Kind::Call), 0);
    for (const TimelineLane &l : m.lanes()) {
        for (const Span &s : l.spans) {
            if (s.kind == Span::Kind::Flight) {
                QCOMPARE(s.end, qint64(-1)); // open: drawn up to the playhead
                QCOMPARE(s.start, l.ready);  // it cannot run before its worker is ready
            }
        }
    }
    QCOMPARE(m.countArrows(Arrow::Kind::Dispatch), 4);
    for (const Arrow &a : m.arrows())
        QCOMPARE(a.to, qint64(-1)); // the head is not known yet
    QCOMPARE(m.countArrows(Arrow::Kind::Return), 0);
    QCOMPARE(m.lanes().at(0).awaits.size(), 1);
    QCOMPARE(m.lanes().at(0).awaits[0].end, qint64(-1));

    // Before the hellos the calls are queued, not running: only start-up is drawn.
    TimelineModel early;
    early.setEvents(sample::prefix(all, cut - 4));
    QCOMPARE(early.countSpans(Span::Kind::Flight), 0);
    QCOMPARE(early.countSpans(Span::Kind::Startup), 4);
    QCOMPARE(early.countArrows(Arrow::Kind::Dispatch), 4);
}

void TestTimelineModel::incrementalEqualsAllAtOnce()
{
    const QList<procession::TraceEvent> all = sample::greetSpawn();
    TimelineModel bit;
    for (qsizetype i = 0; i < all.size(); i += 3)
        bit.append(all.mid(i, 3));
    TimelineModel once;
    once.setEvents(all);
    QCOMPARE(bit.events().size(), all.size());
    QCOMPARE(bit.arrows().size(), once.arrows().size());
    QCOMPARE(bit.markers().size(), once.markers().size());
    QCOMPARE(bit.eventTimes(), once.eventTimes());
    for (int r = 0; r < once.lanes().size(); ++r)
        QCOMPARE(bit.lanes()[r].spans.size(), once.lanes()[r].spans.size());
}

// A live run's model is fed what arrived since the last poll. Whatever the run and however
// its events are cut into polls, the model after each poll is the one built at once from the
// same events.
void TestTimelineModel::randomRunsInRandomChunks_data()
{
    QTest::addColumn<bool>("odd");
    QTest::addColumn<int>("firstSeed");
    QTest::newRow("ordinary runs") << false << 1;
    QTest::newRow("lanes out of order, calls to lanes not forked") << true << 100001;
}

void TestTimelineModel::randomRunsInRandomChunks()
{
    QFETCH(bool, odd);
    QFETCH(int, firstSeed);
    randomrun::Options options;
    options.oddLanes = odd;
    int rebuiltMidRun = 0;
    qsizetype events = 0;
    for (quint32 seed = quint32(firstSeed); seed < quint32(firstSeed) + 200; ++seed) {
        const QList<procession::TraceEvent> all = randomrun::make(seed, options);
        events += all.size();
        QRandomGenerator rng(seed * 7919u);
        TimelineModel live;
        qsizetype at = 0;
        while (at < all.size()) {
            // Mostly small polls, now and then a large one.
            const qsizetype n = rng.bounded(10) == 0 ? rng.bounded(1, 200) : rng.bounded(1, 8);
            const qsizetype take = std::min(n, all.size() - at);
            live.append(all.mid(at, take));
            at += take;
            const QString diff = difference(live, built(all.mid(0, at)));
            QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("seed %1, after %2 of %3 events: %4")
                                                    .arg(seed)
                                                    .arg(at)
                                                    .arg(all.size())
                                                    .arg(diff)));
        }
        rebuiltMidRun += live.rebuildCount() - 1; // the first poll builds it
    }
    QVERIFY(events > 200 * 50);
    // Ordinary runs are changed in place, poll after poll, never built again.
    if (!odd)
        QCOMPARE(rebuiltMidRun, 0);
    else
        QVERIFY(rebuiltMidRun > 0);
}

// 20,000 calls over four workers, in polls of a few hundred events: never built again.
void TestTimelineModel::largeRunDoesNotRebuild()
{
    randomrun::Options options;
    options.maxCalls = 20000;
    options.maxWorkers = 4;
    const QList<procession::TraceEvent> all = randomrun::make(7, options);
    QVERIFY(all.size() > 10000);
    TimelineModel live;
    for (qsizetype at = 0; at < all.size(); at += 500)
        live.append(all.mid(at, 500));
    QCOMPARE(live.rebuildCount(), 1);
    const QString diff = difference(live, built(all));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

// Zoomed out, the view draws the lanes' markers without walking every dispatch mark: the
// ones laneMarkers() gives must be the joins, exits and crosses of markers(), in its order.
void TestTimelineModel::laneMarkersLeaveOutTheDispatches()
{
    randomrun::Options options;
    int lanes = 0, crashes = 0;
    for (quint32 seed = 1; seed <= 100; ++seed) {
        TimelineModel m;
        m.setEvents(randomrun::make(seed, options));
        QList<Marker> expected;
        for (const Marker &k : m.markers())
            if (k.kind != Marker::Kind::Dispatch)
                expected.append(k);
        const QList<Marker> got = m.laneMarkers();
        QCOMPARE(got.size(), expected.size());
        for (qsizetype i = 0; i < got.size(); ++i) {
            QVERIFY2(got[i].kind == expected[i].kind && got[i].t == expected[i].t &&
                         got[i].row == expected[i].row,
                     qPrintable(QStringLiteral("seed %1, marker %2").arg(seed).arg(i)));
            crashes += got[i].kind == Marker::Kind::Crash ? 1 : 0;
        }
        lanes += int(got.size());
    }
    QVERIFY(lanes > 100);
    QVERIFY(crashes > 0);
}

// A worker runs one call at a time: the one it runs is in flight from when it was free, the
// ones queued behind it have no bar until it is their turn.
void TestTimelineModel::queuedCallsWaitBehindTheRunningOne()
{
    using namespace procession;
    using sample::ev;
    QList<TraceEvent> e;
    e << ev(0, EventType::RunBegin);
    e << ev(0, EventType::Fork, 1, 0, -1, 0, QStringLiteral("worker 1"));
    e << ev(10 * Ms, EventType::Ready, 1, 201);
    for (int i = 1; i <= 3; ++i)
        e << ev(10 * Ms + i * Ms, EventType::Dispatch, 1, 201, i, 0, QStringLiteral("sleep"),
                QStringLiteral("100"));
    TimelineModel m;
    m.setEvents(e);
    const TimelineLane &w = m.lanes().at(1);
    QCOMPARE(m.countSpans(Span::Kind::Flight), 1);
    QCOMPARE(w.running, 0);
    QCOMPARE(w.spans.last().kind, Span::Kind::Flight);
    QCOMPARE(w.spans.last().start, 11 * Ms);
    QCOMPARE(m.countArrows(Arrow::Kind::Dispatch), 3);
    // The first call ends at 111 ms: the second runs from then.
    m.append({ev(11 * Ms, EventType::Begin, 1, 201, 1), ev(111 * Ms, EventType::End, 1, 201, 1),
              ev(113 * Ms, EventType::Result, 1, 201, 1, 0, QStringLiteral("None"))});
    m.append({}); // nothing new: nothing changes
    QCOMPARE(m.countSpans(Span::Kind::Flight), 1);
    QCOMPARE(m.countSpans(Span::Kind::Call), 1);
    QCOMPARE(m.lanes().at(1).running, 1);
    QCOMPARE(m.lanes().at(1).spans.last().start, 111 * Ms);
    QCOMPARE(m.lanes().at(1).spans.last().call, 1);
}

void TestTimelineModel::crashIsACrossAndAFailedCall()
{
    TimelineModel m;
    m.setEvents(sample::crash());
    QCOMPARE(m.lanes().size(), 2);
    const TimelineLane &w = m.lanes().at(1);
    QVERIFY(w.crashed);
    QVERIFY(w.reason.contains(QStringLiteral("SIGSEGV")));
    QCOMPARE(m.countMarkers(Marker::Kind::Crash), 1);
    QCOMPARE(m.countMarkers(Marker::Kind::Exit), 0);
    QCOMPARE(w.spans.size(), 2);
    const Span &call = w.spans[1];
    QVERIFY(call.failed);
    QCOMPARE(call.kind, Span::Kind::Call);
    QCOMPARE(call.start, 50 * Ms);                   // from the hello...
    QCOMPARE(call.end, 81 * Ms);                     // ...to the error
    QCOMPARE(m.countArrows(Arrow::Kind::Return), 0); // nothing came back
    QVERIFY(m.lanes().at(0).awaits[0].failed);
}

void TestTimelineModel::stepsThroughEvents()
{
    TimelineModel m;
    m.setEvents(sample::greetSpawn());
    QCOMPARE(m.nextEventAfter(-1), 0);
    QCOMPARE(m.nextEventAfter(0), 1 * Ms);
    QCOMPARE(m.prevEventBefore(1 * Ms), 0);
    QCOMPARE(m.prevEventBefore(0), qint64(-1));
    QCOMPARE(m.nextEventAfter(m.duration()), qint64(-1));
    const QList<qint64> times = m.eventTimes();
    for (qsizetype i = 1; i < times.size(); ++i)
        QVERIFY(times[i - 1] < times[i]);
}

// Live, ten calls sent at once to one worker, three done: the fourth runs from the third's
// end; the six behind it wait in the queue and are not drawn as running (drawn from their
// dispatch to now, they covered the three finished calls with one "running…" bar).
void TestTimelineModel::onlyTheHeadOfAQueueIsRunning()
{
    using procession::EventType;
    using sample::ev;
    QList<procession::TraceEvent> e;
    e << ev(0, EventType::RunBegin, 0, 100, -1, 0, QStringLiteral("queue"));
    e << ev(0, EventType::Fork, 1, 0, -1, 0, QStringLiteral("worker 1"));
    e << ev(10 * Ms, EventType::Ready, 1, 201);
    for (int i = 1; i <= 10; ++i)
        e << ev(10 * Ms, EventType::Dispatch, 1, 201, i, 0, QStringLiteral("sleep"),
                QStringLiteral("40"));
    for (int i = 1; i <= 3; ++i) {
        const qint64 begin = 10 * Ms + (i - 1) * 40 * Ms;
        e << ev(begin, EventType::Begin, 1, 201, i);
        e << ev(begin + 40 * Ms, EventType::End, 1, 201, i);
        e << ev(begin + 41 * Ms, EventType::Result, 1, 201, i, 0, QStringLiteral("null"));
    }
    TimelineModel m;
    m.setEvents(e);
    QCOMPARE(m.countSpans(Span::Kind::Call), 3);
    QCOMPARE(m.countSpans(Span::Kind::Flight), 1);
    for (const Span &s : m.lanes().at(1).spans)
        if (s.kind == Span::Kind::Flight)
            QCOMPARE(s.start, 130 * Ms); // the third call's end
}

QTEST_APPLESS_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
