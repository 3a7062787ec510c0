// `procession run` under fire: interrupted, killed, or handed a bad scenario. Each case
// ends with one line, the documented exit status, and no worker left running or unreaped.
#include "crashcodes.h"
#include "faultutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#if defined(Q_OS_LINUX)
#include <sys/inotify.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <windows.h>
#endif

using namespace faultutil;

namespace {

QStringList lines(const QByteArray &text)
{
    return QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// A scenario file NAME in `dir` holding `json`; empty when it cannot be written.
QString writeScenario(const QTemporaryDir &dir, const QString &name, const QByteArray &json)
{
    const QString file = dir.filePath(name);
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly) || f.write(json) != json.size())
        return {};
    return file;
}

// `procession run ID` in a process group of its own, so a "Ctrl-C" can go to the group.
void startRun(QProcess &run, const QStringList &args)
{
#if defined(Q_OS_WIN)
    // A group of its own for Ctrl-Break, and this test's console (initTestCase), which
    // QProcess would not share without a console window: console control events reach
    // only the processes attached to the console they are generated on.
    run.setCreateProcessArgumentsModifier([](QProcess::CreateProcessArguments *a) {
        a->flags |= CREATE_NEW_PROCESS_GROUP;
        a->flags &= ~DWORD(CREATE_NO_WINDOW);
    });
#else
    run.setChildProcessModifier([] { ::setpgid(0, 0); });
#endif
    run.start(QStringLiteral(PROCESSION_EXE), QStringList{QStringLiteral("run")} + args);
}

#if defined(Q_OS_LINUX)
// Notes every entry created in a directory from now on; inotify queues the events, so
// nothing is missed however short-lived the entry was.
class CreationWatch
{
public:
    explicit CreationWatch(const QString &dir)
    {
        m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        ::inotify_add_watch(m_fd, QFile::encodeName(dir).constData(), IN_CREATE);
    }
    ~CreationWatch() { ::close(m_fd); }
    QStringList created()
    {
        QStringList names;
        alignas(inotify_event) char buf[8192];
        for (;;) {
            const ssize_t n = ::read(m_fd, buf, sizeof buf);
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n;) {
                const auto *e = reinterpret_cast<const inotify_event *>(buf + i);
                if (e->len)
                    names << QString::fromLocal8Bit(e->name);
                i += ssize_t(sizeof(inotify_event) + e->len);
            }
        }
        return names;
    }
    bool valid() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};
#endif

} // namespace

class tst_FaultCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        becomeSubreaper();
#if defined(Q_OS_WIN)
        // A console to share with the runs (none when started from a window or a pipe),
        // and Ctrl-C ignored here: it goes to every process on the console.
        ::AllocConsole();
        ::SetConsoleCtrlHandler(nullptr, TRUE);
#endif
    }

    void interrupted_data();
    void interrupted();
    void parentKilledTakesWorkersAlong();
    void stoppedWorkerCostsOneTimeout_data();
    void stoppedWorkerCostsOneTimeout();
    void stepTimeoutIsOnSilence_data();
    void stepTimeoutIsOnSilence();
    void badScenarioStartsNothing_data();
    void badScenarioStartsNothing();
    void tenMillionCallsAreRefusedUpFront_data();
    void tenMillionCallsAreRefusedUpFront();
    void crashOfManyCallsIsFolded();
};

void tst_FaultCli::interrupted_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<bool>("wholeGroup");
    QTest::addColumn<int>("status");
    QTest::newRow("SIGINT to the parent") << int(SIGINT) << false << 130;
    QTest::newRow("Ctrl-C (SIGINT to the whole group)") << int(SIGINT) << true << 130;
    QTest::newRow("SIGTERM to the parent") << int(SIGTERM) << false << 143;
    QTest::newRow("SIGTERM to the whole group") << int(SIGTERM) << true << 143;
}

// Interrupted in the middle of the greets: one line on stderr, 130 or 143, and every
// worker stopped and reaped by procession itself (this test is their subreaper, so an
// unreaped one would turn up here as its zombie).
void tst_FaultCli::interrupted()
{
    QFETCH(int, signal);
    QFETCH(bool, wholeGroup);
    QFETCH(int, status);
    QProcess run;
    startRun(run, {QStringLiteral("greet-square-pool")});
    QVERIFY(run.waitForStarted(5000));
    const qint64 parent = run.processId();
    QByteArray out;
    // Mid-call: the workers have printed their greetings and are sleeping in greet().
    QTRY_VERIFY_WITH_TIMEOUT((out += run.readAllStandardOutput()).count("Hello") == 4, 10000);
    const QList<qint64> workers = workersOf(parent);
    QCOMPARE(workers.size(), 4);

    QElapsedTimer timer;
    timer.start();
#if defined(Q_OS_WIN)
    // Ctrl-C goes to every process on the console (the workers, in groups of their own,
    // ignore it); Ctrl-Break, Windows' SIGTERM here, to the run's process group.
    Q_UNUSED(wholeGroup);
    const bool sent = ::GenerateConsoleCtrlEvent(signal == SIGINT ? CTRL_C_EVENT : CTRL_BREAK_EVENT,
                                                 signal == SIGINT ? 0 : DWORD(parent));
    if (!sent && qEnvironmentVariableIsSet("PROCESSION_TEST_EMULATOR"))
        QSKIP("Wine delivers no console control events to a program not started in wineconsole: "
              "AllocConsole fails and GenerateConsoleCtrlEvent returns ERROR_INVALID_ACCESS "
              "(tests/wine/ctrlevent.c)");
    QVERIFY2(sent, qPrintable(
                       QStringLiteral("GenerateConsoleCtrlEvent: error %1").arg(::GetLastError())));
    const QString requestName =
        signal == SIGINT ? QStringLiteral("Ctrl-C") : QStringLiteral("Ctrl-Break");
#else
    ::kill(pid_t(wholeGroup ? -parent : parent), signal);
    const QString requestName =
        signal == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM");
#endif
    QVERIFY(run.waitForFinished(10000));
    const qint64 took = timer.elapsed();
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    QCOMPARE(run.exitCode(), status);
    const QStringList err = lines(run.readAllStandardError());
    QVERIFY2(err.size() == 1, qPrintable(err.join(QLatin1Char('\n'))));
    QCOMPARE(err.first(),
             QStringLiteral("procession: the run was interrupted by %1; every worker was stopped")
                 .arg(requestName));
    QVERIFY2(took < 3000, qPrintable(QString::number(took)));
    for (qint64 pid : workers)
        QVERIFY2(processState(pid) == 0, qPrintable(QStringLiteral("worker %1 left as '%2'")
                                                        .arg(pid)
                                                        .arg(QLatin1Char(processState(pid)))));
    reapAdopted(workers);
}

// SIGKILL gives the parent no chance to clean up: the workers must go by themselves
// (parent-death signal, end of stdin, closed connection) within a second.
void tst_FaultCli::parentKilledTakesWorkersAlong()
{
    QProcess run;
    startRun(run, {QStringLiteral("greet-square-pool")});
    QVERIFY(run.waitForStarted(5000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += run.readAllStandardOutput()).count("Hello") == 4, 10000);
    const QList<qint64> workers = workersOf(run.processId());
    QCOMPARE(workers.size(), 4);

    QElapsedTimer timer;
    timer.start();
    run.kill();
    QVERIFY(run.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(allDead(workers), 1000);
    qInfo("workers gone %lld ms after SIGKILL to their parent", timer.elapsed());
    reapAdopted(workers); // orphans came to this test: leave no zombie behind
    for (qint64 pid : workers)
        QCOMPARE(processState(pid), 0);
}

#if defined(Q_OS_UNIX)
// A worker stopped with SIGSTOP answers nothing. The step's timeout bounds the whole step:
// the ~100 calls queued on that worker fail together when it expires (not one timeout per
// call: that made such a run last ~100 s), and join ends the stopped worker too. The
// healthy workers finish their 100 × 5 ms well within the second.
void tst_FaultCli::stoppedWorkerCostsOneTimeout_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("--json") << true;
    QTest::newRow("text report") << false;
}

void tst_FaultCli::stoppedWorkerCostsOneTimeout()
{
    QFETCH(bool, json);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = writeScenario(dir, QStringLiteral("stopped.json"),
                                       R"({"id": "stopped", "title": "one worker stopped", "steps": [
        {"fork": 4},
        {"sleep": 200},
        {"call_async": "sleep", "args": [[5]], "repeat": 400},
        {"call_await": "all", "timeout_ms": 1000},
        {"join": "all"}]})");
    QVERIFY(!file.isEmpty());
    QProcess run;
    startRun(run, json ? QStringList{file, QStringLiteral("--json")} : QStringList{file});
    QVERIFY(run.waitForStarted(5000));
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = workersOf(run.processId())).size() == 4, 10000);
    const qint64 stopped = workers.at(1);
    QCOMPARE(::kill(pid_t(stopped), SIGSTOP), 0);
    QElapsedTimer timer;
    timer.start();
    const bool ended = run.waitForFinished(20000);
    const qint64 took = timer.elapsed();
    if (!ended) {
        ::kill(pid_t(stopped), SIGKILL);
        run.kill();
        run.waitForFinished(5000);
    }
    reapAdopted(workers);
    QVERIFY2(ended, "the run did not end within 20 s");
    // 200 ms start + 1 s timeout + join's escalation (exit, then SIGTERM, then SIGKILL).
    QVERIFY2(took < 15000, qPrintable(QStringLiteral("took %1 ms").arg(took)));
    QCOMPARE(run.exitCode(), 1);
    if (!json) { // one sentence for the stopped worker, none per call
        const QStringList out = lines(run.readAllStandardOutput());
        const QStringList err = lines(run.readAllStandardError());
        const QRegularExpression said(
            QStringLiteral("^FAILED: worker 2 \\(pid %1\\) did not answer within 1\\.0 s; "
                           "(9[0-9]|100) calls not finished$")
                .arg(stopped));
        QVERIFY2(said.match(out.last()).hasMatch(), qPrintable(out.last()));
        QVERIFY2(err.filter(QStringLiteral("did not answer")).isEmpty() &&
                     err.filter(QStringLiteral("timed out")).isEmpty(),
                 qPrintable(err.join(QLatin1Char('\n'))));
        for (qint64 pid : workers)
            QCOMPARE(processState(pid), 0);
        return;
    }
    const QJsonObject report = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
    int timedOut = 0, ok = 0;
    for (const QJsonValue &c : report.value(QLatin1String("calls")).toArray()) {
        const QJsonObject call = c.toObject();
        if (call.contains(QLatin1String("error")))
            ++timedOut;
        else
            ++ok;
    }
    QVERIFY2(timedOut >= 90 && timedOut <= 100, qPrintable(QString::number(timedOut)));
    QCOMPARE(ok + timedOut, 400);
    // One sentence for the worker that did not answer, not one per call.
    const QString sentence =
        QStringLiteral("worker 2 (pid %1) did not answer within 1.0 s; %2 calls not finished")
            .arg(stopped)
            .arg(timedOut);
    QCOMPARE(report.value(QLatin1String("message")).toString(), sentence);
    QStringList problems;
    for (const QJsonValue &p : report.value(QLatin1String("problems")).toArray())
        problems << p.toString();
    QCOMPARE(problems.first(), sentence);
    for (const QString &p : std::as_const(problems))
        QVERIFY2(!p.contains(QLatin1String("did not answer")) || p == sentence, qPrintable(p));
    for (qint64 pid : workers)
        QCOMPARE(processState(pid), 0);
}
#else
void tst_FaultCli::stoppedWorkerCostsOneTimeout_data() {}
void tst_FaultCli::stoppedWorkerCostsOneTimeout()
{
    QSKIP("SIGSTOP is POSIX");
}
#endif

// A step's timeout_ms is how long a worker may go without answering. One that answers all
// along is waited for however long its calls take together (2,000 echoes of 8 MiB answered
// for a minute and failed after 30 s, "did not answer"); one call longer than the limit is
// still a worker that said nothing for that long.
void tst_FaultCli::stepTimeoutIsOnSilence_data()
{
    QTest::addColumn<QByteArray>("calls");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says"); // the report's last line
    QTest::newRow("six calls of 300 ms, 1 s limit")
        << QByteArray(R"({"call_async": "sleep", "args": [[300]], "repeat": 6})") << 0
        << QStringLiteral("ok: silence finished as expected");
    QTest::newRow("one call of 3 s, 1 s limit")
        << QByteArray(R"({"call_async": "sleep", "args": [[3000]]})") << 1
        << QStringLiteral("did not answer within 1.0 s; 1 call not finished");
}

void tst_FaultCli::stepTimeoutIsOnSilence()
{
    QFETCH(QByteArray, calls);
    QFETCH(int, exitCode);
    QFETCH(QString, says);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = writeScenario(
        dir, QStringLiteral("silence.json"),
        R"({"id": "silence", "title": "answers all along", "steps": [{"fork": 1}, )" + calls +
            R"(, {"call_await": "all", "timeout_ms": 1000}, {"join": "all"}]})");
    QVERIFY(!file.isEmpty());
    QProcess run;
    startRun(run, {file});
    QVERIFY(run.waitForStarted(5000));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(run.waitForFinished(30000));
    const qint64 took = timer.elapsed();
    const QStringList out = lines(run.readAllStandardOutput());
    QVERIFY(!out.isEmpty());
    QVERIFY2(out.last().endsWith(says), qPrintable(out.last()));
    QCOMPARE(run.exitCode(), exitCode);
    if (exitCode == 0) // all six answered, one after another: past the limit in all
        QVERIFY2(took >= 1800, qPrintable(QStringLiteral("took %1 ms").arg(took)));
}

void tst_FaultCli::badScenarioStartsNothing_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("says"); // after "FILE: "

    const QByteArray head = R"({"id": "bad", "title": "Bad", "steps": )";
    auto steps = [&](const char *s) -> QByteArray { return head + s + '}'; };
    QTest::newRow("empty file") << QByteArray() << "line 1, column 1: invalid JSON";
    QTest::newRow("invalid JSON") << QByteArray("{\"id\": \"x\",\n \"steps\": [}")
                                  << "line 2, column ";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << "a scenario must be a JSON object";
    QTest::newRow("unknown top-level field")
        << QByteArray(R"({"id": "x", "title": "x", "stepz": []})")
        << "stepz: is not a scenario field";
    QTest::newRow("id of the wrong type")
        << QByteArray(R"({"id": 7, "title": "x", "steps": [{"fork": 1}]})")
        << "id: must be text, got a number";
    QTest::newRow("bad id") << QByteArray(
                                   R"({"id": "Bad Id", "title": "x", "steps": [{"fork": 1}]})")
                            << "id: must be lower-case letters";
    QTest::newRow("no steps") << steps("[]") << "steps: must be a non-empty list of steps";
    QTest::newRow("steps not a list")
        << steps("{\"fork\": 1}") << "steps: must be a non-empty list";
    QTest::newRow("step not an object") << steps("[3]") << "steps[0]: must be an object";
    QTest::newRow("unknown step") << steps(R"([{"fork": 2}, {"spawn": 3}])")
                                  << "steps[1]: names no step";
    QTest::newRow("two verbs in one step")
        << steps(R"([{"fork": 2, "join": "all"}])") << "steps[0]: has both \"fork\" and \"join\"";
    QTest::newRow("unknown field in a step")
        << steps(R"([{"fork": 2, "count": 3}])") << "steps[0].count: is not a field of a fork step";
    QTest::newRow("count as text")
        << steps(R"([{"fork": "four"}])") << "steps[0].fork: must be a whole number, got text";
    QTest::newRow("fractional count")
        << steps(R"([{"fork": 1.5}])") << "steps[0].fork: must be a whole number, got 1.5";
    QTest::newRow("negative count")
        << steps(R"([{"fork": -1}])") << "steps[0].fork: must be between 1 and 64, got -1";
    QTest::newRow("absurd fork") << steps(R"([{"fork": 1e12}])")
                                 << "steps[0].fork: must be between 1 and 64";
    QTest::newRow("pool too big")
        << steps(R"([{"fork": 64}, {"fork": 64}, {"fork": 64}, {"fork": 64}, {"fork": 64}])")
        << "steps[4].fork: would make the pool 320 workers";
    QTest::newRow("absurd sleep") << steps(R"([{"sleep": 999999999}])")
                                  << "steps[0].sleep: must be between 0 and 60000";
    QTest::newRow("negative sleep")
        << steps(R"([{"sleep": -5}])") << "steps[0].sleep: must be between 0";
    QTest::newRow("absurd range")
        << steps(R"([{"fork": 1}, {"call_async": "square", "range": 1000000000}])")
        << "steps[1].range: must be between 1 and 1000000";
    QTest::newRow("too many processes")
        << steps(R"([{"call_async": "square", "on": "new", "range": 5000}])")
        << "steps[0]: would start 5000 processes";
    QTest::newRow("unknown function")
        << steps(R"([{"fork": 1}, {"call_async": "sqaure", "args": [[1]]}])") << "steps[1]";
    QTest::newRow("wrong argument type")
        << steps(R"([{"fork": 1}, {"call_async": "square", "args": [["x"]]}])")
        << "steps[1].args[0]: square(): argument \"i\" must be number, got text";
    QTest::newRow("too many arguments") << steps(R"([{"call": "greet", "args": [[1, "a", 3]]}])")
                                        << "steps[0].args[0]: greet() takes 2 arguments, 3 given";
    QTest::newRow("args not lists")
        << steps(R"([{"call": "square", "args": [1, 2]}])")
        << "steps[0].args[0]: must be a list of arguments, got a number";
    QTest::newRow("calls with no pool")
        << steps(R"([{"call_async": "square", "args": [[1]]}])")
        << "steps[0]: sends calls to the pool, but no worker is forked";
    QTest::newRow("worker out of range")
        << steps(R"([{"fork": 2}, {"call_async": "square", "args": [[1]], "workers": [3]}])")
        << "steps[1].workers[0]: must be between 1 and 2, got 3";
    QTest::newRow("bad target")
        << steps(R"([{"fork": 2}, {"call_async": "square", "args": [[1]], "on": "moon"}])")
        << "steps[1].on: must be \"pool\"";
    QTest::newRow("bad expect") << steps(
                                       R"([{"call": "square", "args": [[1]], "expect": "maybe"}])")
                                << "steps[0].expect: must be \"ok\" or \"error\"";
    QTest::newRow("bad await") << steps(R"([{"fork": 1}, {"call_await": "some"}])")
                               << "steps[1].call_await: must be \"all\"";
    QTest::newRow("negative await timeout")
        << steps(R"([{"fork": 1}, {"call_await": "all", "timeout_ms": -1}])")
        << "steps[1].timeout_ms: must be between 1";
    QTest::newRow("absurd timeout")
        << QByteArray(R"({"id": "x", "title": "x", "timeout_ms": 1e300, "steps": [{"fork": 1}]})")
        << "timeout_ms: must be between 1 and 3600000";
    QByteArray huge = steps(R"([{"phase": ")");
    huge.chop(1);
    huge += QByteArray(17 * 1024 * 1024, 'x') + "\"}]}";
    QTest::newRow("file too large") << huge << "the file is";
}

// A bad scenario is refused before anything starts: status 2, one line naming the file,
// the field and the reason, and no server or worker ever created (the session's private
// directory would appear in the watched runtime directory).
void tst_FaultCli::badScenarioStartsNothing()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, says);
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/pft-XXXXXX"));
    QTemporaryDir runtime(QDir::tempPath() + QStringLiteral("/pfr-XXXXXX"));
    const QString file = writeScenario(dir, QStringLiteral("bad.json"), json);
    QVERIFY(!file.isEmpty());

#if defined(Q_OS_LINUX)
    CreationWatch watch(runtime.path());
    QVERIFY(watch.valid());
#endif
    QProcess run;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    env.insert(QStringLiteral("TMPDIR"), runtime.path());
    run.setProcessEnvironment(env);
    run.start(QStringLiteral(PROCESSION_EXE), {QStringLiteral("run"), file});
    QVERIFY(run.waitForFinished(20000));
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    QCOMPARE(run.exitCode(), 2);
    QCOMPARE(run.readAllStandardOutput(), QByteArray());
    const QStringList err = lines(run.readAllStandardError());
    QVERIFY2(err.size() == 1, qPrintable(err.join(QLatin1Char('\n'))));
    const QString expected = QStringLiteral("procession: %1: %2").arg(file, says);
    QVERIFY2(err.first().startsWith(expected),
             qPrintable(err.first() + QStringLiteral("\nexpected: ") + expected));
    QVERIFY2(err.first().size() < 400, qPrintable(err.first()));
#if defined(Q_OS_LINUX)
    const QStringList created = watch.created();
    QVERIFY2(created.isEmpty(), qPrintable(created.join(QLatin1Char(' '))));

    // The watch does see a session being made when a scenario is good.
    if (qstrcmp(QTest::currentDataTag(), "empty file") == 0) {
        QCOMPARE(writeScenario(dir, QStringLiteral("bad.json"),
                               R"({"id": "ok", "title": "ok", "steps": [{"fork": 1}, {"join": "all"}]})"),
                 file);
        run.start(QStringLiteral(PROCESSION_EXE), {QStringLiteral("run"), file});
        QVERIFY(run.waitForFinished(20000));
        QCOMPARE(run.exitCode(), 0);
        QVERIFY(watch.created().join(QLatin1Char(' ')).contains(QLatin1String("procession-")));
    }
#endif
}

void tst_FaultCli::tenMillionCallsAreRefusedUpFront_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::newRow("report") << QStringList();
    QTest::newRow("--json") << QStringList{QStringLiteral("--json")};
    QTest::newRow("--trace") << QStringList{QStringLiteral("--trace"), QStringLiteral("TRACE")};
    QTest::newRow("--json --trace") << QStringList{QStringLiteral("--json"), QStringLiteral("--trace"),
                                                   QStringLiteral("TRACE")};
}

// Ten steps of a million calls each: refused before anything runs, whatever is asked of the
// run (the report, --json's document, a --trace file), in one sentence, with no trace file
// left behind. Each step alone is allowed; the scenario's total is not.
void tst_FaultCli::tenMillionCallsAreRefusedUpFront()
{
    QFETCH(QStringList, options);
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/pft-XXXXXX"));
    const QString file = dir.filePath(QStringLiteral("ten-million.json"));
    const QString tracePath = dir.filePath(QStringLiteral("out.json"));
    QByteArray json = R"({"id": "ten-million", "title": "ten million", "steps": [{"fork": 4})";
    for (int i = 0; i < 10; ++i)
        json += R"(, {"call_async": "square", "range": 1000000}, {"call_await": "all"})";
    json += "]}";
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    options.replaceInStrings(QStringLiteral("TRACE"), tracePath);

    QProcess run;
    run.start(QStringLiteral(PROCESSION_EXE), QStringList{QStringLiteral("run"), file} + options);
    const bool finished = run.waitForFinished(60000);
    if (!finished) {
        run.kill();
        run.waitForFinished();
    }
    QVERIFY2(finished, "the run was not refused within 60 s");
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    QCOMPARE(run.exitCode(), 2);
    QCOMPARE(run.readAllStandardOutput(), QByteArray());
    const QStringList err = lines(run.readAllStandardError());
    QVERIFY2(err.size() == 1, qPrintable(err.join(QLatin1Char('\n'))));
    QCOMPARE(err.first(), QStringLiteral("procession: %1: steps[3]: brings the scenario to 2000000 "
                                         "calls, more than the limit of 1000000")
                              .arg(file));
    QVERIFY(!QFileInfo::exists(tracePath));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("ten-million.json")});
}

// A crash fails everything queued on the worker: 500 calls that "never ran" for one reason
// were 497 "also:" lines (1,674 for a bigger run); now one line says how many more.
void tst_FaultCli::crashOfManyCallsIsFolded()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = writeScenario(dir, QStringLiteral("crash.json"),
                                       R"({"id": "crashmany", "title": "a crash with 500 calls queued behind it",
        "steps": [{"fork": 4},
        {"call_async": "crash", "args": [["abort"]], "workers": [2]},
        {"call_async": "sleep", "args": [[1]], "repeat": 2000},
        {"call_await": "all"}, {"join": "all"}]})");
    QVERIFY(!file.isEmpty());
    for (const bool json : {false, true}) {
        QProcess run;
        startRun(run, json ? QStringList{file, QStringLiteral("--json")} : QStringList{file});
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 1);
        const QStringList out = lines(run.readAllStandardOutput());
        const QStringList err = lines(run.readAllStandardError());
        const QString crash =
            QStringLiteral("worker 2 \\(pid [0-9]+\\) ") +
            QRegularExpression::escape(crashcodes::crashedWith(crashcodes::kAbort)) +
            QStringLiteral(" while running crash\\(\"abort\"\\)");
        if (!json) {
            QVERIFY2(QRegularExpression(QStringLiteral("^FAILED: ") + crash + QLatin1Char('$'))
                         .match(out.last())
                         .hasMatch(),
                     qPrintable(out.last()));
            QCOMPARE(err, QStringList{QStringLiteral(
                              "procession: also: … and 500 more calls failed the same way")});
            continue;
        }
        const QJsonArray problems = QJsonDocument::fromJson(out.join(QLatin1Char('\n')).toUtf8())
                                        .object()
                                        .value(QLatin1String("problems"))
                                        .toArray();
        QCOMPARE(problems.size(), 2);
        QVERIFY2(QRegularExpression(QLatin1Char('^') + crash + QLatin1Char('$'))
                     .match(problems.at(0).toString())
                     .hasMatch(),
                 qPrintable(problems.at(0).toString()));
        QCOMPARE(problems.at(1).toString(),
                 QStringLiteral("… and 500 more calls failed the same way"));
    }
}

QTEST_GUILESS_MAIN(tst_FaultCli)
#include "tst_faultcli.moc"
