// The one trace reader and the timeline it builds, on small hand-written traces: both forms,
// a missing `]`, gzip, string pids, every phase kind, flows of both versions, bad input.
#include "chrometrace.h"
#include "traceloader.h"
#include "tracesummary.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace procession;

namespace {

LoadedTrace load(const QByteArray &json)
{
    return loadTraceData(json, TraceLoadMode::Timeline);
}

// The slices of a lane named by tid, as "name@depth" in (depth, begin) order.
QStringList slicesOf(const ChromeTimeline &t, const QString &tid)
{
    QStringList out;
    for (const TraceLane &l : t.lanes()) {
        if (l.tid != tid)
            continue;
        for (qsizetype i = l.first; i < l.first + l.count; ++i) {
            const TraceSlice &s = t.slices()[std::size_t(i)];
            out << QStringLiteral("%1@%2").arg(t.string(s.name)).arg(s.depth);
        }
    }
    return out;
}

const TraceSlice *sliceNamed(const ChromeTimeline &t, const QString &name)
{
    for (const TraceSlice &s : t.slices())
        if (t.string(s.name) == name)
            return &s;
    return nullptr;
}

QByteArray gzip(const QByteArray &data)
{
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(data.size()))), '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

const QByteArray kSmall = R"([
 {"ph":"X","name":"a","pid":1,"tid":1,"ts":10,"dur":5},
 {"ph":"X","name":"b","pid":1,"tid":2,"ts":12,"dur":10}
])";

} // namespace

class tst_TraceReader : public QObject
{
    Q_OBJECT
private slots:
    void forms_data();
    void forms();
    void cutOffMidEvent();
    void gzipFile();
    void stringPidsAndNames();
    void sortIndexes();
    void nestedBeginEnd();
    void unmatchedBeginAndEnd();
    void completeSlicesNest();
    void overlappingSlicesKeepTheLaneBusy();
    void instants();
    void asyncSpans();
    void flowsV1();
    void flowsV2();
    void counters();
    void skippedPhases();
    void timestamps();
    void parallelism();
    void ownTraceThroughTheSameReader();
    void badInput_data();
    void badInput();
    void progressAndCancel();
    void summaryFigures();
};

void tst_TraceReader::forms_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("form");
    QTest::addColumn<bool>("truncated");
    QTest::newRow("array") << kSmall << int(TraceForm::Array) << false;
    QTest::newRow("object") << QByteArray("{\"otherKey\": {\"x\": [1]}, \"traceEvents\": ") +
                                   kSmall + ", \"displayTimeUnit\": \"ns\"}"
                            << int(TraceForm::Object) << false;
    QTest::newRow("array without ]")
        << kSmall.left(kSmall.lastIndexOf(']')) << int(TraceForm::Array) << true;
    QTest::newRow("array without ], trailing comma")
        << kSmall.left(kSmall.lastIndexOf(']')).trimmed() + ",\n"
        << int(TraceForm::Array) << true;
    QTest::newRow("byte order mark")
        << QByteArray("\xEF\xBB\xBF") + kSmall << int(TraceForm::Array) << false;
}

void tst_TraceReader::forms()
{
    QFETCH(QByteArray, json);
    QFETCH(int, form);
    QFETCH(bool, truncated);
    const LoadedTrace t = load(json);
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QCOMPARE(int(t.read.form), form);
    QCOMPARE(t.read.truncated, truncated);
    QCOMPARE(t.timeline.slices().size(), std::size_t(2));
    QCOMPARE(t.timeline.threadLanes(), 2);
    QCOMPARE(t.timeline.start(), 10000);
    QCOMPARE(t.timeline.end(), 22000);
}

void tst_TraceReader::cutOffMidEvent()
{
    // The file ends inside an event (a recorder killed mid-write): the events before stay.
    const QByteArray json = R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":1},
{"ph":"X","name":"b","pid":1,"tid":1,"ts":3,"dur":1,"args":{"k":{"deep":1}},"cat":"x)";
    const LoadedTrace t = load(json);
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QVERIFY(t.read.truncated);
    QCOMPARE(slicesOf(t.timeline, QStringLiteral("1")), QStringList{QStringLiteral("a@0")});
}

void tst_TraceReader::gzipFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("t.json.gz"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(gzip(kSmall));
    f.close();
    const LoadedTrace t = loadTrace(path, TraceLoadMode::Timeline);
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QVERIFY(t.read.compressed);
    QCOMPARE(t.timeline.slices().size(), std::size_t(2));
    // A corrupt gzip stream is one sentence, not a crash.
    QByteArray bad = gzip(kSmall);
    bad[12] = char(bad[12] ^ 0x55);
    bad[13] = char(bad[13] ^ 0x55);
    const LoadedTrace b = loadTraceData(bad, TraceLoadMode::Timeline);
    QVERIFY(b.status != TraceReadStatus::Ok);
    QVERIFY(!b.error.isEmpty());
}

void tst_TraceReader::stringPidsAndNames()
{
    // What `ray timeline` writes: the node's IP as pid, "worker:<hex>" as tid.
    const LoadedTrace t = load(R"([
 {"ph":"M","name":"process_name","pid":"10.0.0.2","tid":"worker:aa","args":{"name":"node 2"}},
 {"ph":"M","name":"thread_name","pid":"10.0.0.2","tid":"worker:aa","args":{"name":"w aa"}},
 {"ph":"X","name":"f","pid":"10.0.0.2","tid":"worker:aa","ts":0,"dur":3},
 {"ph":"X","name":"g","pid":"10.0.0.2","tid":"worker:bb","ts":1,"dur":3},
 {"ph":"X","name":"h","pid":7,"tid":"7","ts":1,"dur":3},
 {"ph":"X","name":"h2","pid":"7","tid":7,"ts":5,"dur":3}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QCOMPARE(t.timeline.processes().size(), 2); // pid 7 and "7" are one process
    QCOMPARE(t.timeline.threadLanes(), 3);
    const TraceProcess &node = t.timeline.processes().at(0);
    QCOMPARE(node.pid, QStringLiteral("10.0.0.2"));
    QCOMPARE(node.name, QStringLiteral("node 2"));
    QCOMPARE(t.timeline.lanes().at(node.lanes.at(0)).name, QStringLiteral("w aa"));
    QCOMPARE(slicesOf(t.timeline, QStringLiteral("7")),
             (QStringList{QStringLiteral("h@0"), QStringLiteral("h2@0")}));
}

void tst_TraceReader::sortIndexes()
{
    const LoadedTrace t = load(R"([
 {"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":1},
 {"ph":"X","name":"b","pid":2,"tid":5,"ts":0,"dur":1},
 {"ph":"X","name":"c","pid":2,"tid":6,"ts":0,"dur":1},
 {"ph":"M","name":"process_sort_index","pid":2,"args":{"sort_index":-1}},
 {"ph":"M","name":"thread_sort_index","pid":2,"tid":5,"args":{"sort_index":9}}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const ChromeTimeline &tl = t.timeline;
    QCOMPARE(tl.processes().at(tl.processOrder().at(0)).pid, QStringLiteral("2"));
    const TraceProcess &p2 = tl.processes().at(tl.processOrder().at(0));
    QCOMPARE(tl.lanes().at(p2.lanes.at(0)).tid, QStringLiteral("6"));
    QCOMPARE(tl.lanes().at(p2.lanes.at(1)).tid, QStringLiteral("5"));
}

void tst_TraceReader::nestedBeginEnd()
{
    const LoadedTrace t = load(R"([
 {"ph":"B","name":"outer","pid":1,"tid":1,"ts":0},
 {"ph":"B","name":"inner","pid":1,"tid":1,"ts":2},
 {"ph":"B","name":"innermost","pid":1,"tid":1,"ts":3},
 {"ph":"E","pid":1,"tid":1,"ts":4},
 {"ph":"E","pid":1,"tid":1,"ts":5},
 {"ph":"B","name":"second","pid":1,"tid":1,"ts":6},
 {"ph":"E","pid":1,"tid":1,"ts":8,"args":{"result":42}},
 {"ph":"E","pid":1,"tid":1,"ts":10}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QCOMPARE(slicesOf(t.timeline, QStringLiteral("1")),
             (QStringList{QStringLiteral("outer@0"), QStringLiteral("inner@1"),
                          QStringLiteral("second@1"), QStringLiteral("innermost@2")}));
    const TraceSlice *inner = sliceNamed(t.timeline, QStringLiteral("inner"));
    QCOMPARE(inner->begin, 2000);
    QCOMPARE(inner->end, 5000);
    // Args given on the E event show with its slice.
    QCOMPARE(t.timeline.args(sliceNamed(t.timeline, QStringLiteral("second"))->args),
             QByteArray("{\"result\":42}"));
    QCOMPARE(t.timeline.lanes().at(0).rows, 3);
    QCOMPARE(t.timeline.unfinished(), 0);
    QCOMPARE(t.timeline.unmatchedEnds(), 0);
}

void tst_TraceReader::unmatchedBeginAndEnd()
{
    const LoadedTrace t = load(R"([
 {"ph":"E","pid":1,"tid":1,"ts":0},
 {"ph":"B","name":"never ends","pid":1,"tid":1,"ts":1},
 {"ph":"X","name":"last","pid":1,"tid":2,"ts":5,"dur":15}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QCOMPARE(t.timeline.unmatchedEnds(), 1);
    QCOMPARE(t.timeline.unfinished(), 1);
    const TraceSlice *open = sliceNamed(t.timeline, QStringLiteral("never ends"));
    QVERIFY(open->flags & TraceSlice::Unfinished);
    QCOMPARE(open->end, 20000); // runs to the end of the trace
}

void tst_TraceReader::completeSlicesNest()
{
    // X slices out of order, a child sharing its parent's begin, siblings, zero length.
    const LoadedTrace t = load(R"([
 {"ph":"X","name":"child2","pid":1,"tid":1,"ts":6,"dur":2},
 {"ph":"X","name":"child1","pid":1,"tid":1,"ts":0,"dur":5},
 {"ph":"X","name":"parent","pid":1,"tid":1,"ts":0,"dur":10},
 {"ph":"X","name":"grandchild","pid":1,"tid":1,"ts":1,"dur":0},
 {"ph":"X","name":"after","pid":1,"tid":1,"ts":10,"dur":1}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QCOMPARE(slicesOf(t.timeline, QStringLiteral("1")),
             (QStringList{QStringLiteral("parent@0"), QStringLiteral("after@0"),
                          QStringLiteral("child1@1"), QStringLiteral("child2@1"),
                          QStringLiteral("grandchild@2")}));
    QCOMPARE(t.timeline.lanes().at(0).busyNs, 11000);
    QCOMPARE(t.timeline.sliceAt(0, 1500), qint32(2)); // child1: the grandchild ended at 1000
}

void tst_TraceReader::overlappingSlicesKeepTheLaneBusy()
{
    // Slices of one thread that overlap without nesting go one row down; the lane is busy
    // for the whole of both.
    const LoadedTrace t = load(R"([
 {"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":10},
 {"ph":"X","name":"b","pid":1,"tid":1,"ts":5,"dur":10}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QCOMPARE(t.timeline.lanes().at(0).rows, 2);
    QCOMPARE(t.timeline.lanes().at(0).busyNs, 15000);
    QCOMPARE(t.timeline.parallelism().average(), 1.0);
}

void tst_TraceReader::instants()
{
    const LoadedTrace t = load(R"([
 {"ph":"i","name":"thread","pid":1,"tid":1,"ts":1,"s":"t"},
 {"ph":"I","name":"legacy","pid":1,"tid":1,"ts":2},
 {"ph":"i","name":"process","pid":1,"tid":1,"ts":3,"s":"p"},
 {"ph":"i","name":"global","pid":1,"tid":1,"ts":4,"s":"g","args":{"why":"gc"}},
 {"ph":"n","name":"async instant","pid":1,"tid":1,"ts":5,"id":1,"cat":"c"}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const auto &in = t.timeline.instants();
    QCOMPARE(in.size(), 5);
    QCOMPARE(in.at(0).scope, TraceInstant::Scope::Thread);
    QCOMPARE(in.at(1).scope, TraceInstant::Scope::Thread);
    QCOMPARE(in.at(2).scope, TraceInstant::Scope::Process);
    QCOMPARE(in.at(2).lane, -1);
    QCOMPARE(in.at(3).scope, TraceInstant::Scope::Global);
    QCOMPARE(t.timeline.args(in.at(3).args), QByteArray("{\"why\":\"gc\"}"));
    QCOMPARE(t.timeline.lanes().at(in.at(4).lane).kind, LaneKind::Async);
}

void tst_TraceReader::asyncSpans()
{
    const LoadedTrace t = load(R"([
 {"ph":"b","name":"request","cat":"net","id":"0x1","pid":1,"tid":1,"ts":0},
 {"ph":"b","name":"dns","cat":"net","id":"0x1","pid":1,"tid":1,"ts":1},
 {"ph":"e","name":"dns","cat":"net","id":"0x1","pid":1,"tid":1,"ts":3},
 {"ph":"b","name":"other","cat":"net","id":"0x2","pid":1,"tid":2,"ts":2},
 {"ph":"e","name":"request","cat":"net","id":"0x1","pid":1,"tid":1,"ts":9},
 {"ph":"S","name":"legacy","cat":"old","id":5,"pid":1,"tid":1,"ts":4},
 {"ph":"T","name":"legacy","cat":"old","id":5,"pid":1,"tid":1,"ts":5,"args":{"step":"s1"}},
 {"ph":"F","name":"legacy","cat":"old","id":5,"pid":1,"tid":1,"ts":6},
 {"ph":"e","name":"stray","cat":"net","id":"0x9","pid":1,"tid":1,"ts":7}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const ChromeTimeline &tl = t.timeline;
    QCOMPARE(tl.processes().size(), 1);
    const qint32 async = tl.processes().at(0).asyncLane;
    QVERIFY(async >= 0);
    QCOMPARE(tl.lanes().at(async).kind, LaneKind::Async);
    const TraceSlice *request = sliceNamed(tl, QStringLiteral("request"));
    const TraceSlice *dns = sliceNamed(tl, QStringLiteral("dns"));
    const TraceSlice *legacy = sliceNamed(tl, QStringLiteral("legacy"));
    const TraceSlice *other = sliceNamed(tl, QStringLiteral("other"));
    QVERIFY(request && dns && legacy && other);
    QCOMPARE(request->end, 9000);
    QCOMPARE(dns->end, 3000);
    QCOMPARE(legacy->begin, 4000);
    QCOMPARE(legacy->end, 6000);
    QVERIFY(request->flags & TraceSlice::Async);
    QCOMPARE(request->lane, async);
    // Overlapping spans get rows of their own.
    QVERIFY(request->depth != dns->depth);
    QVERIFY(other->flags & TraceSlice::Unfinished);
    QCOMPARE(tl.unmatchedEnds(), 1);
}

void tst_TraceReader::flowsV1()
{
    // s binds to the slice around it, f with bp:"e" too; f without bp to the next slice.
    const LoadedTrace t = load(R"([
 {"ph":"X","name":"send","pid":1,"tid":1,"ts":0,"dur":10},
 {"ph":"s","name":"msg","cat":"ipc","id":1,"pid":1,"tid":1,"ts":5},
 {"ph":"X","name":"receive","pid":2,"tid":2,"ts":20,"dur":10},
 {"ph":"f","name":"msg","cat":"ipc","id":1,"pid":2,"tid":2,"ts":25,"bp":"e"},
 {"ph":"s","name":"later","cat":"ipc","id":2,"pid":1,"tid":1,"ts":6},
 {"ph":"t","name":"later","cat":"ipc","id":2,"pid":2,"tid":2,"ts":21,"bp":"e"},
 {"ph":"f","name":"later","cat":"ipc","id":2,"pid":2,"tid":2,"ts":31},
 {"ph":"X","name":"next","pid":2,"tid":2,"ts":40,"dur":1},
 {"ph":"X","name":"send again","pid":1,"tid":1,"ts":12,"dur":1}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const ChromeTimeline &tl = t.timeline;
    QCOMPARE(tl.flows().size(), 3);
    auto nameOf = [&tl](qint32 slice) {
        return slice < 0 ? QStringLiteral("-") : tl.string(tl.slices()[std::size_t(slice)].name);
    };
    QStringList arrows;
    for (const TraceFlow &f : tl.flows())
        arrows << nameOf(f.fromSlice) + QStringLiteral("->") + nameOf(f.toSlice);
    arrows.sort();
    QCOMPARE(arrows, (QStringList{QStringLiteral("receive->next"), QStringLiteral("send->receive"),
                                  QStringLiteral("send->receive")}));
    QCOMPARE(tl.unboundFlowEnds(), 0);
}

void tst_TraceReader::flowsV2()
{
    const LoadedTrace t = load(R"([
 {"ph":"X","name":"producer","pid":1,"tid":1,"ts":0,"dur":5,"bind_id":"0xa","flow_out":true},
 {"ph":"X","name":"relay","pid":1,"tid":2,"ts":10,"dur":5,"bind_id":"0xa","flow_in":true,"flow_out":true},
 {"ph":"X","name":"consumer","pid":2,"tid":3,"ts":20,"dur":5,"bind_id":"0xa","flow_in":true},
 {"ph":"X","name":"lonely","pid":2,"tid":3,"ts":30,"dur":5,"bind_id":"0xb","flow_out":true}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const ChromeTimeline &tl = t.timeline;
    QCOMPARE(tl.flows().size(), 2);
    QStringList arrows;
    for (const TraceFlow &f : tl.flows())
        arrows << tl.string(tl.slices()[std::size_t(f.fromSlice)].name) + QStringLiteral("->") +
                      tl.string(tl.slices()[std::size_t(f.toSlice)].name);
    arrows.sort();
    QCOMPARE(arrows,
             (QStringList{QStringLiteral("producer->relay"), QStringLiteral("relay->consumer")}));
}

void tst_TraceReader::counters()
{
    const LoadedTrace t = load(R"([
 {"ph":"C","name":"memory","pid":1,"ts":10,"args":{"rss":100,"heap":40}},
 {"ph":"C","name":"memory","pid":1,"ts":0,"args":{"rss":90,"heap":30.5}},
 {"ph":"C","name":"queue","pid":1,"ts":5,"args":{"value":3}},
 {"ph":"C","name":"queue","pid":2,"ts":5,"id":"q2","args":{"value":7}},
 {"ph":"C","name":"strange","pid":1,"ts":5,"args":{"label":"x"}}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const auto &c = t.timeline.counters();
    QCOMPARE(c.size(), 4);
    QCOMPARE(c.at(0).name, QStringLiteral("memory.rss"));
    QCOMPARE(c.at(0).t, (QList<qint64>{0, 10000})); // sorted by time
    QCOMPARE(c.at(0).value, (QList<double>{90, 100}));
    QCOMPARE(c.at(1).min, 30.5);
    QCOMPARE(c.at(2).name, QStringLiteral("queue"));
    QCOMPARE(c.at(3).name, QStringLiteral("queue[q2]"));
    QCOMPARE(t.timeline.counterSamples(), 6);
    QCOMPARE(t.timeline.skipped().value(QStringLiteral("C (no numbers)")), 1);
}

void tst_TraceReader::skippedPhases()
{
    const LoadedTrace t = load(R"([
 {"ph":"X","name":"drawn","pid":1,"tid":1,"ts":0,"dur":1},
 {"ph":"O","name":"snapshot","pid":1,"tid":1,"ts":0,"id":"0x1"},
 {"ph":"N","name":"obj","pid":1,"tid":1,"ts":0,"id":"0x1"},
 {"ph":"D","name":"obj","pid":1,"tid":1,"ts":1,"id":"0x1"},
 {"ph":"D","name":"obj","pid":1,"tid":1,"ts":1,"id":"0x2"},
 {"ph":"P","name":"sample","pid":1,"tid":1,"ts":0},
 {"ph":"R","name":"mark","pid":1,"tid":1,"ts":0},
 {"ph":"c","name":"clock sync","pid":1,"tid":1,"ts":0},
 {"name":"no phase","pid":1,"tid":1,"ts":0},
 {"ph":"X","name":"no time","pid":1,"tid":1},
 {"ph":"XX","name":"long phase","pid":1,"tid":1,"ts":0}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QMap<QString, qint64> expected{{QStringLiteral("O"), 1},       {QStringLiteral("N"), 1},
                                   {QStringLiteral("D"), 2},       {QStringLiteral("P"), 1},
                                   {QStringLiteral("R"), 1},       {QStringLiteral("c"), 1},
                                   {QStringLiteral("(no ph)"), 2}, {QStringLiteral("(no ts)"), 1}};
    QCOMPARE(t.timeline.skipped(), expected);
    QCOMPARE(t.timeline.events(), 11);
}

void tst_TraceReader::timestamps()
{
    // Floats, integers and epoch microseconds keep their nanoseconds.
    const LoadedTrace t = load(R"({"traceEvents":[
 {"ph":"X","name":"a","pid":1,"tid":1,"ts":1712345678901234.5,"dur":0.25},
 {"ph":"X","name":"b","pid":1,"tid":1,"ts":1712345678901236,"dur":1.5e0}
], "displayTimeUnit": "ns"})");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const TraceSlice *a = sliceNamed(t.timeline, QStringLiteral("a"));
    const TraceSlice *b = sliceNamed(t.timeline, QStringLiteral("b"));
    QCOMPARE(b->begin, Q_INT64_C(1712345678901236000));
    QCOMPARE(b->end - b->begin, 1500);
    QVERIFY(qAbs(a->begin - Q_INT64_C(1712345678901234500)) <= 250); // double's own step
    QCOMPARE(a->end - a->begin, 250);
    QCOMPARE(t.read.displayTimeUnit, QStringLiteral("ns"));
}

void tst_TraceReader::parallelism()
{
    // Lane 1 busy [0,10), lane 2 [5,15) and [12,20) (overlapping itself), lane 3 idle.
    const ParallelismProfile p =
        ParallelismProfile::fromLanes({{{0, 10}}, {{5, 15}, {12, 20}}, {}}, 0, 20);
    QCOMPARE(p.peak(), 2);
    QCOMPARE(p.times(), (QList<qint64>{0, 5, 10, 20}));
    QCOMPARE(p.busy(), (QList<int>{1, 2, 1, 0}));
    QCOMPARE(p.average(), 25.0 / 20.0);
    QCOMPARE(p.averageOver(4, 6), 1.5);
    QCOMPARE(p.peakOver(0, 5), 1);
    QCOMPARE(p.peakOver(0, 6), 2);
    QCOMPARE(ParallelismProfile::unionLength({{5, 15}, {12, 20}, {30, 31}}), 16);
}

void tst_TraceReader::ownTraceThroughTheSameReader()
{
    QList<TraceEvent> events;
    auto add = [&events](qint64 t, EventType type, int lane, qint64 call = -1,
                         const QString &text = {}, const QString &detail = {}) {
        TraceEvent e;
        e.t = t;
        e.type = type;
        e.lane = lane;
        e.pid = lane ? 100 + lane : 99;
        e.call = call;
        e.text = text;
        e.detail = detail;
        events.append(e);
    };
    add(1000, EventType::RunBegin, 0, -1, QStringLiteral("demo"), QStringLiteral("Demo \"run\""));
    add(2000, EventType::Fork, 1, -1, QStringLiteral("worker 1"));
    add(3000, EventType::Ready, 1);
    add(4000, EventType::Dispatch, 1, 1, QStringLiteral("square"), QStringLiteral("3"));
    add(5000, EventType::Begin, 1, 1);
    add(9000, EventType::End, 1, 1);
    add(9500, EventType::Result, 1, 1, QStringLiteral("9"));
    add(9900, EventType::RunEnd, 0);
    const QByteArray json = toChromeTrace(events);

    const LoadedTrace replay = loadTraceData(json, TraceLoadMode::Replay);
    QVERIFY2(replay.status == TraceReadStatus::Ok, qPrintable(replay.error));
    QVERIFY(replay.own);
    QCOMPARE(replay.events.size(), events.size());
    QCOMPARE(replay.events.at(0).detail, QStringLiteral("Demo \"run\""));
    QCOMPARE(replay.events.at(3).text, QStringLiteral("square"));

    const LoadedTrace timeline = loadTraceData(json, TraceLoadMode::Timeline);
    QVERIFY2(timeline.status == TraceReadStatus::Ok, qPrintable(timeline.error));
    QVERIFY(timeline.own);
    QCOMPARE(timeline.read.processionScenario, QStringLiteral("demo"));
    QVERIFY(sliceNamed(timeline.timeline, QStringLiteral("square(3)")));
    QCOMPARE(timeline.timeline.flows().size(), 2); // dispatch -> begin, end -> result
    for (const TraceFlow &f : timeline.timeline.flows())
        QVERIFY(f.fromSlice >= 0 && f.toSlice >= 0);
}

void tst_TraceReader::badInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");
    QTest::newRow("empty file") << QByteArray() << int(TraceReadStatus::NotJson)
                                << QStringLiteral("empty");
    QTest::newRow("text") << QByteArray("hello world") << int(TraceReadStatus::NotJson)
                          << QStringLiteral("not valid JSON");
    QTest::newRow("broken object")
        << QByteArray("{\"traceEvents\": [}") << int(TraceReadStatus::NotJson)
        << QStringLiteral("not valid JSON");
    QTest::newRow("cloud trace spans")
        << QByteArray(R"({"projectId":"p","traceId":"t","spans":[{"spanId":"1","name":"x"}]})")
        << int(TraceReadStatus::NotATrace) << QStringLiteral("\"spans\"");
    QTest::newRow("number") << QByteArray("42") << int(TraceReadStatus::NotATrace)
                            << QStringLiteral("single value");
    QTest::newRow("list of numbers") << QByteArray("[1, 2]") << int(TraceReadStatus::NotATrace)
                                     << QStringLiteral("not trace events");
    QTest::newRow("traceEvents not a list")
        << QByteArray(R"({"traceEvents": 3})") << int(TraceReadStatus::NotATrace)
        << QStringLiteral("not a list");
    QTest::newRow("empty list") << QByteArray("[]") << int(TraceReadStatus::NothingToDraw)
                                << QStringLiteral("no events");
    QTest::newRow("only metadata")
        << QByteArray(R"([{"ph":"M","name":"process_name","pid":1,"args":{"name":"p"}},
                         {"ph":"O","name":"o","pid":1,"ts":1}])")
        << int(TraceReadStatus::NothingToDraw) << QStringLiteral("O: 1");
    QTest::newRow("own trace, newer version")
        << QByteArray(R"({"procession": {"version": 99, "events": []}, "traceEvents": []})")
        << int(TraceReadStatus::BadProcessionSection) << QStringLiteral("version 99");
    QTest::newRow("own trace, bad event")
        << QByteArray(
               R"({"procession": {"version": 1, "events": [["1", "nope", 0, "1", "1", "0", ""]]}})")
        << int(TraceReadStatus::BadProcessionSection) << QStringLiteral("event 0");
    QTest::newRow("deep nesting") << QByteArray(100000, '[') << int(TraceReadStatus::NotJson)
                                  << QStringLiteral("not valid JSON");
}

void tst_TraceReader::badInput()
{
    QFETCH(QByteArray, json);
    QFETCH(int, status);
    QFETCH(QString, says);
    for (TraceLoadMode mode : {TraceLoadMode::Timeline, TraceLoadMode::Replay}) {
        const LoadedTrace t = loadTraceData(json, mode);
        if (mode == TraceLoadMode::Replay && status == int(TraceReadStatus::NothingToDraw))
            continue; // replay of a foreign trace: same as Timeline
        QCOMPARE(int(t.status), status);
        QVERIFY2(t.error.contains(says), qPrintable(t.error));
        QVERIFY2(!t.error.contains(QLatin1Char('\n')), "one sentence");
    }
}

void tst_TraceReader::progressAndCancel()
{
    QByteArray json = "[";
    for (int i = 0; i < 20000; ++i)
        json +=
            QStringLiteral("{\"ph\":\"X\",\"name\":\"n\",\"pid\":1,\"tid\":1,\"ts\":%1,\"dur\":1},")
                .arg(i * 2)
                .toLatin1();
    json += "{\"ph\":\"i\",\"name\":\"end\",\"pid\":1,\"tid\":1,\"ts\":0}]";
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();

    QList<qint64> seen;
    const LoadedTrace t =
        loadTrace(path, TraceLoadMode::Timeline, [&seen](qint64 done, qint64 total) {
            QVERIFY(done <= total);
            seen.append(done);
        });
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    QVERIFY(seen.size() >= 4);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.last(), json.size());

    std::atomic<bool> cancel{false};
    const LoadedTrace c = loadTrace(
        path, TraceLoadMode::Timeline, [&cancel](qint64, qint64) { cancel = true; }, &cancel);
    QCOMPARE(c.status, TraceReadStatus::Cancelled);
    QVERIFY(c.error.contains(QStringLiteral("cancelled")));
}

void tst_TraceReader::summaryFigures()
{
    const LoadedTrace t = load(R"([
 {"ph":"M","name":"process_name","pid":1,"args":{"name":"app"}},
 {"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":10},
 {"ph":"X","name":"b","pid":1,"tid":2,"ts":5,"dur":10},
 {"ph":"B","name":"c","pid":1,"tid":2,"ts":16},
 {"ph":"E","pid":1,"tid":2,"ts":20},
 {"ph":"i","name":"i","pid":1,"tid":1,"ts":3},
 {"ph":"s","name":"f","cat":"c","id":1,"pid":1,"tid":1,"ts":2},
 {"ph":"f","name":"f","cat":"c","id":1,"pid":1,"tid":2,"ts":6,"bp":"e"},
 {"ph":"C","name":"q","pid":1,"ts":1,"args":{"n":1}},
 {"ph":"O","name":"o","pid":1,"tid":1,"ts":1}
])");
    QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
    const QJsonObject s = TraceSummary::of(t, QStringLiteral("x.json")).toJson();
    QCOMPARE(s.value(QLatin1String("format")).toString(), QStringLiteral("chrome-array"));
    QCOMPARE(s.value(QLatin1String("processes")).toInt(), 1);
    QCOMPARE(s.value(QLatin1String("threads")).toInt(), 2);
    QCOMPARE(s.value(QLatin1String("slices")).toInt(), 3);
    QCOMPARE(s.value(QLatin1String("instants")).toInt(), 1);
    QCOMPARE(s.value(QLatin1String("flows")).toInt(), 1);
    QCOMPARE(s.value(QLatin1String("counters")).toInt(), 1);
    QCOMPARE(s.value(QLatin1String("skipped")).toObject().value(QLatin1String("O")).toInt(), 1);
    QCOMPARE(s.value(QLatin1String("start_us")).toDouble(), 0.0);
    QCOMPARE(s.value(QLatin1String("end_us")).toDouble(), 20.0);
    QCOMPARE(s.value(QLatin1String("peak_parallelism")).toInt(), 2);
    // busy 10 + 14 us over 20 us
    QCOMPARE(s.value(QLatin1String("average_parallelism")).toDouble(), 24.0 / 20.0);
    const QJsonArray busy = s.value(QLatin1String("busy")).toArray();
    QCOMPARE(busy.size(), 2);
    QCOMPARE(busy.at(0).toObject().value(QLatin1String("busy_s")).toDouble(), 10e-6);
    QCOMPARE(busy.at(1).toObject().value(QLatin1String("process")).toString(),
             QStringLiteral("app (pid 1)"));
}

QTEST_GUILESS_MAIN(tst_TraceReader)
#include "tst_tracereader.moc"
