// Other tools' traces in the window: the browser sample opens in the same window (read on
// a worker thread), slices are painted where the layout says, tooltips carry the args,
// replay hides what has not happened yet, and a file that is not a trace is one sentence
// while the window stays open.
#include "foreigntraceview.h"
#include "mainwindow.h"
#include "tracelayout.h"
#include "traceloader.h"

#include <QAction>
#include <QListWidget>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace procession;
using namespace procession::gui;

class TestForeignTrace : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void layoutRows();
    void opensInTheWindow();
    void paintsTipsAndReplays();
    void notATraceIsASentence();
    void playbackDrivesTheTrace();

private:
    static QString sample(const char *name)
    {
        return QStringLiteral(PROCESSION_SOURCE_DIR "/docs/traces/") + QLatin1String(name);
    }
};

void TestForeignTrace::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestForeignTrace::layoutRows()
{
    const LoadedTrace t = loadTraceData(R"([
 {"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":10},
 {"ph":"X","name":"b","pid":1,"tid":1,"ts":1,"dur":2},
 {"ph":"X","name":"c","pid":1,"tid":2,"ts":0,"dur":10},
 {"ph":"C","name":"q","pid":1,"ts":0,"args":{"v":1}}
])",
                                        TraceLoadMode::Timeline);
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const TraceLayout l = TraceLayout::of(t.timeline);
    // process header, lane 1 (two depth rows), lane 2, one counter
    QCOMPARE(l.rows.size(), 5);
    QCOMPARE(l.rows.at(0).kind, TraceLayout::RowKind::Process);
    QCOMPARE(l.yOf(0, 1), TraceLayout::ProcessHeight + TraceLayout::RowHeight);
    QCOMPARE(l.rowAt(TraceLayout::ProcessHeight + 2.5 * TraceLayout::RowHeight), 3);
    QCOMPARE(l.rows.at(4).kind, TraceLayout::RowKind::Counter);
    QCOMPARE(l.rowAt(-1), -1);
    QCOMPARE(l.rowAt(l.height), -1);
}

void TestForeignTrace::opensInTheWindow()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.resize(1300, 800);
    window.show();
    QString error;
    QVERIFY2(window.openFile(sample("browser-trace.json"), &error), qPrintable(error));
    auto *view = window.findChild<ForeignTraceView *>(QStringLiteral("foreignTrace"));
    QVERIFY(view);
    QVERIFY(view->isVisible());
    QVERIFY(view->trace());
    QCOMPARE(view->trace()->processes().size(), 3);
    QCOMPARE(view->trace()->flows().size(), 18);
    // Our own scenarios still show their own timeline afterwards.
    QVERIFY(window.selectScenario(QStringLiteral("greet-spawn")));
    QVERIFY(!view->isVisible());
}

void TestForeignTrace::paintsTipsAndReplays()
{
    const LoadedTrace t = loadTrace(sample("browser-trace.json"), TraceLoadMode::Timeline);
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    auto shared = std::make_shared<const ChromeTimeline>(t.timeline);
    ForeignTraceView view;
    view.resize(1200, 700);
    view.setTrace(shared, QStringLiteral("browser"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // The URL loader's slice: find it, then look at its middle.
    const ChromeTimeline &tl = *shared;
    qint32 loader = -1;
    for (std::size_t i = 0; i < tl.slices().size(); ++i)
        if (tl.string(tl.slices()[i].name) == QLatin1String("FunctionCall"))
            loader = qint32(i);
    QVERIFY(loader >= 0);
    const TraceSlice &s = tl.slices()[std::size_t(loader)];
    const TraceLayout layout = TraceLayout::of(tl);
    // Widget coordinates, as the view computes them (fit: the whole trace across the plot).
    view.zoomTo(s.begin - tl.start() - 1000, s.end - tl.start() + 1000);
    const QImage before = view.grab().toImage();
    const double plotLeft = 190, plotWidth = view.width() - 190 - 8;
    const double span = double(s.end - s.begin) + 2000;
    const int x = int(plotLeft + (double(s.end - s.begin) / 2 + 1000) / span * plotWidth);
    const int y = int(42 + 20 + 44 + 4 + layout.yOf(s.lane, s.depth) + TraceLayout::RowHeight / 2);
    const QColor background = before.pixelColor(5, view.height() - 5);
    QVERIFY2(before.pixelColor(x, y) != background, "the slice is painted");
    QCOMPARE(view.sliceAt(QPointF(x, y)), loader);
    const QString tip = view.describeSlice(loader);
    QVERIFY2(tip.contains(QStringLiteral("FunctionCall")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("functionName")), qPrintable(tip)); // its args

    // Replay: before the slice began, nothing of it is drawn.
    view.setPlayhead(s.begin - tl.start() - 500);
    const QImage during = view.grab().toImage();
    QCOMPARE(during.pixelColor(x, y), background);
    view.setPlayhead(-1);
    QVERIFY(view.grab().toImage().pixelColor(x, y) != background);
}

void TestForeignTrace::notATraceIsASentence()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cloud.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"traceEvents_not": 1, "spans": [{"spanId": "1"}], "procession_x": 2})");
    f.close();
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.show();
    QString error;
    QVERIFY(!window.openFile(path, &error));
    QVERIFY2(error.contains(QStringLiteral("cloud.json")) && !error.contains(QLatin1Char('\n')),
             qPrintable(error));
    // Neither kind of file: the sentence says so, not "spans: is not a scenario field".
    QVERIFY2(error.contains(QStringLiteral("neither a scenario")) &&
                 error.contains(QStringLiteral("nor a trace")) &&
                 error.contains(QStringLiteral("\"spans\"")),
             qPrintable(error));
    QVERIFY(window.isVisible());
    const QString empty = dir.filePath(QStringLiteral("empty.json"));
    QFile g(empty);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("[]");
    g.close();
    QVERIFY(!window.openFile(empty, &error));
    QVERIFY2(error.contains(QStringLiteral("nothing to draw")), qPrintable(error));
}

// The window's Playback toolbar and keys drive another tool's trace as they drive a run:
// Home hides everything, Next event steps to the first slice's start, End shows it all.
void TestForeignTrace::playbackDrivesTheTrace()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.resize(1300, 800);
    window.show();
    QString error;
    QVERIFY2(window.openFile(sample("browser-trace.json"), &error), qPrintable(error));
    auto *view = window.findChild<ForeignTraceView *>(QStringLiteral("foreignTrace"));
    QVERIFY(view && view->isVisible());
    auto action = [&window](const QKeySequence &key) -> QAction * {
        for (QAction *a : window.findChildren<QAction *>())
            if (a->shortcut() == key)
                return a;
        return nullptr;
    };
    QAction *toStart = action(QKeySequence(Qt::Key_Home));
    QAction *toEnd = action(QKeySequence(Qt::Key_End));
    QAction *next = action(QKeySequence(Qt::Key_Period));
    QVERIFY(toStart && toEnd && next);
    QVERIFY2(toStart->isEnabled() && next->isEnabled(), "replay is enabled for a foreign trace");
    QCOMPARE(view->playhead(), qint64(-1)); // opened: everything shown

    toStart->trigger();
    QCOMPARE(view->playhead(), qint64(0));
    const ChromeTimeline &tl = *view->trace();
    qint64 first = -1;
    for (const TraceSlice &s : tl.slices())
        first = first < 0 ? s.begin : std::min(first, s.begin);
    for (const TraceInstant &i : tl.instants())
        first = std::min(first, i.t);
    QVERIFY(first > tl.start() || first == tl.start());
    next->trigger();
    const qint64 expected = first > tl.start() ? first - tl.start() : view->nextEventAfter(0);
    QCOMPARE(view->playhead(), expected);
    QVERIFY(view->playhead() > 0);
    // One step on and one back lands on the same event again.
    QAction *prev = action(QKeySequence(Qt::Key_Comma));
    QVERIFY(prev);
    next->trigger();
    QVERIFY(view->playhead() > expected);
    prev->trigger();
    QCOMPARE(view->playhead(), expected);
    // A slice that begins later than the playhead is not drawn; after End, it is.
    const TraceSlice *late = nullptr;
    for (const TraceSlice &s : tl.slices())
        if (s.begin - tl.start() > view->playhead() + 1000 && (!late || s.begin > late->begin))
            late = &s;
    QVERIFY(late);
    const QPointF where = [&] {
        for (int y = 0; y < view->height(); y += 2)
            for (int x = 0; x < view->width(); x += 2)
                if (view->sliceAt(QPointF(x, y)) == qint32(late - tl.slices().data()))
                    return QPointF(x, y);
        return QPointF(-1, -1);
    }();
    QVERIFY2(where.x() < 0, "a slice after the playhead is hidden from hit tests too");
    toEnd->trigger();
    QCOMPARE(view->playhead(), qint64(-1));
    // The recipe pane says this trace has none instead of showing the last scenario's.
    auto *code = window.findChild<QListWidget *>(QStringLiteral("code"));
    QVERIFY(code);
    QCOMPARE(code->count(), 1);
    QVERIFY2(code->item(0)->text().contains(QStringLiteral("no recipe")),
             qPrintable(code->item(0)->text()));
}

QTEST_MAIN(TestForeignTrace)
#include "tst_foreigntrace.moc"
