// How a worker ends when its parent goes: the connection closed, stdin at its end while a
// call runs, or the parent killed outright with workers that ignore both. Workers are the
// real `procession` executable, or the fault helper's stubborn worker (tests/faulthelper.cpp).
#include "faultutil.h"
#include "startcost.h"

#include "protocol.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace procession;
using namespace faultutil;

class tst_WorkerEnds : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { becomeSubreaper(); }
    void cleanup()
    {
        const QString left = endLeftBehind();
        QVERIFY2(left.isEmpty(), qPrintable(QStringLiteral("processes left behind: ") + left));
    }

    void workerExitsWhenConnectionCloses();
    void busyWorkerExitsOnStdinEnd();
    void parentKilledTakesStubbornWorkersAlong();
};

namespace {
// A worker started by hand against a server the test owns, without the parent-death
// signal a Session adds: what remains is how the worker notices by itself.
#if defined(Q_OS_LINUX)
// True while a thread of the process sleeps in nanosleep (the `sleep` task), as the
// kernel reports it in /proc/PID/task/TID/wchan.
bool isSleeping(qint64 pid)
{
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile f(tasks.filePath(tid + QStringLiteral("/wchan")));
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains("nanosleep"))
            return true;
    }
    return false;
}
#endif

struct BareWorker
{
    QTemporaryDir dir;
    QLocalServer server;
    QProcess process;
    QLocalSocket *socket = nullptr;

    bool start()
    {
        if (!server.listen(dir.filePath(QStringLiteral("s"))))
            return false;
        QByteArray token(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), 8);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PROCESSION_TOKEN"), QString::fromLatin1(token.toHex()));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(PROCESSION_EXE),
                      {QStringLiteral("--worker"), server.fullServerName(), QStringLiteral("1")});
        if (!process.waitForStarted(5000) || !server.waitForNewConnection(10000))
            return false;
        socket = server.nextPendingConnection();
        protocol::FrameReader reader;
        protocol::Message hello;
        while (reader.next(&hello) == protocol::FrameReader::Status::NeedMore) {
            if (!socket->waitForReadyRead(5000))
                return false;
            reader.feed(socket->readAll());
        }
        return hello.kind == protocol::Message::Kind::Hello && hello.token == token;
    }
    void call(const QString &fn, const QCborArray &args)
    {
        socket->write(protocol::encode(protocol::Message::call(1, fn, args)));
        socket->flush();
    }
    ~BareWorker()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};
} // namespace

void tst_WorkerEnds::workerExitsWhenConnectionCloses()
{
    BareWorker w;
    QVERIFY(w.start());
    QSignalSpy finished(&w.process, &QProcess::finished);
    QElapsedTimer timer;
    timer.start();
    w.socket->abort(); // the parent's end is gone; stdin stays open
    QVERIFY(finished.wait(5000));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(w.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(w.process.exitCode(), 0);
}

void tst_WorkerEnds::busyWorkerExitsOnStdinEnd()
{
    BareWorker w;
    QVERIFY(w.start());
#if defined(Q_OS_LINUX)
    QVERIFY(!isSleeping(w.process.processId()));
    w.call(QStringLiteral("sleep"), {600000});
    // The call has started once the worker sleeps in it: it is now deaf to its socket.
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(w.process.processId()), 5000);
#else
    w.call(QStringLiteral("sleep"), {600000});
    QTest::qWait(100); // no /proc/PID/task/TID/wchan to watch the call start
#endif
    QSignalSpy finished(&w.process, &QProcess::finished);
    QElapsedTimer timer;
    timer.start();
    w.process.closeWriteChannel();
    QVERIFY(finished.wait(5000));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(w.process.exitStatus(), QProcess::NormalExit);
}

// Workers that ignore the exit request, the end of their stdin and the closed connection
// (the stubborn helper) still go when their parent is killed: on Linux by the parent-death
// signal, on Windows by the Job object that kills them when the parent's handle closes.
void tst_WorkerEnds::parentKilledTakesStubbornWorkersAlong()
{
#if !defined(Q_OS_LINUX) && !defined(Q_OS_WIN)
    QSKIP("neither a parent-death signal nor a Job object here: workers go through their "
          "closed connection and stdin, which the stubborn helper ignores, and on macOS and "
          "the BSDs through a kqueue watch that runs in Procession's own workers only");
#endif
    QProcess parent;
    parent.start(QStringLiteral(FAULT_HELPER_EXE),
                 {QStringLiteral("parent"), QStringLiteral("-"), QStringLiteral("-")});
    QVERIFY(parent.waitForStarted(5000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += parent.readAllStandardOutput()).count('\n') == 2,
                             10000 + 2 * startcost::extraMs());
    QList<qint64> workers;
    for (const QByteArray &line : out.trimmed().split('\n'))
        workers << line.trimmed().toLongLong();
    QCOMPARE(workers.size(), 2);
    // Orphans come to this test (its subreaper on Linux): leave neither them nor a zombie,
    // whatever the outcome.
    const auto reap = qScopeGuard([&] { reapAdopted(workers); });
    for (qint64 pid : workers)
        QVERIFY(!isDead(pid));

    QElapsedTimer timer;
    timer.start();
    parent.kill();
    QVERIFY(parent.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(allDead(workers), 2000);
    qInfo("stubborn workers gone %lld ms after their parent was killed", timer.elapsed());
}

QTEST_GUILESS_MAIN(tst_WorkerEnds)
#include "tst_workerends.moc"
