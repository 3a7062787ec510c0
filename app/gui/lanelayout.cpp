#include "lanelayout.h"

#include <algorithm>
#include <cmath>

namespace procession::gui {

LaneLayout LaneLayout::make(int rows, double top, double available)
{
    LaneLayout l;
    l.top = top;
    l.rows = std::max(rows, 0);
    const double share = l.rows > 0 ? available / l.rows : MaxRowHeight;
    l.rowHeight = std::floor(std::clamp(share, MinRowHeight, MaxRowHeight));
    l.gap = std::max(3.0, std::round(l.rowHeight * 0.18));
    return l;
}

int LaneLayout::rowAt(double y) const
{
    if (y < top || rows <= 0)
        return -1;
    const int row = int(std::floor((y - top) / rowHeight));
    if (row >= rows)
        return -1;
    if (y - rowTop(row) >= barHeight())
        return -1;
    return row;
}

} // namespace procession::gui
