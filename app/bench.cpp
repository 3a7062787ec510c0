// `procession bench [--json] [--quick]`: measures Procession's own costs on real runs of
// this executable in worker mode, with a raw socketpair ping-pong as the floor, and says
// for each figure whether it meets the target of issue 5.
#include "benchraw.h"
#include "benchtrace.h"

#include "clock.h"
#include "commandoptions.h"
#include "protocol.h"
#include "runner.h"
#include "scenario.h"
#include "session.h"
#include "spin.h"
#include "trace.h"
#include "tracemodel.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>

#if defined(Q_OS_LINUX)
#include <malloc.h>
#include <sched.h>
#elif defined(Q_OS_WIN)
#include <windows.h>
// windows.h first
#include <psapi.h>
#endif

namespace procession {

namespace {

using bench::RawEcho;

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

// One row of the table: the samples (one per repetition), and what it must reach.
struct Figure
{
    enum class Goal
    {
        None,
        AtMost,
        AtLeast
    };

    QString name;
    QString unit;
    QString what;
    // Figures are made naming only the first three: every later member has an initializer
    // (-Wmissing-field-initializers).
    QList<double> samples{};
    Goal goal = Goal::None;
    double target = 0;    // absolute bound (already scaled when relative to a baseline)
    QString targetText{}; // "≤ 1.3 × raw_rtt_us"
    QString baseline{};   // "raw_rtt_us 7.9" or ""
    QString note{};       // "not measured yet: ..."
    int decimals = 1;

    bool measured() const { return !samples.isEmpty(); }
    double value() const { return median(samples); }
    double min() const
    {
        return samples.isEmpty() ? 0 : *std::min_element(samples.cbegin(), samples.cend());
    }
    double max() const
    {
        return samples.isEmpty() ? 0 : *std::max_element(samples.cbegin(), samples.cend());
    }
    bool met() const
    {
        switch (goal) {
        case Goal::AtMost:
            return value() <= target;
        case Goal::AtLeast:
            return value() >= target;
        case Goal::None:
            return true;
        }
        return true;
    }
    QString verdict() const
    {
        if (!measured())
            return QStringLiteral("—");
        if (goal == Goal::None)
            return QString();
        return met() ? QStringLiteral("met") : QStringLiteral("MISSED");
    }
    QString number(double v) const { return QString::number(v, 'f', decimals); }
};

struct Options
{
    bool json = false;
    bool quick = false;
    bool markdown = false; // the table as Markdown, for docs/performance.md
    QStringList only;      // --only rtt,calls,...: measure a part (for profiling)

    bool wants(const char *part) const
    {
        return only.isEmpty() || only.contains(QLatin1String(part));
    }
};

// A session on this executable in worker mode, with its own trace.
struct Bench
{
    Trace trace;
    Session session{&trace, sessionOptions()};

    static SessionOptions sessionOptions()
    {
        SessionOptions o;
        o.onOutput = [](int, const QString &, bool) {}; // greet's lines are only traced
        return o;
    }

    bool start(int workers, QString *error)
    {
        if (!session.listen(error))
            return false;
        for (int i = 0; i < workers; ++i)
            session.fork();
        return session.waitAllReady(-1, error);
    }
};

qint64 eventTime(const Trace &trace, EventType type, qint64 call)
{
    const QList<TraceEvent> events = trace.events();
    for (auto it = events.crbegin(); it != events.crend(); ++it)
        if (it->type == type && it->call == call)
            return it->t;
    return -1;
}

qint64 residentKb(qint64 pid)
{
#if defined(Q_OS_WIN)
    qint64 kb = -1;
    if (const HANDLE h = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid))) {
        PROCESS_MEMORY_COUNTERS c{};
        if (::GetProcessMemoryInfo(h, &c, sizeof c))
            kb = qint64(c.WorkingSetSize / 1024);
        ::CloseHandle(h);
    }
    return kb;
#endif
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

qint64 minorFaults(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // Fields after the command name (which may hold spaces): state is field 3, minflt 10.
    const QList<QByteArray> f = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return f.value(7).toLongLong();
}

// Round-trip times in ns of `count` noop() calls on worker 1 of `session`, each sent and
// awaited on its own, the trace recorded as usual.
QList<double> noopRoundTrips(Session &session, int count, QStringList *problems)
{
    static const QString fn = QStringLiteral("noop");
    QList<double> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        const qint64 t0 = nowNs();
        const CallOutcome r = session.awaitCall(session.callAsync(1, fn, {}));
        const qint64 t1 = nowNs();
        if (!r.ok) {
            *problems << QStringLiteral("rtt: %1").arg(r.error);
            break;
        }
        out.append(double(t1 - t0));
    }
    return out;
}

// The raw ping-pong moves as many bytes each way as a tiny call does.
int tinyCallFrameSize()
{
    return int(protocol::encode(protocol::Message::call(1, QStringLiteral("noop"), {})).size());
}

// rtt_us and raw_rtt_us, in interleaved blocks so both see the same machine.
// Each block's ratio is taken against the raw block right before it: on a virtual
// machine a wake-up costs ~4 µs while the other CPU is busy and ~20 µs once it has gone
// idle, and the machine switches between the two within a run, so only neighbours compare.
void measureRoundTrip(const Options &opt, Figure *rtt, Figure *raw, Figure *rawSpin, Figure *ratio,
                      QStringList *problems)
{
    const int blocks = opt.quick ? 10 : 40;
    const int perBlock = opt.quick ? 200 : 250;
    Bench b;
    QString error;
    if (!b.start(1, &error)) {
        *problems << QStringLiteral("rtt: %1").arg(error);
        return;
    }
    RawEcho echo, spinningEcho;
    const bool rawHere = echo.start() && spinningEcho.start(SpinWait::defaultBudgetNs());
    auto qtBlock = [&](int count) { return noopRoundTrips(b.session, count, problems); };
    qtBlock(200); // warm up both sides
    if (!rawHere) {
#if defined(Q_OS_UNIX)
        *problems << QStringLiteral("raw_rtt: cannot start the echo child");
#else
        raw->note = rawSpin->note = ratio->note =
            QStringLiteral("not measurable here: the raw socket pair is POSIX only");
#endif
        for (int i = 0; i < blocks; ++i)
            rtt->samples << median(qtBlock(perBlock)) / 1000.0;
        return;
    }
    const int size = tinyCallFrameSize();
    echo.pingPong(200, size);
    spinningEcho.pingPong(200, size);
    for (int i = 0; i < blocks; ++i) {
        rawSpin->samples << median(spinningEcho.pingPong(perBlock, size)) / 1000.0;
        raw->samples << median(echo.pingPong(perBlock, size)) / 1000.0;
        rtt->samples << median(qtBlock(perBlock)) / 1000.0;
        ratio->samples << rtt->samples.last() / raw->samples.last();
        if (qEnvironmentVariableIsSet("PROCESSION_BENCH_DEBUG"))
            std::fprintf(stderr, "block %d: raw %.2f µs, raw spinning %.2f µs, rtt %.2f µs\n", i,
                         raw->samples.last(), rawSpin->samples.last(), rtt->samples.last());
        if (qEnvironmentVariableIsSet("PROCESSION_BENCH_DEBUG") && i == blocks - 1) {
            // Where a round trip's time goes, from the trace's own stamps.
            TraceModel model;
            model.applyAll(b.trace.events());
            QList<double> out, run, back;
            for (const CallRecord &c : model.calls()) {
                out << double(c.begin - c.dispatch);
                run << double(c.end - c.begin);
                back << double(c.result - c.end);
            }
            std::fprintf(stderr,
                         "dispatch->begin %.0f ns, begin->end %.0f ns, end->result %.0f ns\n",
                         median(out), median(run), median(back));
        }
        b.trace.clear();
    }
}

// rtt_pinned_us and raw_pinned_rtt_us: the same two ping-pongs with every process involved
// (this thread, the worker, the echo child) pinned to one CPU and spinning off, so a round
// trip is both sides' work plus two context switches wherever the scheduler would have put
// them: what the code costs, apart from placement. Stable to a few tenths of a µs.
void measurePinnedRoundTrip(const Options &opt, Figure *rtt, Figure *raw, Figure *ratio,
                            QStringList *problems)
{
#if defined(Q_OS_LINUX)
    const int blocks = opt.quick ? 6 : 16;
    const int perBlock = opt.quick ? 200 : 250;
    // Spinning off for this part: the session reads the budget when it is made, its
    // worker when it starts.
    const bool hadSpin = qEnvironmentVariableIsSet("PROCESSION_SPIN_US");
    const QByteArray spin = qgetenv("PROCESSION_SPIN_US");
    qputenv("PROCESSION_SPIN_US", "0");
    Bench b;
    QString error;
    const bool started = b.start(1, &error);
    if (hadSpin)
        qputenv("PROCESSION_SPIN_US", spin);
    else
        qunsetenv("PROCESSION_SPIN_US");
    RawEcho echo;
    if (!started || !echo.start(0)) {
        *problems << QStringLiteral("rtt_pinned: %1")
                         .arg(started ? QStringLiteral("cannot start the echo child") : error);
        return;
    }
    cpu_set_t before;
    if (::sched_getaffinity(0, sizeof before, &before) != 0)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(::sched_getcpu(), &one);
    if (::sched_setaffinity(0, sizeof one, &one) != 0 ||
        ::sched_setaffinity(pid_t(b.session.pid(1)), sizeof one, &one) != 0 ||
        ::sched_setaffinity(pid_t(echo.pid()), sizeof one, &one) != 0) {
        *problems << QStringLiteral("rtt_pinned: cannot pin the processes to one CPU");
        ::sched_setaffinity(0, sizeof before, &before);
        return;
    }
    const int size = tinyCallFrameSize();
    noopRoundTrips(b.session, 200, problems); // warm up both sides
    echo.pingPong(200, size);
    for (int i = 0; i < blocks; ++i) {
        raw->samples << median(echo.pingPong(perBlock, size)) / 1000.0;
        rtt->samples << median(noopRoundTrips(b.session, perBlock, problems)) / 1000.0;
        ratio->samples << rtt->samples.last() / raw->samples.last();
        b.trace.clear();
    }
    ::sched_setaffinity(0, sizeof before, &before);
#else
    Q_UNUSED(opt);
    Q_UNUSED(problems);
    rtt->note = raw->note = ratio->note =
        QStringLiteral("not measurable here: pinning to one CPU is Linux's sched_setaffinity");
#endif
}

// paint_ms_100k: a widget needs a QApplication and this process has a QCoreApplication, so
// `procession bench-paint` (the window's library, offscreen) records a real run of 100,000
// calls and times frames of its timeline; this reads the JSON it prints.
void measurePaint(const Options &opt, Figure *zoomedOut, Figure *window, Figure *stall,
                  Figure *livePaint, QStringList *problems)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    QStringList args = {QStringLiteral("bench-paint")};
    if (opt.quick)
        args << QStringLiteral("--quick");
    child.start(QCoreApplication::applicationFilePath(), args);
    if (!child.waitForFinished(120000)) {
        child.kill();
        child.waitForFinished();
        *problems << QStringLiteral("paint: bench-paint did not finish within 2 minutes");
        return;
    }
    const QByteArray out = child.readAllStandardOutput();
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    if (child.exitStatus() == QProcess::NormalExit && child.exitCode() == 2) {
        // Built without the window (no Qt Widgets): nothing to paint with, nothing broken.
        zoomedOut->note = window->note = stall->note = livePaint->note =
            QStringLiteral("not measured: this build has no window library");
        return;
    }
    if (child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0 || o.isEmpty()) {
        const QString why = QString::fromLocal8Bit(child.readAllStandardError()).trimmed();
        *problems
            << QStringLiteral("paint: %1").arg(why.isEmpty() ? QStringLiteral("no result") : why);
        return;
    }
    for (const QJsonValue &v : o.value(QLatin1String("zoomed_out_ms")).toArray())
        zoomedOut->samples << v.toDouble();
    for (const QJsonValue &v : o.value(QLatin1String("window_1pct_ms")).toArray())
        window->samples << v.toDouble();
    const int calls = o.value(QLatin1String("calls")).toInt();
    zoomedOut->baseline = QStringLiteral("%1 calls").arg(calls);
    if (o.contains(QLatin1String("live_stall_ms"))) {
        stall->samples << o.value(QLatin1String("live_stall_ms")).toDouble();
        stall->baseline = QStringLiteral("run took %1 s")
                              .arg(o.value(QLatin1String("live_wall_s")).toDouble(), 0, 'f', 2);
    }
    for (const QJsonValue &v : o.value(QLatin1String("live_paint_ms")).toArray())
        livePaint->samples << v.toDouble();
}

void measureReady(const Options &opt, Figure *ready, Figure *rss, QStringList *problems)
{
    const int reps = opt.quick ? 3 : 9;
    for (int rep = 0; rep < reps; ++rep) {
        Bench b;
        QString error;
        if (!b.session.listen(&error)) {
            *problems << error;
            return;
        }
        const qint64 t0 = nowNs();
        for (int i = 0; i < 4; ++i)
            b.session.fork();
        const qint64 forked = nowNs();
        if (!b.session.waitAllReady(-1, &error)) {
            *problems << QStringLiteral("ready_4: %1").arg(error);
            return;
        }
        ready->samples << double(nowNs() - t0) / 1e6;
        if (qEnvironmentVariableIsSet("PROCESSION_BENCH_DEBUG"))
            std::fprintf(stderr,
                         "ready_4: fork() x4 took %.2f ms, then %.2f ms until every hello\n",
                         double(forked - t0) / 1e6, double(nowNs() - forked) / 1e6);
        if (rep == 0) {
            // An idle worker: it has said hello and run one call.
            for (int w = 1; w <= 4; ++w)
                b.session.awaitCall(b.session.callAsync(w, QStringLiteral("noop"), {}));
            b.session.idle(50);
            for (int w = 1; w <= 4; ++w)
                rss->samples << double(residentKb(b.session.pid(w)));
        }
    }
}

void measureSpawnCall(const Options &opt, Figure *spawn, QStringList *problems)
{
    const int reps = opt.quick ? 3 : 9;
    for (int rep = 0; rep < reps; ++rep) {
        Bench b;
        QString error;
        if (!b.session.listen(&error)) {
            *problems << error;
            return;
        }
        const qint64 t0 = nowNs();
        const qint64 id = b.session.callAsync(QStringLiteral("square"), QCborArray{3});
        const CallOutcome r = b.session.awaitCall(id); // also joins the one-shot worker
        const qint64 result = eventTime(b.trace, EventType::Result, id);
        if (!r.ok || r.value.toInteger() != 9 || result < 0) {
            *problems << QStringLiteral("spawn_call: %1")
                             .arg(r.ok ? QStringLiteral("wrong result") : r.error);
            return;
        }
        spawn->samples << double(result - t0) / 1e6;
    }
}

// Tiny calls with many in flight: each worker gets them in batches (callAsyncMany, one
// write per batch) and always has the next batch queued while it works on one.
void measureThroughput(const Options &opt, int workers, Figure *figure, QList<TraceEvent> *sample,
                       QStringList *problems)
{
    const int reps = opt.quick ? 3 : 5;
    const int calls = opt.quick ? 20000 : 50000;
    const int batch = 256;
    Bench b;
    QString error;
    if (!b.start(workers, &error)) {
        *problems << QStringLiteral("calls_per_s_%1: %2").arg(workers).arg(error);
        return;
    }
    const QString fn = QStringLiteral("square");
    struct Batch
    {
        int worker;
        int first; // argument of the first call
        QList<qint64> ids;
    };
    for (int rep = 0; rep < reps; ++rep) {
        int issued = 0;
        bool ok = true;
        QList<Batch> inFlight;
        auto send = [&](int worker) {
            const int n = std::min(batch, calls - issued);
            QList<QCborArray> args;
            args.reserve(n);
            for (int i = 0; i < n; ++i)
                args.append(QCborArray{issued + i});
            inFlight.append(Batch{worker, issued, b.session.callAsyncMany(worker, fn, args)});
            issued += n;
        };
        const qint64 t0 = nowNs();
        for (int round = 0; round < 2; ++round)
            for (int w = 1; w <= workers && issued < calls; ++w)
                send(w);
        while (ok && !inFlight.isEmpty()) {
            const Batch done = inFlight.takeFirst();
            for (qsizetype k = 0; k < done.ids.size() && ok; ++k) {
                const CallOutcome r = b.session.awaitCall(done.ids.at(k));
                const qint64 i = done.first + k;
                ok = r.ok && r.value.toInteger() == i * i;
            }
            if (issued < calls)
                send(done.worker);
        }
        const qint64 t1 = nowNs();
        if (!ok) {
            *problems << QStringLiteral("calls_per_s_%1: a call failed or returned a wrong value")
                             .arg(workers);
            return;
        }
        figure->samples << double(calls) / (double(t1 - t0) / 1e9);
        if (sample && sample->isEmpty())
            *sample = b.trace.events();
        b.trace.clear();
    }
}

void measurePayload(const Options &opt, Figure *figure, QStringList *problems)
{
    const int reps = opt.quick ? 3 : 7;
    const qsizetype size = 16 * 1024 * 1024;
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(i * 131);
    const QCborArray args{
        QCborValue(bytes)}; // made once: the copy into the array is not the echo's
    Bench b;
    QString error;
    if (!b.start(1, &error)) {
        *problems << QStringLiteral("payload: %1").arg(error);
        return;
    }
    for (int rep = 0; rep < reps + 1; ++rep) {
        const qint64 f0 = minorFaults(QCoreApplication::applicationPid()),
                     w0 = minorFaults(b.session.pid(1));
        const qint64 t0 = nowNs();
        const CallOutcome r =
            b.session.awaitCall(b.session.callAsync(1, QStringLiteral("echo"), args));
        const qint64 t1 = nowNs();
        if (!r.ok || r.value.toByteArray().size() != size) {
            *problems << QStringLiteral("payload: %1")
                             .arg(r.ok ? QStringLiteral("the echo came back changed") : r.error);
            return;
        }
        if (qEnvironmentVariableIsSet("PROCESSION_BENCH_DEBUG"))
            std::fprintf(stderr, "echo %.1f ms, faults parent %lld worker %lld\n", (t1 - t0) / 1e6,
                         minorFaults(QCoreApplication::applicationPid()) - f0,
                         minorFaults(b.session.pid(1)) - w0);
        if (rep > 0) // the first one warms up buffers on both sides
            figure->samples << double(size) / 1e6 / (double(t1 - t0) / 1e9);
        b.trace.clear();
    }
}

// The cost of recording one event, on the mix of events a real run records: each event is
// rebuilt with its own copies of its strings (as Session::record builds it) and appended.
void measureTrace(const Options &opt, const QList<TraceEvent> &sample, Figure *ns, Figure *bytes)
{
    if (sample.isEmpty())
        return;
    const int reps = opt.quick ? 3 : 7;
    for (int rep = 0; rep < reps; ++rep) {
#if defined(Q_OS_LINUX)
        // Large arrays are mmapped by malloc and counted in hblkhd, the rest in uordblks.
        const struct mallinfo2 m0 = mallinfo2();
        const size_t before = m0.uordblks + m0.hblkhd;
#endif
        auto trace = std::make_unique<Trace>();
        const qint64 t0 = nowNs();
        for (const TraceEvent &s : sample) {
            TraceEvent e;
            e.t = nowNs();
            e.type = s.type;
            e.lane = s.lane;
            e.pid = s.pid;
            e.call = s.call;
            e.code = s.code;
            e.text = QString(s.text.constData(), s.text.size());
            e.detail = QString(s.detail.constData(), s.detail.size());
            trace->append(std::move(e));
        }
        const qint64 t1 = nowNs();
        ns->samples << double(t1 - t0) / double(sample.size());
#if defined(Q_OS_LINUX)
        const struct mallinfo2 m1 = mallinfo2();
        const size_t after = m1.uordblks + m1.hblkhd;
        if (after > before)
            bytes->samples << double(after - before) / double(sample.size());
        else // another allocator (a sanitizer's, say) answers mallinfo2 with nothing
            bytes->note = QStringLiteral("not measurable here: malloc is not glibc's");
#else
        bytes->note = QStringLiteral("not measurable here: malloc is not glibc's");
#endif
    }
}

void measureScenario(const Options &opt, const QString &id, const QString &phase, Figure *figure,
                     QStringList *problems)
{
    const int reps = opt.quick ? 1 : 3;
    Scenario scenario;
    QString error;
    if (!findScenario(id, &scenario, &error)) {
        *problems << error;
        return;
    }
    for (int rep = 0; rep < reps; ++rep) {
        Trace trace;
        Runner runner(scenario, &trace, Bench::sessionOptions());
        const RunResult result = runner.run();
        if (result.exitCode != 0) {
            *problems << QStringLiteral("%1: %2").arg(id, result.message);
            return;
        }
        TraceModel model;
        model.applyAll(trace.events());
        if (phase.isEmpty()) {
            figure->samples << model.summary().wallS;
            continue;
        }
        for (const PhaseRecord &p : model.phases())
            if (p.name == phase && p.end >= 0)
                figure->samples << double(p.end - p.begin) / 1e9;
    }
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromLatin1(file.readAll().split(' ').mid(0, 3).join(' '));
}

QString cpuModel()
{
    QFile file(QStringLiteral("/proc/cpuinfo"));
    if (file.open(QIODevice::ReadOnly))
        for (const QByteArray &line : file.readAll().split('\n'))
            if (line.startsWith("model name"))
                return QString::fromLatin1(line.mid(line.indexOf(':') + 1).trimmed());
    return QSysInfo::currentCpuArchitecture();
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

    const QList<const Figure *> figures = {
        &rtt,        &raw,   &rawSpin,     &rttRatio,  &rttPinned, &rawPinned,   &pinnedRatio,
        &ready,      &spawn, &cps[0],      &cps[1],    &cps[2],    &payload,     &traceNs,
        &traceBytes, &rss,   &greetSpawn,  &greetPool, &paint,     &paintWindow, &liveStall,
        &livePaint,  &parse, &parsePython, &parseRatio};
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
                    .arg(pad(QStringLiteral("figure"), -22), pad(QStringLiteral("median"), 14),
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
                        .arg(pad(f->name, -22), pad(value, 14), pad(spread, -30),
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
