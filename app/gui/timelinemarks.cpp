// TimelineRenderer, continued: the arrows between lanes (and whether they fit), and the
// markers (dispatch ticks, joins, exits, crashes). The rest of a frame is drawn in
// timelinerenderer.cpp.
#include "timelinerenderer.h"

#include "lod.h"
#include "theme.h"
#include "timelinemodel.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace procession::gui {

using namespace TimelineMetrics;

namespace {

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

TimelineRenderer::ArrowRange TimelineRenderer::arrowCandidates(const QList<Arrow> &arrows) const
{
    const qint64 viewStart = qint64(m_f.scale.start);
    const qint64 viewEnd = std::min(qint64(m_f.scale.end()), m_f.playhead);
    auto first = std::lower_bound(arrows.cbegin(), arrows.cend(), viewStart - m_f.maxArrowLength,
                                  [](const Arrow &a, qint64 t) { return a.from < t; });
    auto last = std::upper_bound(arrows.cbegin(), arrows.cend(), viewEnd,
                                 [](qint64 t, const Arrow &a) { return t < a.from; });
    if (last < first)
        last = first;
    return {first - arrows.cbegin(), last - arrows.cbegin()};
}

qsizetype TimelineRenderer::arrowsInView() const
{
    if (!m_f.model)
        return 0;
    const qsizetype budget = arrowBudget(m_f.scale.width);
    const qint64 viewStart = qint64(m_f.scale.start);
    qsizetype n = 0;
    for (const QList<Arrow> *arrows : {&m_f.model->dispatchArrows(), &m_f.model->returnArrows()}) {
        const ArrowRange range = arrowCandidates(*arrows);
        for (qsizetype i = range.first; i < range.last && n <= budget; ++i) {
            const Arrow &a = arrows->at(i);
            if (std::max(a.from, a.to < 0 ? m_f.playhead : a.to) >= viewStart)
                ++n; // it reaches into the view (an earlier, longer arrow widened the search)
        }
    }
    return n;
}

bool TimelineRenderer::arrowsHidden() const
{
    return !arrowsFit(arrowsInView(), m_f.scale.width);
}

void TimelineRenderer::paintArrows(QPainter &p) const
{
    if (m_f.model->dispatchArrows().isEmpty() && m_f.model->returnArrows().isEmpty())
        return;
    // Too many to tell apart: the bars say enough, and the header says the arrows are hidden.
    if (arrowsHidden())
        return;
    const QList<int> layoutRowOf = layoutRows();
    p.save();
    p.setClipRect(
        QRectF(m_f.scale.left, m_f.lanesTop(), m_f.scale.width + 1, height() - m_f.lanesTop()),
        Qt::IntersectClip);
    for (const QList<Arrow> *arrows : {&m_f.model->dispatchArrows(), &m_f.model->returnArrows()}) {
        const ArrowRange range = arrowCandidates(*arrows);
        for (qsizetype i = range.first; i < range.last; ++i) {
            const Arrow &a = arrows->at(i);
            const int fr = layoutRowOf.value(a.fromRow, -1), tr_ = layoutRowOf.value(a.toRow, -1);
            if (fr < 0 || tr_ < 0)
                continue;
            const bool down = a.kind == Arrow::Kind::Dispatch;
            const double y0 =
                down ? m_f.layout.rowTop(fr) + m_f.layout.barHeight() : m_f.layout.rowTop(fr);
            const double y1 =
                down ? m_f.layout.rowTop(tr_) : m_f.layout.rowTop(tr_) + m_f.layout.barHeight();
            const QPointF tail(m_f.scale.toX(double(a.from)), y0);
            QPointF head(m_f.scale.toX(double(a.to < 0 ? a.from : a.to)), y1);
            bool dashed = a.to < 0;
            if (a.to > a.from && m_f.playhead < a.to) // still flying
                head =
                    tail + (head - tail) * (double(m_f.playhead - a.from) / double(a.to - a.from));
            QColor c = down ? m_f.theme.arrow : m_f.theme.returnArrow;
            if (a.failed)
                c = m_f.theme.failed;
            if (a.call == m_f.selected && m_f.selected >= 0)
                c = m_f.theme.selection;
            p.setPen(QPen(c, 1.4, dashed ? Qt::DashLine : Qt::SolidLine));
            p.drawLine(tail, head);
            p.setPen(Qt::NoPen);
            p.setBrush(c);
            drawArrowHead(p, head, tail, 7);
        }
    }
    p.restore();
}

void TimelineRenderer::paintMarkers(QPainter &p) const
{
    const QList<int> layoutRowOf = layoutRows();
    const qint64 viewStart = qint64(m_f.scale.start) - qint64(20 * m_f.scale.nsPerPx);
    const qint64 viewEnd = std::min(qint64(m_f.scale.end()), m_f.playhead);
    auto inView = [&](const QList<Marker> &markers) {
        auto first = std::lower_bound(markers.cbegin(), markers.cend(), viewStart,
                                      [](const Marker &m, qint64 t) { return m.t < t; });
        auto last = std::upper_bound(markers.cbegin(), markers.cend(), viewEnd,
                                     [](qint64 t, const Marker &m) { return t < m.t; });
        return std::make_pair(first, std::max(first, last)); // none after the playhead
    };
    auto [first, last] = inView(m_f.model->markers());
    // More dispatch marks than one per four pixels are a hatch: only the lanes' own markers
    // are drawn, without walking the run's dispatch marks.
    const bool dense = last - first > m_f.scale.width / 4;
    const QList<Marker> laneMarkers = dense ? m_f.model->laneMarkers() : QList<Marker>();
    if (dense)
        std::tie(first, last) = inView(laneMarkers);
    QFont bold = font();
    bold.setBold(true);
    p.save();
    p.setClipRect(QRectF(m_f.scale.left - 10, m_f.phasesTop(), m_f.scale.width + 20, height()));
    for (auto it = first; it != last; ++it) {
        const Marker &m = *it;
        const int r = layoutRowOf.value(m.row, -1);
        if (r < 0)
            continue;
        const double x = m_f.scale.toX(double(m.t));
        const QRectF bar = m_f.layout.rowRect(r, 0, width());
        switch (m.kind) {
        case Marker::Kind::Dispatch: {
            const double y = bar.bottom();
            p.setPen(QPen(m_f.theme.dispatchTick, 2));
            p.drawLine(QPointF(x, y - 5), QPointF(x, y + 1));
            break;
        }
        case Marker::Kind::Join: {
            const double h = bar.height() * 0.35;
            p.setPen(QPen(m_f.theme.join, 2.2));
            p.drawLine(QPointF(x, bar.center().y() - h), QPointF(x, bar.center().y() + h));
            p.drawLine(QPointF(x - 5, bar.center().y()), QPointF(x, bar.center().y()));
            break;
        }
        case Marker::Kind::Exit:
            p.setPen(QPen(m_f.theme.exit, 1.5));
            p.setBrush(m_f.theme.background);
            p.drawEllipse(QPointF(x, bar.center().y()), 3.5, 3.5);
            break;
        case Marker::Kind::Crash: {
            const double s = std::min(bar.height() * 0.32, 9.0);
            const QPointF c(x, bar.center().y());
            p.setPen(QPen(m_f.theme.background, 6, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(c + QPointF(-s, -s), c + QPointF(s, s));
            p.drawLine(c + QPointF(-s, s), c + QPointF(s, -s));
            p.setPen(QPen(m_f.theme.crash, 3.2, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(c + QPointF(-s, -s), c + QPointF(s, s));
            p.drawLine(c + QPointF(-s, s), c + QPointF(s, -s));
            const TimelineLane &lane = m_f.model->lanes().at(m.row);
            if (!lane.reason.isEmpty()) {
                p.setFont(bold);
                const QFontMetrics fm(bold);
                const double room = m_f.scale.right() - x - s - 8;
                QString text = fm.elidedText(lane.reason, Qt::ElideRight, int(std::max(0.0, room)));
                QRectF box(x + s + 6, bar.top(), fm.horizontalAdvance(text) + 8, bar.height());
                const double leftRoom = x - s - 8 - m_f.scale.left;
                // Where the sentence fits, or else where most of it does: right, or left of the
                // cross.
                if (fm.horizontalAdvance(lane.reason) > room && leftRoom > room) {
                    text = fm.elidedText(lane.reason, Qt::ElideRight, int(std::max(0.0, leftRoom)));
                    const double w = fm.horizontalAdvance(text) + 8;
                    box = QRectF(x - s - 6 - w, bar.top(), w, bar.height());
                }
                p.setPen(Qt::NoPen);
                p.setBrush(withAlpha(m_f.theme.background, 225));
                p.drawRoundedRect(box.adjusted(0, bar.height() * 0.2, 0, -bar.height() * 0.2), 3,
                                  3);
                p.setPen(m_f.theme.crash);
                p.drawText(box.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
            }
            break;
        }
        }
    }
    p.restore();
}

} // namespace procession::gui
