#include "channel.h"

#include "spin.h"

#include <QLocalSocket>

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace procession {

namespace {
// Writes up to this size skip QLocalSocket's buffer.
constexpr qsizetype kOutboxMin = 64 * 1024;
} // namespace

void Channel::write(const QByteArray &bytes)
{
    qsizetype sent = 0;
    // Straight to the descriptor when nothing waits to be sent before these bytes:
    // QLocalSocket's write() arms a write notifier, which wakes the event dispatcher up
    // (an eventfd write per call, strace), and copies every byte into its buffer (for a
    // 16 MiB payload: 16 MiB of fresh pages, each a page fault, perf).
    if (m_outbox.isEmpty() && m_socket->bytesToWrite() == 0) {
        sent = sendSome(bytes.constData(), bytes.size());
        if (sent < bytes.size() && bytes.size() - sent > kOutboxMin) {
            // The rest of a large frame waits here, not copied, for the worker to take it.
            m_outbox = bytes;
            m_outboxSent = sent;
            return;
        }
    }
    if (sent == bytes.size())
        return;
    handOutboxToSocket(); // keeps the order of bytes
    m_socket->write(sent == 0 ? bytes : bytes.mid(sent));
    m_socket->flush();
}

void Channel::preparePlatform() {}

qsizetype Channel::sendSome(const char *data, qsizetype size)
{
    qsizetype sent = 0;
    const int fd = int(m_socket->socketDescriptor());
    while (fd >= 0 && sent < size) {
        const ssize_t n = ::send(fd, data + sent, size_t(size - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // full, or an error QLocalSocket will meet and report itself
        sent += n;
    }
    return sent;
}

Channel::Wait Channel::wait(int timeoutMs, bool spin, SpinWait &spinner)
{
    if (!m_outbox.isEmpty()) {
        // Send the rest of a large frame as the worker takes it, and read what comes
        // back meanwhile.
        pollfd p{int(m_socket->socketDescriptor()), POLLIN | POLLOUT, 0};
        int r;
        while ((r = ::poll(&p, 1, timeoutMs)) < 0 && errno == EINTR) {
        }
        if (r <= 0)
            return Wait::Idle;
        if (p.revents & POLLOUT) {
            m_outboxSent +=
                sendSome(m_outbox.constData() + m_outboxSent, m_outbox.size() - m_outboxSent);
            if (m_outboxSent >= m_outbox.size()) {
                m_outbox = QByteArray();
                m_outboxSent = 0;
            }
        }
        if (!(p.revents & POLLIN))
            return !(p.revents & (POLLERR | POLLHUP)) || (p.revents & POLLOUT) ? Wait::Progress
                                                                               : Wait::Idle;
    }
    if (m_socket->bytesToWrite() > 0) // reads what arrives meanwhile too
        return m_socket->waitForBytesWritten(timeoutMs) ? Wait::Progress : Wait::Idle;
    if (readAvailable())
        return Wait::Read;
    // Block on this one descriptor and read straight into the frame reader: a poll and a
    // read, where QLocalSocket::waitForReadyRead makes a poll, an ioctl, a read and a copy.
    const int fd = int(m_socket->socketDescriptor());
    if (fd < 0)
        return m_socket->waitForReadyRead(timeoutMs) ? Wait::Progress : Wait::Idle;
    const qsizetype size = std::max<qsizetype>(m_reader.wanted(), 64 * 1024);
    if (spin) {
        const qint64 n = spinner.recv(fd, m_reader.space(size), size);
        if (n > 0) {
            m_reader.commit(n);
            return Wait::Read;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            m_peerClosed = true;
            return Wait::Idle;
        }
    }
    pollfd p{fd, POLLIN, 0};
    int r;
    while ((r = ::poll(&p, 1, timeoutMs)) < 0 && errno == EINTR) {
    }
    if (r <= 0)
        return Wait::Idle;
    ssize_t n;
    while ((n = ::recv(fd, m_reader.space(size), size_t(size), MSG_DONTWAIT)) < 0 &&
           errno == EINTR) {
    }
    if (n > 0) {
        m_reader.commit(n);
        return Wait::Read;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return Wait::Progress;
    // End of file or an error: QLocalSocket sees it too when the event loop runs, and
    // reports the worker gone; stop reading past it here.
    m_peerClosed = true;
    return Wait::Idle;
}

} // namespace procession
