// A large saved run (150,000 calls, written by a real run of the real executable) opened in
// the real window: reading it and building its picture happen off the GUI thread, so the
// window keeps answering; the progress dialog's Cancel stops the opening at once, whether it
// is reading or building, and leaves the window as it was; the run saves again as a stream.
#include "mainwindow.h"
#include "runcontroller.h"
#include "scenariopanel.h"
#include "timelinemodel.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QListWidget>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "heartbeat.h"

using namespace procession::gui;

namespace {

constexpr int Calls = 150000;
constexpr qint64 MaxGapMs = 500;         // the longest the event loop may go without a turn
constexpr qint64 CancelWithinMs = 1500;  // from Cancel until openFile() has returned

// Linux: the process's peak resident size, and a way to start measuring it afresh.
qint64 peakRssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

bool resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

} // namespace

class TestOpenLarge : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void windowKeepsAnswering();
    void cancelLeavesTheWindowAsItWas_data();
    void cancelLeavesTheWindowAsItWas();
    void saveStreamsAndFailsAloud();

private:
    QTemporaryDir m_dir;
    QString m_small; // a few calls: what the window shows before the large one
    QString m_large;
};

void TestOpenLarge::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    const auto record = [this](const QString &id, int calls) {
        const QString scenario = m_dir.filePath(id + QStringLiteral(".json"));
        QFile f(scenario);
        if (!f.open(QIODevice::WriteOnly))
            return QString();
        f.write(QStringLiteral(R"({"id": "%1", "title": "Squares", "description": "squares",
            "steps": [{"fork": 4}, {"call_async": "square", "range": %2},
                      {"call_await": "all"}, {"join": "all"}]})")
                    .arg(id)
                    .arg(calls)
                    .toUtf8());
        f.close();
        const QString trace = m_dir.filePath(id + QStringLiteral(".trace.json"));
        QProcess run;
        run.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        run.start(QStringLiteral(PROCESSION_EXE),
                  {QStringLiteral("run"), scenario, QStringLiteral("--trace"), trace});
        if (!run.waitForFinished(240000) || run.exitCode() != 0)
            return QString();
        return trace;
    };
    m_small = record(QStringLiteral("few-squares"), 8);
    m_large = record(QStringLiteral("many-squares"), Calls);
    QVERIFY(!m_small.isEmpty() && !m_large.isEmpty());
    qInfo("the large trace: %lld MB", QFileInfo(m_large).size() >> 20);
}

// From the call to its end, with the dialog up for most of it: no turn of the event loop
// waits long, and the run is there, whole, at the end.
void TestOpenLarge::windowKeepsAnswering()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(200);
    Heartbeat beat;
    QElapsedTimer clock;
    clock.start();
    QString error;
    QVERIFY2(window.openFile(m_large, &error), qPrintable(error));
    const qint64 opened = clock.elapsed();
    QTest::qWait(300); // its first frames
    const TimelineModel &m = window.controller()->model();
    QCOMPARE(m.countCalls(), Calls);
    QCOMPARE(m.countSpans(Span::Kind::Call), Calls);
    qInfo("opened in %lld ms; the event loop's longest gap: %lld ms, ending at %lld ms", opened,
          beat.worstMs(), beat.worstAtMs());
    QVERIFY2(opened > 1000, "the trace is too small to show anything: it opened at once");
    QVERIFY2(beat.worstMs() <= MaxGapMs,
             qPrintable(QStringLiteral("the window did not answer for %1 ms").arg(beat.worstMs())));
}

void TestOpenLarge::cancelLeavesTheWindowAsItWas_data()
{
    QTest::addColumn<bool>("building"); // cancelled while building the picture, or reading
    QTest::newRow("reading") << false;
    QTest::newRow("building") << true;
}

// Cancel pressed in the dialog: openFile() returns soon after, says it was cancelled, and the
// window shows what it showed before: the same entry, the same run, no half-opened line.
void TestOpenLarge::cancelLeavesTheWindowAsItWas()
{
    QFETCH(bool, building);
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QString error;
    QVERIFY2(window.openFile(m_small, &error), qPrintable(error));
    const ScenarioPanel *panel = window.findChild<ScenarioPanel *>();
    QVERIFY(panel);
    const qsizetype entries = panel->entries().size();
    const int selected = panel->currentEntry();
    const TimelineModel *shown = &window.controller()->model();
    const qsizetype events = shown->store().size();
    QCOMPARE(shown->countCalls(), 8);

    // Pressed from inside the opening's own event loop, once the dialog shows the stage.
    QElapsedTimer pressed;
    QString stage;
    QTimer press;
    press.setInterval(5);
    connect(&press, &QTimer::timeout, this, [&] {
        auto *dialog = window.findChild<QProgressDialog *>();
        if (!dialog || !dialog->isVisible() || pressed.isValid())
            return;
        const bool isBuilding = dialog->labelText().startsWith(QLatin1String("Building"));
        if (isBuilding != building || (!building && dialog->value() <= 0))
            return;
        stage = dialog->labelText();
        auto *cancel = dialog->findChild<QPushButton *>();
        QVERIFY(cancel);
        pressed.start();
        cancel->click();
    });
    press.start();
    bool cancelled = false;
    const bool opened = window.openFile(m_large, &error, &cancelled);
    press.stop();
    QVERIFY2(pressed.isValid(), "the dialog never showed that stage");
    const qint64 ms = pressed.elapsed();
    qInfo("cancelled at \"%s\"; openFile() returned %lld ms later", qPrintable(stage), ms);
    QVERIFY2(!opened, "the opening went on to the end after Cancel");
    QVERIFY(cancelled);
    QVERIFY2(ms <= CancelWithinMs, qPrintable(QStringLiteral("%1 ms after Cancel").arg(ms)));
    QVERIFY(window.statusBar()->currentMessage().contains(QLatin1String("cancelled")));
    QCOMPARE(panel->entries().size(), entries);
    QCOMPARE(panel->currentEntry(), selected);
    QCOMPARE(&window.controller()->model(), shown);
    QCOMPARE(window.controller()->model().store().size(), events);
    QCOMPARE(window.controller()->source(), m_small);
    QVERIFY(!window.findChild<QProgressDialog *>() ||
            !window.findChild<QProgressDialog *>()->isVisible());
}

// The opened run saved again: streamed from the model's events, the text is never whole in
// memory (the peak grows by far less than the file), and it reopens the same. A save that
// fails (a full device) says so.
void TestOpenLarge::saveStreamsAndFailsAloud()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.resize(1200, 800);
    QString error;
    QVERIFY2(window.openFile(m_large, &error), qPrintable(error));
    const QString copy = m_dir.filePath(QStringLiteral("again.trace.json"));
    const bool measured = resetPeakRss();
    const qint64 before = peakRssKb();
    QVERIFY2(window.saveTrace(copy, &error), qPrintable(error));
    const qint64 grew = peakRssKb() - before;
    const qint64 fileKb = QFileInfo(copy).size() / 1024;
    qInfo("saved %lld MB; the peak grew by %lld MB", fileKb >> 10, grew >> 10);
    if (measured)
        QVERIFY2(grew < fileKb / 4, qPrintable(QStringLiteral("the peak grew by %1 kB for a "
                                                              "%2 kB file")
                                                   .arg(grew)
                                                   .arg(fileKb)));

    MainWindow reader(QStringLiteral(PROCESSION_EXE));
    QVERIFY2(reader.openFile(copy, &error), qPrintable(error));
    const TimelineModel &a = window.controller()->model();
    const TimelineModel &b = reader.controller()->model();
    QCOMPARE(b.store().size(), a.store().size());
    QCOMPARE(b.countCalls(), Calls);
    QCOMPARE(b.duration(), a.duration());
    for (qsizetype i : {qsizetype(0), qsizetype(Calls / 2), qsizetype(Calls - 1)}) {
        QCOMPARE(b.callAt(i).label(), a.callAt(i).label());
        QCOMPARE(b.callAt(i).end, a.callAt(i).end);
        QCOMPARE(b.callAt(i).value, a.callAt(i).value);
    }

    if (!QFile::exists(QStringLiteral("/dev/full")))
        QSKIP("no /dev/full here");
    error.clear();
    QVERIFY(!window.saveTrace(QStringLiteral("/dev/full"), &error));
    QVERIFY2(error.contains(QLatin1String("/dev/full")) &&
                 error.contains(QLatin1String("No space left on device")),
             qPrintable(error));
}

QTEST_MAIN(TestOpenLarge)
#include "tst_openlarge.moc"
