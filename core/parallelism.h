#pragma once

#include <QList>
#include <QPair>

namespace procession {

// How many lanes are busy over time (ThreadScope's activity profile): a step function
// built from each lane's busy intervals. busy.at(i) lanes are busy from t.at(i) until
// t.at(i + 1); the last step holds until end.
class ParallelismProfile
{
public:
    using Interval = QPair<qint64, qint64>; // [begin, end) in ns

    // One list of intervals per lane; a lane's own intervals may overlap (merged here).
    static ParallelismProfile fromLanes(const QList<QList<Interval>> &lanes, qint64 start,
                                        qint64 end);

    const QList<qint64> &times() const { return m_t; }
    const QList<int> &busy() const { return m_busy; }
    int peak() const { return m_peak; }
    // Busy lane-time over the span: the average number of lanes busy.
    double average() const;
    qint64 start() const { return m_start; }
    qint64 end() const { return m_end; }
    // The mean and the highest number of busy lanes in [from, to) (for a pixel column).
    double averageOver(qint64 from, qint64 to) const;
    int peakOver(qint64 from, qint64 to) const;
    // Total busy time of one lane's intervals after merging overlaps.
    static qint64 unionLength(QList<Interval> intervals);

private:
    QList<qint64> m_t;
    QList<int> m_busy;
    int m_peak = 0;
    qint64 m_start = 0;
    qint64 m_end = 0;
    qint64 m_busyNs = 0;
};

} // namespace procession
