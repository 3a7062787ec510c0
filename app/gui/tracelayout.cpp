#include "tracelayout.h"

#include <algorithm>

namespace procession::gui {

TraceLayout TraceLayout::of(const ChromeTimeline &trace)
{
    TraceLayout l;
    l.laneFirstRow.fill(-1, trace.lanes().size());
    double y = 0;
    auto add = [&](Row r, double h) {
        r.y = y;
        r.height = h;
        y += h;
        l.rows.append(r);
    };
    for (qint32 p : trace.processOrder()) {
        const TraceProcess &proc = trace.processes().at(p);
        Row header;
        header.kind = RowKind::Process;
        header.process = p;
        add(header, ProcessHeight);
        for (qint32 lane : proc.lanes) {
            const TraceLane &tl = trace.lanes().at(lane);
            if (tl.kind == LaneKind::Async && tl.rows == 0)
                continue; // async instants only: drawn on the process row
            l.laneFirstRow[lane] = l.rows.size();
            for (int d = 0; d < std::max(1, tl.rows); ++d) {
                Row r;
                r.process = p;
                r.lane = lane;
                r.depth = d;
                add(r, RowHeight);
            }
        }
        for (qint32 c : proc.counters) {
            Row r;
            r.kind = RowKind::Counter;
            r.process = p;
            r.counter = c;
            add(r, CounterHeight);
        }
    }
    l.height = y;
    return l;
}

qsizetype TraceLayout::rowAt(double y) const
{
    if (y < 0 || y >= height)
        return -1;
    const auto it = std::upper_bound(rows.begin(), rows.end(), y,
                                     [](double v, const Row &r) { return v < r.y; });
    return qsizetype(it - rows.begin()) - 1;
}

double TraceLayout::yOf(qint32 lane, int depth) const
{
    if (lane < 0 || lane >= laneFirstRow.size() || laneFirstRow.at(lane) < 0)
        return -1;
    return rows.at(laneFirstRow.at(lane) + depth).y;
}

} // namespace procession::gui
