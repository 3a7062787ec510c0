#include "eventstore.h"

#include <cstring>

namespace procession {

namespace {

constexpr qsizetype StringBlockSize = 256 * 1024;

static_assert(sizeof(StoredEvent) == 40, "events stay compact");

// Names repeat (a function, a lane, a phase); everything else is a text of its own.
bool textIsName(EventType type)
{
    switch (type) {
    case EventType::RunBegin:
    case EventType::Fork:
    case EventType::Dispatch:
    case EventType::Unsent:
    case EventType::Phase:
    case EventType::Step:
        return true;
    default:
        return false;
    }
}

bool detailIsName(EventType type)
{
    return type == EventType::RunBegin || type == EventType::Error;
}

} // namespace

// ---- StringPool -------------------------------------------------------------------------

StringPool::StringPool() = default;
StringPool::StringPool(StringPool &&) noexcept = default;
StringPool &StringPool::operator=(StringPool &&) noexcept = default;
StringPool::~StringPool() = default;

StringId StringPool::store(const char *data, qsizetype size)
{
    if (size == 0)
        return 0;
    // Texts are clipped to TextLimit characters (at most 4 UTF-8 bytes each), far less than a
    // block: a string never spans two blocks.
    static_assert(StringPool::TextLimit * 4 < StringBlockSize, "a text fits in a block");
    if (m_blocks.empty() || m_used + size > StringBlockSize) {
        m_blocks.push_back(std::make_unique<char[]>(size_t(StringBlockSize)));
        m_used = 0;
    }
    std::memcpy(m_blocks.back().get() + m_used, data, size_t(size));
    m_entries.push_back(Entry{quint32(m_blocks.size() - 1), quint32(m_used), quint32(size)});
    m_used += size;
    return StringId(m_entries.size());
}

StringId StringPool::intern(QStringView s)
{
    if (s.isEmpty())
        return 0;
    if (s.size() > TextLimit)
        return add(s);
    const QByteArray utf8 = s.toUtf8();
    const auto it = m_interned.constFind(utf8);
    if (it != m_interned.constEnd())
        return it.value();
    const StringId id = store(utf8.constData(), utf8.size());
    m_interned.insert(utf8, id);
    return id;
}

StringId StringPool::add(QStringView s)
{
    if (s.isEmpty())
        return 0;
    if (s.size() > TextLimit) {
        const QString clipped = s.left(TextLimit - 1).toString() + QChar(0x2026);
        const QByteArray utf8 = clipped.toUtf8();
        return store(utf8.constData(), utf8.size());
    }
    // Most texts are short ASCII ("42", "'hello'"): no QByteArray on the way.
    char buffer[256];
    if (s.size() <= qsizetype(sizeof(buffer))) {
        qsizetype n = 0;
        for (QChar c : s) {
            if (c.unicode() >= 0x80)
                break;
            buffer[n++] = char(c.unicode());
        }
        if (n == s.size())
            return store(buffer, n);
    }
    const QByteArray utf8 = s.toUtf8();
    return store(utf8.constData(), utf8.size());
}

QByteArrayView StringPool::utf8(StringId id) const
{
    if (id == 0 || id > m_entries.size())
        return {};
    const Entry &e = m_entries[id - 1];
    return QByteArrayView(m_blocks[e.block].get() + e.offset, qsizetype(e.size));
}

QString StringPool::string(StringId id) const
{
    const QByteArrayView v = utf8(id);
    return v.isEmpty() ? QString() : QString::fromUtf8(v);
}

qsizetype StringPool::memoryBytes() const
{
    qsizetype n = qsizetype(m_entries.capacity() * sizeof(Entry));
    n += qsizetype(m_blocks.size()) * StringBlockSize;
    // The intern table: a key, a value and a node per name (approximately).
    n += m_interned.size() * qsizetype(sizeof(QByteArray) + sizeof(StringId) + 32);
    return n;
}

void StringPool::clear()
{
    decltype(m_entries)().swap(m_entries);
    decltype(m_blocks)().swap(m_blocks);
    m_used = 0;
    m_interned.clear();
}

// ---- EventStore -------------------------------------------------------------------------

EventStore::EventStore() = default;
EventStore::EventStore(EventStore &&) noexcept = default;
EventStore &EventStore::operator=(EventStore &&) noexcept = default;
EventStore::~EventStore() = default;

void EventStore::append(const TraceEvent &e)
{
    const size_t block = size_t(m_size >> BlockShift);
    if (block == m_blocks.size())
        m_blocks.push_back(std::make_unique<StoredEvent[]>(size_t(BlockSize)));
    StoredEvent &s = m_blocks[block][size_t(m_size & (BlockSize - 1))];
    s.t = e.t;
    s.code = e.code;
    s.call = qint32(e.call);
    s.lane = e.lane;
    s.pid = quint32(e.pid);
    s.type = e.type;
    s.text = textIsName(e.type) ? m_strings.intern(e.text) : m_strings.add(e.text);
    s.detail = detailIsName(e.type) ? m_strings.intern(e.detail) : m_strings.add(e.detail);
    ++m_size;
}

void EventStore::append(const QList<TraceEvent> &events)
{
    for (const TraceEvent &e : events)
        append(e);
}

TraceEvent EventStore::at(qsizetype i) const
{
    const StoredEvent &s = raw(i);
    TraceEvent e;
    e.t = s.t;
    e.type = s.type;
    e.lane = s.lane;
    e.pid = qint64(s.pid);
    e.call = s.call;
    e.code = s.code;
    e.text = m_strings.string(s.text);
    e.detail = m_strings.string(s.detail);
    return e;
}

QList<TraceEvent> EventStore::toList(qsizetype from, qsizetype to) const
{
    if (to < 0 || to > m_size)
        to = m_size;
    QList<TraceEvent> out;
    if (from >= to)
        return out;
    out.reserve(to - from);
    for (qsizetype i = std::max<qsizetype>(0, from); i < to; ++i)
        out.append(at(i));
    return out;
}

qsizetype EventStore::memoryBytes() const
{
    return qsizetype(m_blocks.size()) * BlockSize * qsizetype(sizeof(StoredEvent)) +
           qsizetype(m_blocks.capacity() * sizeof(void *)) + m_strings.memoryBytes();
}

void EventStore::clear()
{
    decltype(m_blocks)().swap(m_blocks);
    m_size = 0;
    m_strings.clear();
}

} // namespace procession
