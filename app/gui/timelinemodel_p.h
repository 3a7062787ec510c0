#pragma once

// The parts of TimelineModel that only its two source files share: what one call and one
// lane put in the picture, the order of each sorted list, and the merge that changes a
// sorted list in one pass.

#include "lod.h"
#include "timelinemodel.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>

namespace procession::gui {

// What one call shows: a function of the call and of its lane's row as the model last
// saw it, so what it showed can be worked out again and taken out.
struct TimelineModel::CallPicture
{
    int row = 0;       // where its span and arrows go
    int stampRow = -1; // whose worker stamped its begin and end; -1 the parent
    bool hasSpan = false;
    bool lost = false;   // ended without a begin: its span starts when its worker was ready
    bool orphan = false; // sent to a lane that has no row yet: drawn on row 0
    bool remote = false; // a dispatch marker and a dispatch arrow
    bool hasReturn = false;
    Span span;
    Marker marker;
    Arrow dispatchArrow;
    Arrow returnArrow;
    qint64 times[4] = {-1, -1, -1, -1}; // dispatch, begin, end, result; -1 none
};

// What a worker's lane shows besides its calls.
struct TimelineModel::LanePicture
{
    bool hasStartup = false;
    bool hasJoin = false;
    bool hasExit = false;
    Span startup;
    Marker join;
    Marker exit;
    qint64 times[4] = {-1, -1, -1, -1}; // fork, ready, join, exit
};

// The calls, lanes and awaits that one append() touched, with what the calls showed before.
struct TimelineModel::Batch
{
    QHash<qsizetype, CallPicture> calls;
    QSet<int> lanes;
    QSet<qsizetype> awaits;
    bool rebuild = false;
    bool phases = false;
};

namespace order {

inline bool spans(const Span &a, const Span &b)
{
    return a.start != b.start ? a.start < b.start : a.call < b.call;
}

inline bool arrows(const Arrow &a, const Arrow &b)
{
    if (a.from != b.from)
        return a.from < b.from;
    if (a.call != b.call)
        return a.call < b.call;
    return a.kind < b.kind;
}

// Dispatch marks first (by call), then each row's join and exit.
inline bool markers(const Marker &a, const Marker &b)
{
    if (a.t != b.t)
        return a.t < b.t;
    const bool la = a.kind != Marker::Kind::Dispatch, lb = b.kind != Marker::Kind::Dispatch;
    if (la != lb)
        return lb;
    if (!la)
        return a.call < b.call;
    if (a.row != b.row)
        return a.row < b.row;
    return a.kind == Marker::Kind::Join && b.kind != Marker::Kind::Join;
}

} // namespace order

inline bool same(const Span &a, const Span &b)
{
    return a.start == b.start && a.end == b.end && a.call == b.call && a.kind == b.kind &&
           a.failed == b.failed;
}

inline bool same(const Arrow &a, const Arrow &b)
{
    return a.kind == b.kind && a.from == b.from && a.to == b.to && a.fromRow == b.fromRow &&
           a.toRow == b.toRow && a.call == b.call && a.failed == b.failed;
}

inline bool same(const Marker &a, const Marker &b)
{
    return a.kind == b.kind && a.t == b.t && a.row == b.row && a.call == b.call;
}

// Takes `out` out of the sorted `list` and puts `in` in, in one pass over the part of the
// list from the first change on (keys are unique, so an item and its replacement have the
// same key when only its payload changed: that is done in place). Returns the first
// position whose item changed, with `changed` the positions changed in place before it.
template<typename T, typename Less>
qsizetype mergeChanges(QList<T> &list, QList<T> &out, QList<T> &in, Less less,
                       QList<qsizetype> *changed = nullptr)
{
    const qsizetype n = list.size();
    if (out.isEmpty() && in.isEmpty())
        return n;
    std::sort(out.begin(), out.end(), less);
    std::sort(in.begin(), in.end(), less);
    // Same key in both: the item changed in place.
    QList<T> restOut, restIn;
    auto o = out.cbegin();
    auto i = in.cbegin();
    while (o != out.cend() || i != in.cend()) {
        if (i == in.cend() || (o != out.cend() && less(*o, *i))) {
            restOut.append(*o++);
        } else if (o == out.cend() || less(*i, *o)) {
            restIn.append(*i++);
        } else {
            auto at = std::lower_bound(list.begin(), list.end(), *o, less);
            if (at != list.end() && !less(*o, *at)) {
                *at = *i;
                if (changed)
                    changed->append(at - list.begin());
            }
            ++o;
            ++i;
        }
    }
    if (restOut.isEmpty() && restIn.isEmpty())
        return n;
    qsizetype from = n;
    if (!restOut.isEmpty())
        from = std::lower_bound(list.cbegin(), list.cend(), restOut.first(), less) - list.cbegin();
    if (!restIn.isEmpty())
        from = std::min(
            from, qsizetype(std::lower_bound(list.cbegin(), list.cend(), restIn.first(), less) -
                            list.cbegin()));
    if (restOut.isEmpty() && from == n) { // all new, all after what is there: a live run
        list.append(restIn);
        return from;
    }
    if (restOut.isEmpty()) {
        // All new, some among the last ones there (results of several workers read in turn):
        // merged from the back, in place, moving only what comes after the first of them.
        list.resize(n + restIn.size());
        qsizetype a = n - 1, b = restIn.size() - 1, w = list.size() - 1;
        while (b >= 0) {
            if (a >= from && less(restIn.at(b), list.at(a)))
                list[w--] = list.at(a--);
            else
                list[w--] = restIn.at(b--);
        }
        return from;
    }
    const QList<T> tail(list.cbegin() + from, list.cend());
    list.resize(from);
    o = restOut.cbegin();
    i = restIn.cbegin();
    for (const T &x : tail) {
        while (o != restOut.cend() && less(*o, x))
            ++o; // not there (a mistake upstream): nothing to take out
        if (o != restOut.cend() && !less(x, *o)) {
            ++o;
            continue;
        }
        while (i != restIn.cend() && less(*i, x))
            list.append(*i++);
        list.append(x);
    }
    while (i != restIn.cend())
        list.append(*i++);
    return from;
}

// The running maximum of the spans' ends (see lod.h) after mergeChanges(): from `from` on
// everything may have moved; before it, only the positions in `changed`, and once past
// them the old maximum holds again where the new one meets it.
template<typename SpanT>
void refreshMaxEnd(const QList<SpanT> &spans, QList<qint64> &maxEnd, qsizetype from,
                   QList<qsizetype> changed)
{
    std::sort(changed.begin(), changed.end());
    qsizetype k = changed.isEmpty() ? from : std::min(from, changed.first());
    const qsizetype lastChanged = changed.isEmpty() ? -1 : changed.last();
    maxEnd.resize(spans.size());
    qint64 m = k > 0 ? maxEnd.at(k - 1) : std::numeric_limits<qint64>::min();
    for (; k < spans.size(); ++k) {
        const qint64 e = spans.at(k).end < 0 ? OpenEnd : spans.at(k).end;
        m = std::max(m, e);
        if (k < from && k > lastChanged && maxEnd.at(k) == m) {
            k = from - 1; // unchanged from here up to `from`
            m = k >= 0 ? maxEnd.at(k) : std::numeric_limits<qint64>::min();
            continue;
        }
        maxEnd[k] = m;
    }
}

} // namespace procession::gui
