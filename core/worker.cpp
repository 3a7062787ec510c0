#include "worker.h"

#include "clock.h"
#include "protocol.h"
#include "registry.h"
#include "runqueuedelay.h"
#include "spin.h"
#include "tasklibraries.h"
#include "workerlink.h"
#include "workerplatform.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace procession {

using protocol::FrameReader;
using protocol::Message;

bool isWorkerInvocation(int argc, char **argv)
{
    return argc >= 2 && std::strcmp(argv[1], "--worker") == 0;
}

namespace {

// More bytes than this moved since the last reading of the CPU clock make it stale.
constexpr qsizetype kHeavyBytes = 64 * 1024;
constexpr qint64 kTinyCallNs = 20000; // calls shorter than this skip the CPU clock...
constexpr int kMaxUnreadTiny = 16;    // ...but never more than this many in a row

} // namespace

int runWorker(int argc, char **argv)
{
    if (argc < 4)
        workerDie("usage: procession --worker SERVER LANE (started by procession itself)", 2);

    prepareWorkerProcess();
    const QByteArray token = QByteArray::fromHex(qgetenv("PROCESSION_TOKEN"));
    qunsetenv("PROCESSION_TOKEN"); // tasks have no business seeing it
    if (token.size() != 32)
        workerDie("no valid PROCESSION_TOKEN in the environment; workers are started by procession",
                  2);

    QCoreApplication app(argc, argv);
    exitWhenStdinEnds();

    WorkerLink channel(argv[2]);
    if (!channel.write(protocol::encode(Message::hello(app.applicationPid(), token))))
        workerDie("cannot send hello to the parent", 3);

    // The parent's task libraries (`--tasks PATH` after the lane), checked there already.
    for (int i = 4; i + 1 < argc; i += 2) {
        QString error;
        if (std::strcmp(argv[i], "--tasks") != 0)
            workerDie("unknown argument after the lane; workers are started by procession", 2);
        if (!TaskLibraries::load(QString::fromLocal8Bit(argv[i + 1]), &error))
            workerDie(qPrintable(error), 2);
    }
    const Registry &registry = Registry::available();
    TaskContext ctx;
    ctx.print = [](const QString &line) {
        const QByteArray bytes = line.toUtf8() + '\n';
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
        std::fflush(stdout);
    };
    ctx.printError = [](const QString &line) {
        const QByteArray bytes = line.toUtf8() + '\n';
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
        std::fflush(stderr);
    };

    FrameReader reader;
    RunQueueDelay runQueue;
    QByteArray out;
    // The thread's CPU clock is a system call here (CLOCK_THREAD_CPUTIME_ID has no vDSO
    // fast path: ~0.5-1 µs on this VM, the largest single cost of a tiny call's round trip
    // in the worker). It is read once per call, after it; the baseline is the reading
    // taken after the call before. The worker is blocked in read() between calls, so what
    // that adds to a call is only its own share of the message handling (decoding it,
    // encoding and sending the previous result: a few µs at most), and a call's CPU time is
    // capped at its wall time. Time spent spinning for the next call is subtracted like a
    // skipped tiny call's (its wall time bounds its CPU time). After anything heavier (a
    // large frame in or out, giving memory back when idle) the baseline is taken again
    // right before the next call.
    qint64 cpuMark = threadCpuNs();
    bool cpuMarkStale = false;
    int unreadTiny = 0;   // tiny calls since the clock was last read
    qint64 uncounted = 0; // wall time of those calls and of spins since then
    SpinWait spin;
    qsizetype heavyBytes = 0; // bytes read or written since the last reading
    for (;;) {
        Message m;
        FrameReader::Status status;
        qint64 batchStart = 0;
        while ((status = reader.next(&m)) == FrameReader::Status::Frame) {
            if (m.kind == Message::Kind::Exit) {
                if (!out.isEmpty())
                    channel.write(out);
                return 0;
            }
            if (m.kind != Message::Kind::Call)
                workerDie("the parent sent a message that is not a call or exit", 4);
            if (cpuMarkStale || heavyBytes > kHeavyBytes) {
                cpuMark = threadCpuNs();
                unreadTiny = 0;
                uncounted = 0;
            }
            cpuMarkStale = false;
            heavyBytes = 0;
            const qint64 begin = nowNs();
            const Registry::Outcome r = registry.call(m.function, m.args, m.kwargs, ctx);
            const qint64 end = nowNs();
            const qint64 wall = end - begin;
            qint64 cpu;
            if (wall < kTinyCallNs && unreadTiny < kMaxUnreadTiny) {
                // A call this short used at most its wall time of CPU, to within a
                // microsecond or two: report that rather than pay a clock read that
                // costs a third as much as the call's whole round trip. The clock is
                // still read at least every kMaxUnreadTiny calls, and the calls skipped
                // are subtracted, so the next longer call is not charged for them.
                cpu = wall;
                ++unreadTiny;
                uncounted += wall;
            } else {
                const qint64 cpuNow = threadCpuNs();
                cpu = std::clamp<qint64>(cpuNow - cpuMark - uncounted, 0, wall);
                cpuMark = cpuNow;
                unreadTiny = 0;
                uncounted = 0;
            }
            const qint64 wait = runQueue.after(end - begin, cpu);
            protocol::encodeInto(
                r.ok ? Message::result(m.id, r.value, begin, end, cpu, wait)
                     : Message::error(m.id, r.errorKind, r.errorMessage, begin, end, cpu, wait),
                out);
            if (batchStart == 0)
                batchStart = begin;
            // Batch the answers to a burst of tiny calls, but never hold a result back
            // behind work that takes time.
            if (end - batchStart > 200000 || reader.buffered() == 0 || out.size() > (1 << 20)) {
                heavyBytes += out.size();
                if (!channel.write(out))
                    return 0;
                out.resize(0); // keeps the capacity for the next burst
                batchStart = 0;
            }
        }
        if (status == FrameReader::Status::Error)
            workerDie(qPrintable(QStringLiteral("protocol error from the parent: ") +
                                 reader.errorString()),
                      4);
        if (!out.isEmpty()) {
            heavyBytes += out.size();
            if (!channel.write(out))
                return 0;
            out.resize(0);
        }
        // Large payloads leave large buffers behind: they are kept while calls keep
        // coming (fresh ones cost a page fault per 4 KiB, most of a 16 MiB echo), and
        // given back once the worker has been idle for a second.
        if (reader.holdsLargeBuffer() || out.capacity() > (1 << 20))
            m = Message(); // the last call's arguments too: the trim must find them freed
        if ((reader.holdsLargeBuffer() || out.capacity() > (1 << 20)) &&
            !channel.waitReadable(1000)) {
            reader.shrink();
            out = QByteArray();
            giveMemoryBack();
            cpuMarkStale = true;
        }
        const qsizetype got = channel.read(reader, spin);
        uncounted += spin.lastSpinNs();
        if (got <= 0)
            return 0; // the parent closed the connection: nothing left to do
        heavyBytes += got;
    }
}

} // namespace procession
