#pragma once

#include "parallelism.h"
#include "timescale.h"

class QPainter;
class QRectF;
class QColor;

namespace procession::gui {

// ThreadScope's activity profile as a strip: per pixel column, how many lanes were busy
// on average, against a line at the machine's core count.
void paintParallelism(QPainter &p, const QRectF &area, const ParallelismProfile &profile,
                      const TimeScale &scale, double t0, int cores, const QColor &fill,
                      const QColor &line);

} // namespace procession::gui
