#include "timelinelegend.h"

#include "timelinemodel.h"

#include <QCoreApplication>
#include <QPainter>

namespace procession::gui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TimelineLegend", text);
}

QFont legendFont(const QFont &font)
{
    QFont f = font;
    f.setPointSizeF(font.pointSizeF() * 0.8);
    return f;
}

} // namespace

QRectF TimelineLegend::rect(const TimelineFrame &f)
{
    if (!f.hasRun())
        return {};
    const double lineHeight = QFontMetricsF(legendFont(f.font)).height();
    return QRectF(10, f.axisTop() + 3, TimelineMetrics::LabelWidth - 20, 2 * lineHeight + 2);
}

void TimelineLegend::paint(QPainter &p, const TimelineFrame &f)
{
    const QRectF r = rect(f);
    if (r.isEmpty())
        return;
    const QFont font = legendFont(f.font);
    const QFontMetricsF fm(font);
    const double line = fm.height();
    const QColor swatch = f.theme.mutedText;
    p.save();
    p.setFont(font);
    // One call: a rounded bar with a darker edge, as on the lanes.
    const QRectF one(r.left(), r.top() + 2, 16, line - 4);
    p.setPen(QPen(swatch.darker(125), 1));
    p.setBrush(swatch);
    p.drawRoundedRect(one, 3, 3);
    // Calls merged at this zoom: one flat block, no edge.
    const QRectF merged(r.left(), r.top() + line + 2, 16, line - 4);
    p.setPen(Qt::NoPen);
    QColor flat = swatch;
    flat.setAlpha(200);
    p.setBrush(flat);
    p.drawRect(merged);
    p.setPen(f.theme.mutedText);
    const double textX = r.left() + 22;
    p.drawText(QRectF(textX, r.top(), r.right() - textX, line), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(tr("one call"), Qt::ElideRight, r.right() - textX));
    p.drawText(QRectF(textX, r.top() + line, r.right() - textX, line),
               Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(tr("calls merged: zoom in"), Qt::ElideRight, r.right() - textX));
    p.restore();
}

QString TimelineLegend::tip()
{
    return tr("<b>One call</b> is a bar with rounded corners and an edge, in its function's "
              "colour.<br><b>Merged calls</b>: calls too close together to draw apart at this "
              "zoom are one flat block without an edge (labelled \"N calls\" when there is "
              "room). Ctrl+wheel or a right-drag zooms in until they come apart.");
}

} // namespace procession::gui
