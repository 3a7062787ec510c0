#pragma once

#include "timescale.h"

#include <QList>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
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

// The first index in [i, to) where `ok` fails, `ok` holding up to some point and not after
// it: by galloping from i (1, 2, 4, … ahead), then a binary search in the last step, so
// it costs the log of how far it goes, not of the whole list.
template<typename Ok> qsizetype gallop(qsizetype i, qsizetype to, Ok ok)
{
    qsizetype lo = i, step = 1; // ok holds before lo
    while (lo < to && ok(lo)) {
        const qsizetype hi = std::min(to, lo + step);
        if (hi == to || !ok(hi)) {
            // ok(lo) holds; the first failure is in (lo, hi].
            qsizetype a = lo + 1, b = hi;
            while (a < b) {
                const qsizetype m = a + (b - a) / 2;
                if (ok(m))
                    a = m + 1;
                else
                    b = m;
            }
            return a;
        }
        lo = hi;
        step *= 2;
    }
    return lo;
}

// Merging a block of thin spans (zoomed out, a lane of 50,000 calls is ~35 of them per
// pixel) without a step per span. From span `i` on (up to `to`), the spans that a
// step-by-step merge would take into `block` too, as far as that is sure without looking at
// each: they start within a pixel of its right edge and each is thin, which the running
// maximum of the ends shows when none of them ends `minWidthPx` or more after span `i`
// starts. Returns one past the last of them.
template<typename SpanT>
qsizetype endOfThinRun(const QList<SpanT> &spans, const QList<qint64> &maxEnd,
                       const DrawItem &block, qsizetype i, qsizetype to, const TimeScale &scale,
                       double minWidthPx)
{
    const qint64 reach = qint64(std::floor(scale.toTime(block.x1 + 1.0)));
    const qint64 thinEnd =
        qint64(std::ceil(double(spans.at(i).start) + minWidthPx * scale.nsPerPx)) - 1;
    return gallop(
        i, to, [&](qsizetype k) { return spans.at(k).start <= reach && maxEnd.at(k) <= thinEnd; });
}

// The same for a block that spans covered by it join (calls queued on a worker, all open
// up to the playhead `now`): the spans from `i` on that start at least `minWidthPx` before
// its right edge and end (cut at `now`) before it.
template<typename SpanT>
qsizetype endOfCovered(const QList<SpanT> &spans, const QList<qint64> &maxEnd,
                       const DrawItem &block, qsizetype i, qsizetype to, const TimeScale &scale,
                       qint64 now, double minWidthPx)
{
    const qint64 lastStart = qint64(std::floor(scale.toTime(block.x1 - minWidthPx)));
    const qint64 lastEnd = qint64(std::floor(scale.toTime(block.x1)));
    return gallop(i, to, [&](qsizetype k) {
        // Past the playhead every end is cut there, inside the block.
        return spans.at(k).start <= lastStart && (lastEnd >= now || maxEnd.at(k) <= lastEnd);
    });
}

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
        // Inside a block being merged, the spans it would take in anyway are found by binary
        // search: zoomed out, a lane of 50,000 calls costs a few searches per pixel, not a
        // step per call.
        if (!items.isEmpty() && (lastThin || coveredRun > MaxCoveredBars)) {
            DrawItem &block = items.last();
            const qsizetype skip =
                lastThin ? endOfThinRun(spans, maxEnd, block, i, to, scale, minWidthPx)
                         : endOfCovered(spans, maxEnd, block, i, to, scale, now, minWidthPx);
            if (skip > i + 1) {
                block.count += skip - i;
                block.open = block.open || maxEnd.at(skip - 1) > now;
                if (lastThin) // its last span starts latest and is drawn minWidthPx wide
                    block.x1 = std::max(block.x1,
                                        scale.toX(double(spans.at(skip - 1).start)) + minWidthPx);
                i = skip - 1;
                continue;
            }
        }
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
