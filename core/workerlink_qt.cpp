#include "workerlink.h"

#include "protocol.h"
#include "workerplatform.h"

#include <QLocalSocket>

#include <algorithm>

namespace procession {

WorkerLink::WorkerLink(const char *serverName) : m_socket(std::make_unique<QLocalSocket>())
{
    m_socket->connectToServer(QString::fromLocal8Bit(serverName));
    if (!m_socket->waitForConnected(5000))
        workerDie("cannot connect to the parent's server", 3);
}

WorkerLink::~WorkerLink() = default;

bool WorkerLink::waitReadable(int timeoutMs)
{
    return m_socket->bytesAvailable() > 0 || m_socket->waitForReadyRead(timeoutMs) ||
           m_socket->state() != QLocalSocket::ConnectedState;
}

qsizetype WorkerLink::read(protocol::FrameReader &reader, SpinWait &)
{
    if (m_socket->bytesAvailable() <= 0 && !m_socket->waitForReadyRead(-1))
        return 0;
    const QByteArray bytes = m_socket->readAll();
    reader.feed(bytes);
    return std::max<qsizetype>(bytes.size(), 1);
}

bool WorkerLink::write(const QByteArray &bytes)
{
    m_socket->write(bytes);
    // Data left in the socket's buffer is lost if the process exits: wait for it.
    while (m_socket->bytesToWrite() > 0) {
        if (!m_socket->waitForBytesWritten(-1))
            return false;
    }
    return true;
}

} // namespace procession
