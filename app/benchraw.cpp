#include "benchraw.h"

#include "clock.h"
#include "spin.h"

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace procession::bench {

#if defined(Q_OS_UNIX)
namespace {

bool writeFull(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

// Reads what is there (at least one byte), spinning first when spin has a budget.
ssize_t readSome(int fd, char *data, size_t size, SpinWait &spin)
{
    const qint64 spun = spin.recv(fd, data, qint64(size));
    if (spun >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        return ssize_t(spun);
    return ::read(fd, data, size);
}

bool readFull(int fd, char *data, size_t size, SpinWait &spin)
{
    while (size > 0) {
        const ssize_t n = readSome(fd, data, size, spin);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

} // namespace

RawEcho::~RawEcho()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_pid > 0) {
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

bool RawEcho::start(qint64 spinBudgetNs)
{
    m_spinBudgetNs = spinBudgetNs;
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return false;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return false;
    }
    if (pid == 0) {
        // The child: only async-signal-safe calls, since the parent may have threads.
        ::close(fds[0]);
        SpinWait spin(spinBudgetNs);
        char buf[4096];
        for (;;) {
            const ssize_t n = readSome(fds[1], buf, sizeof buf, spin);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || !writeFull(fds[1], buf, size_t(n)))
                ::_exit(0);
        }
    }
    ::close(fds[1]);
    m_fd = fds[0];
    m_pid = pid;
    return true;
}

QList<double> RawEcho::pingPong(int count, int size)
{
    QList<double> out;
    if (m_fd < 0 || size <= 0 || size > 4096)
        return out;
    out.reserve(count);
    char buf[4096] = {};
    SpinWait spin(m_spinBudgetNs);
    for (int i = 0; i < count; ++i) {
        const qint64 t0 = nowNs();
        if (!writeFull(m_fd, buf, size_t(size)) || !readFull(m_fd, buf, size_t(size), spin))
            break;
        out.append(double(nowNs() - t0));
    }
    return out;
}

#else

RawEcho::~RawEcho() = default;
bool RawEcho::start(qint64 spinBudgetNs)
{
    m_spinBudgetNs = spinBudgetNs;
    return false;
}
QList<double> RawEcho::pingPong(int, int)
{
    return {};
}

#endif

} // namespace procession::bench
