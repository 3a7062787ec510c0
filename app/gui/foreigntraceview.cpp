#include "foreigntraceview.h"

#include "parallelismstrip.h"

#include <QHelpEvent>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QThread>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace procession::gui {

namespace {

QColor sliceColor(const Theme &theme, quint32 name, const ChromeTimeline &t)
{
    Q_UNUSED(theme);
    // A stable hue per name; names are interned, so this is cheap per slice.
    const uint h = qHash(t.string(name));
    return QColor::fromHsv(int(h % 360), 110 + int((h >> 9) % 60), 200 + int((h >> 17) % 40));
}

QString argsText(const QByteArray &json)
{
    if (json.isEmpty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    QString text = doc.isNull() ? QString::fromUtf8(json)
                                : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    if (text.size() > 1200)
        text = text.left(1200) + QStringLiteral("\n…");
    return text;
}

} // namespace

ForeignTraceView::ForeignTraceView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ForeignTraceView::setTrace(std::shared_ptr<const ChromeTimeline> trace, const QString &title)
{
    m_trace = std::move(trace);
    m_title = title;
    m_layout = m_trace ? TraceLayout::of(*m_trace) : TraceLayout();
    m_selected = -1;
    m_scroll = 0;
    m_playhead = -1;
    fit();
}

void ForeignTraceView::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

void ForeignTraceView::updateScale()
{
    m_scale.left = Gutter;
    m_scale.width = std::max(10.0, width() - Gutter - 8);
}

void ForeignTraceView::fit()
{
    updateScale();
    if (m_trace)
        m_scale.fit(0, double(std::max<qint64>(1, m_trace->end() - m_trace->start())));
    m_fitted = true;
    update();
}

void ForeignTraceView::zoomTo(qint64 from, qint64 to)
{
    updateScale();
    m_scale.fit(double(from), double(std::max(to, from + 1)));
    m_fitted = false;
    update();
}

void ForeignTraceView::setPlayhead(qint64 t)
{
    m_playhead = t;
    update();
}

qint64 ForeignTraceView::span() const
{
    return m_trace ? m_trace->end() - m_trace->start() : 0;
}

// The nearest slice edge or instant strictly after (forward) or before t, ns from the start.
// A linear walk: it runs once per key press, ~2 ms for a million slices.
qint64 ForeignTraceView::eventNear(qint64 t, bool forward) const
{
    if (!m_trace)
        return -1;
    const qint64 at = m_trace->start() + t;
    qint64 best = -1;
    auto consider = [&](qint64 x) {
        const bool side = forward ? x > at : (x < at && x >= m_trace->start());
        if (side && (best < 0 || (forward ? x < best : x > best)))
            best = x;
    };
    for (const TraceSlice &s : m_trace->slices()) {
        consider(s.begin);
        consider(s.end);
    }
    for (const TraceInstant &i : m_trace->instants())
        consider(i.t);
    return best < 0 ? -1 : best - m_trace->start();
}

void ForeignTraceView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    const double oldWidth = m_scale.width;
    updateScale();
    if (m_fitted)
        fit();              // still showing the whole trace: keep showing all of it
    else if (oldWidth > 10) // keep the same time range across the new width
        m_scale.nsPerPx *= oldWidth / m_scale.width;
    clampScroll();
}

void ForeignTraceView::clampScroll()
{
    const double visible = height() - rowsTop();
    m_scroll = std::clamp(m_scroll, 0.0, std::max(0.0, m_layout.height - visible + 20));
}

double ForeignTraceView::rowY(qint32 lane, int depth) const
{
    const double y = m_layout.yOf(lane, depth);
    return y < 0 ? -1 : y + rowsTop() - m_scroll;
}

void ForeignTraceView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), m_theme.background);
    if (!m_trace) {
        p.setPen(m_theme.mutedText);
        p.drawText(rect(), Qt::AlignCenter, tr("No trace"));
        return;
    }
    paintRows(p);
    paintInstants(p);
    paintFlows(p);
    // Header, axis and strip stay put over the scrolled rows.
    p.fillRect(QRectF(0, 0, width(), rowsTop()), m_theme.background);
    paintHeader(p);
    paintAxis(p);
    const double t0 = double(m_trace->start());
    // During replay the strip, like the lanes, shows only what has happened.
    QRectF strip(Gutter, HeaderHeight + AxisHeight, m_scale.width, StripHeight);
    p.save();
    if (m_playhead >= 0)
        p.setClipRect(strip.adjusted(0, 0, m_scale.toX(double(m_playhead)) - strip.right(), 0));
    paintParallelism(p, strip, m_trace->parallelism(), m_scale, t0, QThread::idealThreadCount(),
                     m_theme.startup, m_theme.crash);
    p.restore();
    p.setPen(m_theme.mutedText);
    p.drawText(QRectF(6, HeaderHeight + AxisHeight, Gutter - 10, StripHeight),
               Qt::AlignLeft | Qt::AlignVCenter,
               tr("busy lanes: peak %1,\naverage %2; - - %3 cores")
                   .arg(m_trace->parallelism().peak())
                   .arg(m_trace->parallelism().average(), 0, 'f', 2)
                   .arg(QThread::idealThreadCount()));
    if (m_playhead >= 0) {
        const double x = m_scale.toX(double(m_playhead));
        p.setPen(QPen(m_theme.playhead, 2));
        p.drawLine(QPointF(x, HeaderHeight), QPointF(x, height()));
    }
}

void ForeignTraceView::paintHeader(QPainter &p)
{
    const ChromeTimeline &t = *m_trace;
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(m_theme.text);
    p.drawText(QRectF(8, 2, width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter, m_title);
    p.setFont(font());
    qint64 skipped = 0;
    for (qint64 n : t.skipped())
        skipped += n;
    QString line = tr("span %1 · %2 events · %3 processes · %4 threads · %5 slices · %6 flows")
                       .arg(formatDuration(double(t.end() - t.start())))
                       .arg(t.events())
                       .arg(t.processes().size())
                       .arg(t.threadLanes())
                       .arg(t.slices().size())
                       .arg(t.flows().size());
    if (skipped)
        line += tr(" · %1 not drawn").arg(skipped);
    if (t.unfinished())
        line += tr(" · %1 unfinished").arg(t.unfinished());
    p.setPen(m_theme.mutedText);
    p.drawText(QRectF(8, 21, width() - 16, 18), Qt::AlignLeft | Qt::AlignVCenter, line);
}

void ForeignTraceView::paintAxis(QPainter &p)
{
    const double y = HeaderHeight;
    p.setPen(m_theme.axisText);
    for (const AxisTick &tick : axisTicks(m_scale)) {
        const double x = m_scale.toX(tick.t);
        p.drawLine(QPointF(x, y + AxisHeight - 4), QPointF(x, y + AxisHeight));
        p.drawText(QRectF(x + 3, y, 120, AxisHeight), Qt::AlignLeft | Qt::AlignVCenter, tick.label);
    }
}

void ForeignTraceView::paintRows(QPainter &p)
{
    const double top = rowsTop();
    const qsizetype first = std::max<qsizetype>(0, m_layout.rowAt(m_scroll));
    for (qsizetype i = first; i < m_layout.rows.size(); ++i) {
        const TraceLayout::Row &row = m_layout.rows.at(i);
        const double y = row.y + top - m_scroll;
        if (y > height())
            break;
        switch (row.kind) {
        case TraceLayout::RowKind::Process: {
            p.fillRect(QRectF(0, y, width(), row.height), m_theme.laneBandAlt);
            QFont bold = font();
            bold.setBold(true);
            p.setFont(bold);
            p.setPen(m_theme.text);
            p.drawText(QRectF(6, y, width() - 12, row.height), Qt::AlignLeft | Qt::AlignVCenter,
                       m_trace->processes().at(row.process).label());
            p.setFont(font());
            break;
        }
        case TraceLayout::RowKind::Lane:
            paintLaneRow(p, row, y);
            break;
        case TraceLayout::RowKind::Counter:
            paintCounter(p, row, y);
            break;
        }
    }
}

void ForeignTraceView::paintLaneRow(QPainter &p, const TraceLayout::Row &row, double y)
{
    const ChromeTimeline &t = *m_trace;
    const TraceLane &lane = t.lanes().at(row.lane);
    if (row.depth == 0) {
        p.setPen(m_theme.grid);
        p.drawLine(QPointF(0, y), QPointF(width(), y));
        p.setPen(m_theme.text);
        const QString label =
            QFontMetrics(font()).elidedText(lane.label(), Qt::ElideMiddle, int(Gutter - 20));
        p.drawText(QRectF(14, y, Gutter - 18, row.height), Qt::AlignLeft | Qt::AlignVCenter, label);
    }
    if (row.depth >= lane.rows)
        return;
    const qint64 t0 = t.start();
    const qint64 visibleFrom = qint64(m_scale.start) + t0;
    const qint64 visibleTo = m_playhead >= 0 ? std::min(qint64(m_scale.end()), m_playhead) + t0
                                             : qint64(m_scale.end()) + t0;
    const auto &slices = t.slices();
    const auto rowBegin = slices.begin() + lane.rowFirst.at(row.depth);
    const auto rowEnd = slices.begin() + lane.rowFirst.at(row.depth + 1);
    auto it = std::lower_bound(rowBegin, rowEnd, visibleFrom,
                               [](const TraceSlice &s, qint64 v) { return s.begin < v; });
    if (it != rowBegin)
        --it; // the slice before may reach into view (a row's slices do not overlap)
    p.save();
    p.setClipRect(QRectF(Gutter, y, m_scale.width, row.height));
    const QFontMetrics fm(font());
    while (it != rowEnd && it->begin <= visibleTo) {
        const TraceSlice &s = *it;
        qint64 end = s.end;
        if (m_playhead >= 0)
            end = std::min(end, m_playhead + t0);
        double x0 = m_scale.toX(double(s.begin - t0));
        double x1 = m_scale.toX(double(end - t0));
        if (x1 < Gutter) {
            ++it;
            continue;
        }
        const QColor color = sliceColor(m_theme, s.name, t);
        if (x1 - x0 < 1.0) {
            // Level of detail: one pixel column for everything that starts within it, then
            // jump to the first slice beginning in the next column.
            const double column = std::floor(x0);
            p.fillRect(QRectF(column, y + 1, 1, row.height - 2), color.darker(115));
            const qint64 nextT = qint64(m_scale.toTime(column + 1)) + t0;
            it = std::lower_bound(it + 1, rowEnd, nextT,
                                  [](const TraceSlice &a, qint64 v) { return a.begin < v; });
            continue;
        }
        const QRectF r(x0, y + 1, x1 - x0, row.height - 2);
        p.fillRect(r, color);
        if (s.flags & TraceSlice::Unfinished) { // runs to the end: a hatched tail
            p.fillRect(r, QBrush(m_theme.text, Qt::BDiagPattern));
        }
        if (qint32(it - slices.begin()) == m_selected) {
            p.setPen(QPen(m_theme.selection, 2));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
        if (r.width() > 24) {
            p.setPen(m_theme.barText);
            const double left = std::max(r.left(), Gutter) + 3;
            p.drawText(QRectF(left, y, r.right() - left - 2, row.height),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(t.string(s.name), Qt::ElideRight, int(r.right() - left - 2)));
        }
        ++it;
    }
    p.restore();
}

void ForeignTraceView::paintCounter(QPainter &p, const TraceLayout::Row &row, double y)
{
    const CounterTrack &c = m_trace->counters().at(row.counter);
    p.setPen(m_theme.mutedText);
    p.drawText(QRectF(14, y, Gutter - 18, row.height), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(font()).elidedText(c.name, Qt::ElideMiddle, int(Gutter - 20)));
    if (c.t.isEmpty())
        return;
    const double range = c.max > c.min ? c.max - c.min : 1;
    const qint64 t0 = m_trace->start();
    auto yOf = [&](double v) {
        return y + row.height - 3 - (v - c.min) / range * (row.height - 6);
    };
    p.save();
    p.setClipRect(QRectF(Gutter, y, m_scale.width, row.height));
    QPainterPath path;
    const auto from = std::lower_bound(c.t.begin(), c.t.end(), qint64(m_scale.start) + t0);
    qsizetype i = std::max<qsizetype>(0, (from - c.t.begin()) - 1);
    double lastX = -1e9;
    path.moveTo(m_scale.toX(double(c.t.at(i) - t0)), yOf(c.value.at(i)));
    for (; i < c.t.size(); ++i) {
        const qint64 ts = c.t.at(i);
        if (m_playhead >= 0 && ts - t0 > m_playhead)
            break;
        const double x = m_scale.toX(double(ts - t0));
        if (x > m_scale.right())
            break;
        if (x - lastX < 0.5 && i + 1 < c.t.size())
            continue; // several samples in one pixel: the path keeps the last
        path.lineTo(x, path.currentPosition().y());
        path.lineTo(x, yOf(c.value.at(i)));
        lastX = x;
    }
    p.setPen(QPen(m_theme.dispatchTick, 1.2));
    p.drawPath(path);
    p.restore();
}

void ForeignTraceView::paintInstants(QPainter &p)
{
    const ChromeTimeline &t = *m_trace;
    const qint64 t0 = t.start();
    p.save();
    p.setClipRect(QRectF(Gutter, rowsTop(), m_scale.width, height() - rowsTop()));
    double lastX = -1;
    double lastY = -1;
    for (const TraceInstant &in : t.instants()) {
        if (m_playhead >= 0 && in.t - t0 > m_playhead)
            continue;
        const double x = m_scale.toX(double(in.t - t0));
        if (x < Gutter || x > m_scale.right())
            continue;
        if (in.scope == TraceInstant::Scope::Global) {
            p.setPen(QPen(m_theme.join, 1, Qt::DotLine));
            p.drawLine(QPointF(x, rowsTop()), QPointF(x, height()));
            continue;
        }
        double y = in.lane >= 0 ? rowY(in.lane, 0) : -1;
        if (y < 0 && in.process >= 0) { // process scope: on the process row
            for (const TraceLayout::Row &r : m_layout.rows)
                if (r.kind == TraceLayout::RowKind::Process && r.process == in.process) {
                    y = r.y + rowsTop() - m_scroll;
                    break;
                }
        }
        if (y < 0 || (std::abs(x - lastX) < 1 && y == lastY))
            continue;
        lastX = x;
        lastY = y;
        QPolygonF mark;
        mark << QPointF(x - 4, y) << QPointF(x + 4, y) << QPointF(x, y + 7);
        p.setPen(Qt::NoPen);
        p.setBrush(m_theme.exit);
        p.drawPolygon(mark);
    }
    p.restore();
}

void ForeignTraceView::paintFlows(QPainter &p)
{
    const ChromeTimeline &t = *m_trace;
    const qint64 t0 = t.start();
    p.save();
    p.setClipRect(QRectF(Gutter, rowsTop(), m_scale.width, height() - rowsTop()));
    p.setRenderHint(QPainter::Antialiasing);
    int drawn = 0;
    for (const TraceFlow &f : t.flows()) {
        if (m_playhead >= 0 && f.toT - t0 > m_playhead)
            continue;
        const double x0 = m_scale.toX(double(f.fromT - t0));
        const double x1 = m_scale.toX(double(f.toT - t0));
        if (std::max(x0, x1) < Gutter || std::min(x0, x1) > m_scale.right())
            continue;
        auto endY = [&](qint32 slice, qint32 lane) {
            const int depth = slice >= 0 ? t.slices()[std::size_t(slice)].depth : 0;
            const double y = rowY(lane, depth);
            return y < 0 ? -1 : y + TraceLayout::RowHeight / 2;
        };
        const double y0 = endY(f.fromSlice, f.fromLane);
        const double y1 = endY(f.toSlice, f.toLane);
        if (y0 < 0 || y1 < 0 || (y0 > height() && y1 > height()))
            continue;
        if (++drawn > 4000)
            break; // past this, arrows are a grey fog: zoom in to see them
        QPainterPath path(QPointF(x0, y0));
        const double bend = std::max(12.0, std::abs(x1 - x0) / 3);
        path.cubicTo(QPointF(x0 + bend, y0), QPointF(x1 - bend, y1), QPointF(x1, y1));
        p.setPen(QPen(m_theme.arrow, 1.2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        QPolygonF head;
        head << QPointF(x1, y1) << QPointF(x1 - 7, y1 - 3.5) << QPointF(x1 - 7, y1 + 3.5);
        p.setBrush(m_theme.arrow);
        p.drawPolygon(head);
    }
    p.restore();
}

qint32 ForeignTraceView::sliceAt(const QPointF &pos) const
{
    if (!m_trace || pos.x() < Gutter || pos.y() < rowsTop())
        return -1;
    const qsizetype r = m_layout.rowAt(pos.y() - rowsTop() + m_scroll);
    if (r < 0)
        return -1;
    const TraceLayout::Row &row = m_layout.rows.at(r);
    if (row.kind != TraceLayout::RowKind::Lane)
        return -1;
    const TraceLane &lane = m_trace->lanes().at(row.lane);
    if (row.depth >= lane.rows)
        return -1;
    const qint64 t = qint64(m_scale.toTime(pos.x())) + m_trace->start();
    const qint64 slack = qint64(m_scale.nsPerPx * 2); // thin slices are hard to hit
    const auto &slices = m_trace->slices();
    const auto first = slices.begin() + lane.rowFirst.at(row.depth);
    const auto last = slices.begin() + lane.rowFirst.at(row.depth + 1);
    auto it = std::upper_bound(first, last, t + slack,
                               [](qint64 v, const TraceSlice &s) { return v < s.begin; });
    if (it == first)
        return -1;
    --it;
    // During replay a slice that has not begun yet is not drawn, so not there to hit.
    if (m_playhead >= 0 && it->begin - m_trace->start() > m_playhead)
        return -1;
    return it->end + slack >= t ? qint32(it - slices.begin()) : -1;
}

QString ForeignTraceView::describeSlice(qint32 slice) const
{
    if (!m_trace || slice < 0 || slice >= qint32(m_trace->slices().size()))
        return {};
    const ChromeTimeline &t = *m_trace;
    const TraceSlice &s = t.slices()[std::size_t(slice)];
    const TraceLane &lane = t.lanes().at(s.lane);
    QString text =
        QStringLiteral("<b>%1</b><br>%2 · %3<br>at %4, lasting %5")
            .arg(t.string(s.name).toHtmlEscaped(),
                 t.processes().at(lane.process).label().toHtmlEscaped(),
                 lane.label().toHtmlEscaped(), formatDuration(double(s.begin - t.start())),
                 formatDuration(double(s.end - s.begin)));
    if (s.flags & TraceSlice::Unfinished)
        text += tr("<br><i>never ended: drawn to the end of the trace</i>");
    const QString args = argsText(t.args(s.args));
    if (!args.isEmpty())
        text += QStringLiteral("<pre>%1</pre>").arg(args.toHtmlEscaped());
    return text;
}

bool ForeignTraceView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = describeSlice(sliceAt(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void ForeignTraceView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ControlModifier) {
        m_scale.zoomAt(event->position().x(), std::pow(1.25, steps));
        m_fitted = false;
    } else {
        m_scroll -= steps * 3 * TraceLayout::RowHeight;
        clampScroll();
    }
    update();
}

void ForeignTraceView::mousePressEvent(QMouseEvent *event)
{
    m_dragFrom = event->position();
    m_dragScaleStart = m_scale.start;
    m_dragging = false;
}

void ForeignTraceView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const double dx = event->position().x() - m_dragFrom.x();
    if (std::abs(dx) > 3 || m_dragging) {
        m_dragging = true;
        m_scale.start = m_dragScaleStart - dx * m_scale.nsPerPx;
        m_fitted = false;
        update();
    }
}

void ForeignTraceView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging) {
        m_dragging = false;
        return;
    }
    m_selected = sliceAt(event->position());
    emit sliceSelected(describeSlice(m_selected));
    update();
}

void ForeignTraceView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_0 && (event->modifiers() & Qt::ControlModifier))
        fit();
    else if (event->key() == Qt::Key_Space)
        emit playRequested();
    else if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal)
        m_scale.zoomAt(m_scale.left + m_scale.width / 2, 1.5), m_fitted = false, update();
    else if (event->key() == Qt::Key_Minus)
        m_scale.zoomAt(m_scale.left + m_scale.width / 2, 1 / 1.5), m_fitted = false, update();
    else
        QWidget::keyPressEvent(event);
}

} // namespace procession::gui
