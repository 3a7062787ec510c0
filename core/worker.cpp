#include "worker.h"

#include "clock.h"
#include "protocol.h"
#include "registry.h"
#include "spin.h"
#include "tasklibraries.h"

#include <QCoreApplication>
#if !defined(Q_OS_UNIX)
#include <QLocalSocket>
#endif

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#if defined(Q_OS_LINUX)
#include <malloc.h>
#endif
#if defined(Q_OS_UNIX)
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#endif

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

// How long this thread has been ready to run but waiting for a CPU (Linux: the run-queue
// delay in /proc/thread-self/schedstat). A call's wall time minus this is what it would
// have taken with a core to itself: the honest "work" behind a speedup when there are
// more busy workers than cores. Read only after calls that took a while, so tiny calls
// pay nothing; after a short call the baseline is stale and the next figure is skipped.
class RunQueueDelay
{
public:
    RunQueueDelay()
    {
#if defined(Q_OS_LINUX)
        m_fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
        m_base = read();
#endif
    }
    ~RunQueueDelay()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    // Returns the ns the call (of this wall duration and CPU time) spent waiting for a CPU.
    qint64 after(qint64 duration, qint64 cpu)
    {
        if (m_fd < 0)
            return 0;
        if (duration < 1000000) {
            m_base = -1;
            return 0;
        }
        const qint64 now = read();
        const qint64 wait =
            m_base >= 0 && now >= 0
                ? std::clamp<qint64>(now - m_base, 0, std::max<qint64>(0, duration - cpu))
                : 0;
        m_base = now;
        return wait;
    }

private:
    qint64 read() const
    {
#if defined(Q_OS_LINUX)
        char buf[96];
        const ssize_t n = ::pread(m_fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            return -1;
        buf[n] = '\0';
        unsigned long long exec = 0, delay = 0;
        if (std::sscanf(buf, "%llu %llu", &exec, &delay) != 2)
            return -1;
        return qint64(delay);
#else
        return -1;
#endif
    }

    int m_fd = -1;
    qint64 m_base = -1;
};

[[noreturn]] void die(const char *message, int status)
{
    std::fprintf(stderr, "procession worker %lld: %s\n",
                 static_cast<long long>(QCoreApplication::applicationPid()), message);
    std::fflush(stderr);
    std::_Exit(status);
}

// Stdin is a pipe from the parent: its end of file means the parent is gone, even
// where no parent-death signal exists.
void watchStdin()
{
#if defined(Q_OS_UNIX)
    std::thread([] {
        char buf[256];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EINTR))
                std::_Exit(0);
        }
    }).detach();
#endif
}

#if !defined(Q_OS_UNIX)
bool writeAll(QLocalSocket &socket, const QByteArray &bytes)
{
    socket.write(bytes);
    // Data left in the socket's buffer is lost if the process exits: wait for it.
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(-1))
            return false;
    }
    return true;
}
#endif

// The worker's end of the connection. On Unix it is a plain AF_UNIX descriptor in
// blocking mode: one read() per burst of calls and one send() per burst of results, and
// no QtNetwork at all, so a worker process loads only QtCore and its dependencies (a
// third fewer shared libraries: about 2 ms less to start, hyperfine). Elsewhere it is a
// QLocalSocket.
class Channel
{
public:
#if defined(Q_OS_UNIX)
    // Connects to the parent's server (a socket path); dies with a sentence if it cannot.
    explicit Channel(const char *path)
    {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (std::strlen(path) >= sizeof address.sun_path)
            die("the parent's socket path is too long", 3);
        std::strncpy(address.sun_path, path, sizeof address.sun_path - 1);
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int r = -1;
        if (m_fd >= 0) {
            while ((r = ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address),
                                  sizeof address)) < 0 &&
                   errno == EINTR) {
            }
        }
        if (r < 0)
            die("cannot connect to the parent's server", 3);
        // A large result goes out in a few writes instead of ~80 of the default
        // 208 KiB (the kernel caps this at net.core.wmem_max).
        const int size = 4 * 1024 * 1024;
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    ~Channel()
    {
        ::close(m_fd);
    }

    // Waits up to timeoutMs for bytes to arrive; false when none did.
    bool waitReadable(int timeoutMs)
    {
        pollfd p{m_fd, POLLIN, 0};
        int r;
        while ((r = ::poll(&p, 1, timeoutMs)) < 0 && errno == EINTR) {
        }
        return r != 0;
    }

    // Blocks until more bytes arrive and hands them to the reader; returns how many. 0 when
    // the parent closed the connection. Spins first (see SpinWait): the next call of a
    // burst usually comes within microseconds of the last result.
    qsizetype read(FrameReader &reader, SpinWait &spin)
    {
        const qsizetype size = std::max<qsizetype>(reader.wanted(), 64 * 1024);
        const qint64 spun = spin.recv(m_fd, reader.space(size), size);
        if (spun > 0) {
            reader.commit(spun);
            return spun;
        }
        if (spun == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            return 0;
        for (;;) {
            const ssize_t n = ::read(m_fd, reader.space(size), size_t(size));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return 0;
            reader.commit(n);
            return qsizetype(n);
        }
    }

    bool write(const QByteArray &bytes)
    {
        const char *p = bytes.constData();
        qsizetype left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::send(m_fd, p, size_t(left), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            p += n;
            left -= n;
        }
        return true;
    }

private:
    int m_fd = -1;
#else
    explicit Channel(const char *path)
    {
        m_socket.connectToServer(QString::fromLocal8Bit(path));
        if (!m_socket.waitForConnected(5000))
            die("cannot connect to the parent's server", 3);
    }

    bool waitReadable(int timeoutMs)
    {
        return m_socket.bytesAvailable() > 0 || m_socket.waitForReadyRead(timeoutMs) ||
               m_socket.state() != QLocalSocket::ConnectedState;
    }

    qsizetype read(FrameReader &reader, SpinWait &)
    {
        if (m_socket.bytesAvailable() <= 0 && !m_socket.waitForReadyRead(-1))
            return 0;
        const QByteArray bytes = m_socket.readAll();
        reader.feed(bytes);
        return std::max<qsizetype>(bytes.size(), 1);
    }

    bool write(const QByteArray &bytes)
    {
        return writeAll(m_socket, bytes);
    }

private:
    QLocalSocket m_socket;
#endif
};

} // namespace

int runWorker(int argc, char **argv)
{
    if (argc < 4)
        die("usage: procession --worker SERVER LANE (started by procession itself)", 2);

#if defined(Q_OS_UNIX)
    // If the parent died between fork and the parent-death signal taking effect, stop now.
    const QByteArray parentPid = qgetenv("PROCESSION_PARENT_PID");
    if (!parentPid.isEmpty() && ::getppid() != parentPid.toLongLong())
        std::_Exit(0);
#endif
#if defined(Q_OS_UNIX)
    // Ctrl-C in a terminal goes to the whole process group. The parent decides when its
    // workers stop (exit request, end of stdin); dying here first would turn one
    // interrupted run into a crash per worker, and race the parent's own handling.
    std::signal(SIGINT, SIG_IGN);
#endif
    const QByteArray token = QByteArray::fromHex(qgetenv("PROCESSION_TOKEN"));
    qunsetenv("PROCESSION_TOKEN"); // tasks have no business seeing it
    if (token.size() != 32)
        die("no valid PROCESSION_TOKEN in the environment; workers are started by procession", 2);

#if defined(Q_OS_LINUX)
    // A QCborValue made from a 16 MiB byte string grows its storage to a 32 MiB block, and
    // glibc serves a block that size with a fresh mmap (its threshold cannot be set above
    // 32 MiB), so each large call touched 4,096 new zero-filled pages in the worker: a
    // page fault each (perf: the worker's part of a 16 MiB echo). From the heap, with
    // nothing trimmed on free, the same pages serve the next call; they go back to the
    // system when the worker has been idle for a second (malloc_trim below).
    ::mallopt(M_MMAP_MAX, 0);
    ::mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
    QCoreApplication app(argc, argv);
    watchStdin();

    Channel channel(argv[2]);
    if (!channel.write(protocol::encode(Message::hello(app.applicationPid(), token))))
        die("cannot send hello to the parent", 3);

    // The parent's task libraries (`--tasks PATH` after the lane), checked there already.
    for (int i = 4; i + 1 < argc; i += 2) {
        QString error;
        if (std::strcmp(argv[i], "--tasks") != 0)
            die("unknown argument after the lane; workers are started by procession", 2);
        if (!TaskLibraries::load(QString::fromLocal8Bit(argv[i + 1]), &error))
            die(qPrintable(error), 2);
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
                die("the parent sent a message that is not a call or exit", 4);
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
            die(qPrintable(QStringLiteral("protocol error from the parent: ") +
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
#if defined(Q_OS_LINUX)
            ::malloc_trim(0);
#endif
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
