#pragma once

#include "chrometimeline.h"

#include <QList>

namespace procession::gui {

// Where each part of another tool's trace goes, top to bottom: a header row per process,
// then its lanes (one row per depth), then its counter tracks. Plain arithmetic: the view
// asks it which row is at y and where a lane's depth row is.
struct TraceLayout
{
    enum class RowKind : quint8
    {
        Process,
        Lane,
        Counter,
    };
    struct Row
    {
        RowKind kind = RowKind::Lane;
        qint32 process = -1;
        qint32 lane = -1;    // Lane rows
        int depth = 0;       // Lane rows: which depth row of the lane
        qint32 counter = -1; // Counter rows
        double y = 0;        // top, from the first row
        double height = 0;
    };

    static constexpr double ProcessHeight = 20;
    static constexpr double RowHeight = 18;
    static constexpr double CounterHeight = 28;

    QList<Row> rows;
    QList<qsizetype> laneFirstRow; // per lane: index of its depth-0 row, -1 when hidden
    double height = 0;

    static TraceLayout of(const ChromeTimeline &trace);
    // The row at y (from the first row), or -1.
    qsizetype rowAt(double y) const;
    // The top of a lane's depth row, or -1 when not laid out.
    double yOf(qint32 lane, int depth) const;
};

} // namespace procession::gui
