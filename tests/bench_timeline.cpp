// QBENCHMARK for the timeline's visible-range lookup (app/gui/lod.h): a lane of 100,000
// calls, the spans in view found by binary search and thin ones merged into blocks, at
// full zoom-out and in a 1 % window. Painting itself is measured by the GUI's tests.
#include "lod.h"

#include <QtTest>

using namespace procession::gui;

namespace {

struct Bar
{
    qint64 start = 0;
    qint64 end = -1;
};

constexpr int Calls = 100000;
constexpr qint64 Period = 10000; // a call every 10 µs, each 6 µs long: 1 s in all
constexpr double Width = 1600;   // plot width in pixels

QList<Bar> lane()
{
    QList<Bar> bars;
    bars.reserve(Calls);
    for (qint64 i = 0; i < Calls; ++i)
        bars.append(Bar{i * Period, i * Period + 6000});
    return bars;
}

TimeScale window(double fraction, double centre)
{
    const double duration = double(Calls) * Period;
    TimeScale s;
    s.width = Width;
    s.nsPerPx = duration * fraction / Width;
    s.start = duration * centre - duration * fraction / 2;
    return s;
}

} // namespace

class BenchTimeline : public QObject
{
    Q_OBJECT

private slots:
    void visibleItems_data();
    void visibleItems();
    void firstReaching();
};

void BenchTimeline::visibleItems_data()
{
    QTest::addColumn<double>("fraction");
    QTest::newRow("zoomed out") << 1.0;
    QTest::newRow("1 % window") << 0.01;
}

void BenchTimeline::visibleItems()
{
    QFETCH(double, fraction);
    const QList<Bar> bars = lane();
    const QList<qint64> maxEnd = runningMaxEnd(bars);
    const TimeScale scale = window(fraction, 0.5);
    const qint64 now = std::numeric_limits<qint64>::max() / 2;
    qsizetype drawn = 0;
    QBENCHMARK
    {
        drawn = procession::gui::visibleItems(bars, maxEnd, scale, now).size();
    }
    // Merged or not, what is drawn fits the plot: at most about one item per pixel.
    QVERIFY2(drawn > 0 && drawn <= qsizetype(Width) + 1, qPrintable(QString::number(drawn)));
}

void BenchTimeline::firstReaching()
{
    const QList<Bar> bars = lane();
    const QList<qint64> maxEnd = runningMaxEnd(bars);
    qint64 t = 0;
    qsizetype sum = 0;
    QBENCHMARK
    {
        sum += procession::gui::firstReaching(maxEnd, t) + endStartingBy(bars, t + 10 * Period);
        t = (t + 7919 * Period) % (Calls * Period);
    }
    QVERIFY(sum >= 0);
}

QTEST_GUILESS_MAIN(BenchTimeline)
#include "bench_timeline.moc"
