#include "chrometrace.h"
#include "runner.h"
#include "scenario.h"
#include "trace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace procession;

class tst_ChromeTrace : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void structure();
    void flowsFollowTheirSlices();
    void flowsBindToTheirOwnCalls();
    void processSortIndexIsANumber();
    void noOverlappingSlicesOnOneThread();
    void roundTrip();
    void rejectsForeignFiles();

private:
    QList<TraceEvent> m_events;
    QJsonArray m_trace;
};

void tst_ChromeTrace::initTestCase()
{
    // A real run: a pool of four, greets and squares, then join.
    Scenario s;
    QString error;
    QVERIFY(findScenario(QStringLiteral("greet-square-pool"), &s, &error));
    SessionOptions options;
    options.program = QStringLiteral(PROCESSION_EXE);
    Trace trace;
    Runner runner(s, &trace, options);
    QCOMPARE(runner.run().exitCode, 0);
    m_events = trace.events();
    const QJsonDocument doc = QJsonDocument::fromJson(toChromeTrace(m_events));
    QVERIFY(doc.isObject());
    m_trace = doc.object().value(QLatin1String("traceEvents")).toArray();
    QVERIFY(!m_trace.isEmpty());
}

void tst_ChromeTrace::structure()
{
    QHash<QString, int> byPhase;
    QSet<qint64> pids;
    int callSlices = 0, startups = 0, processNames = 0;
    for (const QJsonValue &v : std::as_const(m_trace)) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QLatin1String("ph")).toString();
        ++byPhase[ph];
        QVERIFY2(e.value(QLatin1String("pid")).isDouble() &&
                     e.value(QLatin1String("tid")).isDouble(),
                 "integer pid/tid");
        QCOMPARE(e.value(QLatin1String("pid")).toDouble(),
                 double(e.value(QLatin1String("pid")).toInteger()));
        pids.insert(e.value(QLatin1String("pid")).toInteger());
        if (ph != QLatin1String("M"))
            QVERIFY(e.value(QLatin1String("ts")).toDouble() >= 0);
        if (ph == QLatin1String("X")) {
            QVERIFY(e.value(QLatin1String("dur")).toDouble() > 0);
            if (e.value(QLatin1String("cat")).toString() == QLatin1String("call"))
                ++callSlices;
            if (e.value(QLatin1String("cat")).toString() == QLatin1String("startup"))
                ++startups;
        }
        if (ph == QLatin1String("M") &&
            e.value(QLatin1String("name")).toString() == QLatin1String("process_name"))
            ++processNames;
    }
    QCOMPARE(pids.size(), 5); // main + four workers
    QCOMPARE(processNames, 5);
    QCOMPARE(callSlices, 8); // four greets, four squares
    QCOMPARE(startups, 4);
    QCOMPARE(byPhase.value(QStringLiteral("b")), 8); // one await each
    QCOMPARE(byPhase.value(QStringLiteral("e")), 8);
    QCOMPARE(byPhase.value(QStringLiteral("s")), 16); // dispatch and return flows
    QCOMPARE(byPhase.value(QStringLiteral("f")), 16);
    QVERIFY(byPhase.value(QStringLiteral("i")) >= 4 + 4 + 4); // fork, join, exit
}

void tst_ChromeTrace::flowsFollowTheirSlices()
{
    // Perfetto drops a flow event that arrives before the slice it binds to.
    struct Slice
    {
        double ts, end;
    };
    QHash<qint64, QList<Slice>> seen; // per pid, slices written so far
    for (const QJsonValue &v : std::as_const(m_trace)) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QLatin1String("ph")).toString();
        const qint64 pid = e.value(QLatin1String("pid")).toInteger();
        const double ts = e.value(QLatin1String("ts")).toDouble();
        if (ph == QLatin1String("X"))
            seen[pid].append({ts, ts + e.value(QLatin1String("dur")).toDouble()});
        if (ph == QLatin1String("s") || ph == QLatin1String("f")) {
            bool bound = false;
            for (const Slice &s : std::as_const(seen[pid]))
                bound = bound || (s.ts <= ts + 1e-6 && ts <= s.end + 1e-6);
            QVERIFY2(bound,
                     qPrintable(QStringLiteral("flow %1 %2 at %3 has no enclosing slice before it")
                                    .arg(ph, e.value(QLatin1String("name")).toString())
                                    .arg(ts)));
            if (ph == QLatin1String("f"))
                QCOMPARE(e.value(QLatin1String("bp")).toString(), QStringLiteral("e"));
        }
    }
}

// Every flow joins the slices of one call: a dispatch flow leaves that call's dispatch
// mark on the main lane and lands on that call's slice in its worker; a return flow leaves
// the call's slice and lands on its result mark. A flow event binds to the slice that
// encloses it and was written last before it on its process.
void tst_ChromeTrace::flowsBindToTheirOwnCalls()
{
    struct Slice
    {
        double ts, end;
        QString name;
        qint64 call;
    };
    struct End
    {
        QString sliceName;
        qint64 call = -1;
        bool seen = false;
    };
    struct Flow
    {
        QString name;
        End s, f;
    };
    QHash<qint64, QList<Slice>> seen; // per pid
    QHash<qint64, Flow> flows;        // by id
    QSet<qint64> callSlices;
    for (const QJsonValue &v : std::as_const(m_trace)) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QLatin1String("ph")).toString();
        const qint64 pid = e.value(QLatin1String("pid")).toInteger();
        const double ts = e.value(QLatin1String("ts")).toDouble();
        const QString name = e.value(QLatin1String("name")).toString();
        if (ph == QLatin1String("X")) {
            const QJsonValue call =
                e.value(QLatin1String("args")).toObject().value(QLatin1String("call"));
            seen[pid].append({ts, ts + e.value(QLatin1String("dur")).toDouble(), name,
                              call.isDouble() ? call.toInteger() : -1});
            if (e.value(QLatin1String("cat")).toString().startsWith(QLatin1String("call")))
                callSlices.insert(call.toInteger());
        }
        if (ph != QLatin1String("s") && ph != QLatin1String("f"))
            continue;
        const QList<Slice> &before = seen[pid];
        const Slice *bound = nullptr;
        for (qsizetype i = before.size() - 1; i >= 0 && !bound; --i)
            if (before[i].ts <= ts + 1e-6 && ts <= before[i].end + 1e-6)
                bound = &before[i];
        QVERIFY2(bound, qPrintable(QStringLiteral("flow %1 at %2 has no slice").arg(name).arg(ts)));
        Flow &flow = flows[e.value(QLatin1String("id")).toInteger()];
        QVERIFY(flow.name.isEmpty() || flow.name == name);
        flow.name = name;
        End &end = ph == QLatin1String("s") ? flow.s : flow.f;
        QVERIFY2(!end.seen, "two flow events of one phase share an id");
        end = {bound->name, bound->call, true};
    }
    QCOMPARE(callSlices.size(), 8);
    QCOMPARE(flows.size(), 16); // a dispatch and a return flow per call
    QHash<QString, QSet<qint64>> callsByFlow;
    for (auto it = flows.cbegin(); it != flows.cend(); ++it) {
        const Flow &f = it.value();
        const QString what = QStringLiteral("flow %1 (%2): starts in \"%3\" of call %4, ends in "
                                            "\"%5\" of call %6")
                                 .arg(it.key())
                                 .arg(f.name, f.s.sliceName)
                                 .arg(f.s.call)
                                 .arg(f.f.sliceName)
                                 .arg(f.f.call);
        QVERIFY2(f.s.seen && f.f.seen, qPrintable(what));
        QVERIFY2(f.s.call >= 0 && f.s.call == f.f.call, qPrintable(what));
        QVERIFY2(callSlices.contains(f.s.call), qPrintable(what));
        if (f.name == QLatin1String("dispatch"))
            QVERIFY2(f.s.sliceName.startsWith(QLatin1String("dispatch ")) &&
                         !f.f.sliceName.startsWith(QLatin1String("dispatch ")),
                     qPrintable(what));
        else
            QVERIFY2(f.f.sliceName.startsWith(QLatin1String("result ")) &&
                         !f.s.sliceName.startsWith(QLatin1String("result ")),
                     qPrintable(what));
        callsByFlow[f.name].insert(f.s.call);
    }
    QCOMPARE(callsByFlow.value(QStringLiteral("dispatch")), callSlices);
    QCOMPARE(callsByFlow.value(QStringLiteral("return")), callSlices);
}

// The Chrome Trace Event format gives a process's place as {"sort_index": N}.
void tst_ChromeTrace::processSortIndexIsANumber()
{
    int found = 0;
    QSet<qint64> indices;
    for (const QJsonValue &v : std::as_const(m_trace)) {
        const QJsonObject e = v.toObject();
        if (e.value(QLatin1String("name")).toString() != QLatin1String("process_sort_index"))
            continue;
        ++found;
        QCOMPARE(e.value(QLatin1String("ph")).toString(), QStringLiteral("M"));
        const QJsonObject args = e.value(QLatin1String("args")).toObject();
        QCOMPARE(args.keys(), QStringList{QStringLiteral("sort_index")});
        QVERIFY(args.value(QLatin1String("sort_index")).isDouble());
        indices.insert(args.value(QLatin1String("sort_index")).toInteger());
    }
    QCOMPARE(found, 5); // main + four workers
    QCOMPARE(indices, (QSet<qint64>{0, 1, 2, 3, 4}));
}

void tst_ChromeTrace::noOverlappingSlicesOnOneThread()
{
    QHash<qint64, QList<QPair<double, double>>> slices;
    for (const QJsonValue &v : std::as_const(m_trace)) {
        const QJsonObject e = v.toObject();
        if (e.value(QLatin1String("ph")).toString() != QLatin1String("X"))
            continue;
        const double ts = e.value(QLatin1String("ts")).toDouble();
        slices[e.value(QLatin1String("tid")).toInteger()].append(
            {ts, ts + e.value(QLatin1String("dur")).toDouble()});
    }
    for (auto it = slices.begin(); it != slices.end(); ++it) {
        auto list = it.value();
        std::sort(list.begin(), list.end());
        for (qsizetype i = 1; i < list.size(); ++i)
            QVERIFY2(list[i].first >= list[i - 1].second - 1e-3,
                     qPrintable(QStringLiteral("tid %1: slice at %2 overlaps one ending at %3")
                                    .arg(it.key())
                                    .arg(list[i].first)
                                    .arg(list[i - 1].second)));
    }
}

void tst_ChromeTrace::roundTrip()
{
    QList<TraceEvent> back;
    QString error;
    QVERIFY2(fromChromeTrace(toChromeTrace(m_events), &back, &error), qPrintable(error));
    QCOMPARE(back.size(), m_events.size());
    for (qsizetype i = 0; i < back.size(); ++i) {
        QCOMPARE(back[i].t, m_events[i].t);
        QCOMPARE(back[i].type, m_events[i].type);
        QCOMPARE(back[i].lane, m_events[i].lane);
        QCOMPARE(back[i].pid, m_events[i].pid);
        QCOMPARE(back[i].call, m_events[i].call);
        QCOMPARE(back[i].code, m_events[i].code);
        QCOMPARE(back[i].text, m_events[i].text);
        QCOMPARE(back[i].detail, m_events[i].detail);
    }
}

void tst_ChromeTrace::rejectsForeignFiles()
{
    QList<TraceEvent> back;
    QString error;
    QVERIFY(!fromChromeTrace("{\"traceEvents\": []}", &back, &error));
    QVERIFY(error.contains(QStringLiteral("not a trace saved by Procession")));
    QVERIFY(!fromChromeTrace("{nope", &back, &error));
    QVERIFY(error.contains(QStringLiteral("not valid JSON")));
    QVERIFY(!fromChromeTrace(
        R"({"procession": {"version": 1, "events": [["x", "fork", 0, "1", "2", "3", ""]]}})", &back,
        &error));
    QVERIFY(error.contains(QStringLiteral("event 0")));
}

QTEST_GUILESS_MAIN(tst_ChromeTrace)
#include "tst_chrometrace.moc"
