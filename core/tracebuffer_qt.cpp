// Where there is no mmap with MAP_FIXED: read the file into memory, with the padding after it.
#include "tracebuffer.h"

#include <QFile>

namespace procession {

bool TraceBuffer::mapFile(const QString &path, std::size_t size, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!allocate(size)) {
        *error = QStringLiteral("out of memory for %1 (%2 bytes)").arg(path).arg(size);
        return false;
    }
    std::size_t done = 0;
    while (done < size) {
        const qint64 n = file.read(m_data + done, qint64(size - done));
        if (n <= 0)
            break;
        done += std::size_t(n);
    }
    m_size = done;
    return true;
}

void TraceBuffer::dropBefore(std::size_t) {}

void TraceBuffer::unmapFile()
{
    m_mappedLength = 0;
}

} // namespace procession
