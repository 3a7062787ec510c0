// QBENCHMARK for painting: one frame of the timeline (app/gui's TimelineView) holding
// 100,000 evenly spaced synthetic calls on one worker, rendered offscreen, zoomed all the way
// out and in a 1 % window. `procession bench` measures paint_ms_100k on a real run of
// 100,000 calls instead (`procession bench-paint`, app/gui/paintbench.cpp).
#include "gui/sampletrace.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QImage>
#include <QTest>

using namespace procession::gui;

class BenchPaint : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void paint_data();
    void paint();

private:
    TimelineModel m_model;
};

void BenchPaint::initTestCase()
{
    m_model.setEvents(sample::manyCalls(100000));
    QCOMPARE(m_model.countCalls(), 100000);
}

void BenchPaint::paint_data()
{
    QTest::addColumn<double>("fraction");
    QTest::newRow("zoomed out") << 1.0;
    QTest::newRow("1 % window") << 0.01;
}

void BenchPaint::paint()
{
    QFETCH(double, fraction);
    TimelineView view;
    view.resize(1600, 500);
    view.setModel(&m_model);
    view.setPlayhead(m_model.duration());
    view.showMiddleFraction(fraction);
    QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
    view.render(&image); // warm: fonts, glyph caches
    QBENCHMARK
    {
        view.render(&image);
    }
}

QTEST_MAIN(BenchPaint)
#include "bench_paint.moc"
