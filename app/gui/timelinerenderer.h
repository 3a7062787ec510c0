#pragma once

#include "timelineframe.h"

#include <QCoreApplication>
#include <QRectF>

class QPainter;

namespace procession::gui {

// Paints one frame of the timeline (lanes, bars, arrows, markers, the axis and the
// playhead; the header through TimelineHeader) from a const view. It keeps no state
// between frames and never changes the model or the view.
class TimelineRenderer
{
    Q_DECLARE_TR_FUNCTIONS(TimelineRenderer)

public:
    explicit TimelineRenderer(const TimelineFrame &frame) : m_f(frame) {}

    void paint(QPainter &p) const;

    // Arrows whose tails lie in [view start - longest arrow, min(view end, playhead)], by
    // binary search on the tail time.
    struct ArrowRange
    {
        qsizetype first = 0;
        qsizetype last = 0;
    };
    ArrowRange arrowCandidates(const QList<Arrow> &arrows) const;
    // Arrows in view, counted up to one past what fits (arrowBudget of the plot's width).
    qsizetype arrowsInView() const;
    bool arrowsHidden() const;
    QRectF playheadBox() const; // the playhead's time on the axis; null when not drawn

private:
    void paintBusy(QPainter &p) const; // the parallelism strip under the axis
    void paintEmpty(QPainter &p) const;
    void paintAxis(QPainter &p) const;
    void paintLanes(QPainter &p) const;
    void paintArrows(QPainter &p) const;
    void paintMarkers(QPainter &p) const;
    void paintScrollHint(QPainter &p) const;
    void paintPlayhead(QPainter &p) const;
    QList<int> layoutRows() const; // model lane -> layout row, -1 when not shown

    int width() const { return m_f.size.width(); }
    int height() const { return m_f.size.height(); }
    const QFont &font() const { return m_f.font; }

    const TimelineFrame &m_f;
};

} // namespace procession::gui
