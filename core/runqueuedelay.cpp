#include "runqueuedelay.h"

#include <algorithm>
#include <cstdio>

#if defined(Q_OS_LINUX)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace procession {

RunQueueDelay::RunQueueDelay()
{
#if defined(Q_OS_LINUX)
    m_fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    m_base = read();
#endif
}

RunQueueDelay::~RunQueueDelay()
{
#if defined(Q_OS_LINUX)
    if (m_fd >= 0)
        ::close(m_fd);
#endif
}

qint64 RunQueueDelay::after(qint64 duration, qint64 cpu)
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

qint64 RunQueueDelay::read() const
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

} // namespace procession
