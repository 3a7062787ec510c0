#include "channel.h"

#include <QLocalSocket>

namespace procession {

namespace {

QtMessageHandler g_nextHandler = nullptr;

// A worker that ends with bytes still on their way to it (a crash with 500 calls queued
// behind it) fails the pipe write in flight, and Qt says so on stderr ("QWindowsPipeWriter:
// write failed. (Broken pipe.)") unless the error is one it expects the peer's close to
// give. The run reports the worker's end in its own sentence: the line would be noise.
void dropPipeWriteFailures(QtMsgType type, const QMessageLogContext &context,
                           const QString &message)
{
    // qErrnoWarning() sends it as a critical message.
    if (message.startsWith(QLatin1String("QWindowsPipeWriter: write failed.")))
        return;
    if (g_nextHandler)
        g_nextHandler(type, context, message);
}

} // namespace

void Channel::preparePlatform()
{
    static const bool installed = [] {
        g_nextHandler = qInstallMessageHandler(dropPipeWriteFailures);
        return true;
    }();
    Q_UNUSED(installed);
}

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
