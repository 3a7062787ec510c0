#pragma once

#include "parallelism.h"
#include "timelineframe.h"

#include <QWidget>

class QTimer;

namespace procession {
struct RunSummary;
}

namespace procession::gui {

class TimelineModel;

// Shows one run as lanes on a time axis, up to the playhead, under a header with the
// figures that matter. The arithmetic (scale, layout, LOD, hits) lives in plain structs,
// the painting in TimelineRenderer and TimelineHeader, the tooltips in TimelineTips; this
// widget keeps the view's state (range, playhead, selection) and answers the mouse. Zoom:
// Ctrl+wheel or a right/Shift drag; pan: drag or wheel; scrub: click or drag on the axis; click a
// call to select it.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(QWidget *parent = nullptr);

    void setModel(const TimelineModel *model); // not owned; call modelChanged() when it grows
    const TimelineModel *model() const { return m_model; }
    void modelChanged();

    void setTitle(const QString &title);
    QString title() const { return m_title; }
    void setPlayhead(qint64 t);
    // Live, while the window draws events older than the clock: by how much (ns), said in
    // the header next to the playhead's time.
    void setLiveLag(qint64 ns);
    qint64 playhead() const { return m_playhead; }
    // While live the header says so and the view keeps the growing run in sight.
    void setLive(bool live);
    bool isLive() const { return m_live; }

    void fitToWindow();
    // Shows `fraction` (0 to 1] of the run, around its middle: for benchmarks and tests.
    void showMiddleFraction(double fraction);
    void zoomBy(double factor);
    // Fit to at least this long a run (compare: both views use the longer run's length).
    void setFitDuration(qint64 ns);
    const TimeScale &scale() const { return m_scale; }
    // Shows the same times as a sibling view (compare mode shares one time axis).
    void setVisibleRange(double start, double nsPerPx);

    qsizetype selectedCall() const { return m_selected; }
    void setSelectedCall(qsizetype callIndex);

    void setTheme(const Theme &theme);
    const Theme &theme() const { return m_theme; }

    // The header's figures as one line of text ("wall 1.03 s · work 4.00 s · speedup 3.88× ...").
    QString summaryText() const;
    RunSummary summary() const;
    HitGeometry hitGeometry() const;
    QString toolTipAt(QPointF pos) const;
    // Shows one scenario phase across the plot (a click on its tag under the axis).
    void zoomToPhase(int index);

    // Arrows in view, counted up to one past what fits (arrowBudget of the plot's width);
    // when more are in view none are drawn and the header says "arrows hidden: zoom in".
    qsizetype arrowsInView() const;
    bool arrowsHidden() const;

    // Compare mode: the console and the recipe below follow this view (a mark on its header).
    void setFollowed(bool followed);
    bool isFollowed() const { return m_followed; }

    QSize sizeHint() const override { return {900, 360}; }
    QSize minimumSizeHint() const override { return {400, 200}; }

    // The header's height when its figures fit on one line (headerHeight() otherwise).
    static constexpr int HeaderHeight = TimelineMetrics::HeaderHeight;
    static constexpr int AxisHeight = TimelineMetrics::AxisHeight;
    static constexpr int StripHeight = TimelineMetrics::StripHeight;
    static constexpr int PhaseHeight = TimelineMetrics::PhaseHeight;
    static constexpr int LanesTop = TimelineMetrics::LanesTop;
    static constexpr int LabelWidth = TimelineMetrics::LabelWidth;
    static constexpr int RightMargin = TimelineMetrics::RightMargin;

    int headerHeight() const { return m_headerHeight; }
    // How to pan, zoom and scrub, in one line (the window's status bar shows it).
    static QString navigationHint();

    // What the next frame is painted from: a const view of the model and this view's state.
    TimelineFrame frame() const;

signals:
    void callClicked(qsizetype callIndex);           // -1: clicked on nothing
    void rangeChanged(double start, double nsPerPx); // the person zoomed or panned
    void scrubbed(qint64 t);
    // The person clicked into this view, or rested the pointer on it for a moment.
    void engaged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool event(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void enterEvent(QEnterEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    enum class Drag
    {
        None,
        Maybe,
        Pan,
        Zoom,
        Scrub
    };

    void relayout();
    void updateBusy();
    void follow();
    void userChangedRange();
    QList<int> shownRows() const;
    qint64 fitLength() const;

    const TimelineModel *m_model = nullptr;
    Theme m_theme = Theme::light();
    QString m_title;
    TimeScale m_scale;
    LaneLayout m_layout;
    qint64 m_playhead = 0;
    qint64 m_liveLag = 0;
    double m_scrollY = 0; // lanes scrolled up by this many pixels when they do not fit
    qint64 m_fitDuration = 0;
    qint64 m_maxArrowLength = 0;
    bool m_live = false;
    bool m_follow = true;
    qsizetype m_selected = -1;
    bool m_followed = false;
    int m_headerHeight = HeaderHeight; // taller when the header's figures wrap
    ParallelismProfile m_busy; // for the parallelism strip, valid when m_hasBusy
    bool m_hasBusy = false;
    static constexpr qsizetype kLiveBusyLimit = 20000;
    QTimer *m_hoverTimer = nullptr;

    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
};

} // namespace procession::gui
