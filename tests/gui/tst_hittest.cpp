#include "hittest.h"
#include "sampletrace.h"

#include <QTest>

using namespace procession::gui;
using sample::Ms;

class TestHitTest : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void callBarIsHit();
    void awaitIsTheLowerHalfOfMain();
    void startupSpanIsHit();
    void crashMarkerIsHit();
    void emptyPlacesMissAndGapsMiss();
    void nothingAfterThePlayhead();
    void mergedBlockIsReportedAsOne();

private:
    HitGeometry geometry(const TimelineModel &m) const;
    TimelineModel m_model;
};

HitGeometry TestHitTest::geometry(const TimelineModel &m) const
{
    HitGeometry g;
    g.scale.left = 100;
    g.scale.width = 1100;
    g.scale.start = 0;
    g.scale.nsPerPx = 1 * Ms; // 1 px = 1 ms
    g.rows = m.rowsAt(m.duration());
    g.layout = LaneLayout::make(int(g.rows.size()), 50, 400); // rows of 58 px from y = 50
    g.now = m.duration();
    return g;
}

void TestHitTest::init()
{
    m_model.setEvents(sample::greetSpawn());
}

void TestHitTest::callBarIsHit()
{
    const HitGeometry g = geometry(m_model);
    // Worker 2's greet runs 63..1063 ms: x = 163..1163; row 2.
    const Hit hit = hitTest(m_model, g, QPointF(600, g.layout.rowCenter(2)));
    QCOMPARE(hit.kind, Hit::Kind::Span);
    QCOMPARE(hit.row, 2);
    const qsizetype call = hit.callIndex(m_model);
    QVERIFY(call >= 0);
    QCOMPARE(m_model.callAt(call).args, QStringLiteral("2, \"Cheese\""));
}

void TestHitTest::awaitIsTheLowerHalfOfMain()
{
    const HitGeometry g = geometry(m_model);
    const double lower = g.layout.rowTop(0) + g.layout.barHeight() * 0.75;
    const Hit hit = hitTest(m_model, g, QPointF(600, lower));
    QCOMPARE(hit.kind, Hit::Kind::Await);
    QCOMPARE(m_model.callAt(hit.callIndex(m_model)).id, 1); // the first await lasts a second
}

void TestHitTest::startupSpanIsHit()
{
    const HitGeometry g = geometry(m_model);
    const Hit hit = hitTest(m_model, g, QPointF(130, g.layout.rowCenter(1)));
    QCOMPARE(hit.kind, Hit::Kind::Span);
    QCOMPARE(m_model.lanes()[1].spans[hit.index].kind, Span::Kind::Startup);
    QCOMPARE(hit.callIndex(m_model), -1);
}

void TestHitTest::crashMarkerIsHit()
{
    TimelineModel crash;
    crash.setEvents(sample::crash());
    HitGeometry g = geometry(crash);
    g.scale.nsPerPx = 0.1 * Ms; // crash at 80 ms -> x = 900, the failed call ends at 910
    Hit hit = hitTest(crash, g, QPointF(918, g.layout.rowCenter(1)));
    QCOMPARE(hit.kind, Hit::Kind::Lane); // past the bar and the cross
    hit = hitTest(crash, g, QPointF(905, g.layout.rowCenter(1)));
    QCOMPARE(hit.kind, Hit::Kind::Span); // the bar wins where both are
    QVERIFY(crash.lanes()[1].spans[hit.index].failed);
    // The cross itself, a pixel before the bar's end, but with the bar not there yet:
    g.now = 80 * Ms;
    hit = hitTest(crash, g, QPointF(904, g.layout.rowCenter(1)));
    QCOMPARE(hit.kind, Hit::Kind::Marker);
    QCOMPARE(crash.markers()[hit.index].kind, Marker::Kind::Crash);
}

void TestHitTest::emptyPlacesMissAndGapsMiss()
{
    const HitGeometry g = geometry(m_model);
    QCOMPARE(hitTest(m_model, g, QPointF(600, 10)).kind, Hit::Kind::None); // above the lanes
    QCOMPARE(hitTest(m_model, g, QPointF(600, g.layout.rowTop(1) - 2)).kind, Hit::Kind::None);
    QCOMPARE(hitTest(m_model, g, QPointF(50, g.layout.rowCenter(1))).kind, Hit::Kind::None);
    const Hit lane = hitTest(m_model, g, QPointF(1190, g.layout.rowCenter(1)));
    QCOMPARE(lane.kind, Hit::Kind::Lane); // after worker 1's call
    QCOMPARE(lane.row, 1);
}

void TestHitTest::nothingAfterThePlayhead()
{
    HitGeometry g = geometry(m_model);
    g.now = 500 * Ms;
    QCOMPARE(hitTest(m_model, g, QPointF(550, g.layout.rowCenter(2))).kind, Hit::Kind::Span);
    QCOMPARE(hitTest(m_model, g, QPointF(700, g.layout.rowCenter(2))).kind, Hit::Kind::Lane);
}

void TestHitTest::mergedBlockIsReportedAsOne()
{
    TimelineModel many;
    many.setEvents(sample::manyCalls(10000)); // 10 µs apart, 1 µs each
    HitGeometry g = geometry(many);
    g.scale.nsPerPx = 1 * Ms; // 100 calls per pixel
    const Hit hit = hitTest(many, g, QPointF(100 + 50, g.layout.rowCenter(1)));
    QCOMPARE(hit.kind, Hit::Kind::Span);
    QVERIFY2(hit.count > 100, qPrintable(QString::number(hit.count)));
}

QTEST_APPLESS_MAIN(TestHitTest)
#include "tst_hittest.moc"
