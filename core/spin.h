#pragma once

#include <QtGlobal>

namespace procession {

// Spin, then block, for a peer's answer on a socket.
//
// A round trip between two processes that sleep while they wait pays for two wake-ups.
// When the two land on different CPUs (the scheduler spreads them once the other CPU is
// idle), each wake-up has to bring a sleeping CPU back, and on a virtual machine that
// means the host scheduling a halted vCPU again: 20-60 µs, ten times the rest of a tiny
// call's round trip. Polling the socket for a short while first avoids the sleep when
// the answer is quick (a tiny call on a ready worker: ~4 µs instead of ~50 µs here) and
// costs at most the budget in CPU time when it is not.
//
// Spinning is off when this thread may run on one CPU only (the spinner would keep its
// peer from running), stops early when another task ran on this CPU during the spin (see
// recv()), and backs off when it does not pay: after the k-th spin in a row that found
// nothing, the next 2^k - 1 waits block at once (at most 63), so a process that waits
// for long calls, or idles between runs, spins on a small share of its waits.
class SpinWait
{
public:
    static constexpr qint64 kDefaultBudgetNs = 50'000;
    static constexpr qint64 kMaxBudgetNs = 1'000'000;
    // A sched_yield() that took longer than this let another task run on this CPU.
    static constexpr qint64 kOtherTaskRanNs = 2'000;

    // PROCESSION_SPIN_US when set (0 turns spinning off, at most 1000), else 50 µs; and 0
    // whenever the calling thread's CPU affinity allows fewer than two CPUs.
    static qint64 defaultBudgetNs();

    explicit SpinWait(qint64 budgetNs = defaultBudgetNs());

    qint64 budgetNs() const { return m_budgetNs; }

    // Tries a non-blocking read of up to size bytes from fd again and again until bytes
    // arrive, the budget is spent or the socket reports an end or an error. Returns what
    // the last recv() returned: > 0 bytes read, 0 end of file, -1 with errno set (EAGAIN
    // or EWOULDBLOCK when nothing came, including "did not spin": no budget or backing
    // off). The caller then blocks as it would have without spinning.
    qint64 recv(int fd, char *data, qint64 size);

    // Wall time the last recv() spent, ns (0 when it did not spin).
    qint64 lastSpinNs() const { return m_lastSpinNs; }
    // Spins cut short because another task ran on this CPU meanwhile.
    int sharedCount() const { return m_sharedCount; }

private:
    qint64 m_budgetNs;
    qint64 m_lastSpinNs = 0;
    int m_failures = 0; // spins in a row that found nothing
    int m_skip = 0;     // waits left that block without spinning
    int m_sharedCount = 0;
};

} // namespace procession
