#include "lod.h"

#include <QRandomGenerator>
#include <QTest>

using namespace procession::gui;

namespace {

struct Iv
{
    qint64 start = 0;
    qint64 end = -1;
};

TimeScale scale(double start, double nsPerPx, double width = 1000)
{
    TimeScale s;
    s.start = start;
    s.nsPerPx = nsPerPx;
    s.left = 0;
    s.width = width;
    return s;
}

constexpr qint64 Never = std::numeric_limits<qint64>::max() / 2;

} // namespace

class TestLod : public QObject
{
    Q_OBJECT

private slots:
    void runningMaxEndIsMonotonic();
    void binarySearchFindsTheView();
    void wideSpansAreKeptApart();
    void thinTouchingSpansMerge();
    void queuedOpenSpansBecomeOneBlock();
    void thinSpansFarApartStayApart();
    void thinSpanAfterAWideOneStaysApart();
    void endsOutOfOrderNeverShrinkABlock();
    void playheadCutsAndHides();
    void longEarlierSpanStaysVisible();
    void hundredThousandSpansFitTheWidth();
    void blocksCoverEverySpan_data();
    void blocksCoverEverySpan();
    void arrowsFitTheWidth_data();
    void arrowsFitTheWidth();
};

void TestLod::runningMaxEndIsMonotonic()
{
    const QList<Iv> spans = {{0, 100}, {10, 20}, {30, -1}, {40, 50}};
    const QList<qint64> m = runningMaxEnd(spans);
    QCOMPARE(m, (QList<qint64>{100, 100, OpenEnd, OpenEnd}));
}

void TestLod::binarySearchFindsTheView()
{
    QList<Iv> spans;
    for (int i = 0; i < 100; ++i)
        spans.append(Iv{i * 100, i * 100 + 50});
    const QList<qint64> m = runningMaxEnd(spans);
    QCOMPARE(firstReaching(m, 0), 0);
    QCOMPARE(firstReaching(m, 1020), 10); // span 10 ends at 1050
    QCOMPARE(firstReaching(m, 1060), 11); // span 10 is over by then
    QCOMPARE(endStartingBy(spans, 1099), 11);
    QCOMPARE(endStartingBy(spans, 1100), 12);
    QCOMPARE(endStartingBy(spans, -5), 0);
}

void TestLod::wideSpansAreKeptApart()
{
    const QList<Iv> spans = {{0, 1000}, {1000, 3000}, {5000, 6000}};
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 10), Never);
    QCOMPARE(items.size(), 3);
    QCOMPARE(items[0].x0, 0.0);
    QCOMPARE(items[0].x1, 100.0);
    QCOMPARE(items[2].x0, 500.0);
    QCOMPARE(items[2].x1, 600.0);
    for (const DrawItem &i : items)
        QVERIFY(!i.merged());
}

void TestLod::queuedOpenSpansBecomeOneBlock()
{
    // 50,000 calls queued on one worker, all "in flight" from about the same moment up to
    // the playhead: one block, not 50,000 bars painted over each other.
    QList<Iv> spans = {{0, 1000}};
    for (int i = 0; i < 50000; ++i)
        spans.append(Iv{2000 + i % 3, -1});
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 10), 9000);
    QVERIFY2(items.size() <= 10, qPrintable(QString::number(items.size())));
    QVERIFY(!items[0].merged());
    qsizetype calls = 0;
    for (const DrawItem &i : items)
        calls += i.count;
    QCOMPARE(calls, spans.size());
    QVERIFY(items.last().open);
    QCOMPARE(items.last().x1, 900.0);
}

void TestLod::thinTouchingSpansMerge()
{
    // 50 spans of 2 ns every 5 ns at 10 ns/px: each is a fifth of a pixel wide.
    QList<Iv> spans;
    for (int i = 0; i < 50; ++i)
        spans.append(Iv{1000 + i * 5, 1000 + i * 5 + 2});
    spans.append(Iv{5000, 8000}); // a wide one after a gap
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 10), Never);
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[0].count, 50);
    QCOMPARE(items[0].first, 0);
    QVERIFY(items[0].x0 >= 100 && items[0].x1 <= 126);
    QCOMPARE(items[1].count, 1);
    QCOMPARE(items[1].first, 50);
}

void TestLod::thinSpansFarApartStayApart()
{
    const QList<Iv> spans = {{0, 2}, {1000, 1002}, {2000, 2002}};
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 10), Never);
    QCOMPARE(items.size(), 3);
    for (const DrawItem &i : items)
        QVERIFY(i.x1 - i.x0 >= 1.0); // still painted at least a pixel wide
}

void TestLod::thinSpanAfterAWideOneStaysApart()
{
    // A 100 px bar, then right behind it a call a tenth of a pixel wide: two items, the thin
    // one not swallowed into the bar (it would vanish from the count and the hover).
    const QList<Iv> spans = {{0, 1000}, {1001, 1002}, {1003, 1004}};
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 10), Never);
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[0].count, 1);
    QCOMPARE(items[0].x1, 100.0);
    QCOMPARE(items[1].first, 1);
    QCOMPARE(items[1].count, 2); // the two thin ones merge with each other only
    QVERIFY(items[1].x0 >= 100.0);
}

void TestLod::endsOutOfOrderNeverShrinkABlock()
{
    // Sorted by start, not by end: the first thin span ends after the next ones do. The
    // block's right edge is the furthest end seen, never the last span's.
    const QList<Iv> spans = {{0, 8}, {1, 2}, {3, 4}, {5, 6}};
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 1, 1000), Never, 10.0);
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0].count, 4);
    QVERIFY2(items[0].x1 >= 8.0, qPrintable(QString::number(items[0].x1)));

    // Same at 10 ns/px with a one-pixel minimum: every member's end is inside the block.
    const QList<Iv> small = {{0, 9}, {2, 3}, {4, 5}};
    const auto blocks = visibleItems(small, runningMaxEnd(small), scale(0, 10), Never);
    QCOMPARE(blocks.size(), 1);
    for (const Iv &s : small)
        QVERIFY(blocks[0].x1 >= s.end / 10.0);
    QVERIFY(blocks[0].x1 >= 0.9);

    // A wide span with thin ones inside it that end first: the thin ones are still drawn
    // (the wide bar comes first, the thin ones form their own block).
    const QList<Iv> nested = {{0, 1000}, {10, 12}, {14, 16}};
    const auto withWide = visibleItems(nested, runningMaxEnd(nested), scale(0, 10), Never);
    QCOMPARE(withWide.size(), 2);
    QCOMPARE(withWide[0].x1, 100.0);
    QCOMPARE(withWide[1].count, 2);
}

void TestLod::playheadCutsAndHides()
{
    const QList<Iv> spans = {{0, 1000}, {500, -1}, {2000, 3000}};
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(0, 10), 800);
    QCOMPARE(items.size(), 2); // the third has not started at 800
    QCOMPARE(items[0].x1, 80.0);
    QVERIFY(items[0].open); // ends after the playhead: drawn growing
    QCOMPARE(items[1].x0, 50.0);
    QCOMPARE(items[1].x1, 80.0);
    QVERIFY(items[1].open);
}

void TestLod::longEarlierSpanStaysVisible()
{
    // The first span starts long before the view but lasts into it.
    const QList<Iv> spans = {{0, 100000}, {10, 20}, {30, 40}, {200000, 200010}};
    const auto items = visibleItems(spans, runningMaxEnd(spans), scale(50000, 10, 100), Never);
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0].first, 0);
    QVERIFY(items[0].x0 < 0);
}

void TestLod::hundredThousandSpansFitTheWidth()
{
    QList<Iv> spans;
    for (int i = 0; i < 100000; ++i)
        spans.append(Iv{qint64(i) * 10000, qint64(i) * 10000 + 1000});
    const QList<qint64> m = runningMaxEnd(spans);
    const TimeScale whole = scale(0, 1e6, 1000); // 1 s across 1000 px
    const auto items = visibleItems(spans, m, whole, Never);
    QVERIFY2(items.size() <= 1000, qPrintable(QString::number(items.size())));
    qsizetype total = 0;
    for (const DrawItem &i : items)
        total += i.count;
    QCOMPARE(total, 100000);

    // Zoomed in, only the few spans in view are touched.
    const auto zoomed = visibleItems(spans, m, scale(5e8, 100, 1000), Never);
    QCOMPARE(zoomed.size(), 11); // 5.0000 s .. 5.0001 s, both ends included
    QCOMPARE(zoomed.first().first, 50000);
}

void TestLod::blocksCoverEverySpan_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 40; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

// Random lanes (a worker's calls one after another, short and long, close and far apart, the
// last ones maybe still open) at random zooms: every span in view lies inside the item that
// stands for it, drawn at least minWidthPx wide, and every span is counted once. Blocks are
// merged partly by binary search (lod.h): a block that swallowed a wide span, or stopped
// short of the last span it took, would leave a span outside it.
void TestLod::blocksCoverEverySpan()
{
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    QList<Iv> spans;
    qint64 t = 0;
    const int n = 2000 + int(rng.bounded(20000));
    const int dense = 1 + int(rng.bounded(1000)); // typical gap, ns
    for (int i = 0; i < n; ++i) {
        t += rng.bounded(10) == 0 ? qint64(rng.bounded(200000)) : qint64(rng.bounded(dense));
        const qint64 length =
            rng.bounded(50) == 0 ? qint64(rng.bounded(500000)) : qint64(rng.bounded(2 * dense + 1));
        spans.append(Iv{t, t + length});
        t += length;
    }
    const int open = int(rng.bounded(4));
    for (int i = 0; i < open; ++i)
        spans.append(Iv{t + i, -1}); // queued behind each other, all open
    const QList<qint64> maxEnd = runningMaxEnd(spans);
    const double total = double(t) + 1000;
    const double nsPerPx = total / 1000 / std::pow(10.0, rng.bounded(3.0));
    const TimeScale view = scale(rng.bounded(total), nsPerPx, 1000);
    const qint64 now = rng.bounded(3) == 0 ? qint64(rng.bounded(total)) : Never;
    const double minWidth = rng.bounded(2) ? 1.0 : 3.0;
    const auto items = visibleItems(spans, maxEnd, view, now, minWidth);

    qsizetype counted = 0, nextFirst = 0;
    for (const DrawItem &it : items) {
        QVERIFY(it.first >= nextFirst); // in order, none counted twice
        nextFirst = it.first + it.count;
        counted += it.count;
        for (qsizetype k = it.first; k < it.first + it.count; ++k) {
            const Iv &s = spans.at(k);
            const qint64 end = s.end < 0 || s.end > now ? now : s.end;
            const double x0 = view.toX(double(s.start));
            const double x1 = std::max(view.toX(double(end)), x0 + minWidth);
            QVERIFY2(x0 >= it.x0 - 1e-6 && x1 <= it.x1 + 1e-6,
                     qPrintable(QStringLiteral("span %1 [%2, %3] outside item %4 [%5, %6] (%7)")
                                    .arg(k)
                                    .arg(x0)
                                    .arg(x1)
                                    .arg(it.first)
                                    .arg(it.x0)
                                    .arg(it.x1)
                                    .arg(it.count)));
        }
    }
    // Every span in view was counted: none starts before the playhead and the view's end
    // and ends after the view's start outside an item.
    qsizetype inView = 0;
    const qint64 viewStart = qint64(view.start);
    const qint64 viewEnd = std::min<qint64>(qint64(view.end()) + 1, now);
    for (const Iv &s : spans) {
        const qint64 end = s.end < 0 || s.end > now ? now : s.end;
        inView += s.start <= viewEnd && end >= viewStart ? 1 : 0;
    }
    QCOMPARE(counted, inView);
}

void TestLod::arrowsFitTheWidth_data()
{
    QTest::addColumn<double>("widthPx");
    QTest::addColumn<qsizetype>("arrows");
    QTest::addColumn<bool>("drawn");
    // One arrow per MinPxPerArrow (6) pixels at most.
    QTest::newRow("none") << 1000.0 << qsizetype(0) << true;
    QTest::newRow("a few") << 1000.0 << qsizetype(8) << true;
    QTest::newRow("exactly the budget") << 1200.0 << qsizetype(200) << true;
    QTest::newRow("one over") << 1200.0 << qsizetype(201) << false;
    QTest::newRow("thousands") << 1200.0 << qsizetype(4000) << false;
    QTest::newRow("narrow plot") << 60.0 << qsizetype(11) << false;
    QTest::newRow("no plot at all") << -5.0 << qsizetype(1) << false;
}

void TestLod::arrowsFitTheWidth()
{
    QFETCH(double, widthPx);
    QFETCH(qsizetype, arrows);
    QFETCH(bool, drawn);
    QCOMPARE(arrowsFit(arrows, widthPx), drawn);
}

QTEST_APPLESS_MAIN(TestLod)
#include "tst_lod.moc"
