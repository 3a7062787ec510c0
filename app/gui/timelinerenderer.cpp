#include "timelinerenderer.h"

#include "parallelismstrip.h"

#include "lod.h"
#include "timelineheader.h"
#include "timelinelegend.h"
#include "timelinemodel.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace procession::gui {

using namespace TimelineMetrics;

namespace {

// A count in at most four characters or so: 950, 9.5k, 101k, 1.2M.
QString compactCount(qint64 n)
{
    if (n < 10000)
        return QString::number(n);
    if (n < 100000)
        return QString::number(double(n) / 1e3, 'f', 1) + QLatin1Char('k');
    if (n < 1000000)
        return QString::number(qRound64(double(n) / 1e3)) + QLatin1Char('k');
    return QString::number(double(n) / 1e6, 'f', 1) + QLatin1Char('M');
}

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

} // namespace

bool TimelineFrame::hasRun() const
{
    return model && !model->isEmpty();
}

HitGeometry TimelineFrame::hitGeometry() const
{
    HitGeometry g;
    g.scale = scale;
    g.layout = layout;
    g.rows = rows;
    g.now = playhead;
    g.minWidthPx = MinBarPx;
    return g;
}

void TimelineRenderer::paint(QPainter &p) const
{
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(QRect(QPoint(0, 0), m_f.size), m_f.theme.background);
    TimelineHeader(m_f, m_f.hasRun() && arrowsHidden()).paint(p);
    if (!m_f.hasRun()) {
        paintEmpty(p); // no axis: a scale of nothing reads as a run of length zero
        return;
    }
    paintAxis(p);
    paintBusy(p);
    TimelineLegend::paint(p, m_f);
    p.save();
    p.setClipRect(QRectF(0, m_f.lanesTop(), width(), height() - m_f.lanesTop()));
    paintLanes(p);
    paintArrows(p);
    paintMarkers(p);
    p.restore();
    paintScrollHint(p);
    paintPlayhead(p);
}

void TimelineRenderer::paintBusy(QPainter &p) const
{
    const QRectF strip(m_f.scale.left, m_f.stripTop(), m_f.scale.width, StripHeight);
    p.setPen(m_f.theme.mutedText);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    p.setFont(small);
    if (!m_f.busy) {
        p.drawText(QRectF(8, strip.top(), LabelWidth - 12, StripHeight),
                   Qt::AlignVCenter | Qt::AlignLeft, tr("busy workers: —"));
        return;
    }
    p.drawText(QRectF(8, strip.top(), LabelWidth - 12, StripHeight),
               Qt::AlignVCenter | Qt::AlignLeft,
               tr("busy workers (peak %1)").arg(m_f.busy->peak()));
    // Only what has happened: the strip stops at the playhead, as the lanes do.
    p.save();
    p.setClipRect(strip.adjusted(
        0, 0, std::min(0.0, m_f.scale.toX(double(m_f.playhead)) - strip.right()), 0));
    paintParallelism(p, strip, *m_f.busy, m_f.scale, 0, m_f.cores, m_f.theme.startup,
                     m_f.theme.crash);
    p.restore();
}

void TimelineRenderer::paintEmpty(QPainter &p) const
{
    p.setPen(m_f.theme.mutedText);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    p.setFont(f);
    p.drawText(QRectF(0, m_f.phasesTop(), width(), height() - m_f.phasesTop()), Qt::AlignCenter,
               tr("Pick a scenario and press Run (F5) — or open a saved trace (Ctrl+O)."));
}

void TimelineRenderer::paintScrollHint(QPainter &p) const
{
    if (m_f.scrollY <= 0 && m_f.layout.bottom() <= height())
        return;
    // A hint that more lanes are below or above.
    const double view = height() - m_f.lanesTop();
    const double content = m_f.layout.rows * m_f.layout.rowHeight;
    const QRectF thumb(width() - 6, m_f.lanesTop() + view * m_f.scrollY / content, 4,
                       view * view / content);
    p.setPen(Qt::NoPen);
    p.setBrush(withAlpha(m_f.theme.mutedText, 140));
    p.drawRoundedRect(thumb, 2, 2);
}

QList<int> TimelineRenderer::layoutRows() const
{
    QList<int> layoutRowOf(m_f.model->lanes().size(), -1);
    for (int r = 0; r < m_f.rows.size(); ++r)
        layoutRowOf[m_f.rows[r]] = r;
    return layoutRowOf;
}

void TimelineRenderer::paintAxis(QPainter &p) const
{
    const double top = m_f.axisTop();
    p.setFont(font());
    const QFontMetrics fm(font());
    p.setPen(m_f.theme.axisText);
    const auto ticks =
        axisTicks(m_f.scale, std::max(90, fm.horizontalAdvance(QStringLiteral("000.0 ms")) + 24));
    // A tick label half hidden under the playhead's time reads as nonsense ("s"): skip it.
    const QRectF playhead = playheadBox().adjusted(-4, 0, 4, 0);
    for (const AxisTick &t : ticks) {
        const double x = std::round(m_f.scale.toX(t.t)) + 0.5;
        p.setPen(QPen(m_f.theme.grid, 1));
        p.drawLine(QPointF(x, top + AxisHeight - 6), QPointF(x, height()));
        const double w = fm.horizontalAdvance(t.label);
        if (!playhead.isNull() && std::abs(x - playhead.center().x()) < (w + playhead.width()) / 2)
            continue;
        p.setPen(m_f.theme.axisText);
        p.drawText(QRectF(x - 60, top + 2, 120, AxisHeight - 8), Qt::AlignCenter, t.label);
    }
    p.setPen(m_f.theme.grid);
    p.drawLine(QPointF(m_f.scale.left, top + AxisHeight - 0.5),
               QPointF(m_f.scale.right(), top + AxisHeight - 0.5));
    // Scenario phases as tags under the axis line.
    if (m_f.model && !m_f.model->isEmpty()) {
        QFont small = font();
        small.setPointSizeF(font().pointSizeF() * 0.85);
        p.setFont(small);
        const QList<PhaseRecord> &phases = m_f.model->trace().phases();
        for (qsizetype i = 0; i < phases.size(); ++i) {
            const PhaseRecord &ph = phases.at(i);
            const double b = double(m_f.model->relative(ph.begin));
            if (b > m_f.playhead)
                continue;
            const double x = std::max(m_f.scale.toX(b), m_f.scale.left);
            const double e =
                ph.end >= 0 ? double(m_f.model->relative(ph.end)) : double(m_f.playhead);
            const double x1 =
                std::min(m_f.scale.toX(std::min(e, double(m_f.playhead))), m_f.scale.right());
            if (x1 <= x)
                continue;
            const QRectF strip(x, m_f.phasesTop() + 1, x1 - x, PhaseHeight - 2);
            p.fillRect(strip, m_f.theme.laneBandAlt);
            p.setPen(QPen(m_f.theme.mutedText, 1));
            p.drawLine(strip.topLeft(), strip.bottomLeft());
            // The phase's length, growing while it runs ("greet in parallel · 1.001 s").
            const double length = std::min(e, double(m_f.playhead)) - b;
            const QFontMetrics sfm(small);
            // A phase that has ended also says its speedup (work / wall); hover for the rest.
            QString figures = formatPhaseDuration(length);
            const QList<PhaseSummary> &done = m_f.model->phaseFigures();
            if (ph.end >= 0 && e <= double(m_f.playhead) && i < done.size() && done.at(i).end >= 0)
                figures += QStringLiteral(" · %1×").arg(done.at(i).figures.speedup, 0, 'f', 2);
            const QString label =
                fitPhaseLabel(ph.name, figures, strip.width() - 8, [&sfm](const QString &t) {
                    return double(sfm.horizontalAdvance(t));
                });
            p.setPen(m_f.theme.text);
            p.drawText(strip.adjusted(4, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter, label);
        }
    }
}

void TimelineRenderer::paintLanes(QPainter &p) const
{
    const QFontMetrics fm(font());
    QFont bold = font();
    bold.setBold(true);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    const QFontMetrics sfm(small);
    const double plotL = m_f.scale.left, plotR = m_f.scale.right();

    for (int r = 0; r < m_f.rows.size(); ++r) {
        const TimelineLane &lane = m_f.model->lanes().at(m_f.rows.at(r));
        const QRectF bar = m_f.layout.rowRect(r, 0, width());
        p.fillRect(QRectF(0, bar.top(), width(), bar.height()),
                   r % 2 ? m_f.theme.laneBandAlt : m_f.theme.laneBand);

        // Label column: a dot in the lane's colour, the name, the pid.
        const QColor laneColor = m_f.theme.laneColor(lane.lane);
        p.setPen(Qt::NoPen);
        p.setBrush(laneColor);
        p.drawEllipse(QPointF(12, bar.center().y()), 4, 4);
        p.setFont(bold);
        p.setPen(lane.crashed ? m_f.theme.crash : m_f.theme.text);
        const bool twoLines = bar.height() >= fm.height() * 2;
        const QString pid = lane.pid > 0 ? tr("pid %1").arg(lane.pid) : tr("starting…");
        if (twoLines) {
            p.drawText(QRectF(22, bar.top(), LabelWidth - 26, bar.height() / 2 + 2),
                       Qt::AlignLeft | Qt::AlignBottom, lane.name);
            p.setFont(small);
            p.setPen(lane.crashed ? m_f.theme.crash : m_f.theme.mutedText);
            p.drawText(QRectF(22, bar.center().y() + 1, LabelWidth - 26, bar.height() / 2),
                       Qt::AlignLeft | Qt::AlignTop,
                       lane.neverStarted ? tr("could not start")
                       : lane.crashed    ? tr("%1 · crashed").arg(pid)
                                         : pid);
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
            const qint64 to = lane.exit >= 0 ? std::min(lane.exit, m_f.playhead) : m_f.playhead;
            if (from >= 0 && to > from) {
                p.setPen(QPen(withAlpha(laneColor, 110), 2));
                const double y = bar.center().y();
                p.drawLine(QPointF(m_f.scale.toX(double(from)), y),
                           QPointF(m_f.scale.toX(double(to)), y));
            }
        }

        // On the main lane, calls made here fill the upper part and awaits the lower part.
        const bool split = lane.lane == 0 && !lane.awaits.isEmpty();
        const QRectF callRect =
            split ? QRectF(bar.left(), bar.top(), bar.width(), bar.height() * 0.55) : bar;
        const QRectF awaitRect =
            QRectF(bar.left(), bar.top() + bar.height() * 0.6, bar.width(), bar.height() * 0.4);

        auto draw = [&](const QRectF &visible, const QString &t, const QColor &color,
                        const QFont &f) {
            p.setFont(f);
            p.setPen(color);
            p.drawText(visible.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, t);
        };
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
            draw(visible, t, color, f);
        };

        const auto items =
            visibleItems(lane.spans, lane.spanMaxEnd, m_f.scale, m_f.playhead, MinBarPx);
        auto colorOf = [&](const Span &s) {
            if (s.failed)
                return m_f.theme.failed;
            return s.call >= 0 ? m_f.theme.functionColor(m_f.model->callAt(s.call).function)
                               : m_f.theme.startup;
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
                p.setBrush(withAlpha(m_f.theme.startup, m_f.theme.dark ? 60 : 45));
                p.drawRect(sr);
                p.setBrush(QBrush(m_f.theme.startup, Qt::BDiagPattern));
                p.drawRect(sr);
                p.setPen(QPen(m_f.theme.startup, 1));
                p.setBrush(Qt::NoBrush);
                p.drawRect(sr);
                if (sr.width() > 40) {
                    const QString text = sr.width() > 120
                                             ? tr("start-up %1")
                                                   .arg(formatDuration(double(
                                                       (it.open ? m_f.playhead : s.end) - s.start)))
                                             : tr("start-up");
                    drawLabel(sr, text, m_f.theme.text, small);
                }
                continue;
            }
            const CallRecord *call = s.call >= 0 ? &m_f.model->callAt(s.call) : nullptr;
            const QColor fill = colorOf(s);
            const bool flight = s.kind == Span::Kind::Flight;
            if (it.merged()) { // filled above
                // "100861 calls" where it fits, else "101k calls", else "101k": never cut
                // off into "100861 c…".
                const QRectF visible =
                    rect.intersected(QRectF(plotL, rect.top(), plotR - plotL, rect.height()));
                const QFontMetrics sfm(small);
                const QString count = compactCount(it.count);
                for (const QString &t : {tr("%n calls", nullptr, int(it.count)),
                                         tr("%1 calls").arg(count), count}) {
                    if (rect.width() >= 24 && sfm.horizontalAdvance(t) <= visible.width() - 8) {
                        draw(visible, t, m_f.theme.barText, small);
                        break;
                    }
                }
                continue;
            }
            // A failed call may take microseconds: keep it wide enough to see it is red.
            if (s.failed && rect.width() < 4)
                rect.setWidth(4);
            if (flight) { // light, but opaque: the lifeline must not run through the label
                p.setPen(Qt::NoPen);
                p.setBrush(m_f.theme.background);
                p.drawRoundedRect(rect, 3, 3);
            }
            // A running call's dashed outline with a cosmetic pen: a dashed pen of width 1.2
            // is stroked as a path of dashes, a quarter of a live frame for four long bars.
            QPen outline = flight ? QPen(fill, 1, Qt::DashLine) : QPen(fill.darker(125), 1);
            outline.setCosmetic(flight);
            p.setPen(outline);
            p.setBrush(flight ? withAlpha(fill, 70) : fill);
            p.drawRoundedRect(rect, 3, 3);
            if (s.call == m_f.selected && s.call >= 0) {
                p.setPen(QPen(m_f.theme.selection, 3));
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
                drawLabel(rect, text, flight ? m_f.theme.text : m_f.theme.barText, font());
            }
        }

        if (lane.lane == 0) {
            const auto waits =
                visibleItems(lane.awaits, lane.awaitMaxEnd, m_f.scale, m_f.playhead, MinBarPx);
            BlockBatch thin; // too narrow for rounded corners to show
            for (const DrawItem &it : waits) {
                const Span &s = lane.awaits.at(it.first);
                const QRectF rect(it.x0, awaitRect.top(), std::max(it.x1 - it.x0, MinBarPx),
                                  awaitRect.height());
                const QColor &color = s.failed ? m_f.theme.awaitFailed : m_f.theme.await;
                if (rect.width() < 6) {
                    thin.add(color, rect);
                    continue;
                }
                p.setPen(Qt::NoPen);
                p.setBrush(color);
                p.drawRoundedRect(rect, 2, 2);
                if (!it.merged() && s.call >= 0 && rect.width() > 50) {
                    const CallRecord &c = m_f.model->callAt(s.call);
                    drawLabel(rect, tr("await %1 #%2").arg(c.function).arg(c.id), m_f.theme.text,
                              small);
                }
            }
            thin.fill(p);
        }
        p.restore();
    }
}

QRectF TimelineRenderer::playheadBox() const
{
    if (!m_f.model || m_f.model->isEmpty())
        return {};
    if (m_f.model->trace().finished() && m_f.playhead >= m_f.model->duration() && !m_f.live)
        return {}; // at rest at the end: the picture is complete, no line needed
    const double x = m_f.scale.toX(double(m_f.playhead));
    if (x < m_f.scale.left || x > m_f.scale.right())
        return {};
    const QFontMetrics fm(font());
    const double w = fm.horizontalAdvance(formatDuration(double(m_f.playhead))) + 10;
    return QRectF(std::min(x - w / 2, m_f.scale.right() - w), m_f.axisTop() + 3, w, AxisHeight - 8);
}

void TimelineRenderer::paintPlayhead(QPainter &p) const
{
    const QRectF box = playheadBox();
    if (box.isNull())
        return;
    const double x = m_f.scale.toX(double(m_f.playhead));
    p.setPen(QPen(m_f.theme.playhead, 2));
    p.drawLine(QPointF(x, m_f.axisTop() + 4), QPointF(x, height()));
    const QString label = formatDuration(double(m_f.playhead));
    p.setPen(Qt::NoPen);
    p.setBrush(m_f.theme.playhead);
    p.drawRoundedRect(box, 3, 3);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, label);
}

} // namespace procession::gui
