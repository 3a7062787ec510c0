#include "timelineview.h"

#include "lod.h"
#include "timelinemodel.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace procession::gui {

namespace {

constexpr double MinBarPx = 1.0;

// Rectangles to fill, grouped by colour, then filled with one QPainter::drawRects() per
// colour, on whole pixels and without antialiasing. Zoomed out, a lane is a hundred or
// more blocks of merged calls and thin awaits; filled one by one, each fill of a fractional,
// antialiased rectangle went through Qt's threaded span filler (a QSemaphore hand-off per
// rectangle): 40 µs each on a two-vCPU VM, most of a frame for a 100,000-call run.
class BlockBatch
{
public:
    void add(const QColor &color, const QRectF &rect)
    {
        // Outward to whole pixels: a block never looks thinner than the calls it stands for.
        const QRectF r(QPointF(std::floor(rect.left()), std::floor(rect.top())),
                       QPointF(std::ceil(rect.right()), std::ceil(rect.bottom())));
        for (Group &g : m_groups)
            if (g.color == color) {
                g.rects.append(r);
                return;
            }
        m_groups.append(Group{color, {r}});
    }
    void fill(QPainter &p) const
    {
        if (m_groups.isEmpty())
            return;
        p.save();
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        for (const Group &g : m_groups) {
            p.setBrush(g.color);
            p.drawRects(g.rects.constData(), int(g.rects.size()));
        }
        p.restore();
    }

private:
    struct Group
    {
        QColor color;
        QList<QRectF> rects;
    };
    QList<Group> m_groups;
};

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

// Whole seconds keep two decimals ("4.00 s"), so the figures of two runs line up.
QString secondsText(double s)
{
    return s >= 1 ? QString::number(s, 'f', 2) + QStringLiteral(" s") : formatDuration(s * 1e9);
}

QString escaped(const QString &s)
{
    return s.toHtmlEscaped();
}

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

void drawArrowHead(QPainter &p, QPointF tip, QPointF from, double size)
{
    const QPointF d = tip - from;
    const double len = std::hypot(d.x(), d.y());
    if (len < 0.5)
        return;
    const QPointF u = d / len;
    const QPointF n(-u.y(), u.x());
    QPolygonF head;
    head << tip << tip - u * size + n * size * 0.45 << tip - u * size - n * size * 0.45;
    p.drawPolygon(head);
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
    m_maxArrowLength = 0;
    if (m_model) {
        for (const Arrow &a : m_model->arrows())
            m_maxArrowLength = std::max(m_maxArrowLength, (a.to < 0 ? a.from : a.to) - a.from);
    }
    if (m_selected >= 0 && (!m_model || m_selected >= m_model->trace().calls().size()))
        m_selected = -1;
    relayout();
    follow();
    update();
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

void TimelineView::setLive(bool live)
{
    m_live = live;
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
    const double available = height() - LanesTop - 6;
    m_layout = LaneLayout::make(int(shownRows().size()), LanesTop, available);
    const double overflow = std::max(0.0, m_layout.rows * m_layout.rowHeight - available);
    m_scrollY = std::clamp(m_scrollY, 0.0, overflow);
    m_layout.top = LanesTop - m_scrollY;
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
    follow();
}

RunSummary TimelineView::summary() const
{
    if (!m_model)
        return {};
    const TraceModel &t = m_model->trace();
    if (t.finished())
        return t.summary();
    RunSummary s = t.summary(t.t0() + m_playhead);
    // Live, a remote call's begin and end arrive with its result: count the work of calls
    // in flight up to now, so the figures grow with the picture instead of jumping at the end.
    for (const TimelineLane &l : m_model->lanes())
        for (const Span &span : l.spans)
            if (span.kind == Span::Kind::Flight && span.start < m_playhead)
                s.workS += double(m_playhead - span.start) / 1e9;
    s.speedup = s.wallS > 0 ? s.workS / s.wallS : 0;
    return s;
}

QString TimelineView::summaryText() const
{
    const RunSummary s = summary();
    const QChar dot(0x00b7);
    return QStringLiteral(
               "wall %1 %2 work %3 %2 speedup %4× %2 overhead: start-up %5, dispatch %6, return %7")
        .arg(secondsText(s.wallS), dot, secondsText(s.workS), QString::number(s.speedup, 'f', 2),
             secondsText(s.startupS), secondsText(s.dispatchS), secondsText(s.returnS));
}

TimelineView::ArrowRange TimelineView::arrowCandidates() const
{
    if (!m_model)
        return {};
    const QList<Arrow> &arrows = m_model->arrows();
    const qint64 viewStart = qint64(m_scale.start);
    const qint64 viewEnd = std::min(qint64(m_scale.end()), m_playhead);
    auto first = std::lower_bound(arrows.cbegin(), arrows.cend(), viewStart - m_maxArrowLength,
                                  [](const Arrow &a, qint64 t) { return a.from < t; });
    auto last = std::upper_bound(arrows.cbegin(), arrows.cend(), viewEnd,
                                 [](qint64 t, const Arrow &a) { return t < a.from; });
    if (last < first)
        last = first;
    return {first - arrows.cbegin(), last - arrows.cbegin()};
}

qsizetype TimelineView::arrowsInView() const
{
    if (!m_model)
        return 0;
    const ArrowRange range = arrowCandidates();
    const qsizetype budget = arrowBudget(m_scale.width);
    const qint64 viewStart = qint64(m_scale.start);
    qsizetype n = 0;
    for (qsizetype i = range.first; i < range.last && n <= budget; ++i) {
        const Arrow &a = m_model->arrows().at(i);
        if (std::max(a.from, a.to < 0 ? m_playhead : a.to) >= viewStart)
            ++n; // it reaches into the view (an earlier, longer arrow widened the search)
    }
    return n;
}

bool TimelineView::arrowsHidden() const
{
    return !arrowsFit(arrowsInView(), m_scale.width);
}

HitGeometry TimelineView::hitGeometry() const
{
    HitGeometry g;
    g.scale = m_scale;
    g.layout = m_layout;
    g.rows = shownRows();
    g.now = m_playhead;
    g.minWidthPx = MinBarPx;
    return g;
}

// ---- painting ---------------------------------------------------------------------------

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_theme.background);
    paintHeader(p);
    paintAxis(p);
    if (!m_model || m_model->isEmpty()) {
        p.setPen(m_theme.mutedText);
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.15);
        p.setFont(f);
        p.drawText(rect().adjusted(0, HeaderHeight + AxisHeight, 0, 0), Qt::AlignCenter,
                   tr("Pick a scenario and press Run (F5) — or open a saved trace (Ctrl+O)."));
        return;
    }
    const QList<int> rows = shownRows();
    p.save();
    p.setClipRect(QRectF(0, LanesTop, width(), height() - LanesTop));
    paintLanes(p, rows);
    paintArrows(p, rows);
    paintMarkers(p, rows);
    p.restore();
    if (m_scrollY > 0 ||
        m_layout.bottom() > height()) { // a hint that more lanes are below or above
        const double view = height() - LanesTop;
        const double content = m_layout.rows * m_layout.rowHeight;
        const QRectF thumb(width() - 6, LanesTop + view * m_scrollY / content, 4,
                           view * view / content);
        p.setPen(Qt::NoPen);
        p.setBrush(withAlpha(m_theme.mutedText, 140));
        p.drawRoundedRect(thumb, 2, 2);
    }
    paintPlayhead(p);
    if (m_drag == Drag::Zoom) {
        const double x0 =
            std::clamp(std::min(m_pressPos.x(), m_lastPos.x()), m_scale.left, m_scale.right());
        const double x1 =
            std::clamp(std::max(m_pressPos.x(), m_lastPos.x()), m_scale.left, m_scale.right());
        const QRectF band(x0, HeaderHeight, x1 - x0, height() - HeaderHeight);
        p.fillRect(band, m_theme.rubberBand);
        p.setPen(QPen(m_theme.playhead, 1, Qt::DashLine));
        p.drawRect(band);
        p.setPen(m_theme.text);
        p.drawText(band.adjusted(4, 4, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   formatDuration(m_scale.toTime(x1) - m_scale.toTime(x0)));
    }
}

void TimelineView::paintHeader(QPainter &p) const
{
    const QRectF area(0, 0, width(), HeaderHeight);
    p.fillRect(area, m_theme.laneBandAlt);
    p.setPen(m_theme.grid);
    p.drawLine(QPointF(0, HeaderHeight - 0.5), QPointF(width(), HeaderHeight - 0.5));

    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(font().pointSizeF() * 1.2);
    p.setFont(titleFont);
    p.setPen(m_theme.text);
    const QString title = m_title.isEmpty() ? tr("No run yet") : m_title;

    // Status on the right: live, finished, or what went wrong.
    QString status;
    QColor statusColor = m_theme.mutedText;
    if (m_model && !m_model->isEmpty()) {
        const TraceModel &t = m_model->trace();
        if (t.running()) {
            status = tr("● live  %1").arg(formatDuration(double(m_playhead)));
            statusColor = m_theme.playhead;
        } else if (t.finished()) {
            const int code = t.runExitCode();
            status = code == 0     ? tr("finished")
                     : code >= 128 ? tr("stopped")
                                   : tr("finished with problems");
            if (code != 0)
                statusColor = m_theme.failed;
            if (m_playhead < m_model->duration())
                status = tr("replay %1 / %2")
                             .arg(formatDuration(double(m_playhead)),
                                  formatDuration(double(m_model->duration())));
        }
    }
    QFont statusFont = font();
    statusFont.setBold(true);
    const int statusWidth = QFontMetrics(statusFont).horizontalAdvance(status) + 16;
    // A quiet note in the corner when the arrows are too many to draw.
    QFont noteFont = font();
    noteFont.setPointSizeF(font().pointSizeF() * 0.85);
    noteFont.setItalic(true);
    const QString note =
        m_model && !m_model->isEmpty() && arrowsHidden() ? tr("arrows hidden: zoom in") : QString();
    const int noteWidth = note.isEmpty() ? 0 : QFontMetrics(noteFont).horizontalAdvance(note) + 14;
    const QFontMetrics tfm(titleFont);
    const int titleRoom = width() - 24 - statusWidth - noteWidth;
    p.drawText(QRectF(12, 6, titleRoom, tfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               tfm.elidedText(title, Qt::ElideRight, titleRoom));
    p.setFont(statusFont);
    p.setPen(statusColor);
    p.drawText(QRectF(width() - statusWidth - 8, 6, statusWidth, tfm.height()),
               Qt::AlignRight | Qt::AlignVCenter, status);
    if (!note.isEmpty()) {
        p.setFont(noteFont);
        p.setPen(m_theme.mutedText);
        p.drawText(QRectF(width() - statusWidth - 8 - noteWidth, 6, noteWidth, tfm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, note);
    }
    if (m_followed) { // compare mode: the console and the recipe below show this run
        p.fillRect(QRectF(0, 0, 4, HeaderHeight), m_theme.selection);
    }

    if (!m_model || m_model->isEmpty())
        return;
    // Figures: muted names, bold values.
    const RunSummary s = summary();
    const double overhead = s.startupS + s.dispatchS + s.returnS;
    const QList<std::pair<QString, QString>> parts = {
        {tr("wall"), secondsText(s.wallS)},
        {tr("work"), secondsText(s.workS)},
        // CPU time the calls really used: where bars are longer than this, workers were
        // waiting (sleeping, or sharing too few cores).
        {tr("CPU"), s.finishedCalls > 0 ? secondsText(s.cpuS) : QStringLiteral("—")},
        {tr("speedup"), QString::number(s.speedup, 'f', 2) + QStringLiteral("×")},
        {tr("overhead"), secondsText(overhead)},
        {tr("start-up"), secondsText(s.startupS)},
        {tr("dispatch"), secondsText(s.dispatchS)},
        {tr("return"), secondsText(s.returnS)},
    };
    QFont name = font();
    QFont value = font();
    value.setBold(true);
    {
        // A narrow window gets smaller figures rather than cut-off ones.
        double need = 12 + 8 * 22;
        for (const auto &part : parts)
            need += QFontMetrics(name).horizontalAdvance(part.first) + 5 +
                    QFontMetrics(value).horizontalAdvance(part.second);
        const double shrink = std::clamp((width() - 16) / need, 0.72, 1.0);
        name.setPointSizeF(name.pointSizeF() * shrink);
        value.setPointSizeF(value.pointSizeF() * shrink);
    }
    const QFontMetrics nfm(name), vfm(value);
    double x = 12;
    const double y = 6 + tfm.height() + 4 + vfm.ascent();
    for (int i = 0; i < parts.size(); ++i) {
        if (i == 5) {
            p.setFont(name);
            p.setPen(m_theme.mutedText);
            x -= 8;
            p.drawText(QPointF(x, y), QStringLiteral("("));
            x += nfm.horizontalAdvance(QStringLiteral("("));
        }
        p.setFont(name);
        p.setPen(m_theme.mutedText);
        p.drawText(QPointF(x, y), parts[i].first);
        x += nfm.horizontalAdvance(parts[i].first) + 5;
        p.setFont(value);
        p.setPen(m_theme.text);
        p.drawText(QPointF(x, y), parts[i].second);
        x += vfm.horizontalAdvance(parts[i].second);
        if (i == 7) {
            p.setFont(name);
            p.setPen(m_theme.mutedText);
            p.drawText(QPointF(x + 1, y), QStringLiteral(")"));
        }
        x += i >= 5 ? 14 : 22;
    }
    if (s.crashes > 0 || s.failedCalls > 0) {
        p.setFont(value);
        p.setPen(m_theme.failed);
        // Plurals spelled out: no translation is loaded to turn "call(s)" into English.
        QString bad =
            s.failedCalls == 1 ? tr("1 failed call") : tr("%1 failed calls").arg(s.failedCalls);
        if (s.crashes > 0)
            bad += s.crashes == 1 ? tr(", 1 crash") : tr(", %1 crashes").arg(s.crashes);
        p.drawText(QPointF(std::max(x + 10, width() - vfm.horizontalAdvance(bad) - 12.0), y), bad);
    }
}

void TimelineView::paintAxis(QPainter &p) const
{
    const double top = HeaderHeight;
    p.setFont(font());
    const QFontMetrics fm(font());
    p.setPen(m_theme.axisText);
    const auto ticks =
        axisTicks(m_scale, std::max(90, fm.horizontalAdvance(QStringLiteral("000.0 ms")) + 24));
    // A tick label half hidden under the playhead's time reads as nonsense ("s"): skip it.
    const QRectF playhead = playheadBox().adjusted(-4, 0, 4, 0);
    for (const AxisTick &t : ticks) {
        const double x = std::round(m_scale.toX(t.t)) + 0.5;
        p.setPen(QPen(m_theme.grid, 1));
        p.drawLine(QPointF(x, top + AxisHeight - 6), QPointF(x, height()));
        const double w = fm.horizontalAdvance(t.label);
        if (!playhead.isNull() && std::abs(x - playhead.center().x()) < (w + playhead.width()) / 2)
            continue;
        p.setPen(m_theme.axisText);
        p.drawText(QRectF(x - 60, top + 2, 120, AxisHeight - 8), Qt::AlignCenter, t.label);
    }
    p.setPen(m_theme.grid);
    p.drawLine(QPointF(m_scale.left, top + AxisHeight - 0.5),
               QPointF(m_scale.right(), top + AxisHeight - 0.5));
    // Scenario phases as tags under the axis line.
    if (m_model && !m_model->isEmpty()) {
        QFont small = font();
        small.setPointSizeF(font().pointSizeF() * 0.85);
        p.setFont(small);
        for (const PhaseRecord &ph : m_model->trace().phases()) {
            const double b = double(m_model->relative(ph.begin));
            if (b > m_playhead)
                continue;
            const double x = std::max(m_scale.toX(b), m_scale.left);
            const double e = ph.end >= 0 ? double(m_model->relative(ph.end)) : double(m_playhead);
            const double x1 =
                std::min(m_scale.toX(std::min(e, double(m_playhead))), m_scale.right());
            if (x1 <= x)
                continue;
            const QRectF strip(x, top + AxisHeight + 1, x1 - x, PhaseHeight - 2);
            p.fillRect(strip, m_theme.laneBandAlt);
            p.setPen(QPen(m_theme.mutedText, 1));
            p.drawLine(strip.topLeft(), strip.bottomLeft());
            // The phase's length, growing while it runs ("greet in parallel · 1.001 s").
            const double length = std::min(e, double(m_playhead)) - b;
            const QFontMetrics sfm(small);
            const QString label = fitPhaseLabel(
                ph.name, formatPhaseDuration(length), strip.width() - 8,
                [&sfm](const QString &t) { return double(sfm.horizontalAdvance(t)); });
            p.setPen(m_theme.text);
            p.drawText(strip.adjusted(4, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter, label);
        }
    }
}

void TimelineView::paintLanes(QPainter &p, const QList<int> &rows) const
{
    const QFontMetrics fm(font());
    QFont bold = font();
    bold.setBold(true);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    const QFontMetrics sfm(small);
    const double plotL = m_scale.left, plotR = m_scale.right();

    for (int r = 0; r < rows.size(); ++r) {
        const TimelineLane &lane = m_model->lanes().at(rows.at(r));
        const QRectF bar = m_layout.rowRect(r, 0, width());
        p.fillRect(QRectF(0, bar.top(), width(), bar.height()),
                   r % 2 ? m_theme.laneBandAlt : m_theme.laneBand);

        // Label column: a dot in the lane's colour, the name, the pid.
        const QColor laneColor = m_theme.laneColor(lane.lane);
        p.setPen(Qt::NoPen);
        p.setBrush(laneColor);
        p.drawEllipse(QPointF(12, bar.center().y()), 4, 4);
        p.setFont(bold);
        p.setPen(lane.crashed ? m_theme.crash : m_theme.text);
        const bool twoLines = bar.height() >= fm.height() * 2;
        const QString pid = lane.pid > 0 ? tr("pid %1").arg(lane.pid) : tr("starting…");
        if (twoLines) {
            p.drawText(QRectF(22, bar.top(), LabelWidth - 26, bar.height() / 2 + 2),
                       Qt::AlignLeft | Qt::AlignBottom, lane.name);
            p.setFont(small);
            p.setPen(lane.crashed ? m_theme.crash : m_theme.mutedText);
            p.drawText(QRectF(22, bar.center().y() + 1, LabelWidth - 26, bar.height() / 2),
                       Qt::AlignLeft | Qt::AlignTop,
                       lane.crashed ? tr("%1 · crashed").arg(pid) : pid);
        } else {
            p.drawText(QRectF(22, bar.top(), LabelWidth - 26, bar.height()),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(lane.name + QStringLiteral(" · ") + pid, Qt::ElideRight,
                                     LabelWidth - 26));
        }

        p.save();
        p.setClipRect(QRectF(plotL, bar.top() - 2, plotR - plotL + 1, bar.height() + 4),
                      Qt::IntersectClip);

        // The process's lifeline: a thin line while it exists.
        if (lane.lane != 0) {
            const qint64 from = lane.ready >= 0 ? lane.ready : lane.fork;
            const qint64 to = lane.exit >= 0 ? std::min(lane.exit, m_playhead) : m_playhead;
            if (from >= 0 && to > from) {
                p.setPen(QPen(withAlpha(laneColor, 110), 2));
                const double y = bar.center().y();
                p.drawLine(QPointF(m_scale.toX(double(from)), y),
                           QPointF(m_scale.toX(double(to)), y));
            }
        }

        // On the main lane, calls made here fill the upper part and awaits the lower part.
        const bool split = lane.lane == 0 && !lane.awaits.isEmpty();
        const QRectF callRect =
            split ? QRectF(bar.left(), bar.top(), bar.width(), bar.height() * 0.55) : bar;
        const QRectF awaitRect =
            QRectF(bar.left(), bar.top() + bar.height() * 0.6, bar.width(), bar.height() * 0.4);

        auto drawLabel = [&](const QRectF &rect, const QString &text, const QColor &color,
                             const QFont &f) {
            if (rect.width() < 24)
                return;
            const QFontMetrics lfm(f);
            const QRectF visible =
                rect.intersected(QRectF(plotL, rect.top(), plotR - plotL, rect.height()));
            const QString t = lfm.elidedText(text, Qt::ElideRight, int(visible.width() - 8));
            if (t.isEmpty() || t == QStringLiteral("…"))
                return;
            p.setFont(f);
            p.setPen(color);
            p.drawText(visible.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, t);
        };

        const auto items = visibleItems(lane.spans, lane.spanMaxEnd, m_scale, m_playhead, MinBarPx);
        auto colorOf = [&](const Span &s) {
            if (s.failed)
                return m_theme.failed;
            return s.call >= 0 ? m_theme.functionColor(m_model->callAt(s.call).function)
                               : m_theme.startup;
        };
        // Blocks of merged calls first, in one fill per colour (see BlockBatch).
        {
            BlockBatch blocks;
            for (const DrawItem &it : items)
                if (it.merged())
                    blocks.add(withAlpha(colorOf(lane.spans.at(it.first)), 200),
                               QRectF(it.x0, callRect.top(), std::max(it.x1 - it.x0, MinBarPx),
                                      callRect.height()));
            blocks.fill(p);
        }
        for (const DrawItem &it : items) {
            const Span &s = lane.spans.at(it.first);
            QRectF rect(it.x0, callRect.top(), std::max(it.x1 - it.x0, MinBarPx),
                        callRect.height());
            if (s.kind == Span::Kind::Startup && !it.merged()) {
                const QRectF sr = rect.adjusted(0, rect.height() * 0.15, 0, -rect.height() * 0.15);
                p.setPen(Qt::NoPen);
                p.setBrush(withAlpha(m_theme.startup, m_theme.dark ? 60 : 45));
                p.drawRect(sr);
                p.setBrush(QBrush(m_theme.startup, Qt::BDiagPattern));
                p.drawRect(sr);
                p.setPen(QPen(m_theme.startup, 1));
                p.setBrush(Qt::NoBrush);
                p.drawRect(sr);
                if (sr.width() > 40) {
                    const QString text = sr.width() > 120
                                             ? tr("start-up %1")
                                                   .arg(formatDuration(double(
                                                       (it.open ? m_playhead : s.end) - s.start)))
                                             : tr("start-up");
                    drawLabel(sr, text, m_theme.text, small);
                }
                continue;
            }
            const CallRecord *call = s.call >= 0 ? &m_model->callAt(s.call) : nullptr;
            const QColor fill = colorOf(s);
            const bool flight = s.kind == Span::Kind::Flight;
            if (it.merged()) { // filled above
                if (rect.width() > 60)
                    drawLabel(rect, tr("%n calls", nullptr, int(it.count)), m_theme.barText, small);
                continue;
            }
            // A failed call may take microseconds: keep it wide enough to see it is red.
            if (s.failed && rect.width() < 4)
                rect.setWidth(4);
            if (flight) { // light, but opaque: the lifeline must not run through the label
                p.setPen(Qt::NoPen);
                p.setBrush(m_theme.background);
                p.drawRoundedRect(rect, 3, 3);
            }
            p.setPen(flight ? QPen(fill, 1.2, Qt::DashLine) : QPen(fill.darker(125), 1));
            p.setBrush(flight ? withAlpha(fill, 70) : fill);
            p.drawRoundedRect(rect, 3, 3);
            if (s.call == m_selected && s.call >= 0) {
                p.setPen(QPen(m_theme.selection, 3));
                p.setBrush(Qt::NoBrush);
                p.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), 4, 4);
            }
            if (call) {
                QString text = call->label();
                if (flight)
                    text += tr("  running…");
                else if (!it.open &&
                         rect.width() > QFontMetrics(font()).horizontalAdvance(text) + 80)
                    text += QStringLiteral("   ") + formatDuration(double(s.end - s.start));
                drawLabel(rect, text, flight ? m_theme.text : m_theme.barText, font());
            }
        }

        if (lane.lane == 0) {
            const auto waits =
                visibleItems(lane.awaits, lane.awaitMaxEnd, m_scale, m_playhead, MinBarPx);
            BlockBatch thin; // too narrow for rounded corners to show
            for (const DrawItem &it : waits) {
                const Span &s = lane.awaits.at(it.first);
                const QRectF rect(it.x0, awaitRect.top(), std::max(it.x1 - it.x0, MinBarPx),
                                  awaitRect.height());
                const QColor &color = s.failed ? m_theme.awaitFailed : m_theme.await;
                if (rect.width() < 6) {
                    thin.add(color, rect);
                    continue;
                }
                p.setPen(Qt::NoPen);
                p.setBrush(color);
                p.drawRoundedRect(rect, 2, 2);
                if (!it.merged() && s.call >= 0 && rect.width() > 50) {
                    const CallRecord &c = m_model->callAt(s.call);
                    drawLabel(rect, tr("await %1 #%2").arg(c.function).arg(c.id), m_theme.text,
                              small);
                }
            }
            thin.fill(p);
        }
        p.restore();
    }
}

void TimelineView::paintArrows(QPainter &p, const QList<int> &rows) const
{
    const QList<Arrow> &arrows = m_model->arrows();
    if (arrows.isEmpty())
        return;
    // Too many to tell apart: the bars say enough, and the header says the arrows are hidden.
    if (arrowsHidden())
        return;
    QList<int> layoutRowOf(m_model->lanes().size(), -1);
    for (int r = 0; r < rows.size(); ++r)
        layoutRowOf[rows[r]] = r;
    const ArrowRange range = arrowCandidates();
    const auto first = arrows.cbegin() + range.first;
    const auto last = arrows.cbegin() + range.last;
    p.save();
    p.setClipRect(QRectF(m_scale.left, LanesTop, m_scale.width + 1, height() - LanesTop),
                  Qt::IntersectClip);
    for (auto it = first; it != last; ++it) {
        const Arrow &a = *it;
        const int fr = layoutRowOf.value(a.fromRow, -1), tr_ = layoutRowOf.value(a.toRow, -1);
        if (fr < 0 || tr_ < 0)
            continue;
        const bool down = a.kind == Arrow::Kind::Dispatch;
        const double y0 = down ? m_layout.rowTop(fr) + m_layout.barHeight() : m_layout.rowTop(fr);
        const double y1 = down ? m_layout.rowTop(tr_) : m_layout.rowTop(tr_) + m_layout.barHeight();
        const QPointF tail(m_scale.toX(double(a.from)), y0);
        QPointF head(m_scale.toX(double(a.to < 0 ? a.from : a.to)), y1);
        bool dashed = a.to < 0;
        if (a.to > a.from && m_playhead < a.to) // still flying
            head = tail + (head - tail) * (double(m_playhead - a.from) / double(a.to - a.from));
        QColor c = down ? m_theme.arrow : m_theme.returnArrow;
        if (a.failed)
            c = m_theme.failed;
        if (a.call == m_selected && m_selected >= 0)
            c = m_theme.selection;
        p.setPen(QPen(c, 1.4, dashed ? Qt::DashLine : Qt::SolidLine));
        p.drawLine(tail, head);
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        drawArrowHead(p, head, tail, 7);
    }
    p.restore();
}

void TimelineView::paintMarkers(QPainter &p, const QList<int> &rows) const
{
    const QList<Marker> &markers = m_model->markers();
    QList<int> layoutRowOf(m_model->lanes().size(), -1);
    for (int r = 0; r < rows.size(); ++r)
        layoutRowOf[rows[r]] = r;
    const qint64 viewStart = qint64(m_scale.start) - qint64(20 * m_scale.nsPerPx);
    const qint64 viewEnd = std::min(qint64(m_scale.end()), m_playhead);
    auto first = std::lower_bound(markers.cbegin(), markers.cend(), viewStart,
                                  [](const Marker &m, qint64 t) { return m.t < t; });
    auto last = std::upper_bound(markers.cbegin(), markers.cend(), viewEnd,
                                 [](qint64 t, const Marker &m) { return t < m.t; });
    if (last < first) // the view starts after the playhead: nothing to draw
        last = first;
    const bool dense = last - first > m_scale.width / 4;
    QFont bold = font();
    bold.setBold(true);
    p.save();
    p.setClipRect(
        QRectF(m_scale.left - 10, HeaderHeight + AxisHeight, m_scale.width + 20, height()));
    for (auto it = first; it != last; ++it) {
        const Marker &m = *it;
        const int r = layoutRowOf.value(m.row, -1);
        if (r < 0)
            continue;
        const double x = m_scale.toX(double(m.t));
        const QRectF bar = m_layout.rowRect(r, 0, width());
        switch (m.kind) {
        case Marker::Kind::Dispatch: {
            if (dense)
                break;
            const double y = bar.bottom();
            p.setPen(QPen(m_theme.dispatchTick, 2));
            p.drawLine(QPointF(x, y - 5), QPointF(x, y + 1));
            break;
        }
        case Marker::Kind::Join: {
            const double h = bar.height() * 0.35;
            p.setPen(QPen(m_theme.join, 2.2));
            p.drawLine(QPointF(x, bar.center().y() - h), QPointF(x, bar.center().y() + h));
            p.drawLine(QPointF(x - 5, bar.center().y()), QPointF(x, bar.center().y()));
            break;
        }
        case Marker::Kind::Exit:
            p.setPen(QPen(m_theme.exit, 1.5));
            p.setBrush(m_theme.background);
            p.drawEllipse(QPointF(x, bar.center().y()), 3.5, 3.5);
            break;
        case Marker::Kind::Crash: {
            const double s = std::min(bar.height() * 0.32, 9.0);
            const QPointF c(x, bar.center().y());
            p.setPen(QPen(m_theme.background, 6, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(c + QPointF(-s, -s), c + QPointF(s, s));
            p.drawLine(c + QPointF(-s, s), c + QPointF(s, -s));
            p.setPen(QPen(m_theme.crash, 3.2, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(c + QPointF(-s, -s), c + QPointF(s, s));
            p.drawLine(c + QPointF(-s, s), c + QPointF(s, -s));
            const TimelineLane &lane = m_model->lanes().at(m.row);
            if (!lane.reason.isEmpty()) {
                p.setFont(bold);
                const QFontMetrics fm(bold);
                const double room = m_scale.right() - x - s - 8;
                QString text = fm.elidedText(lane.reason, Qt::ElideRight, int(std::max(0.0, room)));
                QRectF box(x + s + 6, bar.top(), fm.horizontalAdvance(text) + 8, bar.height());
                const double leftRoom = x - s - 8 - m_scale.left;
                // Where the sentence fits, or else where most of it does: right, or left of the
                // cross.
                if (fm.horizontalAdvance(lane.reason) > room && leftRoom > room) {
                    text = fm.elidedText(lane.reason, Qt::ElideRight, int(std::max(0.0, leftRoom)));
                    const double w = fm.horizontalAdvance(text) + 8;
                    box = QRectF(x - s - 6 - w, bar.top(), w, bar.height());
                }
                p.setPen(Qt::NoPen);
                p.setBrush(withAlpha(m_theme.background, 225));
                p.drawRoundedRect(box.adjusted(0, bar.height() * 0.2, 0, -bar.height() * 0.2), 3,
                                  3);
                p.setPen(m_theme.crash);
                p.drawText(box.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
            }
            break;
        }
        }
    }
    p.restore();
}

QRectF TimelineView::playheadBox() const
{
    if (!m_model || m_model->isEmpty())
        return {};
    if (m_model->trace().finished() && m_playhead >= m_model->duration() && !m_live)
        return {}; // at rest at the end: the picture is complete, no line needed
    const double x = m_scale.toX(double(m_playhead));
    if (x < m_scale.left || x > m_scale.right())
        return {};
    const QFontMetrics fm(font());
    const double w = fm.horizontalAdvance(formatDuration(double(m_playhead))) + 10;
    return QRectF(std::min(x - w / 2, m_scale.right() - w), HeaderHeight + 3, w, AxisHeight - 8);
}

void TimelineView::paintPlayhead(QPainter &p) const
{
    const QRectF box = playheadBox();
    if (box.isNull())
        return;
    const double x = m_scale.toX(double(m_playhead));
    p.setPen(QPen(m_theme.playhead, 2));
    p.drawLine(QPointF(x, HeaderHeight + 4), QPointF(x, height()));
    const QString label = formatDuration(double(m_playhead));
    p.setPen(Qt::NoPen);
    p.setBrush(m_theme.playhead);
    p.drawRoundedRect(box, 3, 3);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, label);
}

// ---- interaction ------------------------------------------------------------------------

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    m_hoverTimer->stop();
    emit engaged();
    m_pressPos = m_lastPos = event->position();
    const bool onAxis =
        event->position().y() >= HeaderHeight && event->position().y() < HeaderHeight + AxisHeight;
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
        const Hit hit = event->position().y() < LanesTop
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

QString TimelineView::phaseTip(QPointF pos) const
{
    const double t = m_scale.toTime(pos.x());
    if (pos.x() < m_scale.left || t > double(m_playhead))
        return {};
    const QList<PhaseRecord> &phases = m_model->trace().phases();
    for (qsizetype i = phases.size() - 1; i >= 0; --i) { // the latest phase begun by t
        const PhaseRecord &ph = phases.at(i);
        const double b = double(m_model->relative(ph.begin));
        if (b > t)
            continue;
        const double e = ph.end >= 0
                             ? std::min(double(m_model->relative(ph.end)), double(m_playhead))
                             : double(m_playhead);
        if (t > e)
            return {};
        return tr("<b>%1</b><br>%2 → %3: <b>%4</b>")
            .arg(escaped(ph.name), formatDuration(b), formatDuration(e),
                 formatPhaseDuration(e - b));
    }
    return {};
}

QString TimelineView::toolTipAt(QPointF pos) const
{
    if (!m_model || m_model->isEmpty())
        return {};
    if (pos.y() >= HeaderHeight + AxisHeight && pos.y() < HeaderHeight + AxisHeight + PhaseHeight)
        return phaseTip(pos);
    if (m_followed && pos.y() < HeaderHeight && pos.x() < 40)
        return tr("The console and the recipe below follow this run.");
    if (pos.y() < LanesTop) // rows scrolled under the axis
        return {};
    const Hit hit = hitTest(*m_model, hitGeometry(), pos);
    if (hit.kind == Hit::Kind::None)
        return {};
    const TimelineLane &lane = m_model->lanes().at(hit.row);
    const QString where =
        lane.pid > 0 ? tr("%1 · pid %2").arg(escaped(lane.name)).arg(lane.pid) : escaped(lane.name);
    auto t = [](qint64 ns) { return formatDuration(double(ns)); };
    if (hit.count > 1)
        return tr("<b>%1 calls</b> merged at this zoom<br>%2<br><i>Ctrl+wheel or a right-drag "
                  "zooms in</i>")
            .arg(hit.count)
            .arg(where);
    switch (hit.kind) {
    case Hit::Kind::Span:
    case Hit::Kind::Await: {
        const Span &s =
            hit.kind == Hit::Kind::Span ? lane.spans.at(hit.index) : lane.awaits.at(hit.index);
        const qint64 end = s.end < 0 || s.end > m_playhead ? m_playhead : s.end;
        if (s.kind == Span::Kind::Startup)
            return tr("<b>start-up of %1</b><br>fork %2 → ready %3: <b>%4</b><br>starting a "
                      "process, "
                      "loading the program and connecting back costs this, once per process")
                .arg(where, t(s.start), s.end >= 0 ? t(s.end) : tr("…"), t(end - s.start));
        const CallRecord &c = m_model->callAt(s.call);
        if (s.kind == Span::Kind::Await)
            return tr("<b>main waits for %1</b><br>%2 → %3: <b>%4</b>")
                .arg(escaped(c.label()), t(s.start), s.end >= 0 ? t(s.end) : tr("…"),
                     t(end - s.start));
        QString text = tr("<b>%1</b><br>%2<br>").arg(escaped(c.label()), where);
        if (s.kind == Span::Kind::Flight)
            return text + tr("dispatched at %1, running… (the worker stamps begin and end; "
                             "they arrive with the result)")
                              .arg(t(m_model->relative(c.dispatch)));
        text += tr("ran %1 → %2: <b>%3</b>").arg(t(s.start), t(s.end), t(s.end - s.start));
        if (c.finished)
            text += c.ok ? tr("<br>result: %1").arg(escaped(c.value))
                         : tr("<br><span style='color:%1'>error: %2</span>")
                               .arg(m_theme.failed.name(), escaped(c.error));
        return text + tr("<br><i>click for details</i>");
    }
    case Hit::Kind::Marker: {
        const Marker &m = m_model->markers().at(hit.index);
        switch (m.kind) {
        case Marker::Kind::Crash:
            return tr("<b style='color:%1'>crash</b> at %2<br>%3")
                .arg(m_theme.crash.name(), t(m.t), escaped(lane.reason));
        case Marker::Kind::Join:
            return tr("<b>join</b> %1 at %2: the parent asks the worker to exit")
                .arg(where, t(m.t));
        case Marker::Kind::Exit:
            return tr("<b>exit</b> %1 at %2, status %3").arg(where, t(m.t)).arg(lane.exitCode);
        case Marker::Kind::Dispatch:
            return tr("<b>dispatch</b> %1 at %2")
                .arg(escaped(m_model->callAt(m.call).label()), t(m.t));
        }
        break;
    }
    case Hit::Kind::Lane: {
        QString text = tr("<b>%1</b>").arg(where);
        if (lane.lane != 0 && lane.fork >= 0)
            text += tr("<br>forked at %1").arg(t(lane.fork));
        if (lane.exit >= 0)
            text += lane.crashed
                        ? tr("<br>crashed at %1: %2").arg(t(lane.exit), escaped(lane.reason))
                        : tr("<br>exited at %1 (status %2)").arg(t(lane.exit)).arg(lane.exitCode);
        return text;
    }
    case Hit::Kind::None:
        break;
    }
    return {};
}

} // namespace procession::gui
