// Keep and share: a run saved as a Chrome trace opens again for replay, exactly; the
// timeline exports as PNG and SVG.
#include "codeview.h"
#include "consoleview.h"
#include "mainwindow.h"
#include "playback.h"
#include "runcontroller.h"
#include "sampletrace.h"
#include "scenariopanel.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QFile>
#include <QFileInfo>
#include <QFontInfo>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

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
    void sameFileOpensOnce();
    void customScenarioKeepsItsRecipe();
    void compareClearsTheDetails();

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
    // A font family other programs know ("Sans Serif" is Qt's alias), with fallbacks, at the
    // size the widget measured its text with: else librsvg draws 9 px text in boxes sized
    // for 12 px (the crash message's box).
    const QFontInfo used(window.timeline()->font());
    const qsizetype alias = text.indexOf("font-family=\"Sans Serif\"");
    QVERIFY2(alias < 0, text.mid(std::max<qsizetype>(0, alias - 600), 800).constData());
    QVERIFY2(text.contains(QByteArray("font-family=\"" + used.family().toUtf8() + ", ")),
             qPrintable(used.family()));
    QVERIFY2(text.contains("sans-serif\""), text.left(2000).constData());
    QVERIFY2(
        text.contains(QByteArray("font-size=\"" + QByteArray::number(used.pixelSize()) + "\"")),
        qPrintable(QString::number(used.pixelSize())));
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
    const qint64 first = m.nextEventAfter(0);
    QCOMPARE(play->playhead(), first);
    // The status bar says which event that was; the toolbar's time reads in the header's units.
    const QString said = window.statusBar()->currentMessage();
    QVERIFY2(said.startsWith(formatDuration(double(first)) + QStringLiteral(": ")),
             qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("worker")) || said.contains(QStringLiteral("main")),
             qPrintable(said));
    auto *time = window.findChild<QLabel *>(QStringLiteral("playTime"));
    QVERIFY(time);
    QCOMPARE(time->text(), QStringLiteral("%1 / %2").arg(formatDuration(double(first)),
                                                         formatDuration(double(m.duration()))));

    // Home and End jump to the start and the end.
    QTest::keyClick(window.timeline(), Qt::Key_End);
    QCOMPARE(play->playhead(), m.duration());
    QTest::keyClick(window.timeline(), Qt::Key_Home);
    QCOMPARE(play->playhead(), 0);
    QTest::keyClick(window.timeline(), Qt::Key_Period);
    QCOMPARE(play->playhead(), first);

    // The status bar says how to zoom to a range (a right-drag is not found by trying).
    auto *hint = window.statusBar()->findChild<QLabel *>(QStringLiteral("zoomHint"));
    QVERIFY(hint && hint->isVisible());
    QVERIFY2(hint->text().contains(QStringLiteral("right-drag")), qPrintable(hint->text()));

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

// A file opened twice is one line in the list: the second open reads it anew and selects it.
void TestTraceFile::sameFileOpensOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("spawn.json"));
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.controller()->load(sample::greetSpawn(), QStringLiteral("memory"));
    QString error;
    QVERIFY2(window.saveTrace(path, &error), qPrintable(error));
    QListWidget *list = window.findChild<ScenarioPanel *>()->list();
    const int before = list->count();
    QVERIFY2(window.openFile(path, &error), qPrintable(error));
    const int once = list->count();
    QCOMPARE(once, before + 2); // the "Opened" heading and the file
    QVERIFY2(window.openFile(dir.path() + QStringLiteral("/./spawn.json"), &error),
             qPrintable(error));
    QCOMPARE(list->count(), once);
    TimelineModel expected;
    expected.setEvents(sample::greetSpawn());
    QCOMPARE(window.controller()->model().duration(), expected.duration());
}

// A run of a scenario from a file, saved and opened again elsewhere, shows that scenario's
// recipe: the trace keeps the scenario, since no other window knows it by its id.
void TestTraceFile::customScenarioKeepsItsRecipe()
{
    QTemporaryDir dir;
    const QString scenario = dir.filePath(QStringLiteral("mine.json"));
    QFile f(scenario);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "my-own", "title": "Mine", "steps": [{"fork": 2},
        {"call_async": "sleep", "args": [[10]], "repeat": 4}, {"call_await": "all"},
        {"join": "all"}]})");
    f.close();
    const QString trace = dir.filePath(QStringLiteral("mine.trace.json"));
    QStringList recipe;
    {
        MainWindow window(QStringLiteral(PROCESSION_EXE));
        QString error;
        QVERIFY2(window.openFile(scenario, &error), qPrintable(error));
        window.run();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 30000);
        QVERIFY2(window.saveTrace(trace, &error), qPrintable(error));
        for (int i = 0; i < window.codeView()->count(); ++i)
            recipe << window.codeView()->item(i)->text();
    }
    QVERIFY(recipe.size() > 3);
    MainWindow other(QStringLiteral(PROCESSION_EXE));
    QString error;
    QVERIFY2(other.openFile(trace, &error), qPrintable(error));
    QStringList shown;
    for (int i = 0; i < other.codeView()->count(); ++i)
        shown << other.codeView()->item(i)->text();
    QCOMPARE(shown, recipe);
}

// Switching to Compare shows other timelines: the details of a call clicked before go.
void TestTraceFile::compareClearsTheDetails()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.controller()->load(sample::greetSpawn(), QStringLiteral("memory"));
    window.timeline()->setModel(&window.controller()->model());
    window.playback()->stopLive(window.controller()->model().duration());
    const qint64 id = window.controller()->model().trace().calls().first().id;
    QVERIFY(window.selectCall(id));
    QVERIFY2(window.details()->toPlainText().contains(QStringLiteral("greet")),
             qPrintable(window.details()->toPlainText()));
    window.setCompareMode(true);
    QVERIFY2(!window.details()->toPlainText().contains(QStringLiteral("greet")),
             qPrintable(window.details()->toPlainText()));
    QCOMPARE(window.timeline()->selectedCall(), -1);
}

QTEST_MAIN(TestTraceFile)
#include "tst_tracefile.moc"
