#pragma once

#include <QByteArray>

#include <cstddef>

namespace procession {

// Where a trace file's big lists lie in its bytes: the event list (the whole document, or
// "traceEvents") and the events of Procession's own section. Found by a light scan that
// follows only strings and brackets (no validation: simdjson checks every byte it is given
// afterwards), so the reader can parse each list a chunk at a time, and the rest of the
// document as a small skeleton. simdjson indexes every structural character of what it
// parses at once (4 bytes each, about the file's size again for a trace); chunks keep that
// index small whatever the file's size.
struct TraceLists
{
    static constexpr std::size_t npos = std::size_t(-1);
    struct Span
    {
        std::size_t open = npos;  // the list's '['
        std::size_t close = npos; // its matching ']'
        bool found() const { return open != npos; }
    };
    Span events;
    Span processionEvents;

    // Scans the document data[begin, end) (begin at its first non-blank byte). Lists not
    // found, or a document the scan cannot follow, leave the spans unset.
    static TraceLists scan(const char *data, std::size_t begin, std::size_t end);

    // The document with each found list emptied ("[...]" becomes "[]"), followed by
    // `padding` zero bytes that are not part of it. skeletonToFile() maps an offset in it
    // back to the file's.
    QByteArray skeleton(const char *data, std::size_t begin, std::size_t end,
                        std::size_t padding) const;
    std::size_t skeletonToFile(std::size_t offset, std::size_t begin) const;
};

// Splits a list's elements into runs of about `target` bytes. Each run is [from, to] where
// data[from] is the list's '[' or the ',' before the run's first element, and data[to] the
// ',' after its last element or the list's ']': writing '[' at from and ']' at to makes the
// run a list of its own.
class ListChunker
{
public:
    ListChunker(const char *data, TraceLists::Span list, std::size_t target);
    // False when the list is done, or when its bytes are not a JSON list (failed() tells,
    // failedAt() says near which byte).
    bool next(std::size_t *from, std::size_t *to);
    bool failed() const { return m_failed; }
    std::size_t failedAt() const { return m_failedAt; }

private:
    const char *m_data;
    std::size_t m_pos;   // the separator before the next run
    std::size_t m_close; // the list's ']'
    std::size_t m_target;
    std::size_t m_failedAt = 0;
    bool m_failed = false;
};

// The position after the JSON value that starts at data[p], or TraceLists::npos when the
// bytes run out or the brackets do not balance first.
std::size_t skipJsonValue(const char *data, std::size_t p, std::size_t end);

} // namespace procession
