#pragma once

#include "traceevent.h"

#include <QHash>
#include <QString>

#include <memory>
#include <vector>

namespace procession {

using StringId = quint32; // 0: the empty string

// A run's strings as UTF-8 in an arena of large blocks that never move. Names (functions,
// lanes, phases, error kinds) are interned: one copy however often they occur. Texts
// (arguments, results, printed lines, messages) are kept once each, clipped to TextLimit
// characters for display.
class StringPool
{
public:
    static constexpr qsizetype TextLimit = 4096;

    StringPool();
    StringPool(StringPool &&) noexcept;
    StringPool &operator=(StringPool &&) noexcept;
    ~StringPool();

    StringId intern(QStringView s); // the same id for the same name
    StringId add(QStringView s);    // a new id, the text clipped to TextLimit characters
    QString string(StringId id) const;
    QByteArrayView utf8(StringId id) const;
    qsizetype count() const { return qsizetype(m_entries.size()); }
    qsizetype memoryBytes() const; // blocks, entries and the intern table
    void clear();

private:
    StringId store(const char *data, qsizetype size);

    struct Entry
    {
        quint32 block;
        quint32 offset;
        quint32 size;
    };
    std::vector<Entry> m_entries; // id - 1 -> where its bytes are
    std::vector<std::unique_ptr<char[]>> m_blocks;
    qsizetype m_used = 0; // bytes used in the last block
    QHash<QByteArray, StringId> m_interned;
};

// One event as kept: fixed size, its strings by id. 40 bytes.
struct StoredEvent
{
    qint64 t = 0;
    qint64 code = 0;
    qint32 call = -1;
    qint32 lane = 0;
    quint32 pid = 0;
    StringId text = 0;
    StringId detail = 0;
    EventType type = EventType::RunBegin;
};

// The one copy of a run's events that the report, the window and the trace writer read:
// fixed-size events in blocks that never move (appending never copies what is there),
// their strings in a StringPool. Not thread-safe by itself: Trace guards one with a mutex
// for a run in progress.
class EventStore
{
public:
    EventStore();
    EventStore(EventStore &&) noexcept;
    EventStore &operator=(EventStore &&) noexcept;
    ~EventStore();

    void append(const TraceEvent &event);
    void append(const QList<TraceEvent> &events);
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }

    const StoredEvent &raw(qsizetype i) const
    {
        return m_blocks[size_t(i >> BlockShift)][size_t(i & (BlockSize - 1))];
    }
    TraceEvent at(qsizetype i) const; // the event as it was appended (texts clipped)
    QList<TraceEvent> toList(qsizetype from = 0, qsizetype to = -1) const;
    QString string(StringId id) const { return m_strings.string(id); }
    const StringPool &strings() const { return m_strings; }

    qsizetype memoryBytes() const;
    void clear();

private:
    static constexpr int BlockShift = 12; // 4096 events, 160 KiB a block
    static constexpr qsizetype BlockSize = qsizetype(1) << BlockShift;

    std::vector<std::unique_ptr<StoredEvent[]>> m_blocks;
    qsizetype m_size = 0;
    StringPool m_strings;
};

} // namespace procession
