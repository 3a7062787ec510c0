#pragma once

#include "hittest.h"
#include "lanelayout.h"
#include "theme.h"
#include "timescale.h"

#include <QFont>
#include <QList>
#include <QSize>
#include <QString>

namespace procession {
class ParallelismProfile;
struct RunSummary;
} // namespace procession

namespace procession::gui {

class TimelineModel;

// The timeline's geometry, in pixels: the header on top, the time axis, the parallelism
// strip, a band of scenario phases, then the lanes under a column of their labels. The header is HeaderHeight tall
// when its figures fit on one line, taller when a narrow window wraps them
// (TimelineFrame::headerHeight).
namespace TimelineMetrics {
constexpr int HeaderHeight = 58;
constexpr int AxisHeight = 26;
constexpr int StripHeight = 22; // how many workers were busy (the parallelism strip)
constexpr int PhaseHeight = 17; // scenario phase names, under the strip
constexpr int LanesTop = HeaderHeight + AxisHeight + StripHeight + PhaseHeight + 2;
constexpr int LabelWidth = 172;
constexpr int RightMargin = 20;
constexpr double MinBarPx = 1.0;
} // namespace TimelineMetrics

// Everything one frame of the timeline is drawn from: a const view of the model and the
// view's state at that moment. The widget fills it in; the renderer, the header and the
// tooltips only read it.
struct TimelineFrame
{
    const TimelineModel *model = nullptr; // not owned
    Theme theme;
    TimeScale scale;
    LaneLayout layout;
    QList<int> rows; // the model's lanes shown, top to bottom
    QString title;
    QFont font;
    QSize size;
    qint64 playhead = 0;
    qint64 liveLag = 0; // live: how far the picture is behind the clock (it is drawing)
    qsizetype selected = -1;
    qint64 maxArrowLength = 0; // the longest arrow: how far back an arrow in view may start
    double scrollY = 0;
    bool live = false;
    bool followed = false;
    int headerHeight = TimelineMetrics::HeaderHeight;
    const RunSummary *summary = nullptr; // the header's figures, when worked out already
    const ParallelismProfile *busy = nullptr; // workers running a call over time, or none
    int cores = 1;

    int axisTop() const { return headerHeight; }
    int stripTop() const { return headerHeight + TimelineMetrics::AxisHeight; }
    int phasesTop() const { return stripTop() + TimelineMetrics::StripHeight; }
    int lanesTop() const { return phasesTop() + TimelineMetrics::PhaseHeight + 2; }

    bool hasRun() const; // a model with something in it
    HitGeometry hitGeometry() const;
};

} // namespace procession::gui
