#include "chrometimeline.h"

#include <algorithm>
#include <cstring>

namespace procession {

QString TraceLane::label() const
{
    if (kind == LaneKind::Async)
        return QStringLiteral("async");
    if (name.isEmpty())
        return QStringLiteral("thread %1").arg(tid);
    return name;
}

QString TraceProcess::label() const
{
    if (name.isEmpty())
        return QStringLiteral("process %1").arg(pid);
    if (name.contains(pid))
        return name;
    return QStringLiteral("%1 (pid %2)").arg(name, pid);
}

QByteArray ChromeTimeline::args(quint32 id) const
{
    if (id == 0 || qsizetype(id) + 2 > m_args.size())
        return {};
    quint16 n = 0;
    std::memcpy(&n, m_args.constData() + id, sizeof n);
    return m_args.mid(qsizetype(id) + 2, n);
}

qint64 ChromeTimeline::threadLanes() const
{
    return std::count_if(m_lanes.begin(), m_lanes.end(),
                         [](const TraceLane &l) { return l.kind == LaneKind::Thread; });
}

bool ChromeTimeline::hasContent() const
{
    return !m_slices.empty() || !m_instants.isEmpty() || !m_flows.isEmpty() || m_counterSamples > 0;
}

qint32 ChromeTimeline::sliceAt(qint32 lane, qint64 t) const
{
    if (lane < 0 || lane >= m_lanes.size())
        return -1;
    const TraceLane &l = m_lanes.at(lane);
    for (int row = l.rows - 1; row >= 0; --row) {
        const auto first = m_slices.begin() + l.rowFirst.at(row);
        const auto last = m_slices.begin() + l.rowFirst.at(row + 1);
        // The last slice of the row that begins at or before t.
        auto it = std::upper_bound(first, last, t,
                                   [](qint64 v, const TraceSlice &s) { return v < s.begin; });
        if (it == first)
            continue;
        --it;
        if (it->end >= t)
            return qint32(it - m_slices.begin());
    }
    return -1;
}

qint32 ChromeTimeline::nextSlice(qint32 lane, qint64 t) const
{
    if (lane < 0 || lane >= m_lanes.size())
        return -1;
    const TraceLane &l = m_lanes.at(lane);
    qint32 best = -1;
    for (int row = 0; row < l.rows; ++row) {
        const auto first = m_slices.begin() + l.rowFirst.at(row);
        const auto last = m_slices.begin() + l.rowFirst.at(row + 1);
        auto it = std::lower_bound(first, last, t,
                                   [](const TraceSlice &s, qint64 v) { return s.begin < v; });
        if (it != last && (best < 0 || it->begin < m_slices[std::size_t(best)].begin))
            best = qint32(it - m_slices.begin());
    }
    return best;
}

std::size_t ChromeTimeline::memoryBytes() const
{
    std::size_t bytes = m_slices.capacity() * sizeof(TraceSlice) +
                        std::size_t(m_instants.capacity()) * sizeof(TraceInstant) +
                        std::size_t(m_flows.capacity()) * sizeof(TraceFlow) +
                        std::size_t(m_args.capacity());
    for (const CounterTrack &c : m_counters)
        bytes += std::size_t(c.t.capacity()) * 16;
    for (const QString &s : m_strings)
        bytes += std::size_t(s.capacity()) * 2 + 32;
    bytes += std::size_t(m_lanes.size()) * (sizeof(TraceLane) + 64);
    return bytes;
}

} // namespace procession
