#pragma once

#include "lanelayout.h"
#include "timelinemodel.h"
#include "timescale.h"

#include <QList>
#include <QPointF>

namespace procession::gui {

// What lies under a point of the timeline.
struct Hit
{
    enum class Kind
    {
        None,
        Span,
        Await,
        Marker,
        Lane
    };
    Kind kind = Kind::None;
    int row = -1;         // index into TimelineModel::lanes()
    qsizetype index = -1; // span / await index in that lane, or marker index
    qsizetype count = 1;  // > 1: a merged block of spans starting at index

    qsizetype callIndex(const TimelineModel &model) const;
};

struct HitGeometry
{
    TimeScale scale;
    LaneLayout layout;
    QList<int> rows;   // which model lanes the layout's rows show
    qint64 now = 0;    // playhead: nothing after it exists yet
    double slopPx = 3; // how close counts as a hit for thin things
    double minWidthPx = 1;
};

// Spans win over markers, markers over the bare lane. Spans merged for painting are
// reported as the block (count > 1), so a tooltip can say "312 calls".
Hit hitTest(const TimelineModel &model, const HitGeometry &g, QPointF pos);

} // namespace procession::gui
