#include "commandoptions.h"
#include "crashcodes.h"
#include "faultutil.h"
#include "report.h"
#include "startcost.h"

#include <cmath>

#include <QCborMap>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

// The command line, run as a person would: the real executable, its stdout, stderr
// and exit status.
class tst_Cli : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Result run(const QStringList &args, int timeoutMs = 30000)
    {
        QProcess p;
        p.start(QStringLiteral(PROCESSION_EXE), args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }
    QTemporaryDir m_dir;

private slots:
    void helpAndVersion();
    void helpListsTheWindowsOptions();
    void commandHelpMatchesDefinition();
    void commandAcceptsItsOptions();
    void unknownOptionRefused();
    void missingValueRefused_data();
    void missingValueRefused();
    void argumentBytesRoundTrip();
    void list();
    void runGreetSpawnJson();
    void jsonGivesValues();
    void callValueJson_data();
    void callValueJson();
    void runSequentialTakesFourSeconds();
    void crashNamesPidAndSignal();
    void expectedErrorsExitZero();
    void unexpectedFailureExitsOne();
    void badUsage_data();
    void badUsage();
    void traceFile();
    void benchQuickJson();
    void summaryOfOwnAndForeignTraces();
    void summaryRefuses_data();
    void summaryRefuses();
};

void tst_Cli::helpAndVersion()
{
    Result r = run({QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("procession run ID|FILE"));
    r = run({QStringLiteral("--version")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith("procession 0."));
}

// The options at the start of a line in `text` ("--NAME" or "-N, --NAME", indented by
// `indent` spaces), in order, after the line `from` (or one starting with `from` and a
// space) to the first empty line or the first line indented less.
static QStringList optionLines(const QByteArray &text, const QByteArray &from, int indent = 2)
{
    QStringList out;
    bool in = from.isEmpty();
    const QRegularExpression option(QStringLiteral("^ {%1}(?:-[a-z], )?--([a-z-]+)").arg(indent));
    for (const QByteArray &line : text.split('\n')) {
        if (!in) {
            in = line == from || line.startsWith(QByteArray(from + ' '));
            continue;
        }
        const bool shallower = !line.startsWith(QByteArray(indent, ' '));
        if ((line.isEmpty() || shallower) && (!out.isEmpty() || !from.isEmpty()))
            break;
        const QRegularExpressionMatch m = option.match(QString::fromUtf8(line));
        if (m.hasMatch())
            out << m.captured(1);
    }
    return out;
}

// `procession --help` (the command line's) and the window's own help (`procession
// --autorun --help`) list the same window options, and the window accepts each of them.
void tst_Cli::helpListsTheWindowsOptions()
{
    const Result cli = run({QStringLiteral("--help")});
    QCOMPARE(cli.code, 0);
    const QStringList fromCli = optionLines(cli.out, "Window options:");
    const Result window = run({QStringLiteral("--autorun"), QStringLiteral("--help")});
    QCOMPARE(window.code, 0);
    const QStringList fromWindow = optionLines(window.out, QByteArray());
    QVERIFY2(fromCli.contains(QStringLiteral("scenario")) &&
                 fromCli.contains(QStringLiteral("from-desktop")),
             cli.out.constData());
    QCOMPARE(fromCli, fromWindow);
    for (const QString &name : fromWindow) {
        // Last and without its value: unknown, the window says so; known, it asks for the
        // value or shows its help (nothing is opened or written either way).
        const Result r =
            run({QStringLiteral("--autorun"), QStringLiteral("--help"), QStringLiteral("--") + name});
        QVERIFY2(!r.err.contains("unknown option"), qPrintable(name + QLatin1String(": ") +
                                                               QString::fromUtf8(r.err)));
    }
    const Result bogus = run(
        {QStringLiteral("--autorun"), QStringLiteral("--help"), QStringLiteral("--no-such-option")});
    QVERIFY2(bogus.err.contains("unknown option --no-such-option"), bogus.err.constData());
}

static QStringList namesOf(const QList<QCommandLineOption> &options)
{
    QStringList out;
    for (const QCommandLineOption &o : options)
        out << o.names().constLast();
    return out;
}

// Every option of every command's definition (commandoptions.cpp) is in that command's
// own --help and under it in `procession --help`, in the definition's order; so are the
// options before the command. bench-paint (internal) has its own help only.
void tst_Cli::commandHelpMatchesDefinition()
{
    const Result all = run({QStringLiteral("--help")});
    QCOMPARE(all.code, 0);
    for (const procession::Command &c : procession::commands()) {
        const Result own = run({c.name, QStringLiteral("--help")});
        QCOMPARE(own.code, 0);
        QVERIFY2(own.out.startsWith(QByteArray("Usage: procession " + c.name.toUtf8())),
                 own.out.constData());
        QCOMPARE(optionLines(own.out, "Options:"), namesOf(c.options) << QStringLiteral("help"));
        if (c.internal) {
            QVERIFY2(!all.out.contains(c.name.toUtf8()), all.out.constData());
            continue;
        }
        QVERIFY2(all.out.contains(QByteArray("\n  procession " + c.name.toUtf8())),
                 all.out.constData());
        QCOMPARE(optionLines(all.out, QByteArray("  procession " + c.name.toUtf8()), 6),
                 namesOf(c.options));
    }
    QCOMPARE(optionLines(all.out, "  procession OPTIONS COMMAND ...", 6),
             namesOf(procession::leadingOptions()));
}

// Each command's parser is made from its definition: every option it lists is taken (given
// last and without a value after --help: help, or the value asked for; never "unknown").
void tst_Cli::commandAcceptsItsOptions()
{
    for (const procession::Command &c : procession::commands()) {
        for (const QCommandLineOption &o : c.options) {
            const QString name = o.names().constLast();
            const Result r = run({c.name, QStringLiteral("--help"), QStringLiteral("--") + name});
            const QByteArray what = (c.name + QLatin1String(" --") + name).toUtf8() + ": " + r.err;
            QVERIFY2(!r.err.contains("unknown option"), what.constData());
            if (o.valueName().isEmpty()) {
                QVERIFY2(r.code == 0 &&
                             r.out.startsWith(QByteArray("Usage: procession " + c.name.toUtf8())),
                         what.constData());
            } else {
                QVERIFY2(r.code == 2 && r.err.startsWith(QByteArray("procession: --" +
                                                                    name.toUtf8() + " needs ")),
                         what.constData());
            }
        }
    }
}

// An option no command has: status 2, one sentence that names it as typed and the command,
// then where to look; nothing on stdout, nothing run.
void tst_Cli::unknownOptionRefused()
{
    for (const procession::Command &c : procession::commands()) {
        for (const QString &bogus : {QStringLiteral("--no-such-option"), QStringLiteral("-q")}) {
            const Result r = run({c.name, bogus});
            const QList<QByteArray> err = r.err.trimmed().split('\n');
            QVERIFY2(r.code == 2 && err.size() == 2, r.err.constData());
            QVERIFY2(err.at(0).startsWith(QByteArray("procession: " + c.name.toUtf8() +
                                                     ": unknown option " + bogus.toUtf8())),
                     r.err.constData());
            QCOMPARE(err.at(1), QByteArray("Try 'procession " + c.name.toUtf8() + " --help'."));
            QVERIFY(r.out.isEmpty());
        }
    }
}

void tst_Cli::missingValueRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("says");
    const QByteArray trace = "procession: --trace needs a file name";
    QTest::newRow("--trace last") << QStringList{QStringLiteral("run"),
                                                 QStringLiteral("greet-spawn"),
                                                 QStringLiteral("--trace")}
                                  << trace;
    QTest::newRow("--trace=") << QStringList{QStringLiteral("run"), QStringLiteral("greet-spawn"),
                                             QStringLiteral("--trace=")}
                              << trace;
    QTest::newRow("--only=") << QStringList{QStringLiteral("bench"), QStringLiteral("--only=")}
                             << QByteArray("procession: --only needs a value (PART,...)");
    const QByteArray tasks = "procession: --tasks needs a task library file (LIB.so)";
    QTest::newRow("--tasks last") << QStringList{QStringLiteral("--tasks")} << tasks;
    QTest::newRow("--tasks=") << QStringList{QStringLiteral("--tasks="), QStringLiteral("list")}
                              << tasks;
    QTest::newRow("--only=rtt,bogus")
        << QStringList{QStringLiteral("bench"), QStringLiteral("--only=rtt,bogus")}
        << QByteArray("procession: --only takes parts from "
                      "rtt,ready,spawn,calls,payload,scenarios,paint,traces,open; got 'bogus'");
    QTest::newRow("flag with a value")
        << QStringList{QStringLiteral("run"), QStringLiteral("greet-spawn"),
                       QStringLiteral("--json=1")}
        << QByteArray("procession: unexpected value after '--json'");
}

// A value-taking option without its value (or a value it does not take) is refused before
// anything runs.
void tst_Cli::missingValueRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, says);
    const Result r = run(args);
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err.split('\n').constFirst(), says);
    QVERIFY(r.out.isEmpty());
}

// The parser reads text; file names are bytes. Every byte string comes back as itself, and
// valid UTF-8 reads as the text it is.
void tst_Cli::argumentBytesRoundTrip()
{
#if defined(Q_OS_WIN)
    // There the C runtime makes argv from the UTF-16 command line in the ANSI code page
    // (decodeArgument reads it back with fromLocal8Bit): a name outside that code page never
    // reaches argv as bytes at all, so there is no byte-for-byte claim to check.
    QSKIP("Windows: argv is the ANSI code page's copy of a UTF-16 command line");
#endif
    const QList<QByteArray> names = {"plain.json",
                                     "caf\xc3\xa9.json",
                                     "caf\xe9.json",
                                     "\xff\xfe",
                                     "\xc3",
                                     "\xc3(",
                                     "\xe2\x82",
                                     "\xed\xa0\x80\xed\xb0\x80",
                                     "\xc0\xaf overlong",
                                     "\xf0\x9f\x98\x80 4 bytes",
                                     "\xf0\x9f\x98 cut",
                                     "-x\x80.json",
                                     "\xef\xbf\xbd",
                                     "\x80\x80\x80",
                                     QByteArray("\xed\xb2\x80", 3)};
    for (const QByteArray &name : names) {
        const QString text = procession::decodeArgument(name);
        QCOMPARE(procession::encodeArgument(text), name);
        if (QString::fromUtf8(name).toUtf8() == name)
            QCOMPARE(text, QString::fromUtf8(name));
    }
    QCOMPARE(procession::decodeArgument("caf\xe9").size(), 4);
}

void tst_Cli::list()
{
    const Result r = run({QStringLiteral("list")});
    QCOMPARE(r.code, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 8);
    QVERIFY(lines.contains("greet-spawn\tOne new process per greet"));
    for (const QByteArray &line : lines)
        QCOMPARE(line.count('\t'), 1);
}

void tst_Cli::runGreetSpawnJson()
{
    const Result r =
        run({QStringLiteral("run"), QStringLiteral("greet-spawn"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError,
             qPrintable(error.errorString() + QString::fromUtf8(r.out)));
    const QJsonObject o = doc.object();
    QCOMPARE(o.value(QLatin1String("scenario")).toString(), QStringLiteral("greet-spawn"));
    QCOMPARE(o.value(QLatin1String("ok")).toBool(), true);
    const double wall = o.value(QLatin1String("wall_s")).toDouble();
    QVERIFY2(wall >= 1.0 && wall < 1.5 + startcost::extraS(), qPrintable(QString::number(wall)));
    const QJsonArray calls = o.value(QLatin1String("calls")).toArray();
    QCOMPARE(calls.size(), 4);
    QSet<qint64> pids;
    for (int i = 0; i < 4; ++i) {
        const QJsonObject c = calls.at(i).toObject();
        QCOMPARE(c.value(QLatin1String("function")).toString(), QStringLiteral("greet"));
        QCOMPARE(c.value(QLatin1String("result")), QJsonValue(i));
        QCOMPARE(c.value(QLatin1String("result_text")).toString(), QString::number(i));
        const double d = c.value(QLatin1String("dispatch_s")).toDouble(),
                     b = c.value(QLatin1String("begin_s")).toDouble(),
                     e = c.value(QLatin1String("end_s")).toDouble(),
                     res = c.value(QLatin1String("result_s")).toDouble();
        QVERIFY(d <= b && b <= e && e <= res);
        QVERIFY(e - b >= 0.99);
        pids.insert(c.value(QLatin1String("pid")).toInteger());
    }
    QCOMPARE(pids.size(), 4);
    const QJsonArray workers = o.value(QLatin1String("workers")).toArray();
    QCOMPARE(workers.size(), 4);
    for (const QJsonValue &w : workers) {
        QCOMPARE(w.toObject().value(QLatin1String("crashed")).toBool(), false);
        QCOMPARE(w.toObject().value(QLatin1String("exit_code")).toInt(), 0);
        QVERIFY(w.toObject().value(QLatin1String("ready_s")).toDouble() >
                w.toObject().value(QLatin1String("fork_s")).toDouble());
        QCOMPARE(faultutil::processState(w.toObject().value(QLatin1String("pid")).toInteger()), 0);
    }
    // Workers' prints go to stderr with --json, so stdout stays one document.
    QVERIFY(r.err.contains("1 Hello Chess!"));
}

void tst_Cli::runSequentialTakesFourSeconds()
{
    const Result r =
        run({QStringLiteral("run"), QStringLiteral("greet-sequential"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QVERIFY(o.value(QLatin1String("wall_s")).toDouble() >= 4.0);
    QCOMPARE(o.value(QLatin1String("calls")).toArray().size(), 4);
    QCOMPARE(o.value(QLatin1String("workers")).toArray().size(), 0);
}

void tst_Cli::crashNamesPidAndSignal()
{
    const Result r =
        run({QStringLiteral("run"), QStringLiteral("worker-crash"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0); // the crash is what the scenario expects
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QJsonObject crashed;
    for (const QJsonValue &w : o.value(QLatin1String("workers")).toArray())
        if (w.toObject().value(QLatin1String("crashed")).toBool())
            crashed = w.toObject();
    QCOMPARE(crashed.value(QLatin1String("worker")).toInt(), 3);
    const qint64 pid = crashed.value(QLatin1String("pid")).toInteger();
    QVERIFY(pid > 0);
    QCOMPARE(crashed.value(QLatin1String("reason")).toString(),
             QStringLiteral("worker 3 (pid %1) %2 while running crash(\"segfault\", 300)")
                 .arg(pid)
                 .arg(crashcodes::crashedWith(crashcodes::kSegfault)));
    int ok = 0;
    for (const QJsonValue &c : o.value(QLatin1String("calls")).toArray())
        ok += c.toObject().value(QLatin1String("ok")).toBool();
    QCOMPARE(ok, 3);
}

void tst_Cli::expectedErrorsExitZero()
{
    const Result r = run({QStringLiteral("run"), QStringLiteral("task-error")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("the input was not a number"));
    QVERIFY(r.out.contains("ok: task-error finished as expected"));
}

// `--json` gives arguments and results as JSON values, a script's to read; the display
// text stays beside them. They were display strings ("0, \"Dan\"", "0").
void tst_Cli::jsonGivesValues()
{
    const QString path = m_dir.filePath(QStringLiteral("values.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "values", "title": "V", "steps": [{"fork": 1},
        {"call_async": "greet", "args": [[0, "Dan"]]},
        {"call_async": "echo", "args": [[[1, "two", null, true, 2.5]], [{"k": [1]}], ["x\"y"]]},
        {"call_await": "all"}, {"call": "add", "args": [[2, 3]]}, {"join": "all"}]})");
    f.close();
    const Result r = run({QStringLiteral("run"), path, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonArray calls =
        QJsonDocument::fromJson(r.out).object().value(QLatin1String("calls")).toArray();
    QCOMPARE(calls.size(), 5);
    struct Expected
    {
        const char *args, *argsText, *result, *resultText;
    };
    const Expected expected[] = {
        {R"([0, "Dan"])", R"(0, "Dan")", "0", "0"},
        {R"([[1, "two", null, true, 2.5]])", R"([1, "two", null, true, 2.5])",
         R"([1, "two", null, true, 2.5])", R"([1, "two", null, true, 2.5])"},
        {R"([{"k": [1]}])", R"({"k": [1]})", R"({"k": [1]})", R"({"k": [1]})"},
        {R"(["x\"y"])", R"("x"y")", R"("x\"y")", R"("x"y")"},
        {"[2, 3]", "2, 3", "5", "5"}};
    for (int i = 0; i < 5; ++i) {
        const QJsonObject c = calls.at(i).toObject();
        const auto json = [](const char *text) {
            return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().at(0);
        };
        QCOMPARE(c.value(QLatin1String("args")), json(expected[i].args));
        QCOMPARE(c.value(QLatin1String("args_text")).toString(),
                 QString::fromUtf8(expected[i].argsText));
        QCOMPARE(c.value(QLatin1String("result")), json(expected[i].result));
        QCOMPARE(c.value(QLatin1String("result_text")).toString(),
                 QString::fromUtf8(expected[i].resultText));
    }
}

// What JSON cannot hold as such: bytes carry a marker, NaN and undefined are null.
void tst_Cli::callValueJson_data()
{
    QTest::addColumn<QCborValue>("value");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("bytes") << QCborValue(QByteArray("\x00\xff", 2)) << QByteArray(R"({"base64":"AP8="})");
    QTest::newRow("NaN") << QCborValue(std::nan("")) << QByteArray("null");
    QTest::newRow("undefined") << QCborValue(QCborValue::Undefined) << QByteArray("null");
    QTest::newRow("large integer") << QCborValue(qint64(1) << 60)
                                   << QByteArray("1152921504606846976");
    QTest::newRow("map with an integer key")
        << QCborValue(QCborMap{{1, QStringLiteral("one")}}) << QByteArray(R"({"1":"one"})");
}

void tst_Cli::callValueJson()
{
    QFETCH(QCborValue, value);
    QFETCH(QByteArray, json);
    const QByteArray got =
        QJsonDocument(QJsonArray{procession::callValueJson(value)}).toJson(QJsonDocument::Compact);
    QCOMPARE(got, "[" + json + "]");
}

void tst_Cli::unexpectedFailureExitsOne()
{
    const QString path = m_dir.filePath(QStringLiteral("fails.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "fails", "title": "F", "steps": [{"fork": 1},
        {"call_async": "fail", "args": [["surprise"]]}, {"call_await": "all"}, {"join": "all"}]})");
    f.close();
    const Result r = run({QStringLiteral("run"), path});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("FAILED: fail(\"surprise\") failed on worker 1 (pid"),
             r.out.constData());
}

void tst_Cli::badUsage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("run without id")
        << QStringList{QStringLiteral("run")} << QStringLiteral("run needs a scenario");
    QTest::newRow("unknown scenario") << QStringList{QStringLiteral("run"), QStringLiteral("nope")}
                                      << QStringLiteral("nope: no bundled scenario has this id");
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("run"), QStringLiteral("greet-spawn"),
                       QStringLiteral("--fast")}
        << QStringLiteral("unknown option --fast");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << QStringLiteral("unknown command or file 'frobnicate'");
    QTest::newRow("invalid file") << QStringList{QStringLiteral("run"), QStringLiteral("@BAD@")}
                                  << QStringLiteral(
                                         "@BAD@: steps[0].fork: must be between 1 and 64, got -2");
}

void tst_Cli::badUsage()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "bad", "title": "B", "steps": [{"fork": -2}]})");
    f.close();
    args.replaceInStrings(QStringLiteral("@BAD@"), bad);
    message.replace(QStringLiteral("@BAD@"), bad);
    const Result r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void tst_Cli::traceFile()
{
    const QString path = m_dir.filePath(QStringLiteral("t.json"));
    const Result r = run({QStringLiteral("run"), QStringLiteral("greet-square-pool"),
                          QStringLiteral("--trace"), path});
    QCOMPARE(r.code, 0);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(o.value(QLatin1String("traceEvents")).toArray().size() > 40);
    QCOMPARE(
        o.value(QLatin1String("procession")).toObject().value(QLatin1String("scenario")).toString(),
        QStringLiteral("greet-square-pool"));
}

void tst_Cli::summaryOfOwnAndForeignTraces()
{
    // Our own trace, written by a real run, summarized through the same reader.
    const QString own = m_dir.filePath(QStringLiteral("own.json"));
    QCOMPARE(
        run({QStringLiteral("run"), QStringLiteral("greet-spawn"), QStringLiteral("--trace"), own})
            .code,
        0);
    Result r = run({QStringLiteral("summary"), own, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QLatin1String("format")).toString(), QStringLiteral("procession"));
    QCOMPARE(o.value(QLatin1String("processes")).toInt(), 5); // main and four one-shot workers
    QVERIFY(o.value(QLatin1String("slices")).toInt() >= 4);
    QVERIFY(o.value(QLatin1String("flows")).toInt() >= 8);
    QCOMPARE(o.value(QLatin1String("peak_parallelism")).toInt(), 4);

    // A Ray-style trace: string pids and tids, the bare array form, its ] missing.
    const QString ray = m_dir.filePath(QStringLiteral("ray.json"));
    QFile f(ray);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"([{"cat":"task:execute","name":"square","pid":"10.0.0.1","tid":"worker:01","ts":1700000000000000,"dur":500,"ph":"X","args":{"task_id":"aa"}},
{"cat":"task:execute","name":"square","pid":"10.0.0.2","tid":"worker:02","ts":1700000000000100,"dur":500,"ph":"X"},
)");
    f.close();
    r = run({QStringLiteral("summary"), ray});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("2 processes, 2 threads"), r.out.constData());
    QVERIFY2(r.out.contains("cut off"), r.out.constData());
}

void tst_Cli::summaryRefuses_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("not JSON") << QByteArray("procession\n") << QByteArray("not valid JSON");
    QTest::newRow("cloud trace") << QByteArray(R"({"spans": [{"spanId": "1"}]})")
                                 << QByteArray("without \"traceEvents\"");
    QTest::newRow("nothing to draw")
        << QByteArray(R"({"traceEvents": []})") << QByteArray("nothing to draw");
}

void tst_Cli::summaryRefuses()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, says);
    const QString path = m_dir.filePath(QStringLiteral("bad.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();
    const Result r = run({QStringLiteral("summary"), path});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(says), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1); // one sentence
    QVERIFY(r.out.isEmpty());
}

void tst_Cli::benchQuickJson()
{
    // The bench command end to end: every figure measured on real workers, none failing to
    // measure. Timings are not judged here (that is what the command is for); only that
    // each figure is a sane measurement.
    if (qEnvironmentVariableIsSet("PROCESSION_TEST_EMULATOR"))
        QSKIP("under Wine, bench --quick takes about 3 minutes (13 MB/s payloads, 0.9 s process "
              "start-ups, a 100,000-call paint run that outlasts bench's 2-minute limit) and "
              "measures Wine: its off-Linux notes are checked on Windows runners");
    const Result r =
        run({QStringLiteral("bench"), QStringLiteral("--quick"), QStringLiteral("--json")}, 120000);
    QCOMPARE(r.code, 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(o.value(QLatin1String("problems")).toArray().size(), 0);
    const QJsonObject figures = o.value(QLatin1String("figures")).toObject();
    const QStringList measured = {QStringLiteral("rtt_us"),
                                  QStringLiteral("raw_rtt_us"),
                                  QStringLiteral("raw_spin_rtt_us"),
                                  QStringLiteral("rtt_over_raw"),
                                  QStringLiteral("rtt_pinned_us"),
                                  QStringLiteral("raw_pinned_rtt_us"),
                                  QStringLiteral("rtt_pinned_over_raw"),
                                  QStringLiteral("ready_4_ms"),
                                  QStringLiteral("spawn_call_ms"),
                                  QStringLiteral("calls_per_s_1"),
                                  QStringLiteral("calls_per_s_2"),
                                  QStringLiteral("calls_per_s_4"),
                                  QStringLiteral("payload_mb_per_s"),
                                  QStringLiteral("trace_ns_per_event"),
                                  QStringLiteral("worker_rss_kb"),
                                  QStringLiteral("greet_spawn_wall_s"),
                                  QStringLiteral("greet_pool_phase_s")};
    // Off Linux the raw socket pair and CPU pinning do not exist: those figures say so.
    const QStringList linuxOnly = {
        QStringLiteral("raw_rtt_us"),        QStringLiteral("raw_spin_rtt_us"),
        QStringLiteral("rtt_over_raw"),      QStringLiteral("rtt_pinned_us"),
        QStringLiteral("raw_pinned_rtt_us"), QStringLiteral("rtt_pinned_over_raw")};
    for (const QString &name : measured) {
        const QJsonObject f = figures.value(name).toObject();
#if !defined(Q_OS_LINUX)
        if (linuxOnly.contains(name)) {
            QVERIFY2(f.value(QLatin1String("note"))
                         .toString()
                         .startsWith(QLatin1String("not measurable here")),
                     qPrintable(name));
            continue;
        }
#endif
        const double lo = f.value(QLatin1String("min")).toDouble(),
                     mid = f.value(QLatin1String("median")).toDouble(),
                     hi = f.value(QLatin1String("max")).toDouble();
        QVERIFY2(f.value(QLatin1String("n")).toInt() > 0, qPrintable(name));
        QVERIFY2(lo > 0 && lo <= mid && mid <= hi, qPrintable(name));
    }
    auto median = [&](const char *name) {
        return figures.value(QLatin1String(name))
            .toObject()
            .value(QLatin1String("median"))
            .toDouble();
    };
    // Generous sanity bounds: a figure outside them is a broken measurement, not a slow machine.
    QVERIFY(median("rtt_us") < 10000 && median("raw_rtt_us") < 10000);
    QVERIFY(median("calls_per_s_2") > 1000);
    QVERIFY(median("worker_rss_kb") > 1000 && median("worker_rss_kb") < 500000);
    QVERIFY(median("greet_spawn_wall_s") >= 1.0 &&
            median("greet_spawn_wall_s") < 2.0 + startcost::extraS());
    QVERIFY(median("greet_pool_phase_s") >= 1.0 && median("greet_pool_phase_s") < 2.0);
    // Painting needs the window's library, which a build without Qt Widgets lacks.
    for (const char *name : {"paint_ms_100k", "paint_ms_100k_1pct"}) {
        const QJsonObject f = figures.value(QLatin1String(name)).toObject();
        if (f.value(QLatin1String("median")).isDouble())
            QVERIFY2(median(name) > 0 && median(name) < 10000, name);
        else
            QVERIFY2(f.value(QLatin1String("note")).toString().contains(QLatin1String("window")),
                     name);
    }
    // Heap per event comes from glibc's malloc statistics; a sanitizer build has none and
    // says so instead of printing a zero.
    const QJsonObject bytes = figures.value(QLatin1String("trace_bytes_per_event")).toObject();
    if (bytes.value(QLatin1String("median")).isDouble())
        QVERIFY(median("trace_bytes_per_event") >= 48);
    else
        QVERIFY(bytes.value(QLatin1String("note")).toString().contains(QLatin1String("glibc")));
#if defined(Q_OS_LINUX)
    // Targets carry a verdict; figures without one do not.
    QVERIFY(figures.value(QLatin1String("rtt_over_raw")).toObject().contains(QLatin1String("met")));
    QVERIFY(!figures.value(QLatin1String("rtt_pinned_over_raw"))
                 .toObject()
                 .contains(QLatin1String("met")));
#endif
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
