#include "calldetails.h"

#include "registry.h"
#include "tasklibraries.h"
#include "timelinemodel.h"
#include "timescale.h"

namespace procession::gui {

QString callDetailsHtml(const TimelineModel &model, qsizetype callIndex)
{
    if (callIndex < 0 || callIndex >= model.trace().calls().size())
        return QStringLiteral("<p><i>Click a call on the timeline to see its details.</i></p>");
    const CallRecord &c = model.callAt(callIndex);
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    auto at = [&](qint64 abs) -> QString {
        return abs < 0 ? QStringLiteral("—")
                       : QString::number(double(model.relative(abs)) / 1e9, 'f', 6) +
                             QStringLiteral(" s");
    };
    auto gap = [](qint64 a, qint64 b) -> QString {
        return a < 0 || b < 0 ? QStringLiteral("—") : formatDuration(double(b - a));
    };
    const LaneRecord *lane = model.trace().lane(c.lane);
    const QString worker = c.lane == 0
                               ? QStringLiteral("main process (in-process call)")
                               : (lane ? lane->name : QStringLiteral("worker %1").arg(c.lane));
    QString html =
        QStringLiteral("<h3 style='margin:0'>%1</h3><table cellspacing='0' cellpadding='2'>")
            .arg(esc(c.label()));
    auto row = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td style='padding-right:10px'><b>%1</b></td><td>%2</td></tr>")
                    .arg(k, v);
    };
    // The title already reads function(arguments); rows for what it does not say.
    if (c.args.size() > 24) // a long argument list wraps better in a row of its own
        row(QStringLiteral("arguments"), esc(c.args));
    if (!c.finished)
        row(QStringLiteral("state"), QStringLiteral("running…"));
    else if (c.ok)
        row(QStringLiteral("result"), esc(c.value));
    else
        row(QStringLiteral("error"), QStringLiteral("<span style='color:#d23b2e'>%1</span> (%2)")
                                         .arg(esc(c.error), esc(c.errorKind)));
    const qint64 pid = c.pid > 0 ? c.pid : (lane ? lane->pid : 0);
    row(QStringLiteral("worker"),
        pid > 0 ? QStringLiteral("%1 · pid %2").arg(esc(worker)).arg(pid) : esc(worker));
    // What the function is: bundled, or from a task library (procession --tasks LIB).
    if (const Registry::Task *task = Registry::available().find(c.function)) {
        const QString library = TaskLibraries::libraryOf(task->name);
        row(QStringLiteral("function"),
            esc(Registry::signature(*task)) +
                QStringLiteral("<br><small>%1%2</small>")
                    .arg(esc(task->summary), library.isEmpty()
                                                 ? QString()
                                                 : QStringLiteral(" (from %1)").arg(esc(library))));
    }
    html +=
        QStringLiteral("</table><table cellspacing='0' cellpadding='2' style='margin-top:6px'>");
    row(QStringLiteral("dispatch"), at(c.dispatch));
    row(QStringLiteral("&nbsp;&nbsp;↓ to the worker"), gap(c.dispatch, c.begin));
    row(QStringLiteral("begin"), at(c.begin));
    row(QStringLiteral("&nbsp;&nbsp;↓ the work"), gap(c.begin, c.end));
    row(QStringLiteral("end"), at(c.end));
    row(QStringLiteral("&nbsp;&nbsp;↓ back to main"), gap(c.end, c.result));
    row(QStringLiteral("result"), at(c.result));
    if (c.cpuNs >= 0)
        row(QStringLiteral("CPU used"), formatDuration(double(c.cpuNs)));
    html += QStringLiteral("</table>");
    return html;
}

} // namespace procession::gui
