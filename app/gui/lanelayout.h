#pragma once

#include <QRectF>

namespace procession::gui {

// Where the lanes of a timeline sit vertically: rows of equal height below a header
// and an axis. Row 0 is the main process; row i is the i-th lane shown.
struct LaneLayout
{
    double top = 0;        // y of the first row
    double rowHeight = 40; // including the gap
    double gap = 6;        // empty space at the bottom of every row
    int rows = 0;

    static constexpr double MinRowHeight = 14; // more lanes than fit: the view scrolls
    static constexpr double MaxRowHeight = 58;

    // Shares `available` pixels between `rows` rows, within [MinRowHeight, MaxRowHeight].
    static LaneLayout make(int rows, double top, double available);

    double rowTop(int row) const { return top + row * rowHeight; }
    double barHeight() const { return rowHeight - gap; }
    double rowCenter(int row) const { return rowTop(row) + barHeight() / 2; }
    double bottom() const { return top + rows * rowHeight; }
    QRectF rowRect(int row, double left, double width) const
    {
        return QRectF(left, rowTop(row), width, barHeight());
    }
    // The row under y, or -1 (above, below, or in the gap between two rows).
    int rowAt(double y) const;
};

} // namespace procession::gui
