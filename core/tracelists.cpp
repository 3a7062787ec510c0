#include "tracelists.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace procession {

namespace {

constexpr std::size_t npos = TraceLists::npos;

bool isBlank(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::size_t skipBlanks(const char *d, std::size_t p, std::size_t end)
{
    while (p < end && isBlank(d[p]))
        ++p;
    return p;
}

// The bytes that matter inside a container: quotes and brackets.
constexpr std::array<bool, 256> kStructural = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {'"', '{', '}', '[', ']'})
        t[c] = true;
    return t;
}();

// Whether the byte at p follows an odd run of backslashes. simdjson decides this for every
// byte, inside strings or not; the scan must agree with it to find the same strings.
bool escaped(const char *d, std::size_t p)
{
    std::size_t slashes = 0;
    while (slashes < p && d[p - slashes - 1] == '\\')
        ++slashes;
    return slashes % 2 == 1;
}

// p at an opening quote: the position after its closing quote.
std::size_t skipString(const char *d, std::size_t p, std::size_t end)
{
    std::size_t q = p + 1;
    while (q < end) {
        const void *hit = std::memchr(d + q, '"', end - q);
        if (!hit)
            return npos;
        const std::size_t at = std::size_t(static_cast<const char *>(hit) - d);
        if (!escaped(d, at))
            return at + 1;
        q = at + 1;
    }
    return npos;
}

// In the object whose '{' is at `open`: the position of the value of the first member
// named `key` (raw bytes, no escapes), or npos.
std::size_t findMember(const char *d, std::size_t open, std::size_t end, const char *key)
{
    const std::size_t keyLength = std::strlen(key);
    std::size_t p = skipBlanks(d, open + 1, end);
    while (p < end && d[p] == '"') {
        const std::size_t keyEnd = skipString(d, p, end);
        if (keyEnd == npos)
            return npos;
        const bool match =
            keyEnd - p - 2 == keyLength && std::memcmp(d + p + 1, key, keyLength) == 0;
        p = skipBlanks(d, keyEnd, end);
        if (p >= end || d[p] != ':')
            return npos;
        p = skipBlanks(d, p + 1, end);
        if (match)
            return p;
        p = skipJsonValue(d, p, end);
        if (p == npos)
            return npos;
        p = skipBlanks(d, p, end);
        if (p >= end || d[p] != ',')
            return npos;
        p = skipBlanks(d, p + 1, end);
    }
    return npos;
}

// The list starting at data[p], if it is one that closes.
TraceLists::Span listAt(const char *d, std::size_t p, std::size_t end)
{
    if (p == npos || p >= end || d[p] != '[')
        return {};
    const std::size_t after = skipJsonValue(d, p, end);
    if (after == npos || d[after - 1] != ']')
        return {};
    return {p, after - 1};
}

} // namespace

std::size_t skipJsonValue(const char *d, std::size_t p, std::size_t end)
{
    if (p >= end)
        return npos;
    const char first = d[p];
    if (first == '"')
        return skipString(d, p, end);
    if (first != '{' && first != '[') {
        // A number, true, false or null: up to the next separator.
        if (first == '}' || first == ']' || first == ',' || first == ':')
            return npos;
        while (p < end && !isBlank(d[p]) && d[p] != ',' && d[p] != '}' && d[p] != ']')
            ++p;
        return p;
    }
    std::size_t depth = 0;
    while (p < end) {
        while (p < end && !kStructural[static_cast<unsigned char>(d[p])])
            ++p;
        if (p >= end)
            return npos;
        const char c = d[p];
        if (c == '"' && escaped(d, p)) {
            ++p; // not valid here, but simdjson counts it as no quote too: stay in step
            continue;
        }
        if (c == '"') {
            p = skipString(d, p, end);
            if (p == npos)
                return npos;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (--depth == 0) {
            return p + 1;
        }
        ++p;
    }
    return npos;
}

TraceLists TraceLists::scan(const char *d, std::size_t begin, std::size_t end)
{
    TraceLists lists;
    if (begin >= end)
        return lists;
    if (d[begin] == '[') {
        lists.events = listAt(d, begin, end);
        return lists;
    }
    if (d[begin] != '{')
        return lists;
    lists.events = listAt(d, findMember(d, begin, end, "traceEvents"), end);
    const std::size_t section = findMember(d, begin, end, "procession");
    if (section != npos && d[section] == '{')
        lists.processionEvents = listAt(d, findMember(d, section, end, "events"), end);
    return lists;
}

QByteArray TraceLists::skeleton(const char *d, std::size_t begin, std::size_t end,
                                std::size_t padding) const
{
    Span spans[2] = {events, processionEvents};
    std::sort(std::begin(spans), std::end(spans),
              [](const Span &a, const Span &b) { return a.open < b.open; });
    QByteArray out;
    std::size_t from = begin;
    for (const Span &s : spans) {
        if (!s.found())
            continue;
        out.append(d + from, qsizetype(s.open + 1 - from));
        from = s.close;
    }
    out.append(d + from, qsizetype(end - from));
    out.append(qsizetype(padding), '\0');
    return out;
}

std::size_t TraceLists::skeletonToFile(std::size_t offset, std::size_t begin) const
{
    Span spans[2] = {events, processionEvents};
    std::sort(std::begin(spans), std::end(spans),
              [](const Span &a, const Span &b) { return a.open < b.open; });
    std::size_t file = offset + begin;
    for (const Span &s : spans) {
        if (s.found() && file > s.open)
            file += s.close - s.open - 1;
    }
    return file;
}

ListChunker::ListChunker(const char *data, TraceLists::Span list, std::size_t target)
    : m_data(data), m_pos(list.open), m_close(list.close), m_target(target)
{}

bool ListChunker::next(std::size_t *from, std::size_t *to)
{
    if (m_pos >= m_close)
        return false;
    const char *d = m_data;
    const std::size_t start = m_pos;
    std::size_t p = skipBlanks(d, start + 1, m_close);
    if (p == m_close && d[start] == '[') {
        m_pos = m_close;
        return false; // an empty list
    }
    for (;;) {
        p = skipJsonValue(d, p, m_close);
        if (p != npos)
            p = skipBlanks(d, p, m_close);
        if (p == npos || (p != m_close && d[p] != ',')) {
            // Not a JSON list: an element that does not close, or no comma after one.
            m_failed = true;
            m_failedAt = p == npos ? start : p;
            m_pos = m_close;
            return false;
        }
        if (p == m_close || p - start >= m_target)
            break;
        p = skipBlanks(d, p + 1, m_close);
    }
    *from = start;
    *to = p;
    m_pos = p;
    return true;
}

} // namespace procession
