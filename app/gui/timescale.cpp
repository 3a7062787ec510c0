#include "timescale.h"

#include <algorithm>
#include <cmath>

namespace procession::gui {

void TimeScale::fit(double t0, double t1)
{
    const double span = std::max(t1 - t0, 1e3);
    nsPerPx = std::clamp(span * 1.03 / std::max(width, 1.0), MinNsPerPx, MaxNsPerPx);
    start = t0;
}

void TimeScale::zoomAt(double x, double factor)
{
    if (!(factor > 0))
        return;
    const double anchor = toTime(x);
    nsPerPx = std::clamp(nsPerPx / factor, MinNsPerPx, MaxNsPerPx);
    start = anchor - (x - left) * nsPerPx;
}

void TimeScale::zoomToPixels(double x0, double x1)
{
    if (x1 < x0)
        std::swap(x0, x1);
    if (x1 - x0 < 2)
        return;
    const double t0 = toTime(x0);
    const double t1 = toTime(x1);
    nsPerPx = std::clamp((t1 - t0) / std::max(width, 1.0), MinNsPerPx, MaxNsPerPx);
    start = t0;
}

void TimeScale::panBy(double dx)
{
    start -= dx * nsPerPx;
}

void TimeScale::clampTo(double duration)
{
    const double visible = width * nsPerPx;
    const double maxStart = std::max(0.0, duration - visible * 0.5);
    start = std::clamp(start, -visible * 0.5, maxStart);
}

double tickStep(double nsPerPx, double minSpacingPx)
{
    const double raw = std::max(nsPerPx * minSpacingPx, 1.0);
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * decade >= raw * (1 - 1e-9))
            return m * decade;
    }
    return 10 * decade;
}

QList<AxisTick> axisTicks(const TimeScale &scale, double minSpacingPx)
{
    QList<AxisTick> ticks;
    const double step = tickStep(scale.nsPerPx, minSpacingPx);
    const double first = std::ceil(scale.start / step) * step;
    for (double t = first; t <= scale.end() + step * 1e-9; t += step) {
        const double snapped = std::abs(t) < step * 1e-6 ? 0.0 : t;
        ticks.append(AxisTick{snapped, formatDuration(snapped)});
        if (ticks.size() > 1000)
            break;
    }
    return ticks;
}

QString formatDuration(double ns)
{
    const double a = std::abs(ns);
    auto fmt = [](double v, const char *unit) -> QString {
        const double av = std::abs(v);
        const int decimals = av >= 100 ? 0 : av >= 10 ? 1 : 2;
        QString s = QString::number(v, 'f', decimals);
        if (s.contains(QLatin1Char('.'))) {
            while (s.endsWith(QLatin1Char('0')))
                s.chop(1);
            if (s.endsWith(QLatin1Char('.')))
                s.chop(1);
        }
        return s + QLatin1Char(' ') + QString::fromUtf8(unit);
    };
    if (a == 0)
        return QStringLiteral("0 s");
    if (a >= 1e9)
        return fmt(ns / 1e9, "s");
    if (a >= 1e6)
        return fmt(ns / 1e6, "ms");
    if (a >= 1e3)
        return fmt(ns / 1e3, "µs");
    return fmt(ns, "ns");
}

} // namespace procession::gui
