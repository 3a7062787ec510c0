#pragma once

#include "timescale.h"

#include <QList>
#include <QtGlobal>

#include <algorithm>
#include <limits>

namespace procession::gui {

// Level of detail: a lane may hold 100 000 spans, a screen shows ~1000 pixels. Spans are
// kept sorted by start with a running maximum of their ends, so the ones in view are found
// by binary search, and spans thinner than a pixel that touch are merged into one block.

constexpr qint64 OpenEnd = std::numeric_limits<qint64>::max(); // a span still running

// Running maximum of the spans' ends (OpenEnd for a span still open): monotonic, so it can
// be searched for the first span that reaches into the view.
template<typename SpanT> QList<qint64> runningMaxEnd(const QList<SpanT> &spans)
{
    QList<qint64> out;
    out.reserve(spans.size());
    qint64 m = std::numeric_limits<qint64>::min();
    for (const SpanT &s : spans) {
        m = std::max(m, s.end < 0 ? OpenEnd : s.end);
        out.append(m);
    }
    return out;
}

// Index of the first span that may end at or after t (spans sorted by start).
inline qsizetype firstReaching(const QList<qint64> &maxEnd, qint64 t)
{
    return std::lower_bound(maxEnd.cbegin(), maxEnd.cend(), t) - maxEnd.cbegin();
}

// One past the last span that starts at or before t.
template<typename SpanT> qsizetype endStartingBy(const QList<SpanT> &spans, qint64 t)
{
    return std::upper_bound(spans.cbegin(), spans.cend(), t,
                            [](qint64 time, const SpanT &s) { return time < s.start; }) -
           spans.cbegin();
}

// What to paint for a span or a block of merged spans, in pixels.
struct DrawItem
{
    double x0 = 0;
    double x1 = 0;
    qsizetype first = 0; // index of the (first) span
    qsizetype count = 1; // > 1: a block of merged spans
    bool open = false;   // the span is still running at the playhead

    bool merged() const { return count > 1; }
};

// The spans of one lane visible in `scale` up to the playhead `now` (ns): spans that
// start after `now` are not there yet, spans that end after it are drawn up to it.
// Spans narrower than `minWidthPx` that touch (within one pixel) become one block.
template<typename SpanT>
QList<DrawItem> visibleItems(const QList<SpanT> &spans, const QList<qint64> &maxEnd,
                             const TimeScale &scale, qint64 now, double minWidthPx = 1.0)
{
    QList<DrawItem> items;
    const qint64 viewStart = qint64(scale.start);
    const qint64 viewEnd = std::min<qint64>(qint64(scale.end()) + 1, now);
    if (viewEnd < viewStart || spans.isEmpty())
        return items;
    const qsizetype from = firstReaching(maxEnd, viewStart);
    const qsizetype to = endStartingBy(spans, viewEnd);
    bool lastThin = false;
    constexpr int MaxCoveredBars = 8;
    int coveredRun = 0;
    for (qsizetype i = from; i < to; ++i) {
        const SpanT &s = spans.at(i);
        const bool open = s.end < 0 || s.end > now;
        const qint64 end = open ? now : s.end;
        if (end < viewStart)
            continue; // an earlier, longer span kept the running maximum up
        const double x0 = scale.toX(double(s.start));
        const double x1 = scale.toX(double(end));
        const bool thin = x1 - x0 < minWidthPx;
        // Spans inside the one drawn before them (calls queued on a worker, all "in flight"
        // up to now) are painted over one another: past a few, they join the last one
        // instead of costing a bar each.
        const bool covered =
            !items.isEmpty() && x0 >= items.last().x0 - 0.5 && x1 <= items.last().x1 + 0.5;
        coveredRun = covered ? coveredRun + 1 : 0;
        if ((thin && lastThin && x0 <= items.last().x1 + 1.0) ||
            (covered && coveredRun > MaxCoveredBars)) {
            DrawItem &block = items.last();
            block.x1 = std::max(block.x1, std::max(x1, x0 + minWidthPx));
            ++block.count;
            block.open = block.open || open;
            continue;
        }
        items.append(DrawItem{x0, thin ? std::max(x1, x0 + minWidthPx) : x1, i, 1, open});
        lastThin = thin;
    }
    return items;
}

// Arrows: one every few pixels on average is a hatch, not information. Up to this many
// in a plot `widthPx` wide are drawn; beyond it none are, and the view says why.
constexpr double MinPxPerArrow = 6;
inline qsizetype arrowBudget(double widthPx)
{
    return qsizetype(std::max(0.0, widthPx) / MinPxPerArrow);
}
inline bool arrowsFit(qsizetype arrowsInView, double widthPx)
{
    return arrowsInView <= arrowBudget(widthPx);
}

} // namespace procession::gui
