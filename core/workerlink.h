#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <memory>

class QLocalSocket;

namespace procession {

class SpinWait;
namespace protocol {
class FrameReader;
}

// A worker's end of its connection to the parent. On POSIX a plain AF_UNIX descriptor in
// blocking mode: one read() per burst of calls, one send() per burst of results, and no
// QtNetwork at all, so a worker loads only QtCore (a third fewer shared libraries: about
// 2 ms less to start, hyperfine) (workerlink_posix.cpp). Elsewhere a QLocalSocket, a
// named pipe on Windows (workerlink_qt.cpp).
class WorkerLink
{
public:
    // Connects to the parent's server; the worker dies with a sentence if it cannot.
    explicit WorkerLink(const char *serverName);
    ~WorkerLink();
    WorkerLink(const WorkerLink &) = delete;
    WorkerLink &operator=(const WorkerLink &) = delete;

    // Waits up to timeoutMs for bytes to arrive; false when none did.
    bool waitReadable(int timeoutMs);
    // Blocks until more bytes arrive and hands them to the reader; returns how many, 0
    // when the parent closed the connection. Spins first where it can (see SpinWait): the
    // next call of a burst usually comes within microseconds of the last result.
    qsizetype read(protocol::FrameReader &reader, SpinWait &spin);
    // Sends all of bytes; false when the connection is gone.
    bool write(const QByteArray &bytes);

private:
#if defined(Q_OS_UNIX)
    int m_fd = -1;
#else
    std::unique_ptr<QLocalSocket> m_socket;
#endif
};

} // namespace procession
