#include "crashcodes.h"
#include "faultutil.h"
#include "realworkers.h"
#include "report.h"
#include "runqueuedelay.h"
#include "session.h"
#include "startcost.h"
#include "trace.h"
#include "tracemodel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace procession;

// True while a process with this pid exists at all (a zombie counts: it is a leak too).
static bool processExists(qint64 pid)
{
    return pid > 0 && faultutil::processState(pid) != 0;
}

class tst_Session : public QObject
{
    Q_OBJECT

private slots:
    void forkCallJoin();
    void awaitInCallOrder();
    void greetInParallelBeatsSequential();
    void oneProcessPerCall();
    void crashIsReportedWhileOthersFinish();
    void workerStampsFallBetweenDispatchAndResult();
    void errorsComeBackAndWorkerKeepsServing();
    void awaitTimesOutAndJoinEscalates();
    void missingProgramFailsClearly();
    void workLeavesOutWaitingForACpu();
    void nothingLeftAfterSession();
};

void tst_Session::forkCallJoin()
{
    Trace trace;
    Session session(&trace, realWorkers());
    const int w = session.fork();
    QCOMPARE(w, 1);
    QString error;
    QVERIFY2(session.waitReady(w, 10000, &error), qPrintable(error));
    const qint64 pid = session.pid(w);
    QVERIFY(pid > 0);
    QVERIFY(pid != QCoreApplication::applicationPid());
    session.callAsync(w, QStringLiteral("square"), {12});
    const CallOutcome out = session.callAwait(w);
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(out.value.toInteger(), 144);
    QCOMPARE(out.pid, pid);
    QString message;
    QVERIFY2(session.join(w, -1, &message), qPrintable(message));
    QVERIFY(!session.isAlive(w));
    QVERIFY(!processExists(pid)); // exited and reaped: no zombie

    TraceModel model;
    model.applyAll(trace.events());
    const LaneRecord *lane = model.lane(1);
    QVERIFY(lane);
    QVERIFY(lane->fork >= 0 && lane->ready > lane->fork && lane->join >= lane->ready &&
            lane->exit >= lane->join);
    QVERIFY(!lane->crashed);
}

void tst_Session::awaitInCallOrder()
{
    Session session(nullptr, realWorkers());
    const int w = session.fork();
    for (int i = 0; i < 50; ++i)
        session.callAsync(w, QStringLiteral("square"), {i});
    for (int i = 0; i < 50; ++i) {
        const CallOutcome out = session.callAwait(w);
        QVERIFY2(out.ok, qPrintable(out.error));
        QCOMPARE(out.value.toInteger(), i * i);
    }
    QCOMPARE(session.callAwait(w).errorKind, QStringLiteral("nothing-to-await"));
    QVERIFY(session.join(w));
}

void tst_Session::greetInParallelBeatsSequential()
{
    const QStringList names = {QStringLiteral("Dan"), QStringLiteral("Chess"),
                               QStringLiteral("Tom"), QStringLiteral("Mike")};
    QStringList printed;
    SessionOptions options = realWorkers();
    options.onOutput = [&](int, const QString &line, bool) { printed << line; };
    // Each join's grace (exit asked -> the process has ended) holds a process end; under an
    // emulator it gets the start-up allowance too (tests/startcost.h).
    options.joinTimeoutMs += startcost::extraMs();
    Session session(nullptr, options);
    QList<int> pool;
    for (int i = 0; i < 4; ++i)
        pool << session.fork();
    QVERIFY(session.waitAllReady());

    QElapsedTimer parallel;
    parallel.start();
    for (int i = 0; i < 4; ++i)
        session.callAsync(pool[i], QStringLiteral("greet"), {i, names[i]});
    for (int i = 0; i < 4; ++i) {
        const CallOutcome out = session.callAwait(pool[i]);
        QVERIFY2(out.ok, qPrintable(out.error));
        QCOMPARE(out.value.toInteger(), i); // results come back in call order
    }
    const qint64 parallelMs = parallel.elapsed();
    QVERIFY2(parallelMs < 1500, qPrintable(QStringLiteral("parallel took %1 ms").arg(parallelMs)));
    QTRY_COMPARE(printed.size(), 4);
    for (int i = 0; i < 4; ++i)
        QVERIFY(printed.contains(QStringLiteral("%1 Hello %2!").arg(i).arg(names[i])));

    QElapsedTimer sequential;
    sequential.start();
    for (int i = 0; i < 4; ++i)
        QVERIFY(session.callHere(QStringLiteral("greet"), {i, names[i]}).ok);
    const qint64 sequentialMs = sequential.elapsed();
    QVERIFY2(sequentialMs >= 4000,
             qPrintable(QStringLiteral("sequential took %1 ms").arg(sequentialMs)));
    for (int w : pool) {
        QString message;
        QVERIFY2(session.join(w, -1, &message), qPrintable(message));
    }
}

void tst_Session::oneProcessPerCall()
{
    Trace trace;
    Session session(&trace, realWorkers());
    QElapsedTimer timer;
    timer.start();
    QList<qint64> calls;
    for (int i = 0; i < 4; ++i)
        calls << session.callAsync(QStringLiteral("greet"), {i, QStringLiteral("x")});
    QSet<qint64> pids;
    for (int i = 0; i < 4; ++i) {
        const CallOutcome out = session.awaitCall(calls[i]);
        QVERIFY2(out.ok, qPrintable(out.error));
        QCOMPARE(out.value.toInteger(), i);
        pids.insert(out.pid);
    }
    QVERIFY2(timer.elapsed() < 1500 + startcost::extraMs(),
             qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(pids.size(), 4); // a process each
    QCOMPARE(session.workerCount(), 4);
    for (int w = 1; w <= 4; ++w)
        QVERIFY2(!session.isAlive(w), "awaiting a one-shot call joins its process");
    for (qint64 pid : pids)
        QVERIFY(!processExists(pid));
}

void tst_Session::crashIsReportedWhileOthersFinish()
{
    Trace trace;
    Session session(&trace, realWorkers());
    const int a = session.fork(), b = session.fork(), c = session.fork();
    QVERIFY(session.waitAllReady());
    const qint64 crashedPid = session.pid(b);
    session.callAsync(a, QStringLiteral("sleep"), {600});
    QElapsedTimer timer;
    timer.start();
    const qint64 crashCall =
        session.callAsync(b, QStringLiteral("crash"), {QStringLiteral("segfault"), 100});
    session.callAsync(c, QStringLiteral("sleep"), {600});

    const CallOutcome crashed = session.awaitCall(crashCall);
    QVERIFY(timer.elapsed() < 550); // promptly, not after the others
    QVERIFY(!crashed.ok);
    QCOMPARE(crashed.errorKind, QStringLiteral("crashed"));
    QCOMPARE(crashed.error,
             QStringLiteral("worker 2 (pid %1) %2 while running crash(\"segfault\", 100)")
                 .arg(crashedPid)
                 .arg(crashcodes::crashedWith(crashcodes::kSegfault)));
    QVERIFY(session.callAwait(a).ok);
    QVERIFY(session.callAwait(c).ok);
    QVERIFY(!processExists(crashedPid));

    // A call to the dead worker fails at once and says why.
    session.callAsync(b, QStringLiteral("square"), {2});
    const CallOutcome late = session.callAwait(b, 100);
    QVERIFY(late.error.contains(crashcodes::crashedWith(crashcodes::kSegfault)));

    // The pool can fork a replacement.
    const int d = session.fork();
    session.callAsync(d, QStringLiteral("square"), {5});
    QCOMPARE(session.callAwait(d).value.toInteger(), 25);

    TraceModel model;
    model.applyAll(trace.events());
    QVERIFY(model.lane(b)->crashed);
    QCOMPARE(model.lane(b)->exitCode, crashcodes::kSegfault);
}

void tst_Session::workerStampsFallBetweenDispatchAndResult()
{
    Trace trace;
    Session session(&trace, realWorkers());
    const int w1 = session.fork(), w2 = session.fork();
    for (int i = 0; i < 20; ++i)
        session.callAsync(i % 2 ? w1 : w2, QStringLiteral("sleep"), {i % 3});
    for (int i = 0; i < 20; ++i)
        QVERIFY(session.callAwait(i % 2 ? w1 : w2).ok);
    TraceModel model;
    model.applyAll(trace.events());
    QCOMPARE(model.calls().size(), 20);
    for (const CallRecord &c : model.calls()) {
        QVERIFY(c.dispatch > 0);
        QVERIFY2(c.dispatch <= c.begin, "the worker began after the parent sent the call");
        QVERIFY(c.begin <= c.end);
        QVERIFY2(c.end <= c.result, "the parent read the result after the worker ended the call");
        QVERIFY(c.end - c.begin >= (c.id - 1) % 3 * 1000000 * 0.9);
    }
}

void tst_Session::errorsComeBackAndWorkerKeepsServing()
{
    Session session(nullptr, realWorkers());
    const int w = session.fork();
    session.callAsync(w, QStringLiteral("fail"), {QStringLiteral("bad input")});
    session.callAsync(w, QStringLiteral("nosuch"), {});
    session.callAsync(w, QStringLiteral("greet"), {1});
    session.callAsync(w, QStringLiteral("square"), {4});
    CallOutcome out = session.callAwait(w);
    QCOMPARE(out.errorKind, QStringLiteral("task-error"));
    QVERIFY2(out.error.contains(QStringLiteral("fail(\"bad input\") failed on worker 1 (pid")),
             qPrintable(out.error));
    QVERIFY(out.error.endsWith(QStringLiteral("bad input")));
    out = session.callAwait(w);
    QCOMPARE(out.errorKind, QStringLiteral("unknown-function"));
    QVERIFY(out.error.contains(QStringLiteral("no function called \"nosuch\"")));
    out = session.callAwait(w);
    QCOMPARE(out.errorKind, QStringLiteral("bad-arguments"));
    QVERIFY(out.error.contains(QStringLiteral("missing argument \"name\"")));
    out = session.callAwait(w);
    QVERIFY(out.ok);
    QCOMPARE(out.value.toInteger(), 16);
    QVERIFY(session.join(w));
}

void tst_Session::awaitTimesOutAndJoinEscalates()
{
    SessionOptions options = realWorkers();
    options.joinTimeoutMs = 300;
    Trace trace;
    Session session(&trace, options);
    const int w = session.fork();
    QVERIFY(session.waitReady(w));
    const qint64 pid = session.pid(w);
    session.callAsync(w, QStringLiteral("sleep"), {60000});
    QElapsedTimer timer;
    timer.start();
    const CallOutcome out = session.callAwait(w, 200);
    QVERIFY(timer.elapsed() < 1000);
    QCOMPARE(out.errorKind, QStringLiteral("timeout"));
    QCOMPARE(
        out.error,
        QStringLiteral("timed out after 0.2 s waiting for worker 1 (pid %1) to finish sleep(60000)")
            .arg(pid));
    timer.restart();
    QString message;
    QVERIFY(!session.join(w, -1, &message)); // it had to be terminated
    QVERIFY(timer.elapsed() < 3000);
    QVERIFY2(message.contains(QStringLiteral("terminated")), qPrintable(message));
    QVERIFY(!processExists(pid));
}

void tst_Session::missingProgramFailsClearly()
{
    SessionOptions options;
    options.program = QStringLiteral("/nonexistent/procession");
    Session session(nullptr, options);
    const int w = session.fork();
    session.callAsync(w, QStringLiteral("square"), {1});
    QElapsedTimer timer;
    timer.start();
    const CallOutcome out = session.callAwait(w, 5000);
    QVERIFY(timer.elapsed() < 2000);
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, QStringLiteral("start-failed"));
    QVERIFY2(out.error.contains(QStringLiteral("could not start /nonexistent/procession")),
             qPrintable(out.error));
}

void tst_Session::workLeavesOutWaitingForACpu()
{
    // Twice as many CPU-burning workers as cores: every bar stretches, but the work they
    // represent is only the CPU they burned, so the speedup cannot exceed the core count.
    const int workers = std::min(16, 2 * std::max(1, QThread::idealThreadCount()));
    Trace trace;
    Session session(&trace, realWorkers());
    for (int i = 0; i < workers; ++i)
        session.fork();
    QVERIFY(session.waitAllReady());
    for (int w = 1; w <= workers; ++w)
        session.callAsync(w, QStringLiteral("spin"), {200});
    for (int w = 1; w <= workers; ++w)
        QVERIFY(session.callAwait(w).ok);
    TraceModel model;
    model.applyAll(trace.events());
    double cpu = 0, wall = 0;
    for (const CallRecord &c : model.calls()) {
        QVERIFY(c.cpuNs >= 190000000);
        QVERIFY(c.waitNs <= c.end - c.begin - c.cpuNs + 1000000);
        cpu += c.cpuNs / 1e9;
        wall += (c.end - c.begin) / 1e9;
    }
    const RunSummary s = model.summary();
    QVERIFY(s.cpuS > 0.9 * cpu);
    if (!RunQueueDelay::measuredHere()) {
        // Windows and macOS tell no run-queue wait: the report says so, and work is the
        // summed bars (the wait inside them is not left out).
        QVERIFY(runReportText(model, true, {}, {}, {})
                    .contains(QStringLiteral("waiting for a CPU is not measured")));
        QVERIFY(std::abs(s.workS - wall) < 0.05 * wall);
        return;
    }
    QVERIFY(runReportText(model, true, {}, {}, {})
                .contains(QStringLiteral("work leaves out time spent waiting for a CPU")));
    QVERIFY2(std::abs(s.workS - cpu) < 0.25 * cpu,
             qPrintable(QStringLiteral("work %1 s, CPU %2 s, summed bars %3 s")
                            .arg(s.workS)
                            .arg(cpu)
                            .arg(wall)));
}

void tst_Session::nothingLeftAfterSession()
{
    QList<qint64> pids;
    {
        Session session(nullptr, realWorkers());
        for (int i = 0; i < 3; ++i)
            session.fork();
        QVERIFY(session.waitAllReady());
        for (int w = 1; w <= 3; ++w)
            pids << session.pid(w);
        session.callAsync(1, QStringLiteral("sleep"), {60000}); // busy: needs terminate
    }                                                           // destroyed without join
    for (qint64 pid : pids)
        QVERIFY2(!processExists(pid), qPrintable(QString::number(pid)));
}

QTEST_GUILESS_MAIN(tst_Session)
#include "tst_session.moc"
