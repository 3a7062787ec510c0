// Faults in workers: crashes, hangs, exceptions, workers that cannot start or speak the
// protocol badly. Every case must end with one clear sentence, in bounded time, with no
// process left behind. Workers are the real `procession` executable, or the fault helper
// (tests/faulthelper.cpp), a real process that misbehaves on purpose.
#include "crashcodes.h"
#include "faultutil.h"
#include "realworkers.h"
#include "startcost.h"

#include "protocol.h"
#include "session.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryFile>
#include <QTest>

#include <csignal>

using namespace procession;
using namespace faultutil;

namespace {

SessionOptions helperWorkers(const QString &mode)
{
    SessionOptions o;
    o.program = QStringLiteral(FAULT_HELPER_EXE);
    o.arguments = {mode};
    return o;
}

// Events of one type on one lane that belong to no call (-1) or to any call (-2).
int countEvents(const Trace &trace, EventType type, int lane, const QString &detail = {},
                qint64 call = -2)
{
    int n = 0;
    for (const TraceEvent &e : trace.events())
        n += e.type == type && e.lane == lane && (detail.isEmpty() || e.detail == detail) &&
             (call == -2 || e.call == call);
    return n;
}

} // namespace

class tst_Faults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void crashMidCall_data();
    void crashMidCall();
    void hungWorkerTimesOutAndJoins_data();
    void hungWorkerTimesOutAndJoins();
    void joinEscalatesToTerminateAndKill_data();
    void joinEscalatesToTerminateAndKill();
    void taskErrorsComeBackAndWorkerKeepsServing();
    void workerThatCannotStart_data();
    void workerThatCannotStart();
    void badFramesFromWorker_data();
    void badFramesFromWorker();
    void binaryOutputIsHarmless();
    void echo32MiBRoundTrips();
    void resultPastLimitIsRefused();
    void callPastLimitIsNotSent();
};

void tst_Faults::initTestCase()
{
    becomeSubreaper();
}

// Each test's Session is gone by now: it must have reaped every process it started.
void tst_Faults::cleanup()
{
    const QString left = endLeftBehind();
    QVERIFY2(left.isEmpty(), qPrintable(QStringLiteral("processes left behind: ") + left));
}

void tst_Faults::crashMidCall_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("ending");
    QTest::addColumn<qint64>("code");
    QTest::newRow("abort") << "abort"
                           << "crashed" << crashcodes::crashedWith(crashcodes::kAbort)
                           << qint64(crashcodes::kAbort);
    QTest::newRow("segfault") << "segfault"
                              << "crashed" << crashcodes::crashedWith(crashcodes::kSegfault)
                              << qint64(crashcodes::kSegfault);
    QTest::newRow("exit(3)") << "exit"
                             << "exited"
                             << "exited with status 3" << qint64(3);
}

// The awaiting call fails within a fraction of a second with a sentence naming the
// worker, its pid, how it ended and what it was running; calls queued behind it say they
// never ran; other workers finish; a replacement can be forked.
void tst_Faults::crashMidCall()
{
    QFETCH(QString, how);
    QFETCH(QString, kind);
    QFETCH(QString, ending);
    QFETCH(qint64, code);

    Trace trace;
    Session s(&trace, realWorkers());
    const int a = s.fork();
    const int b = s.fork();
    const int c = s.fork();
    QString error;
    QVERIFY2(s.waitAllReady(10000, &error), qPrintable(error));
    const qint64 pid = s.pid(a);

    constexpr int crashAfterMs = 300;
    const qint64 crash = s.callAsync(a, QStringLiteral("crash"), {how, crashAfterMs});
    const qint64 behind = s.callAsync(a, QStringLiteral("square"), {2});
    const qint64 slow = s.callAsync(b, QStringLiteral("sleep"), {800});
    const qint64 quick = s.callAsync(c, QStringLiteral("square"), {9});

    QElapsedTimer timer;
    timer.start();
    const CallOutcome out = s.awaitCall(crash, 10000);
    const qint64 elapsed = timer.elapsed();
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, kind);
    QCOMPARE(out.pid, pid);
    const QString expected = QStringLiteral("worker 1 (pid %1) %2 while running crash(\"%3\", %4)")
                                 .arg(pid)
                                 .arg(ending, how)
                                 .arg(crashAfterMs);
    QCOMPARE(out.error, expected);
    // The process ends 0.3 s in; noticing it must not take a timeout's worth of waiting.
    QVERIFY2(elapsed < crashAfterMs + 700, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));

    const CallOutcome never = s.awaitCall(behind, 1000);
    QVERIFY(!never.ok);
    QCOMPARE(never.errorKind, kind);
    QVERIFY2(never.error.startsWith(QLatin1String("square(2) never ran: worker 1")),
             qPrintable(never.error));

    const CallOutcome slowOut = s.awaitCall(slow, 10000);
    QVERIFY2(slowOut.ok, qPrintable(slowOut.error));
    QCOMPARE(slowOut.value.toInteger(), 800);
    const CallOutcome quickOut = s.awaitCall(quick, 10000);
    QVERIFY2(quickOut.ok, qPrintable(quickOut.error));
    QCOMPARE(quickOut.value.toInteger(), 81);

    QVERIFY(!s.isAlive(a));
    QCOMPARE(processState(pid), 0); // reaped, not a zombie

    bool crashRecorded = false;
    for (const TraceEvent &e : trace.events())
        crashRecorded = crashRecorded || (e.type == EventType::Crash && e.lane == a &&
                                          e.code == code && e.text == expected);
    QVERIFY(crashRecorded);

    const int d = s.fork();
    QVERIFY2(s.waitReady(d, 10000, &error), qPrintable(error));
    QVERIFY(s.pid(d) != pid);
    s.callAsync(d, QStringLiteral("square"), {7});
    const CallOutcome replaced = s.callAwait(d, 10000);
    QVERIFY2(replaced.ok, qPrintable(replaced.error));
    QCOMPARE(replaced.value.toInteger(), 49);
}

void tst_Faults::hungWorkerTimesOutAndJoins_data()
{
    QTest::addColumn<QString>("function");
    QTest::newRow("sleep") << "sleep";
    QTest::newRow("spin") << "spin";
}

void tst_Faults::hungWorkerTimesOutAndJoins()
{
    QFETCH(QString, function);
    Session s(nullptr, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    const qint64 pid = s.pid(w);

    const qint64 id = s.callAsync(w, function, {600000});
    QElapsedTimer timer;
    timer.start();
    const CallOutcome out = s.awaitCall(id, 500);
    const qint64 waited = timer.elapsed();
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, QStringLiteral("timeout"));
    QCOMPARE(
        out.error,
        QStringLiteral("timed out after 0.5 s waiting for worker 1 (pid %1) to finish %2(600000)")
            .arg(pid)
            .arg(function));
    QVERIFY2(waited >= 450 && waited < 3000, qPrintable(QString::number(waited)));

    timer.restart();
    QString message;
    QVERIFY(!s.join(w, 1000, &message)); // it was busy: not a clean exit
    QVERIFY2(timer.elapsed() < 4000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(message.contains(QStringLiteral("worker 1 (pid %1)").arg(pid)), qPrintable(message));
    QVERIFY(!s.isAlive(w));
    QCOMPARE(processState(pid), 0);
}

void tst_Faults::joinEscalatesToTerminateAndKill_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("ending");
    QTest::newRow("ignores exit, dies on SIGTERM")
        << "termable"
        << QStringLiteral("did not exit within 0.3 s of join and was terminated (%1)")
               .arg(procession::crashName(crashcodes::kTerminated));
    QTest::newRow("ignores exit and SIGTERM")
        << "stubborn"
        << QStringLiteral("ignored join and terminate and was killed (%1)")
               .arg(procession::crashName(crashcodes::kKilled));
}

void tst_Faults::joinEscalatesToTerminateAndKill()
{
    QFETCH(QString, mode);
    QFETCH(QString, ending);
    SessionOptions o = helperWorkers(mode);
    o.joinTimeoutMs = 300;
    Session s(nullptr, o);
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    const qint64 pid = s.pid(w);
    s.callAsync(w, QStringLiteral("square"), {3});
    QCOMPARE(s.callAwait(w, 10000).value.toInteger(), 9);

    QElapsedTimer timer;
    timer.start();
    QString message;
    QVERIFY(!s.join(w, -1, &message));
    const qint64 took = timer.elapsed();
    QCOMPARE(message, QStringLiteral("worker 1 (pid %1) %2").arg(pid).arg(ending));
    QVERIFY2(took >= 250 && took < 3000, qPrintable(QString::number(took)));
    QVERIFY(!s.isAlive(w));
    QCOMPARE(processState(pid), 0);
}

void tst_Faults::taskErrorsComeBackAndWorkerKeepsServing()
{
    Session s(nullptr, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    const qint64 pid = s.pid(w);

    struct Case
    {
        QString fn;
        QCborArray args;
        QString kind;
        QString says;
    };
    const QList<Case> cases = {
        {QStringLiteral("fail"),
         {QStringLiteral("boom")},
         QStringLiteral("task-error"),
         QStringLiteral("fail(\"boom\") failed on worker 1 (pid %1): boom").arg(pid)},
        {QStringLiteral("nosuch"),
         {},
         QStringLiteral("unknown-function"),
         QStringLiteral("there is no function called \"nosuch\"")},
        {QStringLiteral("square"),
         {QStringLiteral("x")},
         QStringLiteral("bad-arguments"),
         QStringLiteral("argument \"i\" must be number, got text")},
        {QStringLiteral("crash"),
         {QStringLiteral("sideways")},
         QStringLiteral("bad-arguments"),
         QStringLiteral("how must be")},
        {QStringLiteral("sleep"), {-5}, QStringLiteral("bad-arguments"), QStringLiteral("got -5")},
        {QStringLiteral("greet"),
         {1, 2, 3},
         QStringLiteral("bad-arguments"),
         QStringLiteral("takes 2 arguments")},
    };
    for (const Case &c : cases) {
        s.callAsync(w, c.fn, c.args);
        const CallOutcome out = s.callAwait(w, 10000);
        QVERIFY(!out.ok);
        QCOMPARE(out.errorKind, c.kind);
        QVERIFY2(out.error.contains(c.says), qPrintable(out.error));
        QVERIFY(s.isAlive(w));
    }
    s.callAsync(w, QStringLiteral("square"), {5});
    const CallOutcome out = s.callAwait(w, 10000);
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(out.value.toInteger(), 25);
    QCOMPARE(out.pid, pid);
}

// The hello time limit of workerThatCannotStart: the helper must be able to start (and
// then fail in its own way) within it.
static int cannotStartReadyMs()
{
    return 800 + startcost::extraMs();
}

void tst_Faults::workerThatCannotStart_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("says");
    const QStringList worker{QStringLiteral("--worker")};
    QTest::newRow("missing program") << "/nonexistent/procession" << worker << "start-failed"
                                     << "worker 1 could not start /nonexistent/procession: ";
    QTest::newRow("not executable") << "@noexec" << worker << "start-failed"
                                    << "worker 1 could not start ";
    QTest::newRow("exits at once")
        << FAULT_HELPER_EXE << QStringList{QStringLiteral("exit0")} << "exited"
        << "exited unexpectedly";
    QTest::newRow("fails at once")
        << FAULT_HELPER_EXE << QStringList{QStringLiteral("exit1")} << "exited"
        << "exited with status 1";
    QTest::newRow("never connects")
        << FAULT_HELPER_EXE << QStringList{QStringLiteral("noconnect")} << "start-timeout"
        << QStringLiteral("did not say hello within %1 ms").arg(cannotStartReadyMs());
    QTest::newRow("connects, says nothing")
        << FAULT_HELPER_EXE << QStringList{QStringLiteral("nohello")} << "start-timeout"
        << QStringLiteral("did not say hello within %1 ms").arg(cannotStartReadyMs());
    QTest::newRow("wrong token") << FAULT_HELPER_EXE << QStringList{QStringLiteral("wrongtoken")}
                                 << "exited"
                                 << "exited unexpectedly";
}

void tst_Faults::workerThatCannotStart()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(QString, kind);
    QFETCH(QString, says);
    QTemporaryFile noexec;
    if (program == QLatin1String("@noexec")) {
        QVERIFY(noexec.open());
        noexec.write("#!/bin/sh\nexit 0\n");
        noexec.close();
        QFile::setPermissions(noexec.fileName(), QFile::ReadOwner | QFile::WriteOwner);
        program = noexec.fileName();
    }
    SessionOptions o;
    o.program = program;
    o.arguments = arguments;
    o.readyTimeoutMs = cannotStartReadyMs();
    Trace trace;
    Session s(&trace, o);
    const int w = s.fork();
    QElapsedTimer timer;
    timer.start();
    QString error;
    QVERIFY(!s.waitReady(w, -1, &error));
    QVERIFY2(timer.elapsed() < cannotStartReadyMs() + 2000,
             qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(error.contains(says), qPrintable(error));
    QVERIFY(!s.isAlive(w));

    timer.restart();
    const qint64 id = s.callAsync(w, QStringLiteral("square"), {1});
    const CallOutcome out = s.awaitCall(id, 5000);
    QVERIFY(!out.ok);
    QVERIFY2(out.errorKind == kind, qPrintable(out.errorKind + QStringLiteral(": ") + out.error));
    QVERIFY2(out.error.startsWith(QLatin1String("cannot run square(1): ")), qPrintable(out.error));
    QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
}

void tst_Faults::badFramesFromWorker_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("says");
    QTest::newRow("text instead of a frame")
        << "junk"
        << "protocol"
        << "a frame announced 1751477356 bytes, more than the limit of 67108864 bytes";
    QTest::newRow("bytes that are not CBOR") << "bad-cbor"
                                             << "protocol"
                                             << "the frame is not valid CBOR";
    QTest::newRow("CBOR that is not a map") << "not-map"
                                            << "protocol"
                                            << "not a map";
    QTest::newRow("unknown message type") << "unknown-type"
                                          << "protocol"
                                          << "unknown message type \"gossip\"";
    QTest::newRow("result for another call") << "wrong-id"
                                             << "protocol"
                                             << "sent an unexpected result message";
    QTest::newRow("length past the limit") << "over-limit"
                                           << "protocol"
                                           << "announced 4294967280 bytes";
    QTest::newRow("half a frame, then close") << "truncate-close"
                                              << "protocol"
                                              << "closed its connection in the middle of a frame";
    QTest::newRow("half a frame, then exit") << "truncate-exit"
                                             << "exited"
                                             << "exited unexpectedly while running truncate-exit()";
}

// A worker that writes garbage loses its connection and its calls; the run goes on.
void tst_Faults::badFramesFromWorker()
{
    QFETCH(QString, fault);
    QFETCH(QString, kind);
    QFETCH(QString, says);
    Trace trace;
    Session s(&trace, helperWorkers(QStringLiteral("serve")));
    const int bad = s.fork();
    const int good = s.fork();
    QString error;
    QVERIFY2(s.waitAllReady(10000, &error), qPrintable(error));
    const qint64 pid = s.pid(bad);

    s.callAsync(bad, QStringLiteral("square"), {4});
    QCOMPARE(s.callAwait(bad, 10000).value.toInteger(), 16); // it served before the fault
    const qint64 faulty = s.callAsync(bad, fault, {});
    const qint64 behind = s.callAsync(bad, QStringLiteral("square"), {5});
    const qint64 other = s.callAsync(good, QStringLiteral("square"), {3});

    QElapsedTimer timer;
    timer.start();
    const CallOutcome out = s.awaitCall(faulty, 10000);
    QVERIFY(!out.ok);
    QVERIFY2(out.errorKind == kind, qPrintable(out.errorKind + QStringLiteral(": ") + out.error));
    QVERIFY2(out.error.contains(QStringLiteral("worker 1 (pid %1)").arg(pid)),
             qPrintable(out.error));
    QVERIFY2(out.error.contains(says), qPrintable(out.error));
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    const CallOutcome never = s.awaitCall(behind, 1000);
    QVERIFY(!never.ok);
    QVERIFY2(never.error.startsWith(QLatin1String("square(5) never ran: ")),
             qPrintable(never.error));
    if (kind == QLatin1String("protocol")) // the frame itself is reported once, then its calls
        QCOMPARE(countEvents(trace, EventType::Error, bad, QStringLiteral("protocol"), -1), 1);

    QVERIFY(!s.isAlive(bad));
    QTRY_COMPARE_WITH_TIMEOUT(processState(pid), 0, 5000); // killed and reaped
    // The parent killed it after dropping it: the trace must not call that a crash.
    for (const TraceEvent &e : trace.events())
        QVERIFY2(e.lane != bad || !e.text.contains(QLatin1String("crashed with")),
                 qPrintable(e.text));

    QCOMPARE(s.awaitCall(other, 10000).value.toInteger(), 9);
    s.callAsync(good, QStringLiteral("square"), {6});
    QCOMPARE(s.callAwait(good, 10000).value.toInteger(), 36);
}

// A worker printing megabytes of binary without a newline costs bounded memory and
// breaks nothing.
void tst_Faults::binaryOutputIsHarmless()
{
    Trace trace;
    Session s(&trace, helperWorkers(QStringLiteral("serve")));
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    s.callAsync(w, QStringLiteral("spew"), {});
    const CallOutcome out = s.callAwait(w, 10000);
    QVERIFY2(out.ok, qPrintable(out.error));
    s.callAsync(w, QStringLiteral("square"), {8});
    QCOMPARE(s.callAwait(w, 10000).value.toInteger(), 64);
    QVERIFY(s.join(w, 5000));
    int lines = 0;
    for (const TraceEvent &e : trace.events()) {
        if (e.type != EventType::Output || e.lane != w)
            continue;
        ++lines;
        QVERIFY2(e.text.size() <= 512 * 1024, qPrintable(QString::number(e.text.size())));
    }
    QVERIFY2(lines >= 2 && lines <= 20,
             qPrintable(QString::number(lines))); // cut, not one 1 MiB line
}

void tst_Faults::echo32MiBRoundTrips()
{
    QByteArray payload(32 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator(42).fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
    Session s(nullptr, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    QElapsedTimer timer;
    timer.start();
    s.callAsync(w, QStringLiteral("echo"), {payload});
    const CallOutcome out = s.callAwait(w, 120000);
    QVERIFY2(out.ok, qPrintable(out.error));
    QVERIFY(out.value.isByteArray());
    QVERIFY(out.value.toByteArray() == payload);
    qInfo("32 MiB echo round trip: %lld ms", timer.elapsed());
}

// A result larger than the parent's frame limit is refused with a sentence; the limit
// is checked on the header, before any of it is buffered.
void tst_Faults::resultPastLimitIsRefused()
{
    SessionOptions o = realWorkers();
    o.maxFrame = 1024 * 1024;
    Session s(nullptr, o);
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    s.callAsync(w, QStringLiteral("echo"), {QByteArray(2 * 1024 * 1024, 'x')});
    const CallOutcome out = s.callAwait(w, 10000);
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, QStringLiteral("protocol"));
    QVERIFY2(out.error.contains(QLatin1String("more than the limit of 1048576 bytes")),
             qPrintable(out.error));
}

// A call too large for the worker to accept is not sent: it fails on its own, with a
// sentence, and the worker goes on serving.
void tst_Faults::callPastLimitIsNotSent()
{
    Session s(nullptr, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    const qint64 pid = s.pid(w);
    s.callAsync(w, QStringLiteral("echo"), {QByteArray(protocol::DefaultMaxFrame, 'x')});
    const CallOutcome out = s.callAwait(w, 10000);
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, QStringLiteral("too-large"));
    QVERIFY2(out.error.startsWith(QLatin1String("echo(bytes(64.0 MiB)) was not sent to worker 1")),
             qPrintable(out.error));
    QVERIFY2(out.error.contains(QLatin1String("limit of 67108864 bytes")), qPrintable(out.error));
    s.callAsync(w, QStringLiteral("square"), {2});
    const CallOutcome next = s.callAwait(w, 10000);
    QVERIFY2(next.ok, qPrintable(next.error));
    QCOMPARE(next.pid, pid);
}

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
