#pragma once

#include "chrometimeline.h"
#include "theme.h"
#include "timescale.h"
#include "tracelayout.h"

#include <QWidget>

#include <memory>

namespace procession::gui {

// Another tool's trace (Ray, VizTracer, Chrome, Perfetto JSON) in the window: a header
// with its figures, the parallelism strip, then each process with its lanes (nested
// slices in depth rows, async rows), instants, flow arrows and counter tracks. Zoom with
// Ctrl+wheel, pan by dragging, scroll with the wheel, Ctrl+0 fits; hover for a tooltip
// with the args, click for details. Replay is the window's: Space asks for it, and the
// window's playhead (setPlayhead) reveals events in order.
class ForeignTraceView : public QWidget
{
    Q_OBJECT

public:
    explicit ForeignTraceView(QWidget *parent = nullptr);

    void setTrace(std::shared_ptr<const ChromeTimeline> trace, const QString &title);
    const ChromeTimeline *trace() const { return m_trace.get(); }
    void setTheme(const Theme &theme);

    void fit();
    // Times in ns from the trace's start.
    void zoomTo(qint64 from, qint64 to);
    // Replay: events after `t` (ns from the start) are hidden; -1 shows everything.
    void setPlayhead(qint64 t);
    qint64 playhead() const { return m_playhead; }
    qint64 span() const; // ns from the first event to the last
    // The nearest moment a slice begins or ends or an instant happens, strictly after or
    // before t (ns from the start); -1 when there is none.
    qint64 nextEventAfter(qint64 t) const { return eventNear(t, true); }
    qint64 prevEventBefore(qint64 t) const { return eventNear(t, false); }
    // The slice under a point, or -1 (for tooltips, clicks and tests).
    qint32 sliceAt(const QPointF &pos) const;
    QString describeSlice(qint32 slice) const;
    qint32 selectedSlice() const { return m_selected; }

    QSize sizeHint() const override { return {900, 600}; }

signals:
    void sliceSelected(const QString &details);
    void playRequested(); // Space: play or pause the replay

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    static constexpr double Gutter = 190;
    static constexpr double HeaderHeight = 42;
    static constexpr double AxisHeight = 20;
    static constexpr double StripHeight = 44;
    double rowsTop() const { return HeaderHeight + AxisHeight + StripHeight + 4; }
    void updateScale();
    void paintHeader(QPainter &p);
    void paintAxis(QPainter &p);
    void paintRows(QPainter &p);
    void paintLaneRow(QPainter &p, const TraceLayout::Row &row, double y);
    void paintCounter(QPainter &p, const TraceLayout::Row &row, double y);
    void paintInstants(QPainter &p);
    void paintFlows(QPainter &p);
    qint64 eventNear(qint64 t, bool forward) const;
    double rowY(qint32 lane, int depth) const; // widget y of a lane's depth row, or -1
    void clampScroll();

    std::shared_ptr<const ChromeTimeline> m_trace;
    QString m_title;
    TraceLayout m_layout;
    TimeScale m_scale;
    Theme m_theme = Theme::light();
    double m_scroll = 0;
    qint64 m_playhead = -1;
    qint32 m_selected = -1;
    QPointF m_dragFrom;
    double m_dragScaleStart = 0;
    bool m_dragging = false;
    bool m_fitted = true; // the whole trace in view, kept so across resizes
};

} // namespace procession::gui
