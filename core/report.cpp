#include "report.h"

#include "tracemodel.h"

#include <QJsonArray>

#include <algorithm>
#include <vector>

namespace procession {

namespace {
double rel(const TraceModel &m, qint64 t)
{
    return t < 0 ? -1.0 : (t - m.t0()) / 1e9;
}

QJsonValue relJson(const TraceModel &m, qint64 t)
{
    return t < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(rel(m, t));
}

// Calls in the order the scenario made them (the trace meets them in dispatch order), as
// pointers: a million calls are not copied to be sorted.
std::vector<const CallRecord *> callsById(const TraceModel &m)
{
    std::vector<const CallRecord *> calls;
    calls.reserve(size_t(m.calls().size()));
    for (const CallRecord &c : m.calls())
        calls.push_back(&c);
    std::stable_sort(calls.begin(), calls.end(),
                     [](const CallRecord *a, const CallRecord *b) { return a->id < b->id; });
    return calls;
}

QString ms(double seconds)
{
    if (seconds >= 1.0)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 3);
    return QStringLiteral("%1 ms").arg(seconds * 1000.0, 0, 'f', seconds < 0.01 ? 2 : 1);
}
} // namespace

QJsonObject runReportJson(const TraceModel &model, bool ok, const QString &message)
{
    const RunSummary s = model.summary();
    QJsonArray calls;
    for (const CallRecord *call : callsById(model)) {
        const CallRecord &c = *call;
        QJsonObject o{{QStringLiteral("id"), c.id},
                      {QStringLiteral("function"), c.function},
                      {QStringLiteral("args"), c.args},
                      {QStringLiteral("worker"), c.lane},
                      {QStringLiteral("pid"), c.pid},
                      {QStringLiteral("ok"), c.finished && c.ok},
                      {QStringLiteral("dispatch_s"), relJson(model, c.dispatch)},
                      {QStringLiteral("begin_s"), relJson(model, c.begin)},
                      {QStringLiteral("end_s"), relJson(model, c.end)},
                      {QStringLiteral("result_s"), relJson(model, c.result)},
                      {QStringLiteral("cpu_s"),
                       c.cpuNs >= 0 ? QJsonValue(c.cpuNs / 1e9) : QJsonValue(QJsonValue::Null)},
                      {QStringLiteral("cpu_wait_s"), c.waitNs / 1e9}};
        if (c.finished && c.ok)
            o.insert(QStringLiteral("result"), c.value);
        else {
            o.insert(QStringLiteral("error"),
                     c.finished ? c.error : QStringLiteral("never finished"));
            o.insert(QStringLiteral("error_kind"), c.errorKind);
        }
        calls.append(o);
    }
    QJsonArray workers;
    for (const LaneRecord &l : model.lanes()) {
        if (l.lane == 0)
            continue;
        QJsonObject o{{QStringLiteral("worker"), l.lane},
                      {QStringLiteral("pid"), l.pid},
                      {QStringLiteral("fork_s"), relJson(model, l.fork)},
                      {QStringLiteral("ready_s"), relJson(model, l.ready)},
                      {QStringLiteral("join_s"), relJson(model, l.join)},
                      {QStringLiteral("exit_s"), relJson(model, l.exit)},
                      {QStringLiteral("exit_code"), l.exitCode},
                      {QStringLiteral("crashed"), l.crashed}};
        if (l.crashed)
            o.insert(QStringLiteral("reason"), l.reason);
        workers.append(o);
    }
    QJsonArray phases;
    for (const PhaseRecord &p : model.phases())
        phases.append(
            QJsonObject{{QStringLiteral("name"), p.name},
                        {QStringLiteral("begin_s"), relJson(model, p.begin)},
                        {QStringLiteral("end_s"), relJson(model, p.end)},
                        {QStringLiteral("wall_s"), p.end >= 0 ? (p.end - p.begin) / 1e9 : -1.0}});
    QJsonArray output;
    for (const OutputLine &o : model.outputs())
        output.append(QJsonObject{{QStringLiteral("t_s"), rel(model, o.t)},
                                  {QStringLiteral("worker"), o.lane},
                                  {QStringLiteral("line"), o.text}});
    return QJsonObject{{QStringLiteral("scenario"), model.scenarioId()},
                       {QStringLiteral("title"), model.scenarioTitle()},
                       {QStringLiteral("ok"), ok},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("wall_s"), s.wallS},
                       {QStringLiteral("work_s"), s.workS},
                       {QStringLiteral("speedup"), s.speedup},
                       {QStringLiteral("cpu_s"), s.cpuS},
                       {QStringLiteral("startup_s"), s.startupS},
                       {QStringLiteral("dispatch_s"), s.dispatchS},
                       {QStringLiteral("return_s"), s.returnS},
                       {QStringLiteral("rejected_connections"), model.rejected().size()},
                       {QStringLiteral("phases"), phases},
                       {QStringLiteral("calls"), calls},
                       {QStringLiteral("workers"), workers},
                       {QStringLiteral("output"), output}};
}

QString runReportText(const TraceModel &model, bool ok, const QString &message)
{
    const RunSummary s = model.summary();
    QString out;
    out += QStringLiteral("\n%1 — %2\n").arg(model.scenarioId(), model.scenarioTitle());
    out += QStringLiteral("  wall time  %1\n").arg(ms(s.wallS));
    out += QStringLiteral("  total work %1 in %2 call%3\n")
               .arg(ms(s.workS))
               .arg(s.calls)
               .arg(s.calls == 1 ? QString() : QStringLiteral("s"));
    out += QStringLiteral(
               "  speedup    %1×  (work / wall; work leaves out time spent waiting for a CPU)\n")
               .arg(s.speedup, 0, 'f', 2);
    out += QStringLiteral("  CPU time   %1 used by the calls\n").arg(ms(s.cpuS));
    if (s.workers > 0) {
        out += QStringLiteral("  start-up   %1 over %2 worker%3 (%4 each on average)\n")
                   .arg(ms(s.startupS))
                   .arg(s.workers)
                   .arg(s.workers == 1 ? QString() : QStringLiteral("s"))
                   .arg(ms(s.startupS / s.workers));
        out += QStringLiteral("  dispatch   %1 (summed over calls), return %2 (results waiting "
                              "to be read)\n")
                   .arg(ms(s.dispatchS), ms(s.returnS));
    }
    for (const PhaseRecord &p : model.phases())
        if (p.end >= 0)
            out += QStringLiteral("  phase      %1: %2\n").arg(p.name, ms((p.end - p.begin) / 1e9));

    const std::vector<const CallRecord *> sorted = callsById(model);
    const qsizetype shown = std::min<qsizetype>(qsizetype(sorted.size()), 12);
    if (shown > 0)
        out += QStringLiteral(
            "  calls      (times from the start: dispatch → begin → end → result)\n");
    for (qsizetype i = 0; i < shown; ++i) {
        const CallRecord &c = *sorted[size_t(i)];
        const QString where =
            c.lane == 0 ? QStringLiteral("main") : QStringLiteral("worker %1").arg(c.lane);
        auto t = [&](qint64 v) {
            return v < 0 ? QStringLiteral("   —   ")
                         : QStringLiteral("%1").arg(rel(model, v), 7, 'f', 3);
        };
        out += QStringLiteral("    %1  %2  %3 → %4 → %5 → %6  %7\n")
                   .arg(c.label().left(28), -28)
                   .arg(where, -9)
                   .arg(t(c.dispatch), t(c.begin), t(c.end), t(c.result))
                   .arg(c.finished && c.ok
                            ? QStringLiteral("= ") + c.value
                            : QStringLiteral("✗ ") +
                                  (c.finished ? c.error : QStringLiteral("never finished")));
    }
    if (model.calls().size() > shown)
        out += QStringLiteral("    … and %1 more calls (--json lists them all)\n")
                   .arg(model.calls().size() - shown);
    for (const LaneRecord &l : model.lanes())
        if (l.crashed)
            out += QStringLiteral("  crash      %1\n").arg(l.reason);
    out += (ok ? QStringLiteral("ok: ") : QStringLiteral("FAILED: ")) + message + QLatin1Char('\n');
    return out;
}

} // namespace procession
