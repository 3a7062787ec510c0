#include "lanelayout.h"

#include <QTest>

using procession::gui::LaneLayout;

class TestLaneLayout : public QObject
{
    Q_OBJECT

private slots:
    void rowsShareTheHeight_data();
    void rowsShareTheHeight();
    void rowAt_data();
    void rowAt();
    void rowsDoNotOverlap();
};

void TestLaneLayout::rowsShareTheHeight_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<double>("available");
    QTest::addColumn<double>("rowHeight");
    QTest::newRow("few rows stop at the maximum") << 2 << 600.0 << LaneLayout::MaxRowHeight;
    QTest::newRow("five rows share 200 px") << 5 << 200.0 << 40.0;
    QTest::newRow("many rows stop at the minimum") << 100 << 400.0 << LaneLayout::MinRowHeight;
    QTest::newRow("no rows") << 0 << 400.0 << LaneLayout::MaxRowHeight;
}

void TestLaneLayout::rowsShareTheHeight()
{
    QFETCH(int, rows);
    QFETCH(double, available);
    QFETCH(double, rowHeight);
    const LaneLayout l = LaneLayout::make(rows, 80, available);
    QCOMPARE(l.rows, rows);
    QCOMPARE(l.rowHeight, rowHeight);
    QCOMPARE(l.rowTop(0), 80.0);
    QVERIFY(l.barHeight() > 0 && l.barHeight() < l.rowHeight);
}

void TestLaneLayout::rowAt_data()
{
    // 4 rows of 40 px from y = 100, bars 33 px high (gap 7).
    QTest::addColumn<double>("y");
    QTest::addColumn<int>("row");
    QTest::newRow("above") << 99.0 << -1;
    QTest::newRow("first row top") << 100.0 << 0;
    QTest::newRow("first row bar") << 120.0 << 0;
    QTest::newRow("gap after first row") << 135.0 << -1;
    QTest::newRow("second row") << 140.0 << 1;
    QTest::newRow("last row") << 250.0 << 3;
    QTest::newRow("below") << 260.0 << -1;
}

void TestLaneLayout::rowAt()
{
    QFETCH(double, y);
    QFETCH(int, row);
    const LaneLayout l = LaneLayout::make(4, 100, 160);
    QCOMPARE(l.rowHeight, 40.0);
    QCOMPARE(l.gap, 7.0);
    QCOMPARE(l.rowAt(y), row);
}

void TestLaneLayout::rowsDoNotOverlap()
{
    const LaneLayout l = LaneLayout::make(7, 30, 333);
    for (int r = 0; r + 1 < l.rows; ++r) {
        QVERIFY(l.rowRect(r, 0, 10).bottom() < l.rowRect(r + 1, 0, 10).top());
        QCOMPARE(l.rowAt(l.rowCenter(r)), r);
    }
    QVERIFY(l.bottom() <= 30 + 333);
}

QTEST_APPLESS_MAIN(TestLaneLayout)
#include "tst_lanelayout.moc"
