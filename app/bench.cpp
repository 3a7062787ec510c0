// `procession bench [--json] [--quick]`: measures Procession's own costs on real runs of
// this executable in worker mode, with a raw socketpair ping-pong as the floor, and says
// for each figure whether it meets the target of issue 5.
// This file runs the parts and prints the table: benchcalls.cpp measures calls on workers,
// benchscale.cpp the window, benchtrace.cpp the trace reader.
#include "benchfigure.h"
#include "benchtrace.h"

#include "clock.h"
#include "commandoptions.h"
#include "traceevent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>

#include <cstdio>

namespace procession {

namespace bench {

double quantile(QList<double> v, double q)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const auto lo = qsizetype(pos);
    const qsizetype hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

double median(const QList<double> &v)
{
    return quantile(v, 0.5);
}

} // namespace bench

using namespace bench;

namespace {

void print(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void progress(bool enabled, const QString &text)
{
    if (!enabled)
        return;
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

QString pad(const QString &s, int width)
{
    return width < 0 ? s.leftJustified(-width) : s.rightJustified(width);
}

} // namespace

int runBench(const CommandLine &line)
{
    Options opt; // read with bench's definition (commandoptions.cpp)
    opt.json = line.isSet(QStringLiteral("json"));
    opt.quick = line.isSet(QStringLiteral("quick"));
    opt.markdown = line.isSet(QStringLiteral("markdown"));
    if (line.isSet(QStringLiteral("only")))
        opt.only = line.value(QStringLiteral("only")).split(QLatin1Char(','));
    const bool talk = !opt.json && !opt.markdown;
    const QString loadBefore = loadAverage();
    const qint64 started = nowNs();
    QStringList problems;

    using Goal = Figure::Goal;
    Figure ready{QStringLiteral("ready_4_ms"), QStringLiteral("ms"),
                 QStringLiteral("fork four workers until each has said hello")};
    ready.goal = Goal::AtMost, ready.target = 20, ready.targetText = QStringLiteral("< 20"),
    ready.decimals = 2;
    Figure spawn{QStringLiteral("spawn_call_ms"), QStringLiteral("ms"),
                 QStringLiteral("one process for square(3): call to result")};
    spawn.goal = Goal::AtMost, spawn.target = 8, spawn.targetText = QStringLiteral("< 8"),
    spawn.decimals = 2;
    Figure rtt{QStringLiteral("rtt_us"), QStringLiteral("µs"),
               QStringLiteral("noop() on a ready worker: call sent → result read")};
    Figure raw{QStringLiteral("raw_rtt_us"), QStringLiteral("µs"),
               QStringLiteral("the same bytes ping-ponged over a socketpair, no Qt, no framing")};
    Figure rawSpin{
        QStringLiteral("raw_spin_rtt_us"), QStringLiteral("µs"),
        QStringLiteral("the raw ping-pong, both sides spinning first as Procession does")};
    rtt.decimals = raw.decimals = rawSpin.decimals = 2;
    Figure rttPinned{QStringLiteral("rtt_pinned_us"), QStringLiteral("µs"),
                     QStringLiteral("rtt_us with everything on one CPU and spinning off")};
    Figure rawPinned{QStringLiteral("raw_pinned_rtt_us"), QStringLiteral("µs"),
                     QStringLiteral("raw_rtt_us on that same CPU")};
    Figure pinnedRatio{QStringLiteral("rtt_pinned_over_raw"), QStringLiteral("×"),
                       QStringLiteral("the code's own cost: rtt_pinned_us / raw_pinned_rtt_us")};
    rttPinned.decimals = rawPinned.decimals = pinnedRatio.decimals = 2;
    Figure rttRatio{
        QStringLiteral("rtt_over_raw"), QStringLiteral("×"),
        QStringLiteral("rtt_us / raw_rtt_us, each block against the raw block before it")};
    rttRatio.goal = Goal::AtMost, rttRatio.target = 1.3,
    rttRatio.targetText = QStringLiteral("≤ 1.3"), rttRatio.decimals = 2;
    Figure cps[3];
    const int workerCounts[3] = {1, 2, 4};
    for (int i = 0; i < 3; ++i) {
        cps[i].name = QStringLiteral("calls_per_s_%1").arg(workerCounts[i]);
        cps[i].unit = QStringLiteral("calls/s");
        cps[i].what = QStringLiteral("square(i), pipelined in batches of 256, on %1 worker%2")
                          .arg(workerCounts[i])
                          .arg(workerCounts[i] > 1 ? QStringLiteral("s") : QString());
        cps[i].decimals = 0;
    }
    cps[1].goal = Goal::AtLeast, cps[1].target = 200000,
    cps[1].targetText = QStringLiteral("≥ 200000");
    Figure payload{QStringLiteral("payload_mb_per_s"), QStringLiteral("MB/s"),
                   QStringLiteral("echo of a 16 MiB byte string (MB = 10^6 bytes, counted once)")};
    payload.goal = Goal::AtLeast, payload.target = 500,
    payload.targetText = QStringLiteral("≥ 500"), payload.decimals = 0;
    Figure traceNs{QStringLiteral("trace_ns_per_event"), QStringLiteral("ns"),
                   QStringLiteral("record one event (a real run's mix, strings included)")};
    Figure traceBytes{QStringLiteral("trace_bytes_per_event"), QStringLiteral("B"),
                      QStringLiteral("heap per recorded event, strings included")};
    traceBytes.decimals = 0;
    Figure rss{QStringLiteral("worker_rss_kb"), QStringLiteral("KiB"),
               QStringLiteral("resident memory of an idle worker")};
    rss.goal = Goal::AtMost, rss.target = 20000, rss.targetText = QStringLiteral("< 20000"),
    rss.decimals = 0;
    Figure greetSpawn{QStringLiteral("greet_spawn_wall_s"), QStringLiteral("s"),
                      QStringLiteral("greet-spawn scenario, wall time (ideal 1.000)")};
    greetSpawn.goal = Goal::AtMost, greetSpawn.target = 1.030,
    greetSpawn.targetText = QStringLiteral("≤ 1.030"), greetSpawn.decimals = 4;
    Figure greetPool{
        QStringLiteral("greet_pool_phase_s"), QStringLiteral("s"),
        QStringLiteral("greet-square-pool, \"greet in parallel\" phase (ideal 1.000)")};
    greetPool.goal = Goal::AtMost, greetPool.target = 1.005,
    greetPool.targetText = QStringLiteral("≤ 1.005"), greetPool.decimals = 4;
    Figure paint{QStringLiteral("paint_ms_100k"), QStringLiteral("ms"),
                 QStringLiteral("one frame of a real run's timeline, 100,000 calls, zoomed out")};
    Figure paintWindow{QStringLiteral("paint_ms_100k_1pct"), QStringLiteral("ms"),
                       QStringLiteral("the same timeline with 1 % of it in view")};
    Figure liveStall{QStringLiteral("live_stall_ms"), QStringLiteral("ms"),
                     QStringLiteral("longest time the GUI thread did not answer during a live "
                                    "200,000-call run drawn offscreen")};
    liveStall.goal = Goal::AtMost, liveStall.target = 50,
    liveStall.targetText = QStringLiteral("≤ 50"), liveStall.decimals = 0;
    Figure livePaint{QStringLiteral("live_paint_ms"), QStringLiteral("ms"),
                     QStringLiteral("each frame the live 200,000-call run's timeline painted")};
    for (Figure *f : {&paint, &paintWindow, &livePaint})
        f->goal = Goal::AtMost, f->target = 16, f->targetText = QStringLiteral("< 16"),
        f->decimals = 2;

    progress(talk, QStringLiteral("procession bench%1: measuring"
                                  " (load average %2)…\n")
                       .arg(opt.quick ? QStringLiteral(" --quick") : QString(), loadBefore));
    Figure parse{QStringLiteral("trace_summary_s"), QStringLiteral("s"),
                 QStringLiteral("summary of a Ray-style trace, 1,000,000 events (~90 MB)")};
    Figure parsePython{QStringLiteral("trace_python_load_s"), QStringLiteral("s"),
                       QStringLiteral("Python's json.load of the same file, same run")};
    Figure parseRatio{QStringLiteral("trace_summary_over_python"), QStringLiteral("×"),
                      QStringLiteral("trace_summary_s / trace_python_load_s")};
    parseRatio.goal = Goal::AtMost, parseRatio.target = 0.5,
    parseRatio.targetText = QStringLiteral("< 0.5");
    parse.decimals = parsePython.decimals = 3, parseRatio.decimals = 3;

    progress(talk, QStringLiteral("  round trips\n"));
    if (opt.wants("rtt"))
        measureRoundTrip(opt, &rtt, &raw, &rawSpin, &rttRatio, &problems);
    if (opt.wants("rtt"))
        measurePinnedRoundTrip(opt, &rttPinned, &rawPinned, &pinnedRatio, &problems);
    if (rawPinned.measured())
        rttPinned.baseline = QStringLiteral("raw %1 µs").arg(rawPinned.value(), 0, 'f', 2);
    if (raw.measured())
        rtt.baseline = QStringLiteral("raw %1 µs, spinning %2 µs")
                           .arg(raw.value(), 0, 'f', 2)
                           .arg(rawSpin.value(), 0, 'f', 2);
    progress(talk, QStringLiteral("  start-up\n"));
    if (opt.wants("ready"))
        measureReady(opt, &ready, &rss, &problems);
    if (opt.wants("spawn"))
        measureSpawnCall(opt, &spawn, &problems);
    progress(talk, QStringLiteral("  throughput\n"));
    QList<TraceEvent> sample;
    for (int i = 0; i < 3 && opt.wants("calls"); ++i)
        measureThroughput(opt, workerCounts[i], &cps[i], i == 1 ? &sample : nullptr, &problems);
    if (cps[0].measured())
        for (int i = 1; i < 3; ++i)
            cps[i].baseline =
                QStringLiteral("%1× 1 worker").arg(cps[i].value() / cps[0].value(), 0, 'f', 2);
    progress(talk, QStringLiteral("  payload\n"));
    if (opt.wants("payload"))
        measurePayload(opt, &payload, &problems);
    measureTrace(opt, sample, &traceNs, &traceBytes);
    progress(talk, QStringLiteral("  scenarios\n"));
    if (opt.wants("scenarios"))
        measureScenario(opt, QStringLiteral("greet-spawn"), QString(), &greetSpawn, &problems);
    if (opt.wants("scenarios"))
        measureScenario(opt, QStringLiteral("greet-square-pool"),
                        QStringLiteral("greet in parallel"), &greetPool, &problems);

    progress(talk, QStringLiteral("  reading traces\n"));
    if (opt.wants("traces")) {
        const qint64 events = opt.quick ? 100000 : 1000000;
        const TraceParseFigures t = measureTraceParse(events, opt.quick ? 1 : 3);
        parse.samples = t.summaryS;
        parsePython.samples = t.pythonS;
        for (qsizetype i = 0; i < std::min(t.summaryS.size(), t.pythonS.size()); ++i)
            parseRatio.samples.append(t.summaryS.at(i) / t.pythonS.at(i));
        parse.what = QStringLiteral("summary of a Ray-style trace, %1 events (%2 MB)")
                         .arg(events)
                         .arg(t.fileMb, 0, 'f', 0);
        if (!t.problem.isEmpty())
            problems.append(t.problem);
    }

    progress(talk, QStringLiteral("  painting\n"));
    if (opt.wants("paint"))
        measurePaint(opt, &paint, &paintWindow, &liveStall, &livePaint, &problems);

    Figure openTrace{QStringLiteral("open_trace_s"), QStringLiteral("s"),
                     QStringLiteral("the window's first frame of a saved trace")};
    Figure openPeak{QStringLiteral("open_trace_peak_mb"), QStringLiteral("MB"),
                    QStringLiteral("the window's peak resident memory until then")};
    Figure openStall{QStringLiteral("open_trace_stall_ms"), QStringLiteral("ms"),
                     QStringLiteral("longest time the window's GUI thread was away from its "
                                    "event loop until then")};
    openStall.decimals = 0;
    Figure openFile{QStringLiteral("open_trace_file_mb"), QStringLiteral("MB"),
                    QStringLiteral("the trace file's size")};
    Figure openPython{QStringLiteral("open_trace_python_s"), QStringLiteral("s"),
                      QStringLiteral("python3 json.load of the same file, same run")};
    Figure openPythonPeak{QStringLiteral("open_trace_python_peak_mb"), QStringLiteral("MB"),
                          QStringLiteral("its peak resident memory")};
    openTrace.decimals = openPython.decimals = 2, openPeak.decimals = openFile.decimals = 0,
    openPythonPeak.decimals = 0;
    progress(talk, QStringLiteral("  opening a saved trace (%1 calls)\n")
                       .arg(opt.quick ? QStringLiteral("20,000") : QStringLiteral("1,000,000")));
    if (opt.wants("open")) {
        OpenTraceFigures openFigures{&openTrace, &openPeak,   &openStall,
                                     &openFile,  &openPython, &openPythonPeak};
        measureOpenTrace(opt, &openFigures, &problems);
    }

    const QList<const Figure *> figures = {
        &rtt,           &raw,         &rawSpin,    &rttRatio,  &rttPinned,  &rawPinned,
        &pinnedRatio,   &ready,       &spawn,      &cps[0],    &cps[1],     &cps[2],
        &payload,       &traceNs,     &traceBytes, &rss,       &greetSpawn, &greetPool,
        &paint,         &paintWindow, &liveStall,  &livePaint, &parse,      &parsePython,
        &parseRatio,    &openTrace,   &openPeak,   &openStall, &openFile,   &openPython,
        &openPythonPeak};
    const double seconds = double(nowNs() - started) / 1e9;
    const QString loadAfter = loadAverage();
    const QString machine = QStringLiteral("%1, %2 cores, %3 %4, Qt %5")
                                .arg(cpuModel())
                                .arg(QThread::idealThreadCount())
                                .arg(QSysInfo::kernelType(), QSysInfo::kernelVersion(),
                                     QString::fromLatin1(qVersion()));
    int missed = 0;
    for (const Figure *f : figures)
        if (f->measured() && !f->met())
            ++missed;

    const QString footer =
        QStringLiteral("%1 s, load average %2 before, %3 after; %4 target%5 missed.\n")
            .arg(seconds, 0, 'f', 1)
            .arg(loadBefore, loadAfter)
            .arg(missed)
            .arg(missed == 1 ? QString() : QStringLiteral("s"));
    if (opt.json) {
        QJsonObject root;
        root[QStringLiteral("machine")] = machine;
        root[QStringLiteral("quick")] = opt.quick;
        root[QStringLiteral("seconds")] = seconds;
        root[QStringLiteral("load_average")] = QJsonArray{loadBefore, loadAfter};
        QJsonObject out;
        for (const Figure *f : figures) {
            QJsonObject o;
            o[QStringLiteral("unit")] = f->unit;
            o[QStringLiteral("what")] = f->what;
            if (f->measured()) {
                o[QStringLiteral("median")] = f->value();
                o[QStringLiteral("min")] = f->min();
                o[QStringLiteral("max")] = f->max();
                o[QStringLiteral("n")] = int(f->samples.size());
            } else {
                o[QStringLiteral("median")] = QJsonValue::Null;
            }
            if (f->goal != Goal::None) {
                o[QStringLiteral("target")] = f->targetText;
                o[QStringLiteral("met")] = f->measured() ? QJsonValue(f->met()) : QJsonValue::Null;
            }
            if (!f->baseline.isEmpty())
                o[QStringLiteral("baseline")] = f->baseline;
            if (!f->note.isEmpty())
                o[QStringLiteral("note")] = f->note;
            out[f->name] = o;
        }
        root[QStringLiteral("figures")] = out;
        root[QStringLiteral("problems")] = QJsonArray::fromStringList(problems);
        print(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented)));
    } else if (opt.markdown) {
        QString text = QStringLiteral(
            "| figure | median | spread (min – max, n) | target | baseline | verdict |\n"
            "|---|---:|---|---|---|---|\n");
        for (const Figure *f : figures) {
            const QString value = f->measured() ? f->number(f->value()) + QLatin1Char(' ') + f->unit
                                                : QStringLiteral("—");
            const QString spread = f->measured()
                                       ? QStringLiteral("%1 – %2, n=%3")
                                             .arg(f->number(f->min()), f->number(f->max()))
                                             .arg(f->samples.size())
                                       : f->note;
            text += QStringLiteral("| `%1` | %2 | %3 | %4 | %5 | %6 |\n")
                        .arg(f->name, value, spread, f->targetText, f->baseline, f->verdict());
        }
        text += QStringLiteral("\n%1; %2").arg(machine, footer);
        for (const QString &p : std::as_const(problems))
            text += QStringLiteral("\nproblem: %1\n").arg(p);
        print(text);
    } else {
        QString text;
        text += QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                    .arg(pad(QStringLiteral("figure"), -26), pad(QStringLiteral("median"), 14),
                         pad(QStringLiteral("spread (min – max, n)"), -30),
                         pad(QStringLiteral("target"), -22), pad(QStringLiteral("baseline"), -16),
                         QStringLiteral("verdict"));
        QStringList notes;
        for (const Figure *f : figures) {
            const QString value = f->measured() ? f->number(f->value()) + QLatin1Char(' ') + f->unit
                                                : QStringLiteral("—");
            const QString spread = f->measured()
                                       ? QStringLiteral("%1 – %2, n=%3")
                                             .arg(f->number(f->min()), f->number(f->max()))
                                             .arg(f->samples.size())
                                       : QStringLiteral("(see below)");
            if (!f->note.isEmpty())
                notes << QStringLiteral("%1: %2").arg(f->name, f->note);
            text += QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                        .arg(pad(f->name, -26), pad(value, 14), pad(spread, -30),
                             pad(f->targetText, -22), pad(f->baseline, -16), f->verdict());
        }
        for (const QString &n : std::as_const(notes))
            text += n + QLatin1Char('\n');
        text += QStringLiteral("\n%1\n%2").arg(machine, footer);
        for (const QString &p : std::as_const(problems))
            text += QStringLiteral("problem: %1\n").arg(p);
        print(text);
    }
    return problems.isEmpty() ? 0 : 1;
}

} // namespace procession
