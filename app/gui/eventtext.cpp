#include "eventtext.h"

#include "timelinemodel.h"
#include "tracemodel.h"

#include <QCoreApplication>
#include <QStringList>

namespace procession::gui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EventText", text);
}

QString laneName(const TraceModel &trace, int lane)
{
    if (lane == 0)
        return tr("main");
    const LaneRecord *l = trace.lane(lane);
    return l && !l->name.isEmpty() ? l->name : tr("worker %1").arg(lane);
}

} // namespace

QString eventsAt(const TimelineModel &model, qint64 t)
{
    if (model.isEmpty())
        return {};
    const TraceModel &trace = model.trace();
    QStringList said;
    auto at = [&](qint64 abs) { return abs >= 0 && model.relative(abs) == t; };
    for (const LaneRecord &l : trace.lanes()) {
        if (l.lane == 0)
            continue;
        if (at(l.fork))
            said << tr("main started %1").arg(l.name);
        if (at(l.ready))
            said << tr("%1 is ready (its start-up ends)").arg(l.name);
        if (at(l.join))
            said << tr("main asked %1 to stop").arg(l.name);
        if (at(l.exit))
            said << (l.neverStarted ? tr("%1 could not start").arg(l.name)
                     : l.crashed    ? tr("%1 crashed").arg(l.name)
                                    : tr("%1 exited").arg(l.name));
    }
    for (const CallRecord &c : trace.calls()) {
        const QString where = laneName(trace, c.lane);
        if (at(c.dispatch) && !c.inProcess())
            said << tr("main sent %1 to %2").arg(c.label(), where);
        if (at(c.begin))
            said << tr("%1 began %2").arg(where, c.label());
        if (at(c.end))
            said << (c.ok || !c.finished ? tr("%1 ended %2").arg(where, c.label())
                                         : tr("%1 failed in %2").arg(where, c.label()));
        if (at(c.result) && !c.inProcess())
            said << tr("main received the result of %1").arg(c.label());
    }
    for (const AwaitSpan &a : trace.awaits()) {
        const CallRecord *c = trace.call(a.call);
        const QString what = c ? c->label() : tr("a call");
        if (at(a.begin))
            said << tr("main waits for %1").arg(what);
        if (at(a.end))
            said << tr("main stops waiting for %1").arg(what);
    }
    for (const OutputLine &o : trace.outputs())
        if (at(o.t))
            said << tr("%1 printed \"%2\"").arg(laneName(trace, o.lane), o.text);
    for (const StepMark &s : trace.steps())
        if (at(s.t))
            said << tr("step %1 of the recipe begins").arg(s.index + 1);
    for (const PhaseRecord &p : trace.phases())
        if (at(p.begin))
            said << tr("phase \"%1\" begins").arg(p.name);
    if (said.isEmpty() && t == model.duration())
        said << tr("the end of the run");
    if (said.isEmpty())
        return {};
    if (said.size() == 1)
        return said.first();
    return said.size() == 2 ? tr("%1 (and 1 more event at this instant)").arg(said.first())
                            : tr("%1 (and %2 more events at this instant)")
                                  .arg(said.first())
                                  .arg(said.size() - 1);
}

} // namespace procession::gui
