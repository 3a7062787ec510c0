// Task libraries (procession/task.h) through the real executable: every bad library is
// one sentence and exit 2 with nothing started; a good one's functions run in real worker
// processes, and the example library builds out of tree against this build and against a
// staged install of it.
#include "crashcodes.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Ran
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Ran runProgram(const QString &program, const QStringList &args, int timeoutMs = 60000,
               const QString &workDir = {})
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    Ran r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "did not finish: " + p.readAllStandardError();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Ran runProcession(const QStringList &args, const QString &exe = QStringLiteral(PROCESSION_EXE))
{
    return runProgram(exe, args);
}

QStringList lines(const QByteArray &text)
{
    return QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return f.fileName();
}

// The good test library's file name as the messages give it (libtesttasks_good.so, .dll).
QString goodName()
{
    return QFileInfo(QStringLiteral(TESTTASKS_GOOD)).fileName();
}

QJsonObject callById(const QJsonArray &calls, const QString &function, int nth = 0)
{
    for (const QJsonValue &v : calls)
        if (v.toObject().value(QLatin1String("function")).toString() == function && nth-- == 0)
            return v.toObject();
    return {};
}

} // namespace

class tst_TaskLib : public QObject
{
    Q_OBJECT

private slots:
    void badLibrary_data();
    void badLibrary();
    void functionsListed();
    void rangesCheckedBeforeStart();
    void functionsRunInWorkers();
    void outOfTree_data();
    void outOfTree();
};

void tst_TaskLib::badLibrary_data()
{
    QTest::addColumn<QStringList>("libraries");
    QTest::addColumn<QString>("sentence");
    const QString good = QStringLiteral(TESTTASKS_GOOD);
    QTest::newRow("not found") << QStringList{QStringLiteral("/nonexistent/libnothere.so")}
                               << QStringLiteral("no such file");
    QTest::newRow("not a library")
        << QStringList{QStringLiteral("TEXTFILE")} << QStringLiteral("not a shared library");
    QTest::newRow("no entry point") << QStringList{QStringLiteral(TESTTASKS_NONE)}
                                    << QStringLiteral("not a Procession task library");
    QTest::newRow("another version")
        << QStringList{QStringLiteral(TESTTASKS_VERSION)}
        << QStringLiteral("built for task library version 99, and this procession loads version 1");
    QTest::newRow("bundled name") << QStringList{QStringLiteral(TESTTASKS_BUNDLED)}
                                  << QStringLiteral(
                                         "its task \"square\" has the name of a bundled task");
    QTest::newRow("two libraries")
        << QStringList{good, QStringLiteral(TESTTASKS_CLASH)}
        << QStringLiteral("its task \"twice\" is already declared by ") + goodName();
    QTest::newRow("same library twice")
        << QStringList{good, good} << QStringLiteral("it is already loaded");
    QTest::newRow("bad task name") << QStringList{QStringLiteral(TESTTASKS_BADNAME)}
                                   << QStringLiteral("task names are lower-case");
}

void tst_TaskLib::badLibrary()
{
    QFETCH(QStringList, libraries);
    QFETCH(QString, sentence);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString trace = dir.filePath(QStringLiteral("run.json"));
    for (const QString &command : {QStringLiteral("run"), QStringLiteral("list")}) {
        QStringList args;
        for (QString library : libraries) {
            if (library == QLatin1String("TEXTFILE"))
                library = writeFile(dir, QStringLiteral("libtext.so"), "not ELF\n");
            args << QStringLiteral("--tasks") << library;
        }
        if (command == QLatin1String("run"))
            args << command << QStringLiteral("greet-sequential") << QStringLiteral("--trace")
                 << trace;
        else
            args << command << QStringLiteral("--functions");
        const Ran r = runProcession(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        const QStringList err = lines(r.err);
        QCOMPARE(err.size(), 1);
        QVERIFY2(err.first().startsWith(QLatin1String("procession: cannot load task library ")),
                 qPrintable(err.first()));
        QVERIFY2(err.first().contains(sentence), qPrintable(err.first()));
        // Nothing started: the run never got as far as writing its trace.
        QVERIFY(!QFile::exists(trace));
    }
}

void tst_TaskLib::functionsListed()
{
    const Ran r = runProcession({QStringLiteral("--tasks"), QStringLiteral(TESTTASKS_GOOD),
                                 QStringLiteral("list"), QStringLiteral("--functions")});
    QCOMPARE(r.exitCode, 0);
    const QStringList out = lines(r.out);
    QVERIFY(out.first().startsWith(QLatin1String("greet(i: integer, name: text)\t")));
    bool found = false;
    for (const QString &line : out)
        found =
            found || (line.startsWith(QLatin1String("twice(n: integer between 0 and 1000)\tReturns "
                                                    "2 * n.\t")) &&
                      line.endsWith(goodName()));
    QVERIFY2(found, r.out.constData());
    // A summary written over several lines is listed on one.
    QVERIFY2(r.out.contains("hang()\tNever returns, and says so on three lines.\t"),
             r.out.constData());
    const Ran bare = runProcession({QStringLiteral("list"), QStringLiteral("--functions")});
    QVERIFY(!bare.out.contains("twice("));
    QVERIFY(bare.out.contains("exec(program: text, args: text"));
    QVERIFY(bare.out.contains("sleep(ms: integer between 0 and 86400000)"));
}

void tst_TaskLib::rangesCheckedBeforeStart()
{
    QTemporaryDir dir;
    const QString file = writeFile(
        dir, QStringLiteral("s.json"),
        R"({"id": "r", "title": "r", "steps": [{"fork": 1}, {"call_async": "twice", "args": [[1001]]}, {"call_await": "all"}]})");
    const QString trace = dir.filePath(QStringLiteral("t.json"));
    Ran r = runProcession({QStringLiteral("--tasks"), QStringLiteral(TESTTASKS_GOOD),
                           QStringLiteral("run"), file, QStringLiteral("--trace"), trace});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(lines(r.err),
             QStringList(QStringLiteral("procession: %1: steps[1].args[0]: twice(): argument \"n\" "
                                        "must be between 0 and 1000, got 1001")
                             .arg(file)));
    QVERIFY(!QFile::exists(trace));
    // Without the library the function is unknown, also before anything starts.
    r = runProcession({QStringLiteral("run"), file, QStringLiteral("--trace"), trace});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("unknown function \"twice\""), r.err.constData());
    QVERIFY(!QFile::exists(trace));
    // The bundled tasks declare their ranges the same way: sleep(-5) never starts.
    const QString sleepFile = writeFile(
        dir, QStringLiteral("sleep.json"),
        R"({"id": "s", "title": "s", "steps": [{"fork": 1}, {"call_async": "sleep", "args": [[-5]]}, {"call_await": "all"}]})");
    r = runProcession({QStringLiteral("run"), sleepFile, QStringLiteral("--trace"), trace});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("sleep(): argument \"ms\" must be between 0 and 86400000, got -5"),
             r.err.constData());
    QVERIFY(!QFile::exists(trace));
}

void tst_TaskLib::functionsRunInWorkers()
{
    QTemporaryDir dir;
    const QString file = writeFile(dir, QStringLiteral("w.json"), R"({
      "id": "w", "title": "w", "steps": [
        {"fork": 2},
        {"call_async": "twice", "args": [[1], [2]]},
        {"call_async": "twice", "on": "new", "args": [[3]]},
        {"call_async": "throws", "workers": [1], "expect": "error"},
        {"call_await": "all"},
        {"call_async": "segv", "workers": [2], "expect": "error"},
        {"call_async": "hang", "workers": [1], "expect": "error"},
        {"call_await": "all", "timeout_ms": 500},
        {"join": "all"}]})");
    const Ran r = runProcession({QStringLiteral("--tasks"), QStringLiteral(TESTTASKS_GOOD),
                                 QStringLiteral("run"), file, QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(r.out).object();
    const QJsonArray calls = report.value(QLatin1String("calls")).toArray();
    QCOMPARE(calls.size(), 6);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject c = callById(calls, QStringLiteral("twice"), i);
        QVERIFY(c.value(QLatin1String("ok")).toBool());
        QCOMPARE(c.value(QLatin1String("result")).toVariant().toString(),
                 QString::number(2 * (i + 1)));
        QVERIFY(c.value(QLatin1String("worker")).toInt() >= 1); // a worker process, not main
        QVERIFY2(r.err.contains(QStringLiteral("twice of %1\n").arg(i + 1).toUtf8()),
                 r.err.constData());
    }
    QCOMPARE(callById(calls, QStringLiteral("twice"), 2).value(QLatin1String("worker")).toInt(),
             3); // "on": "new": a third process
    const QString threw =
        callById(calls, QStringLiteral("throws")).value(QLatin1String("error")).toString();
    QVERIFY2(threw.endsWith(QLatin1String(": the library said no")), qPrintable(threw));
    const QString crashed =
        callById(calls, QStringLiteral("segv")).value(QLatin1String("error")).toString();
    QVERIFY2(crashed.contains(crashcodes::crashedWith(crashcodes::kSegfault) +
                              QLatin1String(" while running segv()")),
             qPrintable(crashed));
    const QString hung =
        callById(calls, QStringLiteral("hang")).value(QLatin1String("error")).toString();
    QVERIFY2(hung.contains(QLatin1String(") did not answer within 0.5 s; hang() not finished")),
             qPrintable(hung));
}

void tst_TaskLib::outOfTree_data()
{
    QTest::addColumn<bool>("staged");
    QTest::newRow("against the build tree") << false;
    QTest::newRow("against a staged install") << true;
}

void tst_TaskLib::outOfTree()
{
    QFETCH(bool, staged);
#if defined(Q_OS_WIN)
    QSKIP("builds examples/tasklib with the host's CMake and compiler and looks for the POSIX "
          "names bin/procession and libcollatz_tasks.so; under Wine the Linux cmake cannot be "
          "started with Windows paths (tests/wine/README.md)");
#endif
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cmake = QStringLiteral(CMAKE_COMMAND_PATH);
    QString exe = QStringLiteral(PROCESSION_EXE);
    QStringList configure = {QStringLiteral("-S"),
                             QStringLiteral(PROCESSION_SOURCE_DIR "/examples/tasklib"),
                             QStringLiteral("-B"),
                             dir.filePath(QStringLiteral("build")),
                             QStringLiteral("-G"),
                             QStringLiteral(CMAKE_GENERATOR_NAME),
                             QStringLiteral("-DCMAKE_CXX_COMPILER=" CXX_COMPILER_PATH)};
    if (staged) {
        const QString stage = dir.filePath(QStringLiteral("stage"));
        const Ran install =
            runProgram(cmake, {QStringLiteral("--install"), QStringLiteral(PROCESSION_BINARY_DIR),
                               QStringLiteral("--prefix"), stage});
        QVERIFY2(install.exitCode == 0, install.err.constData());
        QVERIFY(QFile::exists(stage + QStringLiteral("/include/procession/task.h")));
        configure << QStringLiteral("-DCMAKE_PREFIX_PATH=") + stage;
        exe = stage + QStringLiteral("/bin/procession");
    } else {
        configure << QStringLiteral("-DProcession_DIR=" PROCESSION_BINARY_DIR);
    }
    Ran r = runProgram(cmake, configure, 180000);
    QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
    r = runProgram(cmake, {QStringLiteral("--build"), dir.filePath(QStringLiteral("build"))},
                   180000);
    QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
    const QString library = dir.filePath(QStringLiteral("build/libcollatz_tasks.so"));
    QVERIFY(QFile::exists(library));

    r = runProcession({QStringLiteral("--tasks"), library, QStringLiteral("run"),
                       QStringLiteral(PROCESSION_SOURCE_DIR "/examples/tasklib/collatz.json"),
                       QStringLiteral("--json")},
                      exe);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonArray calls =
        QJsonDocument::fromJson(r.out).object().value(QLatin1String("calls")).toArray();
    const QStringList expected = {QStringLiteral("230631"), QStringLiteral("511935"),
                                  QStringLiteral("837799"), QStringLiteral("1117065")};
    for (int i = 0; i < 8; ++i) {
        const QJsonObject c = callById(calls, QStringLiteral("collatz"), i);
        QVERIFY(c.value(QLatin1String("ok")).toBool());
        QCOMPARE(c.value(QLatin1String("result")).toVariant().toString(), expected.at(i % 4));
        QCOMPARE(c.value(QLatin1String("worker")).toInt(), i < 4 ? 0 : i - 3);
    }
    const QJsonObject refused = callById(calls, QStringLiteral("refuse"));
    QCOMPARE(refused.value(QLatin1String("error")).toString(),
             QStringLiteral("refuse(\"the input is empty\") failed on worker 1 (pid %1): the "
                            "input is empty")
                 .arg(refused.value(QLatin1String("pid")).toInteger()));
    QVERIFY(callById(calls, QStringLiteral("null_write"))
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("crashed with SIGSEGV while running null_write()")));
}

QTEST_GUILESS_MAIN(tst_TaskLib)
#include "tst_tasklib.moc"
