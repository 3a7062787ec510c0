// 100,000 tiny calls over four real workers: every result correct, each worker's calls
// run in the order they were made, and the trace's memory per event stays bounded.
#include "heapusage.h"
#include "session.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>

using namespace procession;

class tst_Load : public QObject
{
    Q_OBJECT

private slots:
    void hundredThousandCallsOverFourWorkers();
};

void tst_Load::hundredThousandCallsOverFourWorkers()
{
    constexpr int calls = 100000;
    constexpr int workers = 4;
    auto trace = std::make_unique<Trace>();
    QElapsedTimer timer;
    qint64 ms = 0;
    {
        SessionOptions o;
        o.program = QStringLiteral(PROCESSION_EXE);
        o.awaitTimeoutMs = 120000;
        Session s(trace.get(), o);
        for (int i = 0; i < workers; ++i)
            s.fork();
        QString error;
        QVERIFY2(s.waitAllReady(10000, &error), qPrintable(error));

        timer.start();
        QList<qint64> ids;
        ids.reserve(calls);
        for (int i = 0; i < calls; ++i)
            ids << s.callAsync(1 + i % workers, QStringLiteral("square"), {i});
        for (int i = 0; i < calls; ++i) {
            const CallOutcome out = s.awaitCall(ids.at(i));
            if (!out.ok || out.value.toInteger() != qint64(i) * i || out.worker != 1 + i % workers)
                QFAIL(qPrintable(QStringLiteral("call %1 (square(%1)) on worker %2: %3 %4")
                                     .arg(i)
                                     .arg(out.worker)
                                     .arg(out.value.toInteger())
                                     .arg(out.error)));
        }
        ms = timer.elapsed();
        for (int w = 1; w <= workers; ++w)
            QVERIFY(s.join(w, 5000));
    }

    // In order per worker: each worker began its calls in the order they were made,
    // by its own clock, one after another.
    {
        const QList<TraceEvent> events = trace->events();
        QList<qint64> lastCall(workers + 1, 0);
        QList<qint64> lastBegin(workers + 1, 0);
        QList<int> begun(workers + 1, 0);
        for (const TraceEvent &e : events) {
            if (e.type != EventType::Begin || e.lane < 1)
                continue;
            QVERIFY(e.call > lastCall[e.lane]);
            QVERIFY(e.t >= lastBegin[e.lane]);
            QCOMPARE((e.call - 1) % workers, qint64(e.lane - 1));
            lastCall[e.lane] = e.call;
            lastBegin[e.lane] = e.t;
            ++begun[e.lane];
        }
        for (int w = 1; w <= workers; ++w)
            QCOMPARE(begun[w], calls / workers);
    }

    // What the trace costs: the heap it gives back, divided by its events (the session,
    // its calls and its sockets are already gone).
    const qsizetype count = trace->size();
    const qint64 full = heapInUse();
    trace.reset();
    const qint64 empty = heapInUse();
    if (full < 0)
        QSKIP("no way to read the heap's use on this platform");
    const double perEvent = double(full - empty) / double(count);
    qInfo("%d calls over %d workers in %lld ms (%.1f µs per call); trace: %lld events, "
          "%.0f bytes per event (sizeof(TraceEvent) = %zu)",
          calls, workers, ms, 1000.0 * double(ms) / calls, qint64(count), perEvent,
          sizeof(TraceEvent));
    QVERIFY(count >= 6LL * calls);
    QVERIFY2(perEvent < 512, qPrintable(QString::number(perEvent)));
}

QTEST_GUILESS_MAIN(tst_Load)
#include "tst_load.moc"
