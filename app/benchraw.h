#pragma once

#include <QList>
#include <QtGlobal>

namespace procession::bench {

// The floor for a round trip: a plain child process (fork, no exec, no Qt, no framing)
// that echoes what it reads on one end of a socketpair. Both sides block in read(), or,
// with a spin budget, first spin as Procession's own parent and workers do (SpinWait).
class RawEcho
{
public:
    RawEcho() = default;
    RawEcho(const RawEcho &) = delete;
    RawEcho &operator=(const RawEcho &) = delete;
    ~RawEcho(); // closes the socket; the child sees end of file, exits and is reaped

    bool start(qint64 spinBudgetNs = 0);
    // Round-trip times in ns of `count` ping-pongs of `size` bytes each.
    QList<double> pingPong(int count, int size);
    qint64 pid() const { return m_pid; }

private:
    int m_fd = -1;
    int m_pid = -1;
    qint64 m_spinBudgetNs = 0;
};

} // namespace procession::bench
