// File → "Load tasks…" and --tasks in the window: a bad library is one sentence and
// nothing changes; a good one's functions run in real workers, and the call details say
// which library a function came from.
#include "calldetails.h"
#include "mainwindow.h"
#include "runcontroller.h"
#include "timelinemodel.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace procession::gui;

class TestLoadTasks : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void fileMenuHasLoadTasks();
    void badLibraryChangesNothing();
    void libraryFunctionsRunInWorkers();
};

void TestLoadTasks::fileMenuHasLoadTasks()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    QMenu *file = nullptr;
    for (QAction *a : window.menuBar()->actions())
        if (a->text() == QLatin1String("&File"))
            file = a->menu();
    QVERIFY(file);
    bool found = false;
    for (QAction *a : file->actions())
        found = found || (a->text() == QStringLiteral("Load &tasks…") && a->isEnabled());
    QVERIFY(found);
}

void TestLoadTasks::badLibraryChangesNothing()
{
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    QString error;
    QVERIFY(!window.loadTaskLibrary(QStringLiteral(TESTTASKS_VERSION), &error));
    QVERIFY2(error.contains(QLatin1String("built for task library version 99")), qPrintable(error));
    QVERIFY(!window.loadTaskLibrary(QStringLiteral("/nonexistent/lib.so"), &error));
    QVERIFY2(error.endsWith(QLatin1String("no such file")), qPrintable(error));
}

void TestLoadTasks::libraryFunctionsRunInWorkers()
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("twice.json")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "twice-pool", "title": "t", "steps": [{"fork": 2},
              {"call_async": "twice", "args": [[20], [21]]}, {"call_await": "all"},
              {"join": "all"}]})");
    f.close();
    MainWindow window(QStringLiteral(PROCESSION_EXE));
    window.show();
    QString error;
    // Before the library is loaded, the scenario does not pass its checks.
    QVERIFY(!window.openFile(f.fileName(), &error));
    QVERIFY2(error.contains(QLatin1String("unknown function \"twice\"")), qPrintable(error));
    QVERIFY2(window.loadTaskLibrary(QStringLiteral(TESTTASKS_GOOD), &error), qPrintable(error));
    QCOMPARE(window.statusBar()->currentMessage(),
             QStringLiteral("Loaded 4 functions from %1; scenarios can call them now.")
                 .arg(QFileInfo(QStringLiteral(TESTTASKS_GOOD)).fileName()));
    QVERIFY2(window.openFile(f.fileName(), &error), qPrintable(error));
    window.run();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 30000);
    const TimelineModel &m = window.controller()->model();
    QCOMPARE(m.trace().calls().size(), 2);
    for (qsizetype i = 0; i < 2; ++i) {
        const procession::CallRecord &c = m.callAt(i);
        QVERIFY(c.ok);
        QVERIFY(c.lane >= 1); // in a worker process
        QCOMPARE(c.value, QString::number(2 * (20 + c.id - 1)));
    }
    const QString details = callDetailsHtml(m, 0);
    QVERIFY2(details.contains(QLatin1String("twice(n: integer between 0 and 1000)")),
             qPrintable(details));
    QVERIFY2(
        details.contains(QFileInfo(QStringLiteral(TESTTASKS_GOOD)).fileName() + QLatin1Char(')')),
        qPrintable(details));
}

QTEST_MAIN(TestLoadTasks)
#include "tst_loadtasks.moc"
