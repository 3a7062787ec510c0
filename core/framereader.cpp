// FrameReader: splits a byte stream into frames (protocol.h).

#include "protocol.h"

#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace procession::protocol {

void FrameReader::feed(const QByteArray &bytes)
{
    feed(bytes.constData(), bytes.size());
}

void FrameReader::compact()
{
    // Drop what has been consumed before growing, so the buffer stays one frame big.
    if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos > (1 << 16))) {
        // Moved by hand: QByteArray::remove(0, n) only advances the start, and the room
        // it leaves there is out of reach for space().
        const qsizetype rest = m_buffer.size() - m_pos;
        if (rest > 0)
            std::memmove(m_buffer.data(), m_buffer.constData() + m_pos, size_t(rest));
        m_buffer.resize(rest);
        m_pos = 0;
    }
}

void FrameReader::consumed()
{
    if (m_pos != m_buffer.size())
        return;
    m_buffer.resize(0); // keeps the capacity for the next frame
    m_pos = 0;
}

bool FrameReader::holdsLargeBuffer() const
{
    return m_pos == m_buffer.size() && m_buffer.capacity() > (1 << 20);
}

void FrameReader::shrink()
{
    if (holdsLargeBuffer()) {
        m_buffer = QByteArray();
        m_pos = 0;
    }
}

void FrameReader::feed(const char *data, qsizetype size)
{
    if (hasError() || size <= 0)
        return;
    compact();
    m_buffer.append(data, size);
}

char *FrameReader::space(qsizetype size)
{
    compact();
    const qsizetype used = m_buffer.size();
    const qsizetype need = used + std::max<qsizetype>(size, 0);
    if (need > m_buffer.capacity()) {
        // A large frame gets exactly its size (a doubled buffer would be touched and
        // zeroed by the kernel for nothing); small ones grow geometrically.
        m_buffer.reserve(need > (1 << 20) ? need : std::max(need, 2 * m_buffer.capacity()));
    }
    return m_buffer.data() + used; // the bytes past size() up to capacity() are ours to fill
}

void FrameReader::commit(qsizetype written)
{
    if (hasError() || written <= 0)
        return;
    m_buffer.resize(m_buffer.size() + written);
}

qsizetype FrameReader::wanted() const
{
    const qsizetype available = m_buffer.size() - m_pos;
    if (available < HeaderSize)
        return HeaderSize - available;
    const quint32 length =
        qFromBigEndian<quint32>(reinterpret_cast<const uchar *>(m_buffer.constData() + m_pos));
    if (length > m_maxFrame)
        return 0;
    return std::max<qsizetype>(HeaderSize + qsizetype(length) - available, 0);
}

FrameReader::Status FrameReader::next(Message *message)
{
    if (hasError())
        return Status::Error;
    const qsizetype available = m_buffer.size() - m_pos;
    if (available < HeaderSize)
        return Status::NeedMore;
    const quint32 length =
        qFromBigEndian<quint32>(reinterpret_cast<const uchar *>(m_buffer.constData() + m_pos));
    if (length > m_maxFrame) {
        m_error = QStringLiteral("a frame announced %1 bytes, more than the limit of %2 bytes")
                      .arg(length)
                      .arg(m_maxFrame);
        m_buffer.clear();
        m_pos = 0;
        return Status::Error;
    }
    if (length == 0) {
        m_error = QStringLiteral("an empty frame arrived");
        return Status::Error;
    }
    if (available < HeaderSize + qsizetype(length))
        return Status::NeedMore;
    const QByteArray payload =
        QByteArray::fromRawData(m_buffer.constData() + m_pos + HeaderSize, length);
    m_pos += HeaderSize + length;
    m_lastFrameSize = HeaderSize + qsizetype(length);
    QString error;
    if (!decodePayload(payload, message, &error)) {
        m_error = error;
        return Status::Error;
    }
    consumed();
    return Status::Frame;
}

} // namespace procession::protocol
