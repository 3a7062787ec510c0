#pragma once

#include <QtGlobal>

namespace procession {

// How long this thread has been ready to run but waiting for a CPU (Linux: the run-queue
// delay in /proc/thread-self/schedstat). A call's wall time minus this is what it would
// have taken with a core to itself: the honest "work" behind a speedup when there are
// more busy workers than cores. Read only after calls that took a while, so tiny calls
// pay nothing; after a short call the baseline is stale and the next figure is skipped.
// Elsewhere it is not measured.
class RunQueueDelay
{
public:
    RunQueueDelay();
    ~RunQueueDelay();
    RunQueueDelay(const RunQueueDelay &) = delete;
    RunQueueDelay &operator=(const RunQueueDelay &) = delete;

    // False where the system does not tell (every platform but Linux).
    bool isMeasured() const { return m_fd >= 0; }
    // Whether this platform measures it at all: the run report says so where it does not.
    static constexpr bool measuredHere()
    {
#if defined(Q_OS_LINUX)
        return true;
#else
        return false;
#endif
    }
    // Returns the ns the call (of this wall duration and CPU time) spent waiting for a CPU.
    qint64 after(qint64 duration, qint64 cpu);

private:
    qint64 read() const;

    int m_fd = -1;
    qint64 m_base = -1;
};

} // namespace procession
