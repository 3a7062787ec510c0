#include "channel.h"

#include <QLocalSocket>

namespace procession {

// QLocalSocket does all the work here: on Windows it is a named pipe with no descriptor
// to poll, and its own buffer is the only way in and out.

void Channel::write(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    handOutboxToSocket(); // keeps the order of bytes
    m_socket->write(bytes);
    m_socket->flush();
}

qsizetype Channel::sendSome(const char *, qsizetype)
{
    return 0;
}

Channel::Wait Channel::wait(int timeoutMs, bool spin, SpinWait &spinner)
{
    Q_UNUSED(spin);
    Q_UNUSED(spinner);
    if (m_socket->bytesToWrite() > 0) // reads what arrives meanwhile too
        return m_socket->waitForBytesWritten(timeoutMs) ? Wait::Progress : Wait::Idle;
    if (readAvailable())
        return Wait::Read;
    // Emits readyRead, which takes the frames.
    return m_socket->waitForReadyRead(timeoutMs) ? Wait::Progress : Wait::Idle;
}

} // namespace procession
