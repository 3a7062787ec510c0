#pragma once

#include <QString>

#include <cstddef>

namespace procession {

// A trace file's bytes, ready for simdjson: followed by at least Padding readable and
// writable bytes (simdjson reads past the end; the reader may append a missing `]`).
// A plain file is memory-mapped (POSIX; a copy elsewhere); a gzip file (.json.gz, found by
// its magic bytes) is inflated into memory.
class TraceBuffer
{
public:
    static constexpr std::size_t Padding = 128;
    // A gzip file inflating past this is refused, not allowed to eat the machine's memory.
    static constexpr std::size_t MaxInflated = std::size_t(8) << 30;

    TraceBuffer() = default;
    ~TraceBuffer();
    TraceBuffer(const TraceBuffer &) = delete;
    TraceBuffer &operator=(const TraceBuffer &) = delete;

    bool open(const QString &path, QString *error);
    // A copy of bytes in memory (tests, the fuzzer); gzip is recognised here too.
    bool setData(const char *data, std::size_t size, QString *error);

    char *data() { return m_data; }
    const char *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    // Room after size() that may be written (at least Padding).
    std::size_t capacity() const { return m_capacity; }
    void setSize(std::size_t size) { m_size = size; }
    bool wasCompressed() const { return m_compressed; }
    // The reader is past offset and will not look before it again: a mapped file gives
    // those pages back (they stay readable from the file), so memory does not grow with it.
    void dropBefore(std::size_t offset);
    std::size_t fileSize() const { return m_fileSize; }

private:
    void release();
    bool allocate(std::size_t size);
    // The platform part: maps the file (tracebuffer_posix.cpp) or reads it
    // (tracebuffer_qt.cpp) into m_data with Padding bytes after it.
    bool mapFile(const QString &path, std::size_t size, QString *error);
    void unmapFile();

    char *m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
    std::size_t m_fileSize = 0;
    std::size_t m_mappedLength = 0; // nonzero: m_data is a mapping of this many bytes
    bool m_compressed = false;
};

} // namespace procession
