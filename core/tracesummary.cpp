#include "tracesummary.h"

#include <QJsonArray>

namespace procession {

namespace {
QString seconds(double s)
{
    if (s >= 1)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 3);
    if (s >= 1e-3)
        return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', 3);
    return QStringLiteral("%1 us").arg(s * 1e6, 0, 'f', 3);
}
} // namespace

TraceSummary TraceSummary::of(const LoadedTrace &trace, const QString &path)
{
    TraceSummary s;
    const ChromeTimeline &t = trace.timeline;
    s.path = path;
    s.format = trace.own ? QStringLiteral("procession")
                         : (trace.read.form == TraceForm::Array ? QStringLiteral("chrome-array")
                                                                : QStringLiteral("chrome-object"));
    s.scenario = trace.read.processionScenario;
    s.compressed = trace.read.compressed;
    s.truncated = trace.read.truncated;
    s.displayTimeUnit = trace.read.displayTimeUnit;
    s.bytes = qint64(trace.read.bytes);
    s.events = t.events();
    s.processes = t.processes().size();
    s.threads = t.threadLanes();
    s.slices = qint64(t.slices().size());
    for (const TraceSlice &sl : t.slices())
        s.asyncSpans += (sl.flags & TraceSlice::Async) ? 1 : 0;
    s.instants = t.instants().size();
    s.flows = t.flows().size();
    s.counters = t.counters().size();
    s.counterSamples = t.counterSamples();
    s.metadata = t.metadata();
    s.unmatchedEnds = t.unmatchedEnds();
    s.unfinished = t.unfinished();
    s.skipped = t.skipped();
    s.startUs = double(t.start()) / 1e3;
    s.endUs = double(t.end()) / 1e3;
    s.spanS = double(t.end() - t.start()) / 1e9;
    for (qint32 p : t.processOrder()) {
        const TraceProcess &proc = t.processes().at(p);
        for (qint32 l : proc.lanes) {
            const TraceLane &lane = t.lanes().at(l);
            if (lane.kind == LaneKind::Thread)
                s.busy.append({proc.label(), lane.label(), double(lane.busyNs) / 1e9});
        }
    }
    s.peakParallelism = t.parallelism().peak();
    s.averageParallelism = t.parallelism().average();
    s.readS = trace.seconds;
    return s;
}

QJsonObject TraceSummary::toJson() const
{
    QJsonObject skippedJson;
    for (auto it = skipped.begin(); it != skipped.end(); ++it)
        skippedJson.insert(it.key(), it.value());
    QJsonArray lanes;
    for (const LaneBusy &b : busy)
        lanes.append(QJsonObject{{QStringLiteral("process"), b.process},
                                 {QStringLiteral("thread"), b.thread},
                                 {QStringLiteral("busy_s"), b.busyS}});
    QJsonObject o{{QStringLiteral("file"), path},
                  {QStringLiteral("format"), format},
                  {QStringLiteral("gzip"), compressed},
                  {QStringLiteral("truncated"), truncated},
                  {QStringLiteral("bytes"), bytes},
                  {QStringLiteral("events"), events},
                  {QStringLiteral("processes"), processes},
                  {QStringLiteral("threads"), threads},
                  {QStringLiteral("slices"), slices},
                  {QStringLiteral("async_spans"), asyncSpans},
                  {QStringLiteral("instants"), instants},
                  {QStringLiteral("flows"), flows},
                  {QStringLiteral("counters"), counters},
                  {QStringLiteral("counter_samples"), counterSamples},
                  {QStringLiteral("metadata"), metadata},
                  {QStringLiteral("unmatched_ends"), unmatchedEnds},
                  {QStringLiteral("unfinished"), unfinished},
                  {QStringLiteral("skipped"), skippedJson},
                  {QStringLiteral("start_us"), startUs},
                  {QStringLiteral("end_us"), endUs},
                  {QStringLiteral("span_s"), spanS},
                  {QStringLiteral("busy"), lanes},
                  {QStringLiteral("peak_parallelism"), peakParallelism},
                  {QStringLiteral("average_parallelism"), averageParallelism},
                  {QStringLiteral("read_s"), readS}};
    if (!scenario.isEmpty())
        o.insert(QStringLiteral("scenario"), scenario);
    if (!displayTimeUnit.isEmpty())
        o.insert(QStringLiteral("display_time_unit"), displayTimeUnit);
    return o;
}

QString TraceSummary::toText() const
{
    QString out;
    QString kind =
        format == QLatin1String("procession")
            ? QStringLiteral("a Procession run") +
                  (scenario.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(scenario))
            : (format == QLatin1String("chrome-array")
                   ? QStringLiteral("Chrome trace events, array form")
                   : QStringLiteral("Chrome trace events, object form"));
    if (compressed)
        kind += QStringLiteral(", gzip");
    if (truncated)
        kind += QStringLiteral(", cut off (the last events are missing)");
    out += QStringLiteral("%1 — %2\n").arg(path, kind);
    out += QStringLiteral("  span       %1 (from %2 us to %3 us)\n")
               .arg(seconds(spanS))
               .arg(startUs, 0, 'f', 3)
               .arg(endUs, 0, 'f', 3);
    out += QStringLiteral("  events     %1: %2 processes, %3 threads\n")
               .arg(events)
               .arg(processes)
               .arg(threads);
    out += QStringLiteral("  slices     %1 (%2 async, %3 unfinished, %4 unmatched ends ignored)\n")
               .arg(slices)
               .arg(asyncSpans)
               .arg(unfinished)
               .arg(unmatchedEnds);
    out += QStringLiteral("  instants   %1, flows %2, counters %3 (%4 samples), metadata %5\n")
               .arg(instants)
               .arg(flows)
               .arg(counters)
               .arg(counterSamples)
               .arg(metadata);
    if (!skipped.isEmpty()) {
        QStringList parts;
        for (auto it = skipped.begin(); it != skipped.end(); ++it)
            parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
        out += QStringLiteral("  not drawn  %1\n").arg(parts.join(QStringLiteral(", ")));
    }
    out += QStringLiteral("  parallel   peak %1, average %2 lanes busy\n")
               .arg(peakParallelism)
               .arg(averageParallelism, 0, 'f', 2);
    out += QStringLiteral("  busy time per lane:\n");
    const qsizetype shown = std::min<qsizetype>(busy.size(), 40);
    for (qsizetype i = 0; i < shown; ++i)
        out += QStringLiteral("    %1  %2 / %3\n")
                   .arg(seconds(busy.at(i).busyS), 12)
                   .arg(busy.at(i).process, busy.at(i).thread);
    if (busy.size() > shown)
        out += QStringLiteral("    ... and %1 more lanes (--json lists them all)\n")
                   .arg(busy.size() - shown);
    return out;
}

} // namespace procession
