// Maps a trace file for reading without a copy: an anonymous private region a little
// longer than the file, with the file mapped over its start (private, copy-on-write), so
// the bytes after the file's end are zeros that simdjson may read and the reader may write.
#include "tracebuffer.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace procession {

bool TraceBuffer::mapFile(const QString &path, std::size_t size, QString *error)
{
    release();
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    const std::size_t length = (size + Padding + page - 1) / page * page;
    void *region =
        ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
        *error = QStringLiteral("cannot map %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fd);
        return false;
    }
    if (size > 0 && ::mmap(region, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) ==
                        MAP_FAILED) {
        *error = QStringLiteral("cannot map %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        ::munmap(region, length);
        ::close(fd);
        return false;
    }
    ::close(fd);
    if (size > 0)
        ::madvise(region, size, MADV_SEQUENTIAL);
    m_data = static_cast<char *>(region);
    m_size = size;
    m_capacity = length - size;
    m_mappedLength = length;
    // The file's last page is mapped from the file: its bytes past the end are zeros.
    return true;
}

void TraceBuffer::dropBefore(std::size_t offset)
{
    if (!m_mappedLength)
        return;
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    const std::size_t length = std::min(offset, m_size) / page * page;
    if (length > 0)
        ::madvise(m_data, length, MADV_DONTNEED);
}

void TraceBuffer::unmapFile()
{
    ::munmap(m_data, m_mappedLength);
    m_mappedLength = 0;
}

} // namespace procession
