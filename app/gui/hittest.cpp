#include "hittest.h"

#include "lod.h"

#include <cmath>

namespace procession::gui {

qsizetype Hit::callIndex(const TimelineModel &model) const
{
    if (row < 0 || row >= model.lanes().size() || index < 0)
        return -1;
    const TimelineLane &l = model.lanes().at(row);
    if (kind == Kind::Span && index < l.spans.size())
        return l.spans.at(index).call;
    if (kind == Kind::Await && index < l.awaits.size())
        return l.awaits.at(index).call;
    if (kind == Kind::Marker && index < model.markers().size())
        return model.markers().at(index).call;
    return -1;
}

namespace {

// Finds the drawn item within slop of x, preferring the one that contains x.
qsizetype pick(const QList<DrawItem> &items, double x, double slop)
{
    qsizetype best = -1;
    double bestDist = slop + 1;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const DrawItem &it = items.at(i);
        const double d = x < it.x0 ? it.x0 - x : (x > it.x1 ? x - it.x1 : 0);
        if (d <= slop && d < bestDist) {
            best = i;
            bestDist = d;
        }
    }
    return best;
}

} // namespace

Hit hitTest(const TimelineModel &model, const HitGeometry &g, QPointF pos)
{
    Hit hit;
    const int layoutRow = g.layout.rowAt(pos.y());
    if (layoutRow < 0 || layoutRow >= g.rows.size() || pos.x() < g.scale.left - g.slopPx ||
        pos.x() > g.scale.right() + g.slopPx)
        return hit;
    const int row = g.rows.at(layoutRow);
    if (row < 0 || row >= model.lanes().size())
        return hit;
    hit.kind = Hit::Kind::Lane;
    hit.row = row;
    const TimelineLane &lane = model.lanes().at(row);

    // Only look at the few pixels around x: a narrow scale makes the search cheap.
    TimeScale near = g.scale;
    near.start = g.scale.toTime(pos.x() - g.slopPx - 1);
    near.width = 2 * g.slopPx + 2;
    near.left = pos.x() - g.slopPx - 1;

    // On the main lane the await spans are the lower half of the bar.
    const double barTop = g.layout.rowTop(layoutRow);
    const bool lowerHalf = pos.y() >= barTop + g.layout.barHeight() / 2;
    if (lane.lane == 0 && lowerHalf && !lane.awaits.isEmpty()) {
        const auto items = visibleItems(lane.awaits, lane.awaitMaxEnd, near, g.now, g.minWidthPx);
        const qsizetype i = pick(items, pos.x(), g.slopPx);
        if (i >= 0) {
            hit.kind = Hit::Kind::Await;
            hit.index = items.at(i).first;
            hit.count = items.at(i).count;
            return hit;
        }
    }
    const auto items = visibleItems(lane.spans, lane.spanMaxEnd, near, g.now, g.minWidthPx);
    const qsizetype i = pick(items, pos.x(), g.slopPx);
    if (i >= 0) {
        hit.kind = Hit::Kind::Span;
        hit.index = items.at(i).first;
        hit.count = items.at(i).count;
        return hit;
    }

    const QList<Marker> &markers = model.markers();
    const qint64 lo = qint64(g.scale.toTime(pos.x() - 2 * g.slopPx));
    auto it = std::lower_bound(markers.cbegin(), markers.cend(), lo,
                               [](const Marker &m, qint64 t) { return m.t < t; });
    for (; it != markers.cend(); ++it) {
        const double x = g.scale.toX(double(it->t));
        if (x > pos.x() + 2 * g.slopPx)
            break;
        if (it->row == row && it->t <= g.now && std::abs(x - pos.x()) <= 2 * g.slopPx) {
            hit.kind = Hit::Kind::Marker;
            hit.index = it - markers.cbegin();
            return hit;
        }
    }
    return hit;
}

} // namespace procession::gui
