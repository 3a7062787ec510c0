#include "parallelismstrip.h"

#include <QPainter>

#include <algorithm>

namespace procession::gui {

void paintParallelism(QPainter &p, const QRectF &area, const ParallelismProfile &profile,
                      const TimeScale &scale, double t0, int cores, const QColor &fill,
                      const QColor &line)
{
    const double top = std::max(1, std::max(profile.peak(), cores));
    const double h = area.height() - 2;
    auto yOf = [&](double busy) { return area.bottom() - 1 - busy / top * h; };
    p.save();
    p.setClipRect(area, p.hasClipping() ? Qt::IntersectClip : Qt::ReplaceClip);
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    const int x0 = int(std::max(area.left(), scale.left));
    const int x1 = int(std::min(area.right(), scale.right()));
    for (int x = x0; x < x1; ++x) {
        const qint64 a = qint64(scale.toTime(x) + t0), b = qint64(scale.toTime(x + 1) + t0);
        const double busy =
            profile.averageOver(std::max(a, profile.start()), std::min(b, profile.end()));
        if (busy > 0)
            p.drawRect(QRectF(x, yOf(busy), 1, area.bottom() - 1 - yOf(busy)));
    }
    QPen pen(line, 1, Qt::DashLine);
    p.setPen(pen);
    p.drawLine(QPointF(area.left(), yOf(cores)), QPointF(area.right(), yOf(cores)));
    p.restore();
}

} // namespace procession::gui
