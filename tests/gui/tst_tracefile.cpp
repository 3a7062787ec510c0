// Keep and share: a run saved as a Chrome trace opens again for replay, exactly; the
// timeline exports as PNG and SVG.
#include "consoleview.h"
#include "mainwindow.h"
#include "playback.h"
#include "runcontroller.h"
#include "sampletrace.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QFileInfo>
#include <QImage>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace procession::gui;

class TestTraceFile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void savedRunOpensForReplay();
    void realRunRoundTrip();
    void brokenFileIsASentence();
    void exportsPngAndSvg();
    void keysDriveTheReplay();

private:
    static void compareModels(const TimelineModel &a, const TimelineModel &b);
};

void TestTraceFile::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestTraceFile::compareModels(const TimelineModel &a, const TimelineModel &b)
{
    QCOMPARE(b.events().size(), a.events().size());
    QCOMPARE(b.duration(), a.duration());
    QCOMPARE(b.lanes().size(), a.lanes().size());
    QCOMPARE(b.trace().calls().size(), a.trace().calls().size());
    for (qsizetype i = 0; i < a.trace().calls().size(); ++i) {
        const procession::CallRecord &x = a.trace().calls()[i];
        const procession::CallRecord &y = b.trace().calls()[i];
        QCOMPARE(y.label(), x.label());
        QCOMPARE(y.dispatch, x.dispatch);
        QCOMPARE(y.begin, x.begin);
        QCOMPARE(y.end, x.end);
        QCOMPARE(y.result, x.result);
        QCOMPARE(y.value, x.value);
    }
    QCOMPARE(b.arrows().size(), a.arrows().size());
    QCOMPARE(b.markers().size(), a.markers().size());
}

void TestTraceFile::savedRunOpensForReplay()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("spawn.trace.json"));

    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.controller()->load(sample::greetSpawn(), QStringLiteral("memory"));
    QString error;
    QVERIFY2(window.saveTrace(path, &error), qPrintable(error));

    MainWindow other(QStringLiteral(PROCESSION_EXE));
    QVERIFY2(other.openFile(path, &error), qPrintable(error));
    compareModels(window.controller()->model(), other.controller()->model());
    QCOMPARE(other.timeline()->model(), &other.controller()->model());
    QVERIFY(other.timeline()->title().contains(QStringLiteral("greet-spawn")));

    // And it replays: from 0 the playhead runs to the end by itself.
    other.playback()->setSpeed(10);
    other.playback()->seek(0);
    other.playback()->play();
    QVERIFY(other.playback()->isPlaying());
    QTRY_COMPARE_WITH_TIMEOUT(other.playback()->playhead(), other.controller()->model().duration(),
                              5000);
    QVERIFY(!other.playback()->isPlaying());
}

void TestTraceFile::realRunRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pool.json"));
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    QVERIFY(window.selectScenario(QStringLiteral("greet-square-pool")));
    window.run();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 30000);
    QString error;
    QVERIFY2(window.saveTrace(path, &error), qPrintable(error));
    MainWindow other(QStringLiteral(PROCESSION_EXE));
    QVERIFY2(other.openFile(path, &error), qPrintable(error));
    compareModels(window.controller()->model(), other.controller()->model());
}

void TestTraceFile::brokenFileIsASentence()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"traceEvents\": 12}");
    f.close();
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    QString error;
    QVERIFY(!window.openFile(path, &error));
    QVERIFY2(error.contains(QStringLiteral("broken.json")), qPrintable(error));
    QVERIFY(!window.openFile(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY(!error.isEmpty());
}

void TestTraceFile::exportsPngAndSvg()
{
    QTemporaryDir dir;
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.show();
    window.controller()->load(sample::greetSpawn(), QStringLiteral("memory"));
    window.timeline()->setModel(&window.controller()->model());
    window.playback()->stopLive(window.controller()->model().duration()); // the whole run
    QString error;
    const QString png = dir.filePath(QStringLiteral("t.png"));
    QVERIFY2(window.exportImage(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), window.timeline()->width() * 2); // rendered at twice the size: crisp
    const QString svg = dir.filePath(QStringLiteral("t.svg"));
#if !defined(PROCESSION_HAVE_SVG)
    // Built without Qt Svg: one sentence, and no file left behind.
    QVERIFY(!window.exportImage(svg, &error));
    QVERIFY2(error.contains(QStringLiteral("SVG export is not available")), qPrintable(error));
    QVERIFY(!QFileInfo::exists(svg));
#else
    QVERIFY2(window.exportImage(svg, &error), qPrintable(error));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("greet(2"));
#endif
}

void TestTraceFile::keysDriveTheReplay()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("spawn.json"));
    MainWindow writer(QStringLiteral(PROCESSION_EXE));
    writer.controller()->load(sample::greetSpawn(), QStringLiteral("memory"));
    QString error;
    QVERIFY2(writer.saveTrace(path, &error), qPrintable(error));

    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY2(window.openFile(path, &error), qPrintable(error));
    const TimelineModel &m = window.controller()->model();
    Playback *play = window.playback();
    QCOMPARE(play->playhead(), m.duration()); // a saved run opens complete

    // Space plays and pauses, wherever the focus is (here: the console).
    QWidget *console = window.console();
    console->setFocus();
    QTest::keyClick(console, Qt::Key_Space);
    QVERIFY(play->isPlaying());
    QTest::keyClick(console, Qt::Key_Space);
    QVERIFY(!play->isPlaying());

    // , and . step between events.
    play->seek(0);
    QTest::keyClick(window.timeline(), Qt::Key_Period);
    QCOMPARE(play->playhead(), m.nextEventAfter(0));
    QTest::keyClick(window.timeline(), Qt::Key_Period);
    QCOMPARE(play->playhead(), m.nextEventAfter(m.nextEventAfter(0)));
    QTest::keyClick(window.timeline(), Qt::Key_Comma);
    QCOMPARE(play->playhead(), m.nextEventAfter(0));

    // ] is faster, Ctrl+0 fits the run after a zoom.
    const double speed = play->speed();
    QTest::keyClick(window.timeline(), Qt::Key_BracketRight);
    QVERIFY(play->speed() > speed);
    window.timeline()->zoomBy(8);
    QTest::keyClick(window.timeline(), Qt::Key_0, Qt::ControlModifier);
    QVERIFY(window.timeline()->scale().toX(double(m.duration())) <=
            window.timeline()->scale().right());
    QCOMPARE(window.timeline()->scale().start, 0.0);
}

QTEST_MAIN(TestTraceFile)
#include "tst_tracefile.moc"
