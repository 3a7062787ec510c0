#pragma once

#include "timelineframe.h"

#include <QRectF>
#include <QString>

class QPainter;

namespace procession::gui {

// A small key in the corner left of the axis: how one call is drawn (a rounded bar with an
// edge) and how calls too close to tell apart at this zoom are (one flat block).
namespace TimelineLegend {
QRectF rect(const TimelineFrame &frame); // empty when there is no run to explain
void paint(QPainter &p, const TimelineFrame &frame);
QString tip(); // rich text
} // namespace TimelineLegend

} // namespace procession::gui
