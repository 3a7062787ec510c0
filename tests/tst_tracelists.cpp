// The reader parses a trace's big lists a run at a time (core/tracelists.h). Its scan follows
// only strings and brackets, so these check it on the bytes that could fool it, and check the
// whole point: every file reads exactly the same in runs of any size as in one piece.
#include "tracelists.h"
#include "tracereader.h"

#include <QDir>
#include <QDirIterator>
#include <QRandomGenerator>
#include <QTest>

using namespace procession;

namespace {

// Everything a sink is given, as text, with what the reader found.
class Transcript : public TraceReaderSink
{
public:
    bool wantsChromeEvents() const override { return wantsChrome; }
    void chromeEvent(const ChromeEvent &e) override
    {
        auto s = [](std::string_view v) { return QString::fromUtf8(v.data(), qsizetype(v.size())); };
        QString line = QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9")
                           .arg(QLatin1Char(e.ph ? e.ph : '0'))
                           .arg(e.hasTs ? e.ts : -7)
                           .arg(e.dur)
                           .arg(s(e.name), s(e.cat), s(e.pid), s(e.tid), s(e.id), s(e.bindId));
        line += QStringLiteral("|%1|%2|%3|%4%5%6|%7")
                    .arg(s(e.scope), s(e.args), s(e.metaName))
                    .arg(e.flowIn)
                    .arg(e.flowOut)
                    .arg(e.bindToEnclosing)
                    .arg(e.hasSortIndex ? e.sortIndex : -7);
        if (e.counterValues)
            for (const auto &[name, value] : *e.counterValues)
                line += QStringLiteral("|%1=%2").arg(s(name)).arg(value);
        lines.append(line);
    }
    void processionEvent(TraceEvent &&e) override
    {
        lines.append(QStringLiteral("P|%1|%2|%3|%4|%5|%6|%7|%8")
                         .arg(e.t)
                         .arg(eventTypeName(e.type))
                         .arg(e.lane)
                         .arg(e.pid)
                         .arg(e.call)
                         .arg(e.code)
                         .arg(e.text, e.detail));
    }
    bool wantsChrome = true;
    QStringList lines;
};

struct Reading
{
    TraceReadStatus status;
    QString error;
    QStringList lines;
    QString result;
};

Reading readIn(const QByteArray &json, std::size_t runBytes, bool wantsChrome = true)
{
    Transcript sink;
    sink.wantsChrome = wantsChrome;
    TraceReader reader;
    reader.setRunBytes(runBytes);
    const TraceReadStatus status = reader.readData(json, sink);
    const TraceReadResult &r = reader.result();
    return {status, reader.errorString(), sink.lines,
            QStringLiteral("form %1 events %2 own %3 %4 truncated %5 unit %6 scenario %7")
                .arg(int(r.form))
                .arg(r.events)
                .arg(r.procession)
                .arg(r.processionEvents)
                .arg(r.truncated)
                .arg(r.displayTimeUnit, r.processionScenario)};
}

// The same file read whole and in runs of several sizes gives the sink the same things.
void checkSameInRuns(const QByteArray &json, const QString &name, bool damaged = false)
{
    for (bool wantsChrome : {true, false}) {
        const Reading whole = readIn(json, 0, wantsChrome);
        for (std::size_t run : {std::size_t(1), std::size_t(61), std::size_t(4096)}) {
            const Reading runs = readIn(json, run, wantsChrome);
            const QString where = QStringLiteral("%1, runs of %2 bytes").arg(name).arg(run);
            // A damaged file may fail for another reason first in runs (a bad event before
            // bad bytes that a whole parse finds first): it fails all the same.
            // A sink that does not want the event list does not get it parsed in runs at all.
            const bool ok = runs.status == TraceReadStatus::Ok;
            const bool wholeOk = whole.status == TraceReadStatus::Ok;
            // Damage inside a value the reader skips (an event's args) may stop a whole
            // parse and not a run's, never the other way round.
            const bool same = damaged ? ok || !wholeOk : runs.status == whole.status;
            if (!same && qEnvironmentVariableIsSet("TRACELISTS_DUMP")) {
                QFile dump(qEnvironmentVariable("TRACELISTS_DUMP"));
                if (dump.open(QIODevice::WriteOnly))
                    dump.write(json);
            }
            QVERIFY2(same,
                     qPrintable(QStringLiteral("%1: status %2 (%3), whole %4 (%5)")
                                    .arg(where, traceReadStatusName(runs.status), runs.error,
                                         traceReadStatusName(whole.status), whole.error)));
            // A failed reading keeps nothing; and simdjson's on-demand parser is not a
            // validator: it may read past damage in a value it skips, one way whole and
            // another in runs, so damaged files only have to agree on failing.
            if (whole.status != TraceReadStatus::Ok || damaged)
                continue;
            QVERIFY2(runs.result == whole.result,
                     qPrintable(where + QStringLiteral(": ") + runs.result + QStringLiteral(" vs ") +
                                whole.result));
            QCOMPARE(runs.lines.size(), whole.lines.size());
            for (qsizetype i = 0; i < whole.lines.size(); ++i)
                QVERIFY2(runs.lines.at(i) == whole.lines.at(i),
                         qPrintable(QStringLiteral("%1: event %2: %3 vs %4")
                                        .arg(where)
                                        .arg(i)
                                        .arg(runs.lines.at(i), whole.lines.at(i))));
        }
    }
}

// A random string that holds the bytes a scan could trip on.
QByteArray nastyString(QRandomGenerator &rng)
{
    static const char *const parts[] = {"a",  "[",  "]",  "{",      "}",      ",", ":",
                                        " ",  "\\\"", "\\\\", "\\\\\\\"", "\\n", "é", "\\u005d"};
    QByteArray s = "\"";
    const int n = int(rng.bounded(8));
    for (int i = 0; i < n; ++i)
        s += parts[rng.bounded(int(std::size(parts)))];
    return s + "\"";
}

QByteArray blanks(QRandomGenerator &rng)
{
    static const char *const ws[] = {"", "", " ", "\n", "\t ", "\r\n  "};
    return ws[rng.bounded(int(std::size(ws)))];
}

QByteArray randomArgs(QRandomGenerator &rng, int depth)
{
    if (depth > 2 || rng.bounded(3) == 0)
        return rng.bounded(2) ? nastyString(rng) : QByteArray::number(rng.bounded(1000));
    if (rng.bounded(2)) {
        QByteArray a = "[" + blanks(rng);
        const int n = int(rng.bounded(4));
        for (int i = 0; i < n; ++i)
            a += (i ? "," + blanks(rng) : QByteArray()) + randomArgs(rng, depth + 1);
        return a + blanks(rng) + "]";
    }
    QByteArray o = "{" + blanks(rng);
    const int n = int(rng.bounded(4));
    for (int i = 0; i < n; ++i)
        o += (i ? "," + blanks(rng) : QByteArray()) + nastyString(rng) + blanks(rng) + ":" +
             blanks(rng) + randomArgs(rng, depth + 1);
    return o + blanks(rng) + "}";
}

QByteArray randomEvent(QRandomGenerator &rng, int i)
{
    static const char *const phases[] = {"X", "B", "E", "i", "M", "C", "s", "f", "b", "e"};
    const char *ph = phases[rng.bounded(int(std::size(phases)))];
    QByteArray e = "{" + blanks(rng) + "\"ph\":" + blanks(rng) + "\"" + ph + "\"," + blanks(rng);
    e += "\"name\":" + (rng.bounded(2) ? nastyString(rng) : QByteArray("\"process_name\""));
    e += ",\"pid\":" + (rng.bounded(2) ? nastyString(rng) : QByteArray::number(rng.bounded(3)));
    e += ",\"tid\":" + QByteArray::number(rng.bounded(4)) + ",\"ts\":" + QByteArray::number(i * 7);
    if (rng.bounded(2))
        e += ",\"dur\":" + QByteArray::number(rng.bounded(50));
    if (rng.bounded(2))
        e += ",\"id\":" + QByteArray::number(rng.bounded(5));
    if (rng.bounded(2))
        e += "," + blanks(rng) + "\"args\":" + blanks(rng) + randomArgs(rng, 0);
    return e + blanks(rng) + "}";
}

QByteArray randomTrace(QRandomGenerator &rng)
{
    QByteArray list = "[" + blanks(rng);
    const int n = int(rng.bounded(30));
    for (int i = 0; i < n; ++i)
        list += (i ? "," + blanks(rng) : QByteArray()) +
                (rng.bounded(12) ? randomEvent(rng, i) : randomArgs(rng, 1));
    list += blanks(rng) + "]";
    switch (rng.bounded(3)) {
    case 0:
        return list;
    case 1: // the list inside an object, between other members that hold lists
        return "{\"other\": " + randomArgs(rng, 0) + ",\"traceEvents\":" + blanks(rng) + list +
               ",\"displayTimeUnit\":\"ns\",\"more\":[[1],{\"traceEvents\":[2]}]}";
    default: { // Procession's own section too, before or after the event list
        QByteArray own = "{\"version\": 1, \"scenario\": " + nastyString(rng) + ", \"events\": [";
        const int m = int(rng.bounded(10));
        for (int i = 0; i < m; ++i)
            own += (i ? "," + blanks(rng) : QByteArray()) + "[\"" + QByteArray::number(i * 10) +
                   "\", \"dispatch\", 1, \"42\", \"" + QByteArray::number(i) + "\", \"0\", " +
                   nastyString(rng) + ", " + nastyString(rng) + "]";
        own += "]}";
        if (rng.bounded(2))
            return "{\"procession\": " + own + ", \"traceEvents\": " + list + "}";
        return "{\"traceEvents\": " + list + ", \"procession\": " + own + "}";
    }
    }
}

} // namespace

class tst_TraceLists : public QObject
{
    Q_OBJECT
private slots:
    void skipsValues_data();
    void skipsValues();
    void findsTheLists();
    void skeletonEmptiesTheLists();
    void runsAreWholeElements();
    void corpusReadsTheSameInRuns();
    void randomTracesReadTheSameInRuns();
    void damagedTracesFailTheSameInRuns();
};

void tst_TraceLists::skipsValues_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("end"); // -1: runs out
    QTest::newRow("number") << QByteArray("123, 4") << 3;
    QTest::newRow("string with brackets") << QByteArray(R"("a]}[{", 1)") << 7;
    QTest::newRow("escaped quote") << QByteArray(R"("a\"]", 1)") << 6;
    QTest::newRow("escaped backslash then quote") << QByteArray(R"("a\\", 1)") << 5;
    QTest::newRow("object with a ] in a key") << QByteArray(R"({"]": [1, {"}": 2}]}, 3)") << 20;
    QTest::newRow("unclosed") << QByteArray(R"({"a": [1, 2})") << -1;
    QTest::newRow("unclosed string") << QByteArray(R"(["abc)") << -1;
    QTest::newRow("separator first") << QByteArray(", 1") << -1;
}

void tst_TraceLists::skipsValues()
{
    QFETCH(QByteArray, json);
    QFETCH(int, end);
    const std::size_t got = skipJsonValue(json.constData(), 0, std::size_t(json.size()));
    QCOMPARE(got == TraceLists::npos ? -1 : int(got), end);
}

void tst_TraceLists::findsTheLists()
{
    const QByteArray json = R"({"x": {"traceEvents": [9]}, "s": "\"traceEvents\": [",
 "traceEvents" : [ {"a": "]"} , 2 ],
 "procession": {"events_": [], "events": [[1], [2]] } })";
    const TraceLists l = TraceLists::scan(json.constData(), 0, std::size_t(json.size()));
    QVERIFY(l.events.found());
    QCOMPARE(json.mid(qsizetype(l.events.open), qsizetype(l.events.close - l.events.open + 1)),
             QByteArray(R"([ {"a": "]"} , 2 ])"));
    QVERIFY(l.processionEvents.found());
    QCOMPARE(json.mid(qsizetype(l.processionEvents.open),
                      qsizetype(l.processionEvents.close - l.processionEvents.open + 1)),
             QByteArray("[[1], [2]]"));
    // The bare list form, and documents the scan does not take apart.
    const QByteArray list = "[1, [2], {\"3\": 4}]";
    const TraceLists a = TraceLists::scan(list.constData(), 0, std::size_t(list.size()));
    QCOMPARE(int(a.events.open), 0);
    QCOMPARE(int(a.events.close), list.size() - 1);
    for (const QByteArray &odd : {QByteArray("[1, 2"), QByteArray("{\"traceEvents\": 5}"),
                                  QByteArray("{\"traceEvents\" [1]}"), QByteArray("\"[1]\"")}) {
        const TraceLists t = TraceLists::scan(odd.constData(), 0, std::size_t(odd.size()));
        QVERIFY2(!t.events.found() && !t.processionEvents.found(), odd.constData());
    }
}

void tst_TraceLists::skeletonEmptiesTheLists()
{
    const QByteArray json =
        R"({"procession": {"events": [[1], [2]], "v": 1}, "traceEvents": [{"a": 1}], "z": 2})";
    const TraceLists l = TraceLists::scan(json.constData(), 0, std::size_t(json.size()));
    const QByteArray s = l.skeleton(json.constData(), 0, std::size_t(json.size()), 8);
    QCOMPARE(s.left(s.size() - 8),
             QByteArray(R"({"procession": {"events": [], "v": 1}, "traceEvents": [], "z": 2})"));
    QCOMPARE(s.right(8), QByteArray(8, '\0'));
    // An offset in the skeleton maps back to the same byte of the file.
    for (const char *mark : {"\"v\"", "\"z\"", "\"traceEvents\""}) {
        const qsizetype inSkeleton = s.indexOf(mark);
        QCOMPARE(qsizetype(l.skeletonToFile(std::size_t(inSkeleton), 0)), json.indexOf(mark));
    }
}

void tst_TraceLists::runsAreWholeElements()
{
    const QByteArray json = R"([ {"a": "],"}, [1, 2] ,"x,y", 3 , {"b": {"c": [4]}} ])";
    const TraceLists l = TraceLists::scan(json.constData(), 0, std::size_t(json.size()));
    QStringList runs;
    ListChunker chunker(json.constData(), l.events, 1);
    std::size_t from = 0;
    std::size_t to = 0;
    while (chunker.next(&from, &to)) {
        QByteArray run = json.mid(qsizetype(from), qsizetype(to - from + 1));
        run[0] = '[';
        run[run.size() - 1] = ']';
        runs << QString::fromUtf8(run);
    }
    QVERIFY(!chunker.failed());
    QCOMPARE(runs, QStringList({QStringLiteral(R"([ {"a": "],"}])"), QStringLiteral("[ [1, 2] ]"),
                                QStringLiteral(R"(["x,y"])"), QStringLiteral("[ 3 ]"),
                                QStringLiteral(R"([ {"b": {"c": [4]}} ])")}));
    // With room for everything, one run.
    ListChunker all(json.constData(), l.events, 1 << 20);
    QVERIFY(all.next(&from, &to));
    QCOMPARE(int(from), 0);
    QCOMPARE(int(to), json.size() - 1);
    QVERIFY(!all.next(&from, &to));
}

void tst_TraceLists::corpusReadsTheSameInRuns()
{
    int files = 0;
    for (const QString &dir : {QStringLiteral(PROCESSION_SOURCE_DIR "/tests/fuzz/trace-corpus"),
                               QStringLiteral(PROCESSION_SOURCE_DIR "/docs/traces")}) {
        QDirIterator it(dir, QDir::Files);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            checkSameInRuns(f.readAll(), f.fileName());
            if (QTest::currentTestFailed())
                return;
            ++files;
        }
    }
    QVERIFY(files >= 20);
}

void tst_TraceLists::randomTracesReadTheSameInRuns()
{
    QRandomGenerator rng(20261202);
    int ok = 0;
    for (int i = 0; i < 300; ++i) {
        const QByteArray json = randomTrace(rng);
        checkSameInRuns(json, QStringLiteral("random trace %1: %2").arg(i).arg(
                                  QString::fromUtf8(json.left(300))));
        if (QTest::currentTestFailed())
            return;
        ok += readIn(json, 61).status == TraceReadStatus::Ok;
    }
    QVERIFY2(ok > 200, qPrintable(QString::number(ok))); // most of them are traces
}

void tst_TraceLists::damagedTracesFailTheSameInRuns()
{
    QRandomGenerator rng(qEnvironmentVariableIntValue("TRACELISTS_SEED") + 7);
    const int count = qEnvironmentVariableIsSet("TRACELISTS_COUNT")
                          ? qEnvironmentVariableIntValue("TRACELISTS_COUNT")
                          : 300;
    for (int i = 0; i < count; ++i) {
        QByteArray json = randomTrace(rng);
        // Cut it short, or overwrite a byte with one that matters to the scan.
        if (rng.bounded(2)) {
            json.truncate(qsizetype(rng.bounded(int(json.size()))));
        } else {
            static const char bytes[] = "[]{}\",:\\x";
            json[qsizetype(rng.bounded(int(json.size())))] =
                bytes[rng.bounded(int(sizeof bytes - 1))];
        }
        checkSameInRuns(json,
                        QStringLiteral("damaged trace %1: %2")
                            .arg(i)
                            .arg(QString::fromUtf8(json.left(300))),
                        true);
        if (QTest::currentTestFailed())
            return;
    }
}

QTEST_GUILESS_MAIN(tst_TraceLists)
#include "tst_tracelists.moc"
