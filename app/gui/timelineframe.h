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
struct RunSummary;
}

namespace procession::gui {

class TimelineModel;

// The timeline's geometry, in pixels: the header on top, the time axis, a strip of scenario
// phases, then the lanes under a column of their labels. The header is HeaderHeight tall
// when its figures fit on one line, taller when a narrow window wraps them
// (TimelineFrame::headerHeight).
namespace TimelineMetrics {
constexpr int HeaderHeight = 58;
constexpr int AxisHeight = 26;
constexpr int PhaseHeight = 17; // scenario phase names, under the axis
constexpr int LanesTop = HeaderHeight + AxisHeight + PhaseHeight + 2;
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
    qsizetype selected = -1;
    qint64 maxArrowLength = 0; // the longest arrow: how far back an arrow in view may start
    double scrollY = 0;
    bool live = false;
    bool followed = false;
    int headerHeight = TimelineMetrics::HeaderHeight;
    const RunSummary *summary = nullptr; // the header's figures, when worked out already

    int axisTop() const { return headerHeight; }
    int phasesTop() const { return headerHeight + TimelineMetrics::AxisHeight; }
    int lanesTop() const
    {
        return headerHeight + TimelineMetrics::AxisHeight + TimelineMetrics::PhaseHeight + 2;
    }

    bool hasRun() const; // a model with something in it
    HitGeometry hitGeometry() const;
};

} // namespace procession::gui
