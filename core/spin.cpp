#include "spin.h"

#include "clock.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#if defined(Q_OS_UNIX)
#include <sched.h>
#include <sys/socket.h>
#endif
#if !defined(Q_OS_LINUX)
#include <thread>
#endif

namespace procession {

namespace {

int usableCpus()
{
#if defined(Q_OS_LINUX)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    return 1;
#else
    return int(std::thread::hardware_concurrency());
#endif
}

} // namespace

qint64 SpinWait::defaultBudgetNs()
{
    qint64 budget = kDefaultBudgetNs;
    if (const char *text = std::getenv("PROCESSION_SPIN_US"); text && *text) {
        char *end = nullptr;
        const long long us = std::strtoll(text, &end, 10);
        if (end && *end == '\0' && us >= 0)
            budget = std::min<qint64>(qint64(us) * 1000, kMaxBudgetNs);
    }
    return usableCpus() >= 2 ? budget : 0;
}

SpinWait::SpinWait(qint64 budgetNs) : m_budgetNs(std::clamp<qint64>(budgetNs, 0, kMaxBudgetNs)) {}

qint64 SpinWait::recv(int fd, char *data, qint64 size)
{
    m_lastSpinNs = 0;
#if defined(Q_OS_UNIX)
    if (m_budgetNs <= 0 || m_skip > 0) {
        if (m_skip > 0)
            --m_skip;
        errno = EAGAIN;
        return -1;
    }
    const qint64 start = nowNs();
    qint64 now = start;
    ssize_t n;
    int tries = 0;
    bool shared = false;
    qint64 away = 0; // time other tasks held this CPU during a yield: not ours
    for (;;) {
        n = ::recv(fd, data, size_t(size), MSG_DONTWAIT);
        if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) || shared)
            break;
        // The scheduler may have put the peer on this very CPU, where a spin that never
        // lets go holds it off until preempted (a 35-byte round trip measured 110 µs that
        // way, against 9 µs blocking). So yield now and then: with nothing else to run
        // here that returns at once (~0.3 µs); when it took longer, another task ran on
        // this CPU meanwhile, most likely the peer. Then look once more and stop spinning
        // for this wait and the next: a process that sleeps is woken on an idle CPU if
        // there is one, so the two come apart instead of taking turns on one CPU.
        if (++tries % 4 == 0) {
            const qint64 before = nowNs();
            ::sched_yield();
            now = nowNs();
            shared = now - before > kOtherTaskRanNs;
            if (shared)
                away += now - before;
        } else {
            now = nowNs();
        }
        if (now - start >= m_budgetNs)
            break;
    }
    // The worker subtracts this from the next call's CPU time, so it must not exceed the CPU
    // the spin used: leave out yields that let another task run, and never count more than
    // the budget and one more try (a spin preempted in recv() is not burning CPU either).
    // Counting the wall time made a 200 ms spin() read 185 ms of CPU on a loaded machine.
    m_lastSpinNs = std::clamp<qint64>(now - start - away, 1, m_budgetNs + kOtherTaskRanNs);
    if (shared) {
        m_skip = std::max(m_skip, 1);
        ++m_sharedCount;
    } else if (n > 0) {
        m_failures = 0;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!shared) {
            m_failures = std::min(m_failures + 1, 6);
            m_skip = (1 << m_failures) - 1;
        }
        errno = EAGAIN;
    }
    return qint64(n);
#else
    Q_UNUSED(fd);
    Q_UNUSED(data);
    Q_UNUSED(size);
    errno = EAGAIN;
    return -1;
#endif
}

} // namespace procession
