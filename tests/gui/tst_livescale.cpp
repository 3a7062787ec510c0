// A live run of 200,000 calls in the real window, with real workers: the window keeps
// answering while the events pour in. The bounds are generous (the bench's live_stall_ms
// measures the real figure): a window that takes the whole backlog in one go, or rebuilds
// its picture on every poll, misses them by seconds.
#include "mainwindow.h"
#include "runcontroller.h"
#include "timelinemodel.h"

#include <QAction>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace procession::gui;

namespace {

constexpr int Calls = 200000;
constexpr qint64 MaxGapMs = 500; // the longest the event loop may go without a turn

// Notes the longest stretch between two turns of the GUI thread's event loop.
class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setInterval(2);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            m_worst = std::max(m_worst, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 worstMs() const { return m_worst; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

QAction *stopAction(const MainWindow &window)
{
    for (QAction *a : window.findChildren<QAction *>())
        if (a->text() == MainWindow::tr("&Stop"))
            return a;
    return nullptr;
}

} // namespace

class TestLiveScale : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void windowKeepsAnswering();

private:
    QString writeScenario(const QString &id, const QString &afterwards);

    QTemporaryDir m_dir;
    QString m_scenario; // 200,000 squares on four workers
};

QString TestLiveScale::writeScenario(const QString &id, const QString &afterwards)
{
    const QString path = m_dir.filePath(id + QStringLiteral(".json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral(R"({"id": "%1", "title": "Live squares",
        "description": "four workers square %2 numbers",
        "steps": [{"fork": 4}, {"call_async": "square", "range": %2},
                  {"call_await": "all"}, %3 {"join": "all"}]})")
                .arg(id)
                .arg(Calls)
                .arg(afterwards)
                .toUtf8());
    return path;
}

void TestLiveScale::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_scenario = writeScenario(QStringLiteral("live-squares"), QString());
    QVERIFY(!m_scenario.isEmpty());
}

// The whole run, drawn in a shown window as it grows: the event loop never waits long.
void TestLiveScale::windowKeepsAnswering()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.resize(1400, 900);
    window.show();
    QString error;
    QVERIFY2(window.openFile(m_scenario, &error), qPrintable(error));
    QAction *stop = stopAction(window);
    QVERIFY(stop);
    QVERIFY(!stop->isEnabled());

    Heartbeat beat;
    QElapsedTimer clock;
    clock.start();
    window.run();
    QVERIFY(window.isRunning());
    QVERIFY(stop->isEnabled());
    const TimelineModel &m = window.controller()->model();
    // Half way, the window shows a run going on: Stop can be pressed, the figures move.
    QTRY_VERIFY_WITH_TIMEOUT(m.countSpans(Span::Kind::Call) >= Calls / 2 || !window.isRunning(),
                             60000);
    if (window.isRunning())
        QVERIFY(stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 120000);
    const qint64 wall = clock.elapsed();

    QVERIFY(m.trace().finished());
    QCOMPARE(m.trace().runExitCode(), 0);
    QCOMPARE(m.countCalls(), Calls);
    QCOMPARE(m.countSpans(Span::Kind::Call), Calls);
    QVERIFY(!stop->isEnabled());
    // The events are kept once, by the model: none are left behind in the runner's Trace.
    QCOMPARE(window.controller()->eventsInTransit(), 0);
    qInfo("run of %d calls took %lld ms; the event loop's longest gap: %lld ms", Calls, wall,
          beat.worstMs());
    QVERIFY2(beat.worstMs() <= MaxGapMs,
             qPrintable(QStringLiteral("the window did not answer for %1 ms").arg(beat.worstMs())));
}

QTEST_MAIN(TestLiveScale)
#include "tst_livescale.moc"
