#include "report.h"

#include "comparison.h"
#include "protocol.h"
#include "runner.h"
#include "runqueuedelay.h"
#include "tracemodel.h"

#include <QCborArray>
#include <QCborMap>
#include <QHash>
#include <QJsonArray>
#include <QLocale>

#include <cmath>

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
QJsonObject phaseJson(const TraceModel &m, const PhaseSummary &p)
{
    const RunSummary &f = p.figures;
    return QJsonObject{{QStringLiteral("name"), p.name},
                       {QStringLiteral("begin_s"), relJson(m, p.begin)},
                       {QStringLiteral("end_s"), relJson(m, p.end)},
                       {QStringLiteral("wall_s"), f.wallS},
                       {QStringLiteral("work_s"), f.workS},
                       {QStringLiteral("cpu_s"), f.cpuS},
                       {QStringLiteral("speedup"), f.speedup},
                       {QStringLiteral("overhead_s"), f.overheadS()},
                       {QStringLiteral("startup_s"), f.startupS},
                       {QStringLiteral("dispatch_s"), f.dispatchS},
                       {QStringLiteral("return_s"), f.returnS},
                       {QStringLiteral("calls"), f.calls},
                       {QStringLiteral("workers"), f.workers}};
}

QJsonObject comparisonJson(const PhaseComparison &c)
{
    QJsonObject o{{QStringLiteral("from"), c.from},
                  {QStringLiteral("to"), c.to},
                  {QStringLiteral("same_work"), c.sameWork},
                  {QStringLiteral("sentence"), c.sentence()}};
    // A speedup only where both phases ran and did the same calls.
    o.insert(QStringLiteral("speedup"),
             c.found && c.sameWork ? QJsonValue(c.speedup) : QJsonValue(QJsonValue::Null));
    if (c.found) {
        o.insert(QStringLiteral("from_wall_s"), c.fromWallS);
        o.insert(QStringLiteral("to_wall_s"), c.toWallS);
    }
    return o;
}

QString plural(int n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

// One phase in the text report: its figures, and its sums said as sums.
QString phaseText(const PhaseSummary &p)
{
    const RunSummary &f = p.figures;
    QString out = QStringLiteral("    %1\n").arg(p.name);
    out += QStringLiteral("      wall %1, work %2 in %3, CPU %4, speedup %5×\n")
               .arg(ms(f.wallS), ms(f.workS),
                    plural(f.calls, QStringLiteral("call"), QStringLiteral("calls")))
               .arg(ms(f.cpuS))
               .arg(f.speedup, 0, 'f', 2);
    if (f.workers > 0 || f.dispatchS > 0 || f.returnS > 0) {
        QStringList parts;
        if (f.workers > 0)
            parts << summedText(QStringLiteral("start-up"), f.startupS, f.workers,
                                QStringLiteral("process"), QStringLiteral("processes"));
        parts << QStringLiteral("dispatch %1").arg(ms(f.dispatchS))
              << QStringLiteral("return %1").arg(ms(f.returnS));
        out += QStringLiteral("      overhead %1: %2\n")
                   .arg(ms(f.overheadS()), parts.join(QStringLiteral(", ")));
    }
    return out;
}

} // namespace

QString summedText(const QString &figure, double seconds, int count, const QString &one,
                   const QString &many)
{
    if (count <= 1)
        return QStringLiteral("%1 %2 (%3)").arg(figure, ms(seconds), plural(count, one, many));
    return QStringLiteral("%1 %2 summed over %3, %4 each")
        .arg(figure, ms(seconds), plural(count, one, many), ms(seconds / count));
}

QStringList summarizedProblems(const QList<Problem> &problems, int shown)
{
    struct Group
    {
        QString first;
        qsizetype more = 0;
    };
    QList<Group> groups;
    QHash<QString, qsizetype> byCause;
    for (const Problem &p : problems) {
        const QString &why = p.cause.isEmpty() ? p.text : p.cause;
        const auto it = byCause.constFind(why);
        if (it != byCause.cend()) {
            ++groups[*it].more;
            continue;
        }
        byCause.insert(why, groups.size());
        groups.append(Group{p.text, 0});
    }
    const QLocale english(QLocale::English);
    QStringList out;
    qsizetype left = 0;
    for (qsizetype i = 0; i < groups.size(); ++i) {
        if (i >= shown) {
            left += 1 + groups.at(i).more;
            continue;
        }
        out << groups.at(i).first;
        if (groups.at(i).more > 0)
            out << QStringLiteral("… and %1 more %2 the same way")
                       .arg(english.toString(qint64(groups.at(i).more)),
                            groups.at(i).more == 1 ? QStringLiteral("call failed")
                                                   : QStringLiteral("calls failed"));
    }
    if (left > 0)
        out << QStringLiteral("… and %1 more %2 (--json lists every call)")
                   .arg(english.toString(qint64(left)),
                        left == 1 ? QStringLiteral("problem") : QStringLiteral("problems"));
    return out;
}

QJsonValue callValueJson(const QCborValue &v)
{
    switch (v.type()) {
    case QCborValue::Integer:
        return QJsonValue(v.toInteger());
    case QCborValue::Double: {
        const double d = v.toDouble();
        return std::isfinite(d) ? QJsonValue(d) : QJsonValue(QJsonValue::Null);
    }
    case QCborValue::True:
        return true;
    case QCborValue::False:
        return false;
    case QCborValue::String:
        return v.toString();
    case QCborValue::ByteArray:
        return QJsonObject{
            {QStringLiteral("base64"), QString::fromLatin1(v.toByteArray().toBase64())}};
    case QCborValue::Array: {
        QJsonArray a;
        for (const QCborValue &item : v.toArray())
            a.append(callValueJson(item));
        return a;
    }
    case QCborValue::Map: {
        QJsonObject o;
        const QCborMap m = v.toMap();
        for (auto it = m.constBegin(); it != m.constEnd(); ++it)
            o.insert(it.key().isString() ? it.key().toString()
                                         : protocol::displayText(it.key()),
                     callValueJson(it.value()));
        return o;
    }
    default:
        if (v.isTag())
            return callValueJson(v.taggedValue());
        return QJsonValue(QJsonValue::Null);
    }
}

QJsonObject runReportJson(const TraceModel &model, bool ok, const RunResult &run,
                          const QString &compareFrom, const QString &compareTo)
{
    const QString &message = run.message;
    const RunSummary s = model.summary();
    QJsonArray calls;
    for (const CallRecord *call : callsById(model)) {
        const CallRecord &c = *call;
        QJsonObject o{{QStringLiteral("id"), c.id},
                      {QStringLiteral("function"), c.function},
                      {QStringLiteral("args_text"), c.args},
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
        // Values as JSON values for scripts; the display text beside them. A call whose
        // arguments were not kept (made outside the scenario's steps) has its text only.
        const auto args = run.args.constFind(c.id);
        o.insert(QStringLiteral("args"), args != run.args.cend()
                                             ? callValueJson(*args)
                                             : QJsonValue(QJsonValue::Null));
        if (c.finished && c.ok) {
            const auto value = run.values.constFind(c.id);
            o.insert(QStringLiteral("result"), value != run.values.cend()
                                                   ? callValueJson(*value)
                                                   : QJsonValue(QJsonValue::Null));
            o.insert(QStringLiteral("result_text"), c.value);
        } else {
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
    for (const PhaseSummary &p : model.phaseSummaries())
        phases.append(phaseJson(model, p));
    QJsonArray output;
    for (const OutputLine &o : model.outputs())
        output.append(QJsonObject{{QStringLiteral("t_s"), rel(model, o.t)},
                                  {QStringLiteral("worker"), o.lane},
                                  {QStringLiteral("line"), o.text}});
    QJsonObject report{{QStringLiteral("scenario"), model.scenarioId()},
                       {QStringLiteral("title"), model.scenarioTitle()},
                       {QStringLiteral("ok"), ok},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("problems"),
                        QJsonArray::fromStringList(summarizedProblems(run.problems))},
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
    if (!compareFrom.isEmpty())
        report.insert(QStringLiteral("comparison"),
                      comparisonJson(comparePhases(model, compareFrom, compareTo)));
    return report;
}

QString runReportText(const TraceModel &model, bool ok, const QString &message,
                      const QString &compareFrom, const QString &compareTo)
{
    const RunSummary s = model.summary();
    QString out;
    out += QStringLiteral("\n%1 — %2\n").arg(model.scenarioId(), model.scenarioTitle());
    out += QStringLiteral("  wall time  %1\n").arg(ms(s.wallS));
    out += QStringLiteral("  total work %1 in %2 call%3\n")
               .arg(ms(s.workS))
               .arg(s.calls)
               .arg(s.calls == 1 ? QString() : QStringLiteral("s"));
    out += QStringLiteral("  speedup    %1×  (work / wall; %2)\n")
               .arg(s.speedup, 0, 'f', 2)
               .arg(RunQueueDelay::measuredHere()
                        ? QStringLiteral("work leaves out time spent waiting for a CPU")
                        : QStringLiteral("time spent waiting for a CPU is not measured on "
                                         "this system: work includes it"));
    out += QStringLiteral("  CPU time   %1 used by the calls\n").arg(ms(s.cpuS));
    if (s.workers > 0) {
        out += QStringLiteral("  %1\n").arg(summedText(QStringLiteral("start-up  "), s.startupS,
                                                       s.workers, QStringLiteral("process"),
                                                       QStringLiteral("processes")));
        out += QStringLiteral("  dispatch   %1 summed over %2, return %3 (results waiting to "
                              "be read)\n")
                   .arg(ms(s.dispatchS),
                        plural(s.calls, QStringLiteral("call"), QStringLiteral("calls")),
                        ms(s.returnS));
    }
    const QList<PhaseSummary> phases = model.phaseSummaries();
    if (!phases.isEmpty())
        out += QStringLiteral("  phases\n");
    for (const PhaseSummary &p : phases)
        out += phaseText(p);
    if (!compareFrom.isEmpty())
        out += QStringLiteral("  lesson     %1\n")
                   .arg(comparePhases(model, compareFrom, compareTo).sentence());

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
    for (const LaneRecord &l : model.lanes()) {
        if (!l.crashed)
            continue;
        // A worker the system refused a thread or a process did not crash: say which.
        out += (l.neverStarted ? QStringLiteral("  no start   %1\n")
                             : QStringLiteral("  crash      %1\n"))
                   .arg(l.reason);
    }
    out += (ok ? QStringLiteral("ok: ") : QStringLiteral("FAILED: ")) + message + QLatin1Char('\n');
    return out;
}

} // namespace procession
