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
        ticks.append(AxisTick{snapped, formatTick(snapped, step)});
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

QString formatTick(double t, double step)
{
    const double a = std::abs(t);
    if (a == 0)
        return QStringLiteral("0 s");
    const double unit = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e3 ? 1e3 : 1;
    const char *name = a >= 1e9 ? "s" : a >= 1e6 ? "ms" : a >= 1e3 ? "µs" : "ns";
    const int needed =
        std::clamp(int(std::ceil(-std::log10(step / unit) - 1e-9)), 0, 9); // decimals
    const double v = std::abs(t / unit);
    const int shown = v >= 100 ? 0 : v >= 10 ? 1 : 2; // what formatDuration keeps
    if (shown >= needed)
        return formatDuration(t);
    return QString::number(t / unit, 'f', needed) + QLatin1Char(' ') + QString::fromUtf8(name);
}

QString formatPhaseDuration(double ns)
{
    if (std::abs(ns) >= 1e9)
        return QString::number(ns / 1e9, 'f', 3) + QStringLiteral(" s");
    return formatDuration(ns);
}

QString fitPhaseLabel(const QString &name, const QString &duration, double room,
                      const std::function<double(const QString &)> &width)
{
    const QString sep = QStringLiteral(" · ");
    const QString full = name + sep + duration;
    if (width(full) <= room)
        return full;
    // The longest prefix of the name that still fits with "…" and the duration: binary search.
    const QString tail = QStringLiteral("…") + sep + duration;
    qsizetype lo = 0, hi = name.size();
    while (lo < hi) {
        const qsizetype mid = (lo + hi + 1) / 2;
        if (width(name.left(mid).trimmed() + tail) <= room)
            lo = mid;
        else
            hi = mid - 1;
    }
    if (lo >= 3) // fewer letters than that say nothing
        return name.left(lo).trimmed() + tail;
    if (width(duration) <= room)
        return duration;
    return QString();
}

} // namespace procession::gui
