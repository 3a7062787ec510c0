// Closing the window in the middle of a run stops every worker: none is left running.
#include "mainwindow.h"
#include "runcontroller.h"
#include "timelinemodel.h"

#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "../faultutil.h"

using namespace procession::gui;

class TestCloseMidRun : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void closingStopsTheWorkers();
    void stopButtonStopsTheWorkers();

private:
    QString writeLongScenario(const QTemporaryDir &dir);
    static QList<qint64> workerPids(const TimelineModel &m);
    static bool alive(qint64 pid) { return faultutil::processState(pid) != 0; }
};

QString TestCloseMidRun::writeLongScenario(const QTemporaryDir &dir)
{
    // Two workers asked to sleep 20 s each: far longer than any test may wait.
    const QString path = dir.filePath(QStringLiteral("long.json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(R"({"id": "long-sleep", "title": "Two long sleeps", "description": "For the test.",
               "steps": [{"fork": 2},
                         {"call_async": "sleep", "args": [[20000], [20000]]},
                         {"call_await": "all"}, {"join": "all"}]})");
    return path;
}

QList<qint64> TestCloseMidRun::workerPids(const TimelineModel &m)
{
    QList<qint64> pids;
    for (const TimelineLane &l : m.lanes())
        if (l.lane != 0 && l.pid > 0)
            pids << l.pid;
    return pids;
}

void TestCloseMidRun::closingStopsTheWorkers()
{
    QTemporaryDir dir;
    const QString path = writeLongScenario(dir);
    QVERIFY(!path.isEmpty());
    auto *window = new MainWindow(QStringLiteral(PROCESSION_EXE));
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    QString error;
    QVERIFY2(window->openFile(path, &error), qPrintable(error));
    window->run();
    QVERIFY(window->isRunning());
    const TimelineModel &m = window->controller()->model();
    // Wait until both workers are running their sleep.
    QTRY_VERIFY_WITH_TIMEOUT(workerPids(m).size() == 2 && m.countSpans(Span::Kind::Flight) == 2,
                             15000);
    const QList<qint64> pids = workerPids(m);
    for (qint64 pid : pids)
        QVERIFY2(alive(pid), qPrintable(QString::number(pid)));

    QElapsedTimer clock;
    clock.start();
    QVERIFY(window->close()); // interrupts the run and waits for the workers
    QVERIFY2(clock.elapsed() < 15000, "closing waited for the sleeps instead of stopping them");
    for (qint64 pid : pids)
        QVERIFY2(!alive(pid), qPrintable(QStringLiteral("worker pid %1 still exists").arg(pid)));
}

void TestCloseMidRun::stopButtonStopsTheWorkers()
{
    QTemporaryDir dir;
    const QString path = writeLongScenario(dir);
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.show();
    QString error;
    QVERIFY2(window.openFile(path, &error), qPrintable(error));
    window.run();
    const TimelineModel &m = window.controller()->model();
    QTRY_VERIFY_WITH_TIMEOUT(workerPids(m).size() == 2, 15000);
    const QList<qint64> pids = workerPids(m);
    window.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 10000);
    QVERIFY(m.trace().finished());
    QCOMPARE(m.trace().runExitCode(), 130);
    for (qint64 pid : pids)
        QTRY_VERIFY_WITH_TIMEOUT(!alive(pid), 5000);
}

QTEST_MAIN(TestCloseMidRun)
#include "tst_closemidrun.moc"
