#include "timelineview.h"

#include "timelineheader.h"
#include "timelinemodel.h"
#include "timelinerenderer.h"
#include "timelinetips.h"
#include "tracemodel.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QThread>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace procession::gui {

namespace {

// Rounds up to 1, 2 or 5 × 10^k: the live view grows in steps, not every frame.
double niceCeil(double v)
{
    if (v <= 0)
        return 1e9;
    const double decade = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * decade >= v)
            return m * decade;
    return 10 * decade;
}

} // namespace

TimelineView::TimelineView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setTheme(Theme::forPalette(palette()));
    // Hovering counts as choosing a view only after a moment, so that passing over one on
    // the way to the console does not switch what the console shows.
    m_hoverTimer = new QTimer(this);
    m_hoverTimer->setSingleShot(true);
    m_hoverTimer->setInterval(400);
    connect(m_hoverTimer, &QTimer::timeout, this, &TimelineView::engaged);
    relayout();
}

QString TimelineView::navigationHint()
{
    return tr("Drag to pan · Ctrl+wheel zooms · right-drag (or Shift+drag) over a range zooms "
              "to it · click the axis to scrub · , and . step between events · Home and End "
              "jump to the start and the end · Ctrl+0 fits the run");
}

void TimelineView::enterEvent(QEnterEvent *event)
{
    m_hoverTimer->start();
    QWidget::enterEvent(event);
}

void TimelineView::leaveEvent(QEvent *event)
{
    m_hoverTimer->stop();
    QWidget::leaveEvent(event);
}

void TimelineView::setFollowed(bool followed)
{
    if (followed == m_followed)
        return;
    m_followed = followed;
    update();
}

void TimelineView::setModel(const TimelineModel *model)
{
    m_model = model;
    m_selected = -1;
    m_follow = true;
    modelChanged();
}

void TimelineView::modelChanged()
{
    m_maxArrowLength = m_model ? m_model->maxArrowLength() : 0;
    if (m_selected >= 0 && (!m_model || m_selected >= m_model->trace().calls().size()))
        m_selected = -1;
    updateBusy();
    relayout();
    follow();
    update();
}

void TimelineView::updateBusy()
{
    // The parallelism strip: how many workers ran a call at each moment. A live run of many
    // calls skips it until it ends (each poll would sort every call again).
    m_hasBusy = false;
    if (!m_model || m_model->isEmpty())
        return;
    qsizetype calls = 0;
    for (const TimelineLane &lane : m_model->lanes())
        calls += lane.lane > 0 ? lane.spans.size() : 0;
    if (m_live && calls > kLiveBusyLimit)
        return;
    m_busy = m_model->busyProfile(); // a saved run's was worked out when it was opened
    m_hasBusy = true;
}

void TimelineView::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void TimelineView::setPlayhead(qint64 t)
{
    if (t == m_playhead)
        return;
    const int oldRows = int(shownRows().size());
    m_playhead = t;
    if (shownRows().size() != oldRows)
        relayout();
    follow();
    update();
}

void TimelineView::setLiveLag(qint64 ns)
{
    if (ns == m_liveLag)
        return;
    m_liveLag = ns;
    update();
}

void TimelineView::setLive(bool live)
{
    m_live = live;
    if (!live)
        updateBusy();
    if (live)
        m_follow = true;
    follow();
    update();
}

void TimelineView::setFitDuration(qint64 ns)
{
    m_fitDuration = ns;
    follow();
    update();
}

qint64 TimelineView::fitLength() const
{
    const qint64 own = m_model ? m_model->duration() : 0;
    return std::max({own, m_fitDuration, qint64(1000000)});
}

void TimelineView::follow()
{
    if (!m_follow)
        return;
    if (m_live) {
        // Keep the growing run in view, widening in round steps.
        const double need = std::max({double(m_playhead), double(fitLength()), 5e8});
        if (need > m_scale.end() * 0.97 || m_scale.start != 0 ||
            m_scale.end() > niceCeil(need) * 1.1)
            m_scale.fit(0, niceCeil(need * 1.05));
    } else {
        m_scale.fit(0, double(fitLength()));
    }
}

void TimelineView::fitToWindow()
{
    m_follow = true;
    m_scale.fit(0, double(fitLength()));
    follow();
    update();
    emit rangeChanged(m_scale.start, m_scale.nsPerPx);
}

void TimelineView::showMiddleFraction(double fraction)
{
    fitToWindow();
    if (!m_model || fraction >= 1 || fraction <= 0)
        return;
    const double length = double(m_model->duration());
    const double span = length * fraction;
    setVisibleRange(length / 2 - span / 2, span / m_scale.width);
}

void TimelineView::zoomBy(double factor)
{
    m_scale.zoomAt(m_scale.left + m_scale.width / 2, factor);
    userChangedRange();
}

void TimelineView::setVisibleRange(double start, double nsPerPx)
{
    if (!std::isfinite(start) || !std::isfinite(nsPerPx) || nsPerPx <= 0)
        return; // a range nobody can draw
    m_follow = false;
    m_scale.start = start;
    m_scale.nsPerPx = nsPerPx;
    update();
}

void TimelineView::userChangedRange()
{
    m_follow = false;
    m_scale.clampTo(double(fitLength()));
    update();
    emit rangeChanged(m_scale.start, m_scale.nsPerPx);
}

void TimelineView::setSelectedCall(qsizetype callIndex)
{
    m_selected = callIndex;
    update();
}

void TimelineView::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        setTheme(Theme::forPalette(palette()));
    QWidget::changeEvent(event);
}

QList<int> TimelineView::shownRows() const
{
    if (!m_model || m_model->isEmpty())
        return {};
    return m_model->rowsAt(m_playhead);
}

void TimelineView::relayout()
{
    const double oldWidth = m_scale.width;
    m_scale.left = LabelWidth;
    m_scale.width = std::max(10, width() - LabelWidth - RightMargin);
    if (oldWidth != m_scale.width && oldWidth > 1 && !m_follow)
        m_scale.nsPerPx = std::clamp(m_scale.nsPerPx * oldWidth / m_scale.width,
                                     TimeScale::MinNsPerPx, TimeScale::MaxNsPerPx);
    const int lanesTop = LanesTop + m_headerHeight - HeaderHeight;
    const double available = height() - lanesTop - 6;
    m_layout = LaneLayout::make(int(shownRows().size()), lanesTop, available);
    const double overflow = std::max(0.0, m_layout.rows * m_layout.rowHeight - available);
    m_scrollY = std::clamp(m_scrollY, 0.0, overflow);
    m_layout.top = lanesTop - m_scrollY;
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
    follow();
}

TimelineFrame TimelineView::frame() const
{
    TimelineFrame f;
    f.model = m_model;
    f.theme = m_theme;
    f.scale = m_scale;
    f.layout = m_layout;
    f.rows = shownRows();
    f.title = m_title;
    f.font = font();
    f.size = size();
    f.playhead = m_playhead;
    f.liveLag = m_live ? m_liveLag : 0;
    f.selected = m_selected;
    f.maxArrowLength = m_maxArrowLength;
    f.scrollY = m_scrollY;
    f.live = m_live;
    f.followed = m_followed;
    f.headerHeight = m_headerHeight;
    f.busy = m_hasBusy ? &m_busy : nullptr;
    f.cores = QThread::idealThreadCount();
    return f;
}

RunSummary TimelineView::summary() const
{
    return TimelineHeader::summary(m_model, m_playhead);
}

QString TimelineView::summaryText() const
{
    return TimelineHeader::summaryText(summary());
}

qsizetype TimelineView::arrowsInView() const
{
    const TimelineFrame f = frame();
    return TimelineRenderer(f).arrowsInView();
}

bool TimelineView::arrowsHidden() const
{
    const TimelineFrame f = frame();
    return TimelineRenderer(f).arrowsHidden();
}

HitGeometry TimelineView::hitGeometry() const
{
    return frame().hitGeometry();
}

QString TimelineView::toolTipAt(QPointF pos) const
{
    const TimelineFrame f = frame();
    return TimelineTips(f).at(pos);
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    TimelineFrame f = frame();
    // The figures once per frame: the header's height (they wrap in a narrow window) and
    // the header itself are drawn from them.
    const RunSummary s = summary();
    f.summary = &s;
    const int headerHeight = TimelineHeader::height(f);
    if (headerHeight != m_headerHeight) {
        m_headerHeight = headerHeight;
        relayout();
        f = frame();
        f.summary = &s;
    }
    TimelineRenderer(f).paint(p);
    if (m_drag == Drag::Zoom) { // the range a right-drag will zoom to
        const double x0 =
            std::clamp(std::min(m_pressPos.x(), m_lastPos.x()), m_scale.left, m_scale.right());
        const double x1 =
            std::clamp(std::max(m_pressPos.x(), m_lastPos.x()), m_scale.left, m_scale.right());
        const QRectF band(x0, f.axisTop(), x1 - x0, height() - f.axisTop());
        p.fillRect(band, m_theme.rubberBand);
        p.setPen(QPen(m_theme.playhead, 1, Qt::DashLine));
        p.drawRect(band);
        p.setPen(m_theme.text);
        p.drawText(band.adjusted(4, 4, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   formatDuration(m_scale.toTime(x1) - m_scale.toTime(x0)));
    }
}

// ---- interaction ------------------------------------------------------------------------

void TimelineView::zoomToPhase(int index)
{
    if (!m_model || index < 0 || index >= m_model->trace().phases().size())
        return;
    const PhaseRecord &ph = m_model->trace().phases().at(index);
    const double b = double(m_model->relative(ph.begin));
    const double e = ph.end >= 0 ? double(m_model->relative(ph.end)) : double(m_playhead);
    if (e <= b)
        return;
    m_scale.zoomToPixels(m_scale.toX(b), m_scale.toX(e));
    userChangedRange();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    m_hoverTimer->stop();
    emit engaged();
    m_pressPos = m_lastPos = event->position();
    const bool onAxis = event->position().y() >= m_headerHeight &&
                        event->position().y() < m_headerHeight + AxisHeight;
    const int phasesTop = m_headerHeight + AxisHeight + StripHeight;
    const bool onPhases = event->position().y() >= phasesTop &&
                          event->position().y() < phasesTop + PhaseHeight;
    if (event->button() == Qt::LeftButton && onPhases && m_model &&
        event->position().x() >= m_scale.left) {
        const qint64 t = qint64(m_scale.toTime(event->position().x()));
        const int phase = t <= m_playhead ? m_model->phaseAt(t) : -1;
        if (phase >= 0) {
            zoomToPhase(phase);
            event->accept();
            return;
        }
    }
    if (event->button() == Qt::RightButton ||
        (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier))) {
        m_drag = Drag::Zoom;
    } else if (event->button() == Qt::LeftButton && onAxis &&
               event->position().x() >= m_scale.left) {
        m_drag = Drag::Scrub;
        emit scrubbed(std::max<qint64>(0, qint64(m_scale.toTime(event->position().x()))));
    } else if (event->button() == Qt::LeftButton) {
        m_drag = Drag::Maybe;
    }
    event->accept();
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    switch (m_drag) {
    case Drag::Maybe:
        if ((pos - m_pressPos).manhattanLength() < 4)
            break;
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
        Q_FALLTHROUGH();
    case Drag::Pan:
        m_scale.panBy(pos.x() - m_lastPos.x());
        userChangedRange();
        break;
    case Drag::Zoom:
        update();
        break;
    case Drag::Scrub:
        emit scrubbed(std::max<qint64>(0, qint64(m_scale.toTime(std::max(pos.x(), m_scale.left)))));
        break;
    case Drag::None:
        break;
    }
    m_lastPos = pos;
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = m_drag;
    m_drag = Drag::None;
    unsetCursor();
    if (drag == Drag::Zoom) {
        m_scale.zoomToPixels(std::clamp(m_pressPos.x(), m_scale.left, m_scale.right()),
                             std::clamp(event->position().x(), m_scale.left, m_scale.right()));
        userChangedRange();
    } else if (drag == Drag::Maybe && m_model) {
        const Hit hit = event->position().y() < LanesTop + m_headerHeight - HeaderHeight
                            ? Hit()
                            : hitTest(*m_model, hitGeometry(), event->position());
        const qsizetype call = hit.count == 1 ? hit.callIndex(*m_model) : -1;
        setSelectedCall(call);
        emit callClicked(call);
    }
    update();
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *)
{
    fitToWindow();
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    const bool overflow = m_scrollY > 0 || m_layout.bottom() > height();
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = delta.y() / 120.0;
        m_scale.zoomAt(std::clamp(event->position().x(), m_scale.left, m_scale.right()),
                       std::pow(1.25, steps));
    } else if (overflow && delta.x() == 0 && !(event->modifiers() & Qt::ShiftModifier)) {
        // More lanes than fit: the wheel scrolls them; Shift+wheel still pans in time.
        m_scrollY -= delta.y() / 120.0 * m_layout.rowHeight * 3;
        relayout();
        update();
        event->accept();
        return;
    } else {
        const int d = delta.x() != 0 ? delta.x() : delta.y();
        m_scale.panBy(d / 120.0 * m_scale.width * 0.1);
    }
    userChangedRange();
    event->accept();
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace procession::gui
