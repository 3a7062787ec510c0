#include "sampletrace.h"
#include "timelinemodel.h"

#include <QTest>

using namespace procession::gui;
using sample::Ms;

class TestTimelineModel : public QObject
{
    Q_OBJECT

private slots:
    void greetSpawnLanesSpansArrows();
    void workersAppearAtTheirFork();
    void liveCallsAreInFlightUntilTheirResult();
    void onlyTheHeadOfAQueueIsRunning();
    void incrementalEqualsAllAtOnce();
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
    for (const Arrow &a : m.arrows()) {
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
    for (qsizetype i = 1; i < m.arrows().size(); ++i)
        QVERIFY(m.arrows()[i - 1].from <= m.arrows()[i].from);
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
    for (qsizetype i = 1; i < m.eventTimes().size(); ++i)
        QVERIFY(m.eventTimes()[i - 1] < m.eventTimes()[i]);
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
