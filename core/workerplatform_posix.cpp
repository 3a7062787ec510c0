#include "workerplatform.h"

#include "exitdescription.h"

#include <QByteArray>
#include <QCoreApplication>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <thread>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// macOS and the BSDs have no PR_SET_PDEATHSIG; kqueue tells a process when another exits.
#if defined(Q_OS_MACOS) || defined(Q_OS_FREEBSD) || defined(Q_OS_NETBSD) || defined(Q_OS_OPENBSD)
#define PROCESSION_KQUEUE_PARENT_WATCH 1
#include <sys/event.h>
#include <sys/types.h>
#endif

namespace procession {

#if defined(PROCESSION_KQUEUE_PARENT_WATCH)
namespace {
// Ends this worker when `parent` exits (EVFILT_PROC, NOTE_EXIT), as Linux's parent-death
// signal does: a worker busy in a long call reads neither stdin nor its socket, and would
// outlive a SIGKILLed parent until the call ends. Not built on Linux, not run here.
void endWithParent(pid_t parent)
{
    const int kq = ::kqueue();
    if (kq < 0)
        return; // the end of stdin and the closed connection still tell
    struct kevent watch;
    EV_SET(&watch, parent, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
    if (::kevent(kq, &watch, 1, nullptr, 0, nullptr) < 0) {
        if (errno == ESRCH)
            std::_Exit(0); // the parent is gone already
        ::close(kq);
        return;
    }
    try {
        std::thread([kq] {
            struct kevent event;
            for (;;) {
                const int n = ::kevent(kq, nullptr, 0, &event, 1, nullptr);
                if (n > 0)
                    std::_Exit(0);
                if (n < 0 && errno != EINTR)
                    return;
            }
        }).detach();
    } catch (const std::system_error &) {
        ::close(kq); // no thread to be had: exitWhenStdinEnds() says so
    }
}
} // namespace
#endif

void workerDie(const char *message, int status)
{
    std::fprintf(stderr, "procession worker %lld: %s\n",
                 static_cast<long long>(QCoreApplication::applicationPid()), message);
    std::fflush(stderr);
    std::_Exit(status);
}

void prepareWorkerProcess()
{
    // If the parent died between fork and the parent-death signal taking effect, stop now.
    const QByteArray parentPid = qgetenv("PROCESSION_PARENT_PID");
    if (!parentPid.isEmpty() && ::getppid() != parentPid.toLongLong())
        std::_Exit(0);
#if defined(PROCESSION_KQUEUE_PARENT_WATCH)
    endWithParent(::getppid());
#endif
    // Ctrl-C in a terminal goes to the whole process group. The parent decides when its
    // workers stop (exit request, end of stdin); dying here first would turn one
    // interrupted run into a crash per worker, and race the parent's own handling.
    std::signal(SIGINT, SIG_IGN);
#if defined(__GLIBC__)
    // A QCborValue made from a 16 MiB byte string grows its storage to a 32 MiB block, and
    // glibc serves a block that size with a fresh mmap (its threshold cannot be set above
    // 32 MiB), so each large call touched 4,096 new zero-filled pages in the worker: a
    // page fault each (perf: the worker's part of a 16 MiB echo). From the heap, with
    // nothing trimmed on free, the same pages serve the next call; they go back to the
    // system when the worker has been idle for a second (giveMemoryBack).
    ::mallopt(M_MMAP_MAX, 0);
    ::mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
}

void exitWhenStdinEnds()
{
    // Under a process limit (ulimit -u) there may be no thread to be had: std::thread
    // throws, and uncaught that was an abort the parent reported as a crash.
    try {
        std::thread([] {
            char buf[256];
            for (;;) {
                const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
                if (n == 0 || (n < 0 && errno != EINTR))
                    std::_Exit(0);
            }
        }).detach();
    } catch (const std::system_error &) {
        std::_Exit(kWorkerExitNoThread); // the parent says why, once
    }
}

void giveMemoryBack()
{
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

} // namespace procession
