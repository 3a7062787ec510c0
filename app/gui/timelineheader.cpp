#include "timelineheader.h"

#include "timelinemodel.h"
#include "tracemodel.h"

#include <QPainter>

#include <algorithm>

namespace procession::gui {

using namespace TimelineMetrics;

namespace {

// Space after a figure: between groups, and inside a bracketed group.
constexpr double GroupGap = 22;
constexpr double BracketedGap = 14;

} // namespace

QString TimelineHeader::secondsText(double s)
{
    return s >= 1 ? QString::number(s, 'f', 2) + QStringLiteral(" s") : formatDuration(s * 1e9);
}

RunSummary TimelineHeader::summary(const TimelineModel *model, qint64 playhead)
{
    if (!model || model->isEmpty())
        return {};
    // Live, the playhead is now; in a replay, the figures of the trace cut at the playhead.
    const TraceModel &t = model->trace();
    return t.summary(t.t0() + playhead);
}

QList<HeaderGroup> TimelineHeader::figures(const RunSummary &s)
{
    const double overhead = s.startupS + s.dispatchS + s.returnS;
    HeaderGroup main;
    main.figures = {
        {tr("wall"), secondsText(s.wallS)},
        {tr("work"), secondsText(s.workS)},
        // CPU time the calls really used: where bars are longer than this, workers were
        // waiting (sleeping, or sharing too few cores).
        {tr("CPU"), s.finishedCalls > 0 ? secondsText(s.cpuS) : QStringLiteral("—")},
        {tr("speedup"), QString::number(s.speedup, 'f', 2) + QStringLiteral("×")},
        {tr("overhead"), secondsText(overhead)},
    };
    HeaderGroup breakdown;
    breakdown.bracketed = true;
    breakdown.figures = {
        // Start-up is a sum over processes that started side by side: say so, or a 173 ms run
        // reading "start-up 2.54 s" looks like a mistake.
        {tr("start-up"), s.workers > 1 ? tr("%1 summed over %2 processes, %3 each")
                                             .arg(secondsText(s.startupS))
                                             .arg(s.workers)
                                             .arg(secondsText(s.startupS / s.workers))
                                       : secondsText(s.startupS)},
        {tr("dispatch"), secondsText(s.dispatchS)},
        {tr("return"), secondsText(s.returnS)},
    };
    return {main, breakdown};
}

QString TimelineHeader::summaryText(const RunSummary &s)
{
    const QChar dot(0x00b7);
    return QStringLiteral(
               "wall %1 %2 work %3 %2 speedup %4× %2 overhead: start-up %5, dispatch %6, return %7")
        .arg(secondsText(s.wallS), dot, secondsText(s.workS), QString::number(s.speedup, 'f', 2),
             secondsText(s.startupS), secondsText(s.dispatchS), secondsText(s.returnS));
}

QString TimelineHeader::lessonText() const
{
    if (!m_f.hasRun())
        return {};
    const PhaseComparison &c = m_f.model->lesson();
    if (!c.found)
        return {};
    const TraceModel &t = m_f.model->trace();
    qint64 shownFrom = 0;
    for (const PhaseRecord &ph : t.phases())
        if (ph.name == c.from || ph.name == c.to)
            shownFrom = std::max(shownFrom, m_f.model->relative(ph.end));
    return m_f.playhead >= shownFrom ? c.sentence() : QString();
}

// Live, finished, or what went wrong.
QString TimelineHeader::status(QColor *color) const
{
    *color = m_f.theme.mutedText;
    if (!m_f.hasRun())
        return {};
    const TraceModel &t = m_f.model->trace();
    if (t.running()) {
        *color = m_f.theme.playhead;
        return tr("● live  %1").arg(formatDuration(double(m_f.playhead)));
    }
    if (!t.finished())
        return {};
    const int code = t.runExitCode();
    if (code != 0)
        *color = m_f.theme.failed;
    if (m_f.playhead < m_f.model->duration())
        return tr("replay %1 / %2")
            .arg(formatDuration(double(m_f.playhead)),
                 formatDuration(double(m_f.model->duration())));
    return code == 0 ? tr("finished") : code >= 128 ? tr("stopped") : tr("finished with problems");
}

void TimelineHeader::paint(QPainter &p) const
{
    const int width = m_f.size.width();
    const QFont &font = m_f.font;
    const QRectF area(0, 0, width, HeaderHeight);
    p.fillRect(area, m_f.theme.laneBandAlt);
    p.setPen(m_f.theme.grid);
    p.drawLine(QPointF(0, HeaderHeight - 0.5), QPointF(width, HeaderHeight - 0.5));

    QFont titleFont = font;
    titleFont.setBold(true);
    titleFont.setPointSizeF(font.pointSizeF() * 1.2);
    p.setFont(titleFont);
    p.setPen(m_f.theme.text);
    const QString title = m_f.title.isEmpty() ? tr("No run yet") : m_f.title;

    QColor statusColor;
    const QString status = this->status(&statusColor);
    QFont statusFont = font;
    statusFont.setBold(true);
    const int statusWidth = QFontMetrics(statusFont).horizontalAdvance(status) + 16;
    // A quiet note in the corner when the arrows are too many to draw.
    QFont noteFont = font;
    noteFont.setPointSizeF(font.pointSizeF() * 0.85);
    noteFont.setItalic(true);
    const QString note = m_arrowsHidden ? tr("arrows hidden: zoom in") : QString();
    const int noteWidth = note.isEmpty() ? 0 : QFontMetrics(noteFont).horizontalAdvance(note) + 14;
    const QFontMetrics tfm(titleFont);
    const int titleRoom = width - 24 - statusWidth - noteWidth;
    const QString lesson = lessonText();
    if (!lesson.isEmpty()) {
        // The scenario's lesson, once both its phases have been played, in the largest type.
        QFont lessonFont = titleFont;
        lessonFont.setPointSizeF(font.pointSizeF() * 1.4);
        const QFontMetrics lfm(lessonFont);
        p.setFont(lessonFont);
        p.setPen(m_f.theme.text);
        p.drawText(QRectF(12, 4, titleRoom, tfm.height() + 4), Qt::AlignLeft | Qt::AlignVCenter,
                   lfm.elidedText(lesson, Qt::ElideRight, titleRoom));
    } else {
        p.drawText(QRectF(12, 6, titleRoom, tfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   tfm.elidedText(title, Qt::ElideRight, titleRoom));
    }
    p.setFont(statusFont);
    p.setPen(statusColor);
    p.drawText(QRectF(width - statusWidth - 8, 6, statusWidth, tfm.height()),
               Qt::AlignRight | Qt::AlignVCenter, status);
    if (!note.isEmpty()) {
        p.setFont(noteFont);
        p.setPen(m_f.theme.mutedText);
        p.drawText(QRectF(width - statusWidth - 8 - noteWidth, 6, noteWidth, tfm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, note);
    }
    if (m_f.followed) // compare mode: the console and the recipe below show this run
        p.fillRect(QRectF(0, 0, 4, HeaderHeight), m_f.theme.selection);

    if (!m_f.hasRun())
        return;
    paintFigures(p, 6 + tfm.height() + 4, summary(m_f.model, m_f.playhead));
}

// Figures: muted names, bold values; a bracketed group in parentheses, closer together.
void TimelineHeader::paintFigures(QPainter &p, double top, const RunSummary &s) const
{
    const int width = m_f.size.width();
    const QList<HeaderGroup> groups = figures(s);
    QFont name = m_f.font;
    QFont value = m_f.font;
    value.setBold(true);
    {
        // A narrow window gets smaller figures rather than cut-off ones.
        double need = 12;
        for (const HeaderGroup &g : groups)
            for (const HeaderFigure &f : g.figures)
                need += GroupGap + QFontMetrics(name).horizontalAdvance(f.name) + 5 +
                        QFontMetrics(value).horizontalAdvance(f.value);
        const double shrink = std::clamp((width - 16) / need, 0.72, 1.0);
        name.setPointSizeF(name.pointSizeF() * shrink);
        value.setPointSizeF(value.pointSizeF() * shrink);
    }
    const QFontMetrics nfm(name), vfm(value);
    double x = 12;
    const double y = top + vfm.ascent();
    for (const HeaderGroup &g : groups) {
        if (g.figures.isEmpty())
            continue;
        const double gap = g.bracketed ? BracketedGap : GroupGap;
        if (g.bracketed) {
            p.setFont(name);
            p.setPen(m_f.theme.mutedText);
            x -= GroupGap - BracketedGap;
            p.drawText(QPointF(x, y), QStringLiteral("("));
            x += nfm.horizontalAdvance(QStringLiteral("("));
        }
        for (qsizetype i = 0; i < g.figures.size(); ++i) {
            const HeaderFigure &f = g.figures.at(i);
            p.setFont(name);
            p.setPen(m_f.theme.mutedText);
            p.drawText(QPointF(x, y), f.name);
            x += nfm.horizontalAdvance(f.name) + 5;
            p.setFont(value);
            p.setPen(m_f.theme.text);
            p.drawText(QPointF(x, y), f.value);
            x += vfm.horizontalAdvance(f.value);
            if (g.bracketed && i == g.figures.size() - 1) {
                p.setFont(name);
                p.setPen(m_f.theme.mutedText);
                p.drawText(QPointF(x + 1, y), QStringLiteral(")"));
            }
            x += gap;
        }
    }
    if (s.crashes > 0 || s.failedCalls > 0) {
        p.setFont(value);
        p.setPen(m_f.theme.failed);
        // Plurals spelled out: no translation is loaded to turn "call(s)" into English.
        QString bad =
            s.failedCalls == 1 ? tr("1 failed call") : tr("%1 failed calls").arg(s.failedCalls);
        if (s.crashes > 0)
            bad += s.crashes == 1 ? tr(", 1 crash") : tr(", %1 crashes").arg(s.crashes);
        p.drawText(QPointF(std::max(x + 10, width - vfm.horizontalAdvance(bad) - 12.0), y), bad);
    }
}

} // namespace procession::gui
