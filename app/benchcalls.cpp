// `procession bench`'s figures of calls on real workers of this executable: round trips
// (against a raw socketpair's), start-up, throughput, payloads, the trace's cost per event,
// and the bundled scenarios' wall times.
#include "benchfigure.h"
#include "benchraw.h"

#include "clock.h"
#include "protocol.h"
#include "runner.h"
#include "scenario.h"
#include "session.h"
#include "spin.h"
#include "trace.h"
#include "tracemodel.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>

#if defined(Q_OS_LINUX)
#include <malloc.h>
#include <sched.h>
#endif

namespace procession::bench {

namespace {

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
} // namespace

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

} // namespace procession::bench
