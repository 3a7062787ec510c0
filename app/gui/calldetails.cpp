#include "calldetails.h"

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
    row(QStringLiteral("function"), esc(c.function));
    row(QStringLiteral("arguments"), esc(c.args));
    if (!c.finished)
        row(QStringLiteral("state"), QStringLiteral("running…"));
    else if (c.ok)
        row(QStringLiteral("result"), esc(c.value));
    else
        row(QStringLiteral("error"), QStringLiteral("<span style='color:#d23b2e'>%1</span> (%2)")
                                         .arg(esc(c.error), esc(c.errorKind)));
    row(QStringLiteral("worker"), esc(worker));
    row(QStringLiteral("pid"),
        c.pid > 0 ? QString::number(c.pid)
                  : (lane && lane->pid > 0 ? QString::number(lane->pid) : QStringLiteral("—")));
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
