#pragma once

#include <QList>

namespace procession::bench {

// The floor for a round trip: a plain child process (fork, no exec, no Qt, no framing)
// that echoes what it reads on one end of a socketpair. Both sides block in read().
class RawEcho
{
public:
    RawEcho() = default;
    RawEcho(const RawEcho &) = delete;
    RawEcho &operator=(const RawEcho &) = delete;
    ~RawEcho(); // closes the socket; the child sees end of file, exits and is reaped

    bool start();
    // Round-trip times in ns of `count` ping-pongs of `size` bytes each.
    QList<double> pingPong(int count, int size);

private:
    int m_fd = -1;
    int m_pid = -1;
};

} // namespace procession::bench
