#include "workerlink.h"

#include "protocol.h"
#include "spin.h"
#include "workerplatform.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#if !defined(MSG_NOSIGNAL) // macOS: SO_NOSIGPIPE on the socket instead
#define MSG_NOSIGNAL 0
#endif

namespace procession {

WorkerLink::WorkerLink(const char *serverName)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::strlen(serverName) >= sizeof address.sun_path)
        workerDie("the parent's socket path is too long", 3);
    std::strncpy(address.sun_path, serverName, sizeof address.sun_path - 1);
    // Not SOCK_CLOEXEC in the type: macOS has no such flag. A worker starts no
    // programs of its own while this runs, so the two steps leave no window.
    m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (m_fd >= 0)
        ::fcntl(m_fd, F_SETFD, FD_CLOEXEC);
#if defined(SO_NOSIGPIPE)
    if (m_fd >= 0) {
        const int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
    }
#endif
    int r = -1;
    if (m_fd >= 0) {
        while ((r = ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address)) <
                   0 &&
               errno == EINTR) {
        }
    }
    if (r < 0)
        workerDie("cannot connect to the parent's server", 3);
    // A large result goes out in a few writes instead of ~80 of the default
    // 208 KiB (the kernel caps this at net.core.wmem_max).
    const int size = 4 * 1024 * 1024;
    ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

WorkerLink::~WorkerLink()
{
    ::close(m_fd);
}

bool WorkerLink::waitReadable(int timeoutMs)
{
    pollfd p{m_fd, POLLIN, 0};
    int r;
    while ((r = ::poll(&p, 1, timeoutMs)) < 0 && errno == EINTR) {
    }
    return r != 0;
}

qsizetype WorkerLink::read(protocol::FrameReader &reader, SpinWait &spin)
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

bool WorkerLink::write(const QByteArray &bytes)
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

} // namespace procession
