// Back-pressure on a worker's pipe: calls queued faster than the worker takes them wait,
// unencoded, in the parent; the parent's memory stays bounded by what is in the pipe, not
// by how many calls were made. And nothing waits forever because of it: an await of a call
// still queued, or a join, sends what is needed even while answers nobody awaited are held.
#include "realworkers.h"
#include "session.h"
#include "trace.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>

#include <cstring>
#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

using namespace procession;

namespace {

constexpr int kChildCalls = 300;
constexpr qsizetype kChildPayload = 4 * 1024 * 1024;

QByteArray payload(qsizetype size, char fill)
{
    return QByteArray(size, fill);
}

// The child: one worker, kChildCalls echoes of 4 MiB made at once, then awaited in order
// (or, giving up, each awaited for no time at all: every await times out and abandons its
// call). Prints "ok <peak RSS in KiB>" or a sentence saying what went wrong.
int echoChild(bool giveUp)
{
    Trace trace;
    Session s(&trace, realWorkers());
    const int w = s.fork();
    QString error;
    if (!s.waitReady(w, 10000, &error)) {
        printf("worker did not start: %s\n", qPrintable(error));
        return 1;
    }
    // One argument list shared by every call, as a scenario's repeat shares it (a
    // QCborValue made from a QByteArray copies its bytes).
    const QCborArray args{QCborValue(payload(kChildPayload, 'p'))};
    QList<qint64> ids;
    for (int i = 0; i < kChildCalls; ++i)
        ids << s.callAsync(w, QStringLiteral("echo"), args);
    for (int i = 0; i < kChildCalls; ++i) {
        const CallOutcome out = s.awaitCall(ids.at(i), giveUp ? 0 : 60000);
        if (giveUp && out.errorKind != QLatin1String("timeout") && !out.ok) {
            printf("echo %d: %s\n", i, qPrintable(out.error));
            return 1;
        }
        if (!giveUp && (!out.ok || out.value.toByteArray().size() != kChildPayload)) {
            printf("echo %d: %s\n", i, qPrintable(out.error));
            return 1;
        }
    }
    if (!s.join(w, 60000)) {
        printf("the worker did not exit on join\n");
        return 1;
    }
    long peakKb = 0;
#if defined(Q_OS_UNIX)
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    peakKb = long(usage.ru_maxrss);
#endif
    printf("ok %ld\n", peakKb);
    return 0;
}

} // namespace

class tst_BackPressure : public QObject
{
    Q_OBJECT

private slots:
    void manyLargeCallsKeepTheParentSmall_data();
    void manyLargeCallsKeepTheParentSmall();
    void awaitingAQueuedCallSendsIt();
    void joinSendsEverythingQueued();
};

void tst_BackPressure::manyLargeCallsKeepTheParentSmall_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("awaited") << QStringLiteral("--echo-child");
    // A call abandoned while in flight still fills the pipe until its answer comes.
    QTest::newRow("every await times out") << QStringLiteral("--echo-child-give-up");
}

// 300 echoes of 4 MiB made at once: without back-pressure every frame is encoded and
// queued at once (1.2 GB); with it the parent holds a few frames and the answer it reads.
void tst_BackPressure::manyLargeCallsKeepTheParentSmall()
{
    QFETCH(QString, mode);
#if !defined(Q_OS_LINUX)
    QSKIP("reads the child's peak RSS with getrusage (ru_maxrss in KiB on Linux)");
#endif
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {mode});
    QVERIFY2(child.waitForFinished(180000), "the child did not finish within 180 s");
    const QString out = QString::fromLocal8Bit(child.readAllStandardOutput()).trimmed();
    QVERIFY2(child.exitCode() == 0 && out.startsWith(QLatin1String("ok ")), qPrintable(out));
    const qint64 peakMb = out.mid(3).toLongLong() / 1024;
    qInfo("%d echoes of %lld MiB: the parent's peak RSS was %lld MB", kChildCalls,
          qint64(kChildPayload >> 20), peakMb);
    // Bounded: the pipe (32 MiB), one answer being read, the reader's buffer and the
    // process itself, with room to spare; unbounded it is over 1,200 MB.
    QVERIFY2(peakMb < 400, qPrintable(QStringLiteral("peak RSS %1 MB").arg(peakMb)));
}

// Answers nobody awaited fill the pipe; awaiting the last call must still get it sent.
void tst_BackPressure::awaitingAQueuedCallSendsIt()
{
    Trace trace;
    Session s(&trace, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    constexpr int calls = 80; // 80 MiB: more than the pipe holds
    QList<qint64> ids;
    for (int i = 0; i < calls; ++i)
        ids << s.callAsync(w, QStringLiteral("echo"), {QCborValue(payload(1 << 20, char('a' + i % 26)))});
    const CallOutcome last = s.awaitCall(ids.last(), 30000);
    QVERIFY2(last.ok, qPrintable(last.error));
    QCOMPARE(last.value.toByteArray(), payload(1 << 20, char('a' + (calls - 1) % 26)));
    for (int i = 0; i < calls - 1; ++i) {
        const CallOutcome out = s.awaitCall(ids.at(i), 30000);
        QVERIFY2(out.ok, qPrintable(out.error));
        QCOMPARE(out.value.toByteArray().size(), qsizetype(1 << 20));
    }
    QVERIFY(s.join(w, 10000));
}

// A join with calls still queued (and answers held) sends them all, then exit: every call
// ran, the worker exited cleanly.
void tst_BackPressure::joinSendsEverythingQueued()
{
    Trace trace;
    Session s(&trace, realWorkers());
    const int w = s.fork();
    QString error;
    QVERIFY2(s.waitReady(w, 10000, &error), qPrintable(error));
    constexpr int calls = 80;
    QList<qint64> ids;
    for (int i = 0; i < calls; ++i)
        ids << s.callAsync(w, QStringLiteral("echo"), {QCborValue(payload(1 << 20, 'j'))});
    QString message;
    QVERIFY2(s.join(w, 30000, &message), qPrintable(message));
    for (int i = 0; i < calls; ++i) {
        const CallOutcome out = s.awaitCall(ids.at(i), 1000);
        QVERIFY2(out.ok, qPrintable(QStringLiteral("call %1: %2").arg(i).arg(out.error)));
    }
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "--echo-child") == 0)
        return echoChild(false);
    if (argc > 1 && std::strcmp(argv[1], "--echo-child-give-up") == 0)
        return echoChild(true);
    tst_BackPressure t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_backpressure.moc"
