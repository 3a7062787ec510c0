#pragma once

#include <QList>
#include <QString>

#include <functional>

namespace procession::gui {

// Maps run time (ns from the run's start) to x pixels of the timeline's plot area and
// back. Holds the zoom and pan state; the view only asks it where things go.
struct TimeScale
{
    double start = 0;     // ns at the plot's left edge
    double nsPerPx = 1e7; // zoom: nanoseconds per pixel
    double left = 0;      // the plot's left edge, in widget pixels
    double width = 1;     // the plot's width, in pixels

    static constexpr double MinNsPerPx = 10;   // 1 px = 10 ns at the deepest zoom
    static constexpr double MaxNsPerPx = 1e10; // 1 px = 10 s when zoomed all the way out

    double toX(double t) const { return left + (t - start) / nsPerPx; }
    double toTime(double x) const { return start + (x - left) * nsPerPx; }
    double end() const { return start + width * nsPerPx; }
    double right() const { return left + width; }

    // Shows [t0, t1] across the plot, with a little room on the right.
    void fit(double t0, double t1);
    // Zooms by `factor` (> 1 zooms in) keeping the time under pixel `x` where it is.
    void zoomAt(double x, double factor);
    // Shows the time between two pixels across the whole plot (a range drag).
    void zoomToPixels(double x0, double x1);
    // Moves the picture `dx` pixels to the right (a drag to the right shows earlier times).
    void panBy(double dx);
    // Keeps the view to the run: never before 0 (unless the run is shorter than the view).
    void clampTo(double duration);
};

struct AxisTick
{
    double t = 0; // ns
    QString label;
};

// Ticks at a round step (1, 2 or 5 × 10^k ns) at least `minSpacingPx` apart.
QList<AxisTick> axisTicks(const TimeScale &scale, double minSpacingPx = 90);
double tickStep(double nsPerPx, double minSpacingPx);

// "1.01 s", "250 ms", "12.5 µs", "800 ns" — three significant figures at most.
QString formatDuration(double ns);

// An axis label for a tick at `t` on a grid of `step` ns: as formatDuration where that tells
// neighbouring ticks apart, else with as many decimals as the step needs ("1.02986 s").
QString formatTick(double t, double step);

// A phase's length: milliseconds shown at a second and above ("1.001 s", "2.013 s"), so two
// phases of one run compare at a glance; below a second as formatDuration ("250 ms").
QString formatPhaseDuration(double ns);

// The label of a phase band `room` pixels wide: "name · 1.001 s" when it fits; else the name
// elided before the duration ("eight spins o… · 2.013 s"); else the duration alone; else
// nothing. `width` measures a string in pixels (QFontMetrics::horizontalAdvance).
QString fitPhaseLabel(const QString &name, const QString &duration, double room,
                      const std::function<double(const QString &)> &width);

} // namespace procession::gui
