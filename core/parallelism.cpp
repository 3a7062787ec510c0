#include "parallelism.h"

#include <algorithm>

namespace procession {

namespace {
QList<ParallelismProfile::Interval> merged(QList<ParallelismProfile::Interval> intervals)
{
    std::sort(intervals.begin(), intervals.end());
    QList<ParallelismProfile::Interval> out;
    for (const auto &iv : std::as_const(intervals)) {
        if (iv.second <= iv.first)
            continue;
        if (!out.isEmpty() && iv.first <= out.last().second)
            out.last().second = std::max(out.last().second, iv.second);
        else
            out.append(iv);
    }
    return out;
}
} // namespace

qint64 ParallelismProfile::unionLength(QList<Interval> intervals)
{
    qint64 total = 0;
    for (const auto &iv : merged(std::move(intervals)))
        total += iv.second - iv.first;
    return total;
}

ParallelismProfile ParallelismProfile::fromLanes(const QList<QList<Interval>> &lanes, qint64 start,
                                                 qint64 end)
{
    ParallelismProfile p;
    p.m_start = start;
    p.m_end = std::max(start, end);
    QList<QPair<qint64, int>> edges;
    for (const auto &lane : lanes) {
        for (const auto &iv : merged(lane)) {
            const qint64 b = std::max(iv.first, p.m_start);
            const qint64 e = std::min(iv.second, p.m_end);
            if (e <= b)
                continue;
            edges.append({b, +1});
            edges.append({e, -1});
            p.m_busyNs += e - b;
        }
    }
    std::sort(edges.begin(), edges.end()); // at one time, ends (-1) before begins (+1)
    int busy = 0;
    p.m_t.append(p.m_start);
    p.m_busy.append(0);
    for (const auto &[t, delta] : std::as_const(edges)) {
        busy += delta;
        if (t == p.m_t.last())
            p.m_busy.last() = busy;
        else if (busy != p.m_busy.last()) {
            p.m_t.append(t);
            p.m_busy.append(busy);
        }
        p.m_peak = std::max(p.m_peak, busy);
    }
    return p;
}

double ParallelismProfile::average() const
{
    return m_end > m_start ? double(m_busyNs) / double(m_end - m_start) : 0.0;
}

double ParallelismProfile::averageOver(qint64 from, qint64 to) const
{
    if (to <= from || m_t.isEmpty())
        return 0;
    auto it = std::upper_bound(m_t.begin(), m_t.end(), from);
    qsizetype i = std::max<qsizetype>(0, (it - m_t.begin()) - 1);
    double area = 0;
    for (; i < m_t.size() && m_t.at(i) < to; ++i) {
        const qint64 a = std::max(from, m_t.at(i));
        const qint64 b = std::min(to, i + 1 < m_t.size() ? m_t.at(i + 1) : m_end);
        if (b > a)
            area += double(b - a) * m_busy.at(i);
    }
    return area / double(to - from);
}

int ParallelismProfile::peakOver(qint64 from, qint64 to) const
{
    if (to <= from || m_t.isEmpty())
        return 0;
    auto it = std::upper_bound(m_t.begin(), m_t.end(), from);
    qsizetype i = std::max<qsizetype>(0, (it - m_t.begin()) - 1);
    int peak = 0;
    for (; i < m_t.size() && m_t.at(i) < to; ++i)
        peak = std::max(peak, m_busy.at(i));
    return peak;
}

} // namespace procession
