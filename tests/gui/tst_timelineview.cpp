// The timeline widget: what a click, a wheel, a drag and a hover do, and that painting
// 100 000 calls stays fast because only what is in view is touched.
#include "lod.h"
#include "sampletrace.h"
#include "timelineheader.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

using namespace procession::gui;
using sample::Ms;

class TestTimelineView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void clickSelectsACall();
    void clickOnNothingClears();
    void ctrlWheelZoomsAroundTheCursor();
    void dragPans();
    void rightDragZoomsToTheRange();
    void axisClickScrubs();
    void tooltipsSayWhatIsThere();
    void workersAppearWithThePlayhead();
    void viewAfterThePlayheadPaints();
    void liveViewFollowsTheRun();
    void paintingManyCallsIsFast();
    void arrowsHiddenUntilZoomedIn();
    void paintedColoursZoomedOut();
    void busyStripCountsWorkersAtWork();
    void paintedColoursAtOnePercent();
    void phaseBandSaysHowLong();
    void lessonComparesTwoPhases();
    void emptyStateDrawsNoAxis();
    void headerWrapsWhenNarrow();
    void legendSaysWhatBlocksAre();

private:
    void press(QPointF pos, Qt::MouseButton button, Qt::KeyboardModifiers mods = Qt::NoModifier);
    void move(QPointF pos, Qt::MouseButtons buttons);
    void release(QPointF pos, Qt::MouseButton button);

    TimelineModel m_model;
    std::unique_ptr<TimelineView> m_view;
};

void TestTimelineView::init()
{
    m_model.setEvents(sample::greetSpawn());
    m_view = std::make_unique<TimelineView>();
    m_view->resize(1200, 500);
    m_view->setModel(&m_model);
    m_view->setPlayhead(m_model.duration());
    m_view->fitToWindow();
}

void TestTimelineView::press(QPointF pos, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    QMouseEvent e(QEvent::MouseButtonPress, pos, m_view->mapToGlobal(pos), button, button, mods);
    QApplication::sendEvent(m_view.get(), &e);
}

void TestTimelineView::move(QPointF pos, Qt::MouseButtons buttons)
{
    QMouseEvent e(QEvent::MouseMove, pos, m_view->mapToGlobal(pos), Qt::NoButton, buttons,
                  Qt::NoModifier);
    QApplication::sendEvent(m_view.get(), &e);
}

void TestTimelineView::release(QPointF pos, Qt::MouseButton button)
{
    QMouseEvent e(QEvent::MouseButtonRelease, pos, m_view->mapToGlobal(pos), button, Qt::NoButton,
                  Qt::NoModifier);
    QApplication::sendEvent(m_view.get(), &e);
}

void TestTimelineView::clickSelectsACall()
{
    QSignalSpy clicked(m_view.get(), &TimelineView::callClicked);
    const HitGeometry g = m_view->hitGeometry();
    const QPointF at(m_view->scale().toX(500 * Ms), g.layout.rowCenter(3)); // worker 3's greet
    press(at, Qt::LeftButton);
    release(at, Qt::LeftButton);
    QCOMPARE(clicked.size(), 1);
    const qsizetype call = clicked.at(0).at(0).value<qsizetype>();
    QCOMPARE(m_model.callAt(call).args, QStringLiteral("3, \"Chase\""));
    QCOMPARE(m_view->selectedCall(), call);
}

void TestTimelineView::clickOnNothingClears()
{
    m_view->setSelectedCall(0);
    QSignalSpy clicked(m_view.get(), &TimelineView::callClicked);
    const QPointF at(m_view->scale().toX(500 * Ms), 470); // below the lanes
    press(at, Qt::LeftButton);
    release(at, Qt::LeftButton);
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.at(0).at(0).value<qsizetype>(), -1);
    QCOMPARE(m_view->selectedCall(), -1);
}

void TestTimelineView::ctrlWheelZoomsAroundTheCursor()
{
    QSignalSpy changed(m_view.get(), &TimelineView::rangeChanged);
    const TimeScale before = m_view->scale();
    const QPointF at(700, 300);
    const double anchor = before.toTime(at.x());
    QWheelEvent in(at, m_view->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton,
                   Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view.get(), &in);
    QVERIFY(m_view->scale().nsPerPx < before.nsPerPx * 0.7);
    QVERIFY(qAbs(m_view->scale().toTime(at.x()) - anchor) < before.nsPerPx);
    QCOMPARE(changed.size(), 1);
}

void TestTimelineView::dragPans()
{
    m_view->zoomBy(4);
    const double start = m_view->scale().start;
    press(QPointF(600, 300), Qt::LeftButton);
    move(QPointF(620, 300), Qt::LeftButton);
    move(QPointF(700, 300), Qt::LeftButton);
    release(QPointF(700, 300), Qt::LeftButton);
    QVERIFY2(qAbs(m_view->scale().start - (start - 100 * m_view->scale().nsPerPx)) < 1,
             qPrintable(QString::number(m_view->scale().start)));
    QCOMPARE(m_view->selectedCall(), -1); // a drag is not a click
}

void TestTimelineView::rightDragZoomsToTheRange()
{
    const TimeScale s = m_view->scale();
    const double t0 = s.toTime(400), t1 = s.toTime(600);
    press(QPointF(400, 300), Qt::RightButton);
    move(QPointF(600, 300), Qt::RightButton);
    release(QPointF(600, 300), Qt::RightButton);
    QVERIFY(qAbs(m_view->scale().start - t0) < 1);
    QVERIFY(qAbs(m_view->scale().end() - t1) < 1e3);
}

void TestTimelineView::axisClickScrubs()
{
    QSignalSpy scrubbed(m_view.get(), &TimelineView::scrubbed);
    const double x = m_view->scale().toX(250 * Ms);
    press(QPointF(x, TimelineView::HeaderHeight + 5), Qt::LeftButton);
    move(QPointF(m_view->scale().toX(300 * Ms), TimelineView::HeaderHeight + 5), Qt::LeftButton);
    release(QPointF(m_view->scale().toX(300 * Ms), TimelineView::HeaderHeight + 5), Qt::LeftButton);
    QCOMPARE(scrubbed.size(), 2);
    QVERIFY(qAbs(scrubbed.at(0).at(0).toLongLong() - 250 * Ms) < 2 * Ms);
    QVERIFY(qAbs(scrubbed.at(1).at(0).toLongLong() - 300 * Ms) < 2 * Ms);
}

void TestTimelineView::tooltipsSayWhatIsThere()
{
    const HitGeometry g = m_view->hitGeometry();
    const QString call =
        m_view->toolTipAt(QPointF(m_view->scale().toX(500 * Ms), g.layout.rowCenter(2)));
    QVERIFY2(call.contains(QStringLiteral("greet(2, &quot;Cheese&quot;)")), qPrintable(call));
    QVERIFY2(call.contains(QStringLiteral("pid 202")), qPrintable(call));
    QVERIFY2(call.contains(QStringLiteral("result: 2")), qPrintable(call));
    const QString startup =
        m_view->toolTipAt(QPointF(m_view->scale().toX(30 * Ms), g.layout.rowCenter(1)));
    QVERIFY2(startup.contains(QStringLiteral("start-up")), qPrintable(startup));
    // Over the title, the header's tooltip lists every figure, what it is and how it is
    // worked out.
    const QString header = m_view->toolTipAt(QPointF(40, 12));
    for (const char *figure :
         {"wall", "work", "CPU", "speedup", "overhead", "start-up", "dispatch", "return"})
        QVERIFY2(header.contains(QStringLiteral("<b>%1</b>").arg(QLatin1String(figure))),
                 qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("summed over")), qPrintable(header));
    // Over one figure, the tooltip is that figure's alone.
    const HeaderLayout placed = TimelineHeader::layout(m_view->frame());
    QCOMPARE(placed.figures.size(), 8);
    for (const HeaderLayout::Placed &f : placed.figures) {
        const QString tip = m_view->toolTipAt(f.box.center());
        QVERIFY2(tip.startsWith(QStringLiteral("<b>%1</b> %2").arg(f.figure.name, f.figure.value)),
                 qPrintable(f.figure.name + QStringLiteral(": ") + tip));
        QVERIFY2(tip.contains(QStringLiteral("<br>")) && tip.size() > 80, qPrintable(tip));
        for (const HeaderLayout::Placed &other : placed.figures)
            if (other.figure.name != f.figure.name)
                QVERIFY2(!tip.contains(QStringLiteral("<b>%1</b>").arg(other.figure.name)),
                         qPrintable(f.figure.name + QStringLiteral(": ") + tip));
    }
    // Small figures keep their digits: a greet's CPU is 0.15-0.26 ms, not "0 s".
    QCOMPARE(TimelineHeader::secondsText(0.00015), QStringLiteral("150 µs"));
    QCOMPARE(TimelineHeader::secondsText(0.000262), QStringLiteral("262 µs"));
    QCOMPARE(TimelineHeader::secondsText(0.0123), QStringLiteral("12.3 ms"));
    QCOMPARE(TimelineHeader::secondsText(3.999), QStringLiteral("4.00 s"));
    procession::RunSummary greets;
    greets.calls = greets.finishedCalls = 4;
    greets.cpuS = 0.000708;
    for (const HeaderGroup &group : TimelineHeader::figures(greets))
        for (const auto &figure : group.figures)
            if (figure.name == QLatin1String("CPU"))
                QCOMPARE(figure.value, QStringLiteral("708 µs"));
    procession::RunSummary crashed; // one call, lost with its worker: no CPU figure came back
    crashed.calls = crashed.finishedCalls = crashed.failedCalls = 1;
    for (const HeaderGroup &group : TimelineHeader::figures(crashed))
        for (const auto &figure : group.figures)
            if (figure.name == QLatin1String("CPU"))
                QCOMPARE(figure.value, QStringLiteral("—"));
    // The start-up figure itself says it is a sum, and over how many processes.
    procession::RunSummary forty;
    forty.startupS = 5.4;
    forty.workers = 40;
    const QList<HeaderGroup> groups = TimelineHeader::figures(forty);
    QString startupFigure;
    for (const HeaderGroup &group : groups)
        for (const auto &figure : group.figures)
            if (figure.name == QLatin1String("start-up"))
                startupFigure = figure.value;
    QVERIFY2(startupFigure.contains(QStringLiteral("summed over 40 processes")) &&
                 startupFigure.contains(QStringLiteral("135 ms each")),
             qPrintable(startupFigure));
    // Below the lanes there is nothing to say.
    QVERIFY(m_view->toolTipAt(QPointF(5, m_view->height() - 2)).isEmpty());
}

void TestTimelineView::workersAppearWithThePlayhead()
{
    m_view->setPlayhead(0);
    QCOMPARE(m_view->hitGeometry().rows.size(), 1); // main only
    m_view->setPlayhead(2 * Ms + 1);
    QCOMPARE(m_view->hitGeometry().rows.size(), 3);
    m_view->setPlayhead(m_model.duration());
    QCOMPARE(m_view->hitGeometry().rows.size(), 5);
}

// Zoomed into the later part of a run, then Play (or the slider dragged left) puts the
// playhead before the view: painting must draw nothing there, not walk past the markers'
// end (it crashed with SIGSEGV). A range nobody can draw (NaN, infinite) is ignored.
void TestTimelineView::viewAfterThePlayheadPaints()
{
    const qint64 d = m_model.duration();
    m_view->setVisibleRange(double(d) * 0.7, double(d) * 0.3 / 1000);
    for (qint64 playhead : {qint64(0), d / 2, d * 7 / 10 - 1}) {
        m_view->setPlayhead(playhead);
        const QImage shot = m_view->grab().toImage();
        QVERIFY(!shot.isNull());
    }
    const double start = m_view->scale().start;
    m_view->setVisibleRange(qQNaN(), 5);
    m_view->setVisibleRange(qInf(), qInf());
    m_view->setVisibleRange(0, -1);
    QCOMPARE(m_view->scale().start, start);
    QVERIFY(!m_view->grab().toImage().isNull());
}

void TestTimelineView::liveViewFollowsTheRun()
{
    TimelineModel live;
    live.setEvents(sample::prefix(sample::greetSpawn(), 20));
    TimelineView view;
    view.resize(1000, 400);
    view.setModel(&live);
    view.setLive(true);
    view.setPlayhead(300 * Ms);
    QVERIFY(view.scale().end() >= 300 * Ms);
    view.setPlayhead(2500 * Ms);
    QVERIFY(view.scale().end() >= 2500 * Ms); // widened to keep the playhead in sight
    QVERIFY(view.scale().start <= 0);
    // Work grows with the calls in flight.
    QVERIFY(view.summary().workS > 4 * 2.0);
}

void TestTimelineView::paintingManyCallsIsFast()
{
    TimelineModel many;
    QElapsedTimer build;
    build.start();
    many.setEvents(sample::manyCalls(100000));
    qInfo("model of 100000 calls built in %lld ms", build.elapsed());
    TimelineView view;
    view.resize(1400, 500);
    view.setModel(&many);
    view.setPlayhead(many.duration());
    view.fitToWindow();
    QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);

    auto paintMs = [&] {
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 5; ++i)
            view.render(&image);
        return t.elapsed() / 5.0;
    };
    const double whole = paintMs();
    view.zoomBy(50);
    const double zoomed = paintMs();
    qInfo("one frame: %.1f ms for the whole run, %.1f ms zoomed in", whole, zoomed);
    // Generous bounds (a debug or sanitizer build is slower): a frame that touched every
    // call, arrow and tick would take far longer than this.
    QVERIFY2(whole < 250, qPrintable(QString::number(whole)));
    QVERIFY2(zoomed < 250, qPrintable(QString::number(zoomed)));
}

void TestTimelineView::arrowsHiddenUntilZoomedIn()
{
    // The four calls of greet-spawn: eight arrows, all drawn.
    QCOMPARE(m_view->arrowsInView(), 8);
    QVERIFY(!m_view->arrowsHidden());

    // 2000 calls, 4000 arrows in 20 ms: too many to draw across the whole run.
    TimelineModel many;
    many.setEvents(sample::manyCalls(2000));
    TimelineView view;
    view.resize(1200, 400);
    view.setModel(&many);
    view.setPlayhead(many.duration());
    view.fitToWindow();
    QVERIFY(view.arrowsHidden());
    QCOMPARE(view.arrowsInView(), arrowBudget(view.scale().width) + 1); // counting stops there

    // 100 µs of it: ten calls, twenty arrows, drawn again.
    const double width = view.scale().width;
    view.setVisibleRange(double(10 * Ms + 1000 * 10000), 100000.0 / width);
    QVERIFY(!view.arrowsHidden());
    QVERIFY2(view.arrowsInView() >= 20 && view.arrowsInView() <= 24,
             qPrintable(QString::number(view.arrowsInView())));
}

namespace {

// Sum of the channel differences: 0 for the same colour, 765 for black against white.
int colourDistance(QColor a, QColor b)
{
    return qAbs(a.red() - b.red()) + qAbs(a.green() - b.green()) + qAbs(a.blue() - b.blue());
}

QString describe(QColor c)
{
    return c.name();
}

} // namespace

// What is painted, read back from the pixels: 2000 calls of 1 µs every 10 µs on worker 1.
void TestTimelineView::paintedColoursZoomedOut()
{
    TimelineModel many;
    many.setEvents(sample::manyCalls(2000));
    TimelineView view;
    view.resize(1200, 400);
    view.setModel(&many);
    view.setPlayhead(many.duration());
    view.fitToWindow();
    const QImage img = view.grab().toImage();
    const QColor square = view.theme().functionColor(QStringLiteral("square"));
    const LaneLayout layout = view.hitGeometry().layout;
    // Below the middle of the bar: clear of the label and of the worker's lifeline.
    const int y = int(layout.rowCenter(1) + layout.barHeight() / 4);
    const double from = view.scale().toX(10.0 * Ms + 2000);
    const double to = view.scale().toX(10.0 * Ms + 1999.0 * 10000 + 3000);
    QVERIFY(to - from > 500);
    // After the last call the lane is bare until the run ends.
    const int after = int(view.scale().toX(30.6 * Ms));
    QVERIFY(after > int(to) + 4);
    const QColor bare = img.pixelColor(after, y);
    QVERIFY2(colourDistance(bare, square) > 150, qPrintable(describe(bare)));
    // Each call is a twenty-fifth of a pixel; they touch, so worker 1 is one merged block
    // from the first call (10 ms) to the last (30 ms): the function's colour at alpha 200
    // over the bare lane.
    auto mix = [](int a, int b) { return (a * 200 + b * 55) / 255; };
    const QColor block(mix(square.red(), bare.red()), mix(square.green(), bare.green()),
                       mix(square.blue(), bare.blue()));
    for (int x = int(from) + 2; x < int(to) - 2; x += 7) {
        const QColor c = img.pixelColor(x, y);
        QVERIFY2(colourDistance(c, block) < 12,
                 qPrintable(QStringLiteral("x=%1: %2, the block should be %3")
                                .arg(x)
                                .arg(describe(c), describe(block))));
    }
}

// The parallelism strip under the axis: four greets run together from ~66 ms to ~1,061 ms,
// so the strip is filled to the top there, empty before the first begins, and stops at the
// playhead; its tooltip says how many were busy.
void TestTimelineView::busyStripCountsWorkersAtWork()
{
    TimelineModel model;
    model.setEvents(sample::greetSpawn());
    TimelineView view;
    view.resize(1200, 400);
    view.setModel(&model);
    view.setPlayhead(model.duration());
    view.fitToWindow();
    const int top = TimelineView::HeaderHeight + TimelineView::AxisHeight;
    const int nearTop = top + 3; // the strip's top rows: only a full strip reaches them
    const QColor fill = view.theme().startup;
    auto filled = [&](const QImage &img, double ms) {
        const QColor c = img.pixelColor(int(view.scale().toX(ms * Ms)), nearTop);
        return colourDistance(c, fill) < 40;
    };
    const QImage all = view.grab().toImage();
    QVERIFY2(filled(all, 500), qPrintable(describe(all.pixelColor(
                                   int(view.scale().toX(500.0 * Ms)), nearTop))));
    QVERIFY(!filled(all, 30)); // no call has begun yet
    const QString tip = view.toolTipAt(QPointF(view.scale().toX(500.0 * Ms), top + 10));
    QVERIFY2(tip.contains(QStringLiteral("Busy workers")) && tip.contains(QStringLiteral("4.0 busy")),
             qPrintable(tip));
    // Replayed to 300 ms: nothing of the strip after the playhead.
    view.setPlayhead(300 * Ms);
    const QImage half = view.grab().toImage();
    QVERIFY(filled(half, 200));
    QVERIFY(!filled(half, 700));
}

// At 1 % of the run, the calls are bars 3.7 px wide with bare lane between them.
void TestTimelineView::paintedColoursAtOnePercent()
{
    TimelineModel many;
    many.setEvents(sample::manyCalls(2000));
    TimelineView view;
    view.resize(1200, 400);
    view.setModel(&many);
    view.setPlayhead(many.duration());
    view.fitToWindow();
    const double width = view.scale().width;
    const double span = double(many.duration()) / 100;
    const double start = 20.0 * Ms - 1000; // call 1000 starts 1 µs into the view
    view.setVisibleRange(start, span / width);
    const QImage img = view.grab().toImage();
    const QColor square = view.theme().functionColor(QStringLiteral("square"));
    const int y = int(view.hitGeometry().layout.rowCenter(1));
    int calls = 0;
    for (qint64 t = 20 * Ms; t + 10000 < qint64(start + span); t += 10000) {
        const int mid = int(view.scale().toX(double(t + 2500))); // the middle of a call
        const int gap = int(view.scale().toX(double(t + 7000))); // between two calls
        const QColor inside = img.pixelColor(mid, y);
        const QColor between = img.pixelColor(gap, y);
        QVERIFY2(colourDistance(inside, square) < 12,
                 qPrintable(QStringLiteral("t=%1 x=%2: %3, a call should be %4")
                                .arg(t)
                                .arg(mid)
                                .arg(describe(inside), describe(square))));
        QVERIFY2(colourDistance(between, square) > 150,
                 qPrintable(QStringLiteral("t=%1 x=%2: %3 between calls")
                                .arg(t)
                                .arg(gap)
                                .arg(describe(between))));
        ++calls;
    }
    QVERIFY2(calls >= 25, qPrintable(QString::number(calls)));
}

void TestTimelineView::phaseBandSaysHowLong()
{
    QList<procession::TraceEvent> events = sample::greetSpawn();
    events.insert(1, sample::ev(0, procession::EventType::Phase, 0, 100, -1, 0,
                                QStringLiteral("greet in parallel")));
    TimelineModel model;
    model.setEvents(events);
    TimelineView view;
    view.resize(1200, 400);
    view.setModel(&model);
    view.setPlayhead(model.duration());
    view.fitToWindow();
    const double y = TimelineView::HeaderHeight + TimelineView::AxisHeight +
                     TimelineView::StripHeight + 5;
    const QString tip = view.toolTipAt(QPointF(view.scale().toX(500.0 * Ms), y));
    const QString length = formatPhaseDuration(double(model.duration()));
    QVERIFY2(tip.contains(QStringLiteral("greet in parallel")), qPrintable(tip));
    QVERIFY2(tip.contains(length), qPrintable(tip + QStringLiteral(" / ") + length));
    QVERIFY(length.endsWith(QStringLiteral(" s")) && length.contains(QLatin1Char('.')));
    // Left of the plot there is no phase.
    QVERIFY(view.toolTipAt(QPointF(10, y)).isEmpty());
    // An ended phase's tag has its figures; a click on it shows the phase across the plot.
    QCOMPARE(model.phaseFigures().size(), 1);
    QCOMPARE(model.phaseFigures().first().figures.calls, 4);
    QVERIFY2(tip.contains(QStringLiteral("speedup")), qPrintable(tip));
    view.zoomBy(4);
    const double before = view.scale().nsPerPx;
    QMouseEvent click(QEvent::MouseButtonPress, QPointF(view.scale().toX(500.0 * Ms), y),
                      view.mapToGlobal(QPointF(0, 0)), Qt::LeftButton, Qt::LeftButton,
                      Qt::NoModifier);
    QApplication::sendEvent(&view, &click);
    const double phaseNs = double(model.duration()); // the phase starts with the run
    QVERIFY2(view.scale().nsPerPx != before, "the click did not zoom");
    QVERIFY2(qAbs(view.scale().start) < 2 * view.scale().nsPerPx,
             qPrintable(QString::number(view.scale().start)));
    QVERIFY(qAbs(view.scale().nsPerPx * view.scale().width - phaseNs) < phaseNs * 0.01);
}

// A scenario's two phases compared: the lesson once both have ended, and only for the same
// calls.
void TestTimelineView::lessonComparesTwoPhases()
{
    using procession::EventType;
    QList<procession::TraceEvent> events = sample::greetSpawn();
    events.insert(1, sample::ev(0, EventType::Phase, 0, 100, -1, 0, QStringLiteral("first")));
    TimelineModel model;
    model.setEvents(events);
    model.setLessonPhases(QStringLiteral("first"), QStringLiteral("missing"));
    QVERIFY(!model.lesson().found);
    model.setLessonPhases(QStringLiteral("first"), QStringLiteral("first"));
    QVERIFY(model.lesson().found);
    QVERIFY(model.lesson().sameWork);
    QCOMPARE(model.lesson().speedup, 1.0);
    // Over the lesson, in the title's place, its tooltip says how it is worked out.
    TimelineView view;
    view.resize(1200, 400);
    view.setModel(&model);
    view.setPlayhead(model.duration());
    const QString tip = view.toolTipAt(QPointF(40, 12));
    QVERIFY2(tip.contains(QStringLiteral("lesson")) &&
                 tip.contains(QStringLiteral("= <b>1.00×</b>")),
             qPrintable(tip));
    model.clear();
    QVERIFY(!model.lesson().found);
}

// Before a run there is nothing to measure: no ticks, no axis line, only the invitation.
void TestTimelineView::emptyStateDrawsNoAxis()
{
    TimelineModel empty;
    TimelineView view;
    view.resize(900, 400);
    view.setModel(&empty);
    const QImage img = view.grab().toImage();
    const QColor background = view.theme().background;
    int painted = 0;
    for (int y = TimelineView::HeaderHeight + 1; y < TimelineView::LanesTop; ++y)
        for (int x = 0; x < img.width(); ++x)
            painted += img.pixelColor(x, y) != background;
    QCOMPARE(painted, 0);
}

// At 800×600 the timeline is about 500 px wide: the figures wrap onto more lines, inside
// the view, and the header grows to hold them (the lanes move down); wide, one line.
void TestTimelineView::headerWrapsWhenNarrow()
{
    (void)m_view->grab();
    QCOMPARE(m_view->headerHeight(), int(TimelineView::HeaderHeight)); // 1200 px: one line
    m_view->resize(500, 400);
    (void)m_view->grab();
    const TimelineFrame f = m_view->frame();
    const HeaderLayout l = TimelineHeader::layout(f);
    QVERIFY2(l.lines > 1, qPrintable(QString::number(l.lines)));
    for (const HeaderLayout::Placed &p : l.figures)
        QVERIFY2(p.box.left() >= 0 && p.box.right() <= 500 - 8,
                 qPrintable(QStringLiteral("%1 at %2–%3")
                                .arg(p.figure.name)
                                .arg(p.box.left())
                                .arg(p.box.right())));
    // Taller when the wrapped lines need it: how many fit in HeaderHeight depends on the
    // font (under Wine two lines of a 12 px font do, ending at y = 48).
    QVERIFY2(l.bottom + 8 <= m_view->headerHeight(),
             qPrintable(QStringLiteral("%1 lines end at %2, header %3")
                            .arg(l.lines)
                            .arg(l.bottom)
                            .arg(m_view->headerHeight())));
    QVERIFY(m_view->hitGeometry().layout.top >= m_view->headerHeight() + TimelineView::AxisHeight);
    // Nothing but the header's own colours above its bottom line: no lane drawn under it.
    const QImage img = m_view->grab().toImage();
    const int y = m_view->headerHeight() - 3;
    const QColor band = m_view->theme().laneBandAlt;
    QCOMPARE(img.pixelColor(img.width() - 3, y), band);
}

// The corner left of the axis says how one call and merged calls are drawn.
void TestTimelineView::legendSaysWhatBlocksAre()
{
    const QImage img = m_view->grab().toImage();
    const QColor background = m_view->theme().background;
    const int top = TimelineView::HeaderHeight + 3;
    int painted = 0;
    for (int y = top; y < top + 24; ++y)
        for (int x = 10; x < 30; ++x)
            painted += img.pixelColor(x, y) != background;
    QVERIFY2(painted > 60, qPrintable(QString::number(painted)));
    const QString tip = m_view->toolTipAt(QPointF(20, top + 6));
    QVERIFY2(tip.contains(QStringLiteral("Merged calls")) &&
                 tip.contains(QStringLiteral("One call")),
             qPrintable(tip));
}

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
