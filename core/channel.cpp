#include "channel.h"

#include <QLocalSocket>
#include <QTimer>

namespace procession {

Channel::Channel(QLocalSocket *socket, quint32 maxFrame, QObject *parent)
    : QObject(parent), m_socket(socket), m_reader(maxFrame)
{
    preparePlatform();
    socket->setParent(this);
    connect(socket, &QLocalSocket::readyRead, this, &Channel::readyRead);
    connect(socket, &QLocalSocket::disconnected, this, &Channel::disconnected);
}

bool Channel::readAvailable()
{
    if (m_socket->bytesAvailable() <= 0)
        return false;
    m_reader.feed(m_socket->readAll());
    return true;
}

void Channel::handOutboxToSocket()
{
    if (m_outbox.isEmpty())
        return;
    m_socket->write(m_outbox.constData() + m_outboxSent, m_outbox.size() - m_outboxSent);
    m_socket->flush();
    m_outbox = QByteArray();
    m_outboxSent = 0;
}

void Channel::keepLargeBufferAWhile()
{
    // Fresh pages for the next large payload would cost a fault each.
    if (!m_shrinkTimer) {
        m_shrinkTimer = new QTimer(this);
        m_shrinkTimer->setSingleShot(true);
        connect(m_shrinkTimer, &QTimer::timeout, this, [this] { m_reader.shrink(); });
    }
    m_shrinkTimer->start(1000);
}

void Channel::takeWhatIsLeft()
{
    // waitForReadyRead(0) reads what the kernel holds; false once nothing more is there.
    while (m_socket->state() == QLocalSocket::ConnectedState && m_socket->waitForReadyRead(0)) {
    }
}

void Channel::close()
{
    disconnect(m_socket, nullptr, this, nullptr);
    m_outbox = QByteArray();
    m_outboxSent = 0;
    m_socket->abort();
}

} // namespace procession
