#include "tracebuffer.h"

#include <QFileInfo>

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace procession {

namespace {
bool isGzip(const char *data, std::size_t size)
{
    return size >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
           static_cast<unsigned char>(data[1]) == 0x8b;
}
// Inflates a gzip file (concatenated members too) into a malloc'd buffer followed by
// TraceBuffer::Padding zero bytes. A cut-off stream keeps what inflated.
bool inflateGzip(const char *data, std::size_t size, char **result, std::size_t *resultSize,
                 QString *error)
{
    constexpr std::size_t Padding = TraceBuffer::Padding;
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        *error = QStringLiteral("cannot start zlib");
        return false;
    }
    std::size_t cap = std::max<std::size_t>(size * 4, std::size_t(1) << 16);
    char *out = static_cast<char *>(std::malloc(cap + Padding));
    std::size_t used = 0;
    std::size_t inLeft = size;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data));
    QString why;
    while (out && why.isEmpty()) {
        if (z.avail_in == 0 && inLeft) {
            const uInt chunk = uInt(std::min<std::size_t>(inLeft, std::size_t(1) << 30));
            z.avail_in = chunk;
            inLeft -= chunk;
        }
        if (used == cap) {
            if (cap >= TraceBuffer::MaxInflated) {
                why = QStringLiteral("the compressed trace inflates past %1 GiB; refused")
                          .arg(TraceBuffer::MaxInflated >> 30);
                break;
            }
            cap = std::min(cap * 2, TraceBuffer::MaxInflated);
            char *grown = static_cast<char *>(std::realloc(out, cap + Padding));
            if (!grown) {
                why = QStringLiteral("out of memory while inflating the trace");
                break;
            }
            out = grown;
        }
        const std::size_t room = std::min<std::size_t>(cap - used, std::size_t(1) << 30);
        z.next_out = reinterpret_cast<Bytef *>(out + used);
        z.avail_out = uInt(room);
        const int rc = ::inflate(&z, Z_NO_FLUSH);
        used += room - z.avail_out;
        const bool inputDone = z.avail_in == 0 && inLeft == 0;
        if (rc == Z_STREAM_END) {
            if (inputDone || inflateReset(&z) != Z_OK)
                break;
        } else if (rc == Z_BUF_ERROR && inputDone) {
            break; // cut off: keep what inflated, the JSON reader judges the rest
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            why = QStringLiteral("the gzip data is corrupt (%1)")
                      .arg(QString::fromLatin1(z.msg ? z.msg : "zlib error"));
        }
    }
    inflateEnd(&z);
    if (!out)
        why = QStringLiteral("out of memory while inflating the trace");
    if (!why.isEmpty()) {
        std::free(out);
        *error = why;
        return false;
    }
    std::memset(out + used, 0, Padding);
    *result = out;
    *resultSize = used;
    return true;
}

} // namespace

TraceBuffer::~TraceBuffer()
{
    release();
}

void TraceBuffer::release()
{
    if (m_mappedLength)
        unmapFile();
    else
        std::free(m_data);
    m_data = nullptr;
    m_size = m_capacity = m_mappedLength = 0;
}

bool TraceBuffer::allocate(std::size_t size)
{
    release();
    m_data = static_cast<char *>(std::malloc(size + Padding));
    if (!m_data)
        return false;
    m_size = size;
    m_capacity = Padding;
    std::memset(m_data + size, 0, Padding);
    return true;
}

bool TraceBuffer::open(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = QStringLiteral("%1 does not exist").arg(path);
        return false;
    }
    if (!info.isFile()) {
        *error = QStringLiteral("%1 is not a file").arg(path);
        return false;
    }
    m_fileSize = std::size_t(info.size());
    m_compressed = false;
    if (!mapFile(path, m_fileSize, error))
        return false;
    if (!isGzip(m_data, m_size))
        return true;
    char *inflated = nullptr;
    std::size_t inflatedSize = 0;
    const bool ok = inflateGzip(m_data, m_size, &inflated, &inflatedSize, error);
    release(); // the mapping of the compressed file
    m_compressed = true;
    if (!ok)
        return false;
    m_data = inflated;
    m_size = inflatedSize;
    m_capacity = Padding;
    return true;
}

bool TraceBuffer::setData(const char *data, std::size_t size, QString *error)
{
    m_fileSize = size;
    m_compressed = false;
    if (isGzip(data, size)) {
        release();
        m_compressed = true;
        if (!inflateGzip(data, size, &m_data, &m_size, error))
            return false;
        m_capacity = Padding;
        return true;
    }
    if (!allocate(size)) {
        *error = QStringLiteral("out of memory for %1 bytes").arg(size);
        return false;
    }
    if (size)
        std::memcpy(m_data, data, size);
    return true;
}

} // namespace procession
