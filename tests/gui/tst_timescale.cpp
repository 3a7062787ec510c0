#include "timescale.h"

#include <QTest>

using procession::gui::TimeScale;

class TestTimeScale : public QObject
{
    Q_OBJECT

private slots:
    void mapping_data();
    void mapping();
    void roundTrip();
    void fitShowsTheWholeRange();
    void zoomKeepsTheAnchor_data();
    void zoomKeepsTheAnchor();
    void zoomIsClamped();
    void rangeDragZoom();
    void panMovesByPixels();
    void clampKeepsTheRunInView();
    void ticksAreRound_data();
    void ticksAreRound();
    void formatDuration_data();
    void formatDuration();
    void formatTick_data();
    void formatTick();
    void formatPhaseDuration_data();
    void formatPhaseDuration();
    void phaseLabelFits_data();
    void phaseLabelFits();
};

static TimeScale scale(double start, double nsPerPx, double left = 100, double width = 1000)
{
    TimeScale s;
    s.start = start;
    s.nsPerPx = nsPerPx;
    s.left = left;
    s.width = width;
    return s;
}

void TestTimeScale::mapping_data()
{
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("t");
    QTest::addColumn<double>("x");
    QTest::newRow("origin at left edge") << 0.0 << 1e6 << 0.0 << 100.0;
    QTest::newRow("one second at 1 ms/px") << 0.0 << 1e6 << 1e9 << 1100.0;
    QTest::newRow("scrolled") << 5e8 << 1e6 << 1e9 << 600.0;
    QTest::newRow("before the view") << 5e8 << 1e6 << 0.0 << -400.0;
    QTest::newRow("deep zoom") << 1e9 << 10.0 << 1e9 + 5000 << 600.0;
}

void TestTimeScale::mapping()
{
    QFETCH(double, start);
    QFETCH(double, nsPerPx);
    QFETCH(double, t);
    QFETCH(double, x);
    const TimeScale s = scale(start, nsPerPx);
    QCOMPARE(s.toX(t), x);
    QCOMPARE(s.toTime(x), t);
}

void TestTimeScale::roundTrip()
{
    const TimeScale s = scale(123456789, 3333.3);
    for (double t : {0.0, 1.0, 1e6, 4.2e9})
        QVERIFY(qAbs(s.toTime(s.toX(t)) - t) < 1e-3);
}

void TestTimeScale::fitShowsTheWholeRange()
{
    TimeScale s = scale(0, 1, 100, 800);
    s.fit(0, 4e9);
    QCOMPARE(s.start, 0.0);
    QVERIFY(s.toX(4e9) <= s.right());
    QVERIFY(s.toX(4e9) > s.right() - 40); // and uses most of the width
}

void TestTimeScale::zoomKeepsTheAnchor_data()
{
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("factor");
    QTest::newRow("zoom in at the middle") << 600.0 << 2.0;
    QTest::newRow("zoom out at the left") << 100.0 << 0.5;
    QTest::newRow("zoom in far right") << 1099.0 << 1.25;
}

void TestTimeScale::zoomKeepsTheAnchor()
{
    QFETCH(double, x);
    QFETCH(double, factor);
    TimeScale s = scale(2e8, 1e6);
    const double anchor = s.toTime(x);
    s.zoomAt(x, factor);
    QCOMPARE(s.nsPerPx, 1e6 / factor);
    QVERIFY(qAbs(s.toTime(x) - anchor) < 1e-3);
}

void TestTimeScale::zoomIsClamped()
{
    TimeScale s = scale(0, 20);
    s.zoomAt(500, 1000);
    QCOMPARE(s.nsPerPx, TimeScale::MinNsPerPx);
    s.zoomAt(500, 1e-12);
    QCOMPARE(s.nsPerPx, TimeScale::MaxNsPerPx);
}

void TestTimeScale::rangeDragZoom()
{
    TimeScale s = scale(0, 1e6);
    s.zoomToPixels(600, 350); // dragged right to left
    QCOMPARE(s.start, 2.5e8);
    QCOMPARE(s.end(), 5e8);
    const TimeScale before = s;
    s.zoomToPixels(400, 401); // a click, not a drag
    QCOMPARE(s.nsPerPx, before.nsPerPx);
}

void TestTimeScale::panMovesByPixels()
{
    TimeScale s = scale(1e9, 1e6);
    s.panBy(100); // dragging right shows earlier times
    QCOMPARE(s.start, 9e8);
    s.panBy(-300);
    QCOMPARE(s.start, 1.2e9);
}

void TestTimeScale::clampKeepsTheRunInView()
{
    TimeScale s = scale(50e9, 1e6); // far beyond a 2 s run
    s.clampTo(2e9);
    QVERIFY(s.start < 2e9);
    s.start = -10e9;
    s.clampTo(2e9);
    QVERIFY(s.end() > 0);
}

void TestTimeScale::ticksAreRound_data()
{
    QTest::addColumn<double>("nsPerPx");
    QTest::addColumn<double>("step");
    QTest::newRow("1 ms/px -> 100 ms") << 1e6 << 1e8;
    QTest::newRow("4 ms/px -> 500 ms") << 4e6 << 5e8;
    QTest::newRow("20 us/px -> 2 ms") << 2e4 << 2e6;
    QTest::newRow("10 ns/px -> 1 us") << 10.0 << 1e3;
}

void TestTimeScale::ticksAreRound()
{
    QFETCH(double, nsPerPx);
    QFETCH(double, step);
    QCOMPARE(procession::gui::tickStep(nsPerPx, 90), step);
    const TimeScale s = scale(3.3 * step, nsPerPx);
    const auto ticks = procession::gui::axisTicks(s, 90);
    QVERIFY(ticks.size() >= 5);
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        QVERIFY(ticks[i].t >= s.start && ticks[i].t <= s.end() + 1);
        QVERIFY(qAbs(std::remainder(ticks[i].t, step)) < step * 1e-6);
        if (i > 0)
            QVERIFY(s.toX(ticks[i].t) - s.toX(ticks[i - 1].t) >= 90 - 1e-6);
    }
}

void TestTimeScale::formatDuration_data()
{
    QTest::addColumn<double>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0 s");
    QTest::newRow("seconds") << 1.013e9 << QStringLiteral("1.01 s");
    QTest::newRow("round seconds") << 4e9 << QStringLiteral("4 s");
    QTest::newRow("milliseconds") << 2.5e8 << QStringLiteral("250 ms");
    QTest::newRow("microseconds") << 12500.0 << QStringLiteral("12.5 µs");
    QTest::newRow("nanoseconds") << 800.0 << QStringLiteral("800 ns");
    QTest::newRow("negative") << -2e6 << QStringLiteral("-2 ms");
}

void TestTimeScale::formatDuration()
{
    QFETCH(double, ns);
    QFETCH(QString, text);
    QCOMPARE(procession::gui::formatDuration(ns), text);
}

void TestTimeScale::formatTick_data()
{
    QTest::addColumn<double>("t");
    QTest::addColumn<double>("step");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << 2e4 << QStringLiteral("0 s");
    QTest::newRow("half seconds") << 1.5e9 << 5e8 << QStringLiteral("1.5 s");
    QTest::newRow("10 ms steps") << 1.06e9 << 1e7 << QStringLiteral("1.06 s");
    QTest::newRow("milliseconds") << 2.5e8 << 5e7 << QStringLiteral("250 ms");
    // Zoomed into a call a second into the run: the ticks must not all read "1.03 s".
    QTest::newRow("20 µs steps at 1 s") << 1.02986e9 << 2e4 << QStringLiteral("1.02986 s");
    QTest::newRow("100 µs steps at 1 s") << 1.0301e9 << 1e5 << QStringLiteral("1.0301 s");
    QTest::newRow("1 µs steps at 250 ms") << 250.003e6 << 1e3 << QStringLiteral("250.003 ms");
}

void TestTimeScale::formatTick()
{
    QFETCH(double, t);
    QFETCH(double, step);
    QFETCH(QString, text);
    QCOMPARE(procession::gui::formatTick(t, step), text);
}

void TestTimeScale::formatPhaseDuration_data()
{
    QTest::addColumn<double>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("a second and a bit") << 1.0013e9 << QStringLiteral("1.001 s");
    QTest::newRow("two seconds") << 2e9 << QStringLiteral("2.000 s");
    QTest::newRow("below a second") << 2.5e8 << QStringLiteral("250 ms");
    QTest::newRow("tiny") << 12500.0 << QStringLiteral("12.5 µs");
}

void TestTimeScale::formatPhaseDuration()
{
    QFETCH(double, ns);
    QFETCH(QString, text);
    QCOMPARE(procession::gui::formatPhaseDuration(ns), text);
}

void TestTimeScale::phaseLabelFits_data()
{
    // Every character is 10 px wide, so the room decides exactly what is shown.
    QTest::addColumn<double>("room");
    QTest::addColumn<QString>("label");
    const QString full = QStringLiteral("eight spins on one worker · 2.013 s"); // 35 chars
    QTest::newRow("room for all") << 400.0 << full;
    QTest::newRow("just enough") << 350.0 << full;
    QTest::newRow("name shortened") << 200.0 << QStringLiteral("eight spi… · 2.013 s");
    QTest::newRow("cut at a space, none kept") << 170.0 << QStringLiteral("eight… · 2.013 s");
    QTest::newRow("too short a name: the time alone") << 120.0 << QStringLiteral("2.013 s");
    QTest::newRow("not even the time") << 60.0 << QString();
}

void TestTimeScale::phaseLabelFits()
{
    QFETCH(double, room);
    QFETCH(QString, label);
    const auto width = [](const QString &s) { return 10.0 * double(s.size()); };
    QCOMPARE(procession::gui::fitPhaseLabel(QStringLiteral("eight spins on one worker"),
                                            QStringLiteral("2.013 s"), room, width),
             label);
}

QTEST_APPLESS_MAIN(TestTimeScale)
#include "tst_timescale.moc"
