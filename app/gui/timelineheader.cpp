#include "timelineheader.h"

#include "timelinemodel.h"
#include "tracemodel.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

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
    auto tip = [](const QString &name, const QString &value, const QString &how) {
        return QStringLiteral("<b>%1</b> %2<br>%3").arg(name, value.toHtmlEscaped(), how);
    };
    HeaderGroup main;
    const QString wall = secondsText(s.wallS);
    const QString work = secondsText(s.workS);
    // No finished call said what CPU it used (a crashed call cannot): unknown, not "0 s".
    const QString cpu =
        s.finishedCalls > 0 && s.cpuS > 0 ? secondsText(s.cpuS) : QStringLiteral("—");
    const QString speedup = QString::number(s.speedup, 'f', 2) + QStringLiteral("×");
    const QString over = secondsText(overhead);
    main.figures = {
        {tr("wall"), wall,
         tip(tr("wall"), wall,
             tr("Time from the run's start to the playhead (while the run is live: to now), "
                "as a clock on the wall would measure it."))},
        {tr("work"), work,
         tip(tr("work"), work,
             tr("The time calls really ran, summed over %n call(s): begin → end, or → now for "
                "a running call. A call waiting in its worker's queue is not work, and time a "
                "call waited for a CPU core is left out.",
                nullptr, s.calls))},
        // CPU time the calls really used: where bars are longer than this, workers were
        // waiting (sleeping, or sharing too few cores).
        {tr("CPU"), cpu,
         tip(tr("CPU"), cpu,
             tr("CPU time the finished calls used, summed, as their workers' clocks measured "
                "it. Far below work when calls sleep or wait; close to work when each "
                "CPU-bound call had a core to itself."))},
        {tr("speedup"), speedup,
         tip(tr("speedup"), speedup,
             tr("work / wall: how many calls ran at once, on average. N workers can reach at "
                "most N×, and CPU-bound calls no more than the machine's cores."))},
        {tr("overhead"), over,
         tip(tr("overhead"), over,
             tr("start-up + dispatch + return: what using processes cost on top of the work, "
                "each summed (see the three figures after it)."))},
    };
    HeaderGroup breakdown;
    breakdown.bracketed = true;
    // Start-up is a sum over processes that started side by side: say so, or a 173 ms run
    // reading "start-up 2.54 s" looks like a mistake.
    const QString startup = s.workers > 1 ? tr("%1 summed over %2 processes, %3 each")
                                                .arg(secondsText(s.startupS))
                                                .arg(s.workers)
                                                .arg(secondsText(s.startupS / s.workers))
                                          : secondsText(s.startupS);
    const QString dispatch = secondsText(s.dispatchS);
    const QString ret = secondsText(s.returnS);
    breakdown.figures = {
        {tr("start-up"), startup,
         tip(tr("start-up"), startup,
             tr("Fork → hello: starting a worker process, loading the program and connecting "
                "back, summed over %n worker process(es). They start side by side, so the sum "
                "can be longer than the run.",
                nullptr, s.workers))},
        {tr("dispatch"), dispatch,
         tip(tr("dispatch"), dispatch,
             tr("From when a worker was free to when it began a call (the request's trip to "
                "it), summed over calls. Time a call queued behind others is not counted."))},
        {tr("return"), ret,
         tip(tr("return"), ret,
             tr("Results waiting for the parent to read them, summed over workers: a burst "
                "read at once waited once."))},
    };
    return {main, breakdown};
}

double TimelineHeader::figuresTop(const QFont &font)
{
    QFont titleFont = font;
    titleFont.setBold(true);
    titleFont.setPointSizeF(font.pointSizeF() * 1.2);
    return 6 + QFontMetrics(titleFont).height() + 4;
}

HeaderLayout TimelineHeader::layout(const QList<HeaderGroup> &groups, const RunSummary &s,
                                    const QFont &font, int width, double top)
{
    HeaderLayout l;
    l.name = font;
    l.value = font;
    l.value.setBold(true);
    const QString open = QStringLiteral("(");
    const QString close = QStringLiteral(")");
    {
        // A little narrow: smaller figures on one line. Narrower still: they wrap.
        const QFontMetricsF nfm(l.name), vfm(l.value);
        double need = 12;
        for (const HeaderGroup &g : groups)
            for (const HeaderFigure &f : g.figures)
                need +=
                    GroupGap + nfm.horizontalAdvance(f.name) + 5 + vfm.horizontalAdvance(f.value);
        const double shrink = std::clamp((width - 16) / need, 0.85, 1.0);
        l.name.setPointSizeF(l.name.pointSizeF() * shrink);
        l.value.setPointSizeF(l.value.pointSizeF() * shrink);
    }
    const QFontMetricsF nfm(l.name), vfm(l.value);
    const double lineHeight = vfm.height() + 2;
    const double right = width - 12;
    double x = 12;
    double y = top;
    l.lines = 1;
    auto wrapFor = [&](double w) {
        if (x + w > right && x > 12.5) {
            x = 12;
            y += lineHeight;
            ++l.lines;
        }
    };
    for (const HeaderGroup &g : groups) {
        const double gap = g.bracketed ? BracketedGap : GroupGap;
        for (qsizetype i = 0; i < g.figures.size(); ++i) {
            HeaderLayout::Placed p;
            p.figure = g.figures.at(i);
            p.open = g.bracketed && i == 0;
            p.close = g.bracketed && i == g.figures.size() - 1;
            if (p.open && x > 12.5)
                x -= GroupGap - BracketedGap;
            const double openW = p.open ? nfm.horizontalAdvance(open) : 0;
            const double w = openW + nfm.horizontalAdvance(p.figure.name) + 5 +
                             vfm.horizontalAdvance(p.figure.value) +
                             (p.close ? 1 + nfm.horizontalAdvance(close) : 0);
            wrapFor(w);
            p.box = QRectF(x, y, w, lineHeight);
            p.nameX = x + openW;
            p.valueX = p.nameX + nfm.horizontalAdvance(p.figure.name) + 5;
            p.baseline = y + vfm.ascent();
            l.figures.append(p);
            x += w + gap;
        }
    }
    if (s.crashes > 0 || s.noStarts > 0 || s.failedCalls > 0) {
        // Plurals spelled out: no translation is loaded to turn "call(s)" into English.
        QString bad =
            s.failedCalls == 1 ? tr("1 failed call") : tr("%1 failed calls").arg(s.failedCalls);
        if (s.crashes > 0)
            bad += s.crashes == 1 ? tr(", 1 crash") : tr(", %1 crashes").arg(s.crashes);
        if (s.noStarts > 0)
            bad += tr(", %1 could not start").arg(s.noStarts);
        const double w = vfm.horizontalAdvance(bad);
        x += 10 - BracketedGap;
        wrapFor(w);
        l.problems = bad;
        l.problemsAt = QPointF(std::max(x, right - w), y + vfm.ascent());
    }
    l.bottom = y + lineHeight;
    return l;
}

HeaderLayout TimelineHeader::layout(const TimelineFrame &f)
{
    if (!f.hasRun())
        return {};
    const RunSummary s = f.summary ? *f.summary : summary(f.model, f.playhead);
    return layout(figures(s), s, f.font, f.size.width(), figuresTop(f.font));
}

int TimelineHeader::height(const TimelineFrame &f)
{
    if (!f.hasRun())
        return HeaderHeight;
    const HeaderLayout l = layout(f);
    return l.lines <= 1 ? HeaderHeight : std::max(HeaderHeight, int(std::ceil(l.bottom + 8)));
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
        // A tenth of a second behind is worth saying: the picture is not of now.
        if (m_f.liveLag >= 100000000)
            return tr("● live  %1, drawing %2 behind")
                .arg(formatDuration(double(m_f.playhead)), formatDuration(double(m_f.liveLag)));
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
    const double height = m_f.headerHeight;
    const QRectF area(0, 0, width, height);
    p.fillRect(area, m_f.theme.laneBandAlt);
    p.setPen(m_f.theme.grid);
    p.drawLine(QPointF(0, height - 0.5), QPointF(width, height - 0.5));

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
        p.fillRect(QRectF(0, 0, 4, height), m_f.theme.selection);

    if (!m_f.hasRun())
        return;
    paintFigures(p);
}

// Figures: muted names, bold values; a bracketed group in parentheses, closer together.
void TimelineHeader::paintFigures(QPainter &p) const
{
    const HeaderLayout l = layout(m_f);
    const QFontMetricsF nfm(l.name);
    for (const HeaderLayout::Placed &f : l.figures) {
        p.setFont(l.name);
        p.setPen(m_f.theme.mutedText);
        if (f.open)
            p.drawText(QPointF(f.box.left(), f.baseline), QStringLiteral("("));
        p.drawText(QPointF(f.nameX, f.baseline), f.figure.name);
        if (f.close)
            p.drawText(
                QPointF(f.box.right() - nfm.horizontalAdvance(QStringLiteral(")")), f.baseline),
                QStringLiteral(")"));
        p.setFont(l.value);
        p.setPen(m_f.theme.text);
        p.drawText(QPointF(f.valueX, f.baseline), f.figure.value);
    }
    if (!l.problems.isEmpty()) {
        p.setFont(l.value);
        p.setPen(m_f.theme.failed);
        p.drawText(l.problemsAt, l.problems);
    }
}

} // namespace procession::gui
