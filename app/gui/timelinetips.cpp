#include "timelinetips.h"

#include "parallelism.h"

#include "timelineheader.h"
#include "timelinelegend.h"
#include "timelinemodel.h"

namespace procession::gui {

using namespace TimelineMetrics;

namespace {

QString escaped(const QString &s)
{
    return s.toHtmlEscaped();
}

QString seconds(double s)
{
    return formatDuration(s * 1e9);
}

} // namespace

QString TimelineTips::phaseFiguresText(const RunSummary &f)
{
    QString text = tr("%n call(s): work <b>%1</b>, CPU <b>%2</b>, speedup <b>%3×</b> (work / wall)",
                      nullptr, f.calls)
                       .arg(seconds(f.workS), seconds(f.cpuS))
                       .arg(f.speedup, 0, 'f', 2);
    QString startup;
    if (f.workers == 1)
        startup = tr("start-up %1 (1 process)").arg(seconds(f.startupS));
    else if (f.workers > 1)
        startup = tr("start-up %1 summed over %2 processes, %3 each")
                      .arg(seconds(f.startupS))
                      .arg(f.workers)
                      .arg(seconds(f.startupS / f.workers));
    text += tr("<br>overhead <b>%1</b>: %2%3dispatch %4, return %5 (summed over calls)")
                .arg(seconds(f.overheadS()), startup,
                     startup.isEmpty() ? QString() : QStringLiteral(", "), seconds(f.dispatchS),
                     seconds(f.returnS));
    return text;
}

QString TimelineTips::headerTip(QPointF pos) const
{
    // On a figure: that figure, what it is and how it is worked out.
    for (const HeaderLayout::Placed &f : TimelineHeader::layout(m_f).figures)
        if (f.box.adjusted(-4, 0, 4, 0).contains(pos))
            return f.figure.tip;
    // On the lesson that takes the title's place: how it is worked out.
    if (pos.y() < TimelineHeader::figuresTop(m_f.font) &&
        !TimelineHeader(m_f, false).lessonText().isEmpty()) {
        const PhaseComparison &c = m_f.model->lesson();
        QString tip =
            tr("<b>The scenario's lesson</b><br>Phase “%1” took %2 of wall time, phase "
               "“%3” %4: %2 / %4 = <b>%5×</b>.")
                .arg(escaped(c.from), seconds(c.fromWallS), escaped(c.to), seconds(c.toWallS))
                .arg(c.speedup, 0, 'f', 2);
        tip += c.sameWork ? tr("<br>Both phases make the same calls, so the difference is what "
                               "the way of running them bought (or cost).")
                          : tr("<br>The two phases do not make the same calls: their times are "
                               "not a speedup.");
        return tip;
    }
    // Elsewhere in the header: all of them at once.
    const RunSummary s = TimelineHeader::summary(m_f.model, m_f.playhead);
    QString tip = tr("<b>The run's figures at the playhead</b>");
    tip += tr("<br><b>wall</b> %1: from the run's start to %2")
               .arg(seconds(s.wallS), m_f.live ? tr("now") : tr("the playhead"));
    tip += tr("<br><b>work</b> %1: the time calls really ran, summed over %n call(s) (begin → "
              "end, or → now for a running call; a call waiting in its worker's queue is not "
              "work; time waiting for a CPU is left out)",
              nullptr, s.calls)
               .arg(seconds(s.workS));
    tip += tr("<br><b>CPU</b> %1: CPU time the calls used, summed").arg(seconds(s.cpuS));
    tip += tr("<br><b>speedup</b> %1×: work / wall, how many calls ran at once on average")
               .arg(s.speedup, 0, 'f', 2);
    tip += tr("<br><b>overhead</b> %1: start-up + dispatch + return").arg(seconds(s.overheadS()));
    tip += tr("<br><b>start-up</b> %1: fork → hello, summed over %2 worker process(es)")
               .arg(seconds(s.startupS))
               .arg(s.workers);
    if (s.workers > 1)
        tip += tr(", %1 each").arg(seconds(s.startupS / s.workers));
    tip += tr("<br><b>dispatch</b> %1: from when a worker was free to when it began a call, "
              "summed over calls")
               .arg(seconds(s.dispatchS));
    tip += tr("<br><b>return</b> %1: results waiting to be read by the parent, summed over "
              "workers")
               .arg(seconds(s.returnS));
    return tip;
}

QString TimelineTips::phaseTip(QPointF pos) const
{
    const double t = m_f.scale.toTime(pos.x());
    if (pos.x() < m_f.scale.left || t > double(m_f.playhead))
        return {};
    const QList<PhaseRecord> &phases = m_f.model->trace().phases();
    for (qsizetype i = phases.size() - 1; i >= 0; --i) { // the latest phase begun by t
        const PhaseRecord &ph = phases.at(i);
        const double b = double(m_f.model->relative(ph.begin));
        if (b > t)
            continue;
        const double e = ph.end >= 0
                             ? std::min(double(m_f.model->relative(ph.end)), double(m_f.playhead))
                             : double(m_f.playhead);
        if (t > e)
            return {};
        QString tip = tr("<b>%1</b><br>%2 → %3: <b>%4</b>")
                          .arg(escaped(ph.name), formatDuration(b), formatDuration(e),
                               formatPhaseDuration(e - b));
        const QList<PhaseSummary> &done = m_f.model->phaseFigures();
        if (ph.end >= 0 && i < done.size() && done.at(i).end >= 0)
            tip += QStringLiteral("<br>") + phaseFiguresText(done.at(i).figures);
        return tip + tr("<br><i>click to zoom to this phase</i>");
    }
    return {};
}

QString TimelineTips::busyTip(QPointF pos) const
{
    const QString what =
        tr("<b>Busy workers</b>: how many workers were running a call, over time. The dashed "
           "line is this machine's %n core(s): above it, calls share the cores and each takes "
           "longer.",
           nullptr, m_f.cores);
    if (!m_f.busy)
        return what + tr("<br><i>Drawn when the run ends (a live run of many calls).</i>");
    if (pos.x() < m_f.scale.left || pos.x() > m_f.scale.right())
        return what + tr("<br>Peak %1, average %2.")
                          .arg(m_f.busy->peak())
                          .arg(m_f.busy->average(), 0, 'f', 2);
    const qint64 from = qint64(m_f.scale.toTime(pos.x() - 0.5));
    const qint64 to = std::max(from + 1, qint64(m_f.scale.toTime(pos.x() + 0.5)));
    if (from > m_f.playhead)
        return what;
    return what + tr("<br>At %1: %2 busy (up to %3 in this pixel's %4).")
                      .arg(formatDuration(double(from)))
                      .arg(m_f.busy->averageOver(from, to), 0, 'f', 1)
                      .arg(m_f.busy->peakOver(from, to))
                      .arg(formatDuration(double(to - from)));
}

QString TimelineTips::at(QPointF pos) const
{
    if (!m_f.model || m_f.model->isEmpty())
        return {};
    if (TimelineLegend::rect(m_f).contains(pos))
        return TimelineLegend::tip();
    if (pos.y() >= m_f.phasesTop() && pos.y() < m_f.phasesTop() + PhaseHeight)
        return phaseTip(pos);
    if (pos.y() >= m_f.stripTop() && pos.y() < m_f.phasesTop())
        return busyTip(pos);
    if (m_f.followed && pos.y() < m_f.headerHeight && pos.x() < 40)
        return tr("The console and the recipe below follow this run.");
    if (pos.y() < m_f.headerHeight)
        return headerTip(pos);
    if (pos.y() < m_f.lanesTop()) // rows scrolled under the axis
        return {};
    const Hit hit = hitTest(*m_f.model, m_f.hitGeometry(), pos);
    if (hit.kind == Hit::Kind::None)
        return {};
    const TimelineLane &lane = m_f.model->lanes().at(hit.row);
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
        const qint64 end = s.end < 0 || s.end > m_f.playhead ? m_f.playhead : s.end;
        if (s.kind == Span::Kind::Startup)
            return tr("<b>start-up of %1</b><br>fork %2 → ready %3: <b>%4</b><br>starting a "
                      "process, "
                      "loading the program and connecting back costs this, once per process")
                .arg(where, t(s.start), s.end >= 0 ? t(s.end) : tr("…"), t(end - s.start));
        const CallRecord &c = m_f.model->callAt(s.call);
        if (s.kind == Span::Kind::Await)
            return tr("<b>main waits for %1</b><br>%2 → %3: <b>%4</b>")
                .arg(escaped(c.label()), t(s.start), s.end >= 0 ? t(s.end) : tr("…"),
                     t(end - s.start));
        QString text = tr("<b>%1</b><br>%2<br>").arg(escaped(c.label()), where);
        if (s.kind == Span::Kind::Flight)
            return text + tr("dispatched at %1, running… (the worker stamps begin and end; "
                             "they arrive with the result)")
                              .arg(t(m_f.model->relative(c.dispatch)));
        text += tr("ran %1 → %2: <b>%3</b>").arg(t(s.start), t(s.end), t(s.end - s.start));
        if (c.finished)
            text += c.ok ? tr("<br>result: %1").arg(escaped(c.value))
                         : tr("<br><span style='color:%1'>error: %2</span>")
                               .arg(m_f.theme.failed.name(), escaped(c.error));
        return text + tr("<br><i>click for details</i>");
    }
    case Hit::Kind::Marker: {
        const Marker &m = m_f.model->markers().at(hit.index);
        switch (m.kind) {
        case Marker::Kind::Crash:
            return tr("<b style='color:%1'>crash</b> at %2<br>%3")
                .arg(m_f.theme.crash.name(), t(m.t), escaped(lane.reason));
        case Marker::Kind::Join:
            return tr("<b>join</b> %1 at %2: the parent asks the worker to exit")
                .arg(where, t(m.t));
        case Marker::Kind::Exit:
            return tr("<b>exit</b> %1 at %2, status %3").arg(where, t(m.t)).arg(lane.exitCode);
        case Marker::Kind::Dispatch:
            return tr("<b>dispatch</b> %1 at %2")
                .arg(escaped(m_f.model->callAt(m.call).label()), t(m.t));
        }
        break;
    }
    case Hit::Kind::Lane: {
        QString text = tr("<b>%1</b>").arg(where);
        if (lane.lane != 0 && lane.fork >= 0)
            text += tr("<br>forked at %1").arg(t(lane.fork));
        if (lane.exit >= 0)
            text += lane.neverStarted
                        ? tr("<br>could not start (%1): %2").arg(t(lane.exit), escaped(lane.reason))
                    : lane.crashed
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
