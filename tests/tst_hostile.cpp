// `procession run` as a hostile user would try it, against the real executable: scenario
// "files" that are devices or FIFOs, outputs that are FIFOs, devices, symbolic links,
// full or missing, standard descriptors closed, signals with default actions. Each ends
// in bounded time with one sentence, and nothing is destroyed or left behind.
#include "faultutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace faultutil;

namespace {

QStringList lines(const QByteArray &text)
{
    return QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

struct Outcome
{
    int code = -1;
    bool crashed = true;
    QByteArray out;
    QStringList err;
    qint64 ms = 0;
};

QByteArray writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(bytes);
    return bytes;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Two workers, four short calls: about a quarter of a second.
const QByteArray kQuick = R"({"id": "quick", "title": "Quick", "steps": [{"fork": 2},
    {"call_async": "sleep", "args": [[50]], "repeat": 4}, {"call_await": "all"},
    {"join": "all"}]})";
// Two workers sleeping for a while: long enough to be interrupted.
const QByteArray kLong = R"({"id": "long", "title": "Long", "steps": [{"fork": 2},
    {"call_async": "sleep", "args": [[20000]], "repeat": 2}, {"call_await": "all"},
    {"join": "all"}]})";

// The same, interrupted before the calls are awaited: the steps after call_async are a sleep.
const QByteArray kLongUnawaited = R"({"id": "long", "title": "Long", "steps": [{"fork": 2},
    {"call_async": "sleep", "args": [[20000]], "repeat": 2}, {"sleep": 20000},
    {"call_await": "all"}, {"join": "all"}]})";

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void scenarioThatIsNotARegularFile_data();
    void scenarioThatIsNotARegularFile();
    void strictScenarioText_data();
    void strictScenarioText();
    void fileNamesAreFiles();

    void traceOntoAStreamStaysAStream();
    void traceOntoADeviceStaysADevice();
    void plantedSymlinkIsNotFollowed();
    void traceThatCannotBeCreatedStartsNothing_data();
    void traceThatCannotBeCreatedStartsNothing();
    void fullDiskIsStatusOne();
    void reportOntoAFullDeviceIsStatusOne();
    void closedReaderIsStatusOne();
    void closedStandardDescriptors();
    void signalsEndTheRunCleanly_data();
    void signalsEndTheRunCleanly();
    void longTmpdirFallsBackSilently();
    void unusableTmpdirStartsNothing_data();
    void unusableTmpdirStartsNothing();
    void staleDirectoriesAreRemoved();

private:
    Outcome run(const QStringList &args, int timeoutMs = 30000,
                const std::function<void()> &childSetup = {}, const QString &stdoutFile = {});
    QTemporaryDir m_dir{QStringLiteral("/tmp/tsh-XXXXXX")};
    QTemporaryDir *m_runtime = nullptr; // where the server's private directory goes
    std::function<void(QProcessEnvironment &)> m_envHook;
    QString m_quick;
    QString m_long;
    QString m_longUnawaited;
};

void tst_Hostile::initTestCase()
{
    becomeSubreaper();
    QVERIFY(m_dir.isValid());
    m_quick = m_dir.filePath(QStringLiteral("quick.json"));
    m_long = m_dir.filePath(QStringLiteral("long.json"));
    writeFile(m_quick, kQuick);
    writeFile(m_long, kLong);
    m_longUnawaited = m_dir.filePath(QStringLiteral("long-unawaited.json"));
    writeFile(m_longUnawaited, kLongUnawaited);
}

void tst_Hostile::init()
{
    m_runtime = new QTemporaryDir(QStringLiteral("/tmp/tsr-XXXXXX"));
    m_envHook = {};
}

// No test leaves a server directory behind, whatever it did to the run.
void tst_Hostile::cleanup()
{
    const QStringList left =
        QDir(m_runtime->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    delete m_runtime;
    m_runtime = nullptr;
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
}

Outcome tst_Hostile::run(const QStringList &args, int timeoutMs,
                         const std::function<void()> &childSetup, const QString &stdoutFile)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    env.insert(QStringLiteral("TMPDIR"), m_runtime->path());
    if (m_envHook)
        m_envHook(env);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir.path());
    if (childSetup)
        p.setChildProcessModifier(childSetup);
    if (!stdoutFile.isEmpty())
        p.setStandardOutputFile(stdoutFile);
    QElapsedTimer timer;
    timer.start();
    p.start(QStringLiteral(PROCESSION_EXE), args);
    Outcome o;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        o.err << QStringLiteral("(still running after %1 ms)").arg(timeoutMs);
        return o;
    }
    o.ms = timer.elapsed();
    o.crashed = p.exitStatus() != QProcess::NormalExit;
    o.code = p.exitCode();
    o.out = p.readAllStandardOutput();
    o.err = lines(p.readAllStandardError());
    return o;
}

void tst_Hostile::scenarioThatIsNotARegularFile_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("says");
    // /dev/zero was read until bad_alloc (a device says it has 0 bytes, so the limit
    // never applied); a FIFO fed by `yes` did the same; one with no writer hung.
    QTest::newRow("/dev/zero") << "zero"
                               << "is a character device, not a regular file";
    QTest::newRow("/dev/null") << "null"
                               << "is a character device, not a regular file";
    QTest::newRow("FIFO with no writer") << "fifo"
                                         << "is a FIFO (a pipe), not a regular file";
    QTest::newRow("FIFO fed by yes") << "fifo-yes"
                                     << "is a FIFO (a pipe), not a regular file";
    QTest::newRow("directory") << "dir"
                               << "is a directory, not a regular file";
}

void tst_Hostile::scenarioThatIsNotARegularFile()
{
    QFETCH(QString, kind);
    QFETCH(QString, says);
    QString path = kind == QLatin1String("zero")   ? QStringLiteral("/dev/zero")
                   : kind == QLatin1String("null") ? QStringLiteral("/dev/null")
                   : kind == QLatin1String("dir")  ? m_dir.path()
                                                   : m_dir.filePath(QStringLiteral("fifo"));
    QProcess yes;
    if (kind.startsWith(QLatin1String("fifo"))) {
        QFile::remove(path);
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        if (kind == QLatin1String("fifo-yes")) {
            yes.start(QStringLiteral("sh"),
                      {QStringLiteral("-c"), QStringLiteral("exec yes > '%1'").arg(path)});
            QVERIFY(yes.waitForStarted());
        }
    }
    const Outcome o = run({QStringLiteral("run"), path}, 20000);
    if (yes.state() != QProcess::NotRunning) {
        // The writer waits for a reader that never came: open the FIFO to let it go.
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK);
        yes.kill();
        yes.waitForFinished();
        ::close(fd);
    }
    QVERIFY2(!o.crashed && o.code == 2, qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY2(o.err.size() == 1, qPrintable(o.err.join(QLatin1Char('\n'))));
    QCOMPARE(o.err.first(), QStringLiteral("procession: %1: %2").arg(path, says));
    QVERIFY2(o.ms < 5000, qPrintable(QString::number(o.ms)));
}

void tst_Hostile::strictScenarioText_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("says");
    QTest::newRow("duplicate top-level key")
        << QByteArray(R"({"id": "a", "title": "t", "id": "b", "steps": [{"fork": 1}]})")
        << "has the key \"id\" twice";
    QTest::newRow("duplicate key in a step")
        << QByteArray(
               R"({"id": "a", "title": "t", "steps": [{"fork": 1}, {"fork": 2, "fork": 3}]})")
        << "steps[1]: has the key \"fork\" twice";
    QTest::newRow("duplicate key written with an escape")
        << QByteArray(R"({"id": "a", "title": "t", "steps": [{"sleep": 1, "\u0073leep": 2}]})")
        << "steps[0]: has the key \"sleep\" twice";
    QTest::newRow("raw NUL byte in a string")
        << (QByteArray(R"({"id": "a", "title": "x)") + '\0' + R"(y", "steps": [{"fork": 1}]})")
        << "line 1, column 24: a raw control character (0x00)";
    QTest::newRow("raw control character")
        << QByteArray("{\"id\": \"a\",\n\"title\": \"x\x07y\", \"steps\": [{\"fork\": 1}]}")
        << "line 2, column 12: a raw control character (0x07)";
}

// Qt's reader kept the last of two equal keys and let raw NUL bytes through.
void tst_Hostile::strictScenarioText()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, says);
    const QString file = m_dir.filePath(QStringLiteral("strict.json"));
    writeFile(file, json);
    const Outcome o = run({QStringLiteral("run"), file});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.size() == 1, qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY2(o.err.first().startsWith(QStringLiteral("procession: %1: %2").arg(file, says)),
             qPrintable(o.err.first()));
}

// A path is a file: `./greet-spawn` is the file even though a bundled scenario has that
// id (a bare `greet-spawn` stays the bundled one); `-dash.json` needs no `./`; a name that
// is not valid UTF-8 opens.
void tst_Hostile::fileNamesAreFiles()
{
    const QByteArray mine =
        R"({"id": "mine", "title": "Mine", "steps": [{"call": "square", "args": [[7]]}]})";
    writeFile(m_dir.filePath(QStringLiteral("greet-spawn")), mine);
    Outcome o =
        run({QStringLiteral("run"), QStringLiteral("./greet-spawn"), QStringLiteral("--json")});
    QCOMPARE(o.code, 0);
    QCOMPARE(QJsonDocument::fromJson(o.out).object().value(QLatin1String("scenario")).toString(),
             QStringLiteral("mine"));

    writeFile(m_dir.filePath(QStringLiteral("-dash.json")), mine);
    o = run({QStringLiteral("run"), QStringLiteral("-dash.json"), QStringLiteral("--json")});
    QVERIFY2(o.code == 0, qPrintable(o.err.join(QLatin1Char('\n'))));
    o = run({QStringLiteral("run"), QStringLiteral("--"), QStringLiteral("-dash.json")});
    QVERIFY2(o.code == 0, qPrintable(o.err.join(QLatin1Char('\n'))));

    // QProcess passes arguments as UTF-8: a shell gets the raw byte through.
    const QByteArray latin1Name = m_dir.path().toUtf8() + "/caf\xe9.json";
    {
        const int fd = ::open(latin1Name.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        QVERIFY(fd >= 0);
        QCOMPARE(::write(fd, mine.constData(), size_t(mine.size())), ssize_t(mine.size()));
        ::close(fd);
    }
    QProcess sh;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    sh.setProcessEnvironment(env);
    sh.start(QStringLiteral("sh"),
             {QStringLiteral("-c"), QStringLiteral("exec '%1' run \"$(printf '%2/caf\\351.json')\"")
                                        .arg(QStringLiteral(PROCESSION_EXE), m_dir.path())});
    QVERIFY(sh.waitForFinished(30000));
    QVERIFY2(sh.exitCode() == 0, sh.readAllStandardError().constData());
    QVERIFY(sh.readAllStandardOutput().contains("square(7)"));
    ::unlink(latin1Name.constData());
}

// A FIFO named by --trace was replaced by a regular file and its reader got nothing.
void tst_Hostile::traceOntoAStreamStaysAStream()
{
    const QString fifo = m_dir.filePath(QStringLiteral("trace.fifo"));
    QFile::remove(fifo);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QProcess reader;
    reader.start(QStringLiteral("cat"), {fifo});
    QVERIFY(reader.waitForStarted());
    const Outcome o = run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), fifo});
    QVERIFY2(o.code == 0, qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY(reader.waitForFinished(10000));
    const QJsonObject trace = QJsonDocument::fromJson(reader.readAllStandardOutput()).object();
    QVERIFY(trace.value(QLatin1String("traceEvents")).toArray().size() > 10);
    struct stat st
    {
    };
    QCOMPARE(::lstat(QFile::encodeName(fifo).constData(), &st), 0);
    QVERIFY(S_ISFIFO(st.st_mode));

    // Nobody reading: one line at once (exit 2), not a wait for a reader that never comes.
    const Outcome lonely = run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), fifo});
    QCOMPARE(lonely.code, 2);
    QCOMPARE(lonely.err, QStringList{QStringLiteral("procession: cannot write the trace to %1: "
                                                    "is a FIFO nobody is reading")
                                         .arg(fifo)});
}

// `--trace /dev/null` (as root) replaced the system's /dev/null with a regular file. Tried
// on a device node of our own with the same numbers as /dev/null, never on the real one.
void tst_Hostile::traceOntoADeviceStaysADevice()
{
    const QString node = m_dir.filePath(QStringLiteral("null"));
    QFile::remove(node);
    if (::mknod(QFile::encodeName(node).constData(), S_IFCHR | 0666, makedev(1, 3)) != 0)
        QSKIP("making a device node needs root (CAP_MKNOD); /dev/null is not risked instead");
    for (const QString &target : {node, QStringLiteral("/dev/stdout")}) {
        const Outcome o = run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), target});
        QVERIFY2(o.code == 0, qPrintable(o.err.join(QLatin1Char('\n'))));
        if (target == node) {
            struct stat st
            {
            };
            QCOMPARE(::lstat(QFile::encodeName(node).constData(), &st), 0);
            QVERIFY(S_ISCHR(st.st_mode));
        } else {
            QVERIFY(o.out.contains("\"traceEvents\"")); // the trace went down the stream
        }
    }
    QVERIFY(QDir(m_dir.path())
                .entryList({QStringLiteral(".null.*")}, QDir::Hidden | QDir::Files)
                .isEmpty());
}

// Another user's symbolic link in a sticky directory: its target was replaced.
void tst_Hostile::plantedSymlinkIsNotFollowed()
{
    if (::geteuid() != 0)
        QSKIP("planting another user's link needs root (lchown)");
    const QString shared = m_dir.filePath(QStringLiteral("sticky"));
    QDir().mkpath(shared);
    QFile::setPermissions(shared, QFileDevice::Permissions(0x7777));
    ::chmod(QFile::encodeName(shared).constData(), 01777);
    const QString precious = m_dir.filePath(QStringLiteral("precious.txt"));
    writeFile(precious, "keep me\n");
    const QString link = shared + QStringLiteral("/trace.json");
    QFile::remove(link);
    QVERIFY(QFile::link(precious, link));
    QCOMPARE(::lchown(QFile::encodeName(link).constData(), 65534, 65534), 0); // nobody's

    Outcome o = run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), link});
    QCOMPARE(o.code, 2);
    QCOMPARE(o.err, QStringList{QStringLiteral("procession: cannot write the trace to %1: is a "
                                               "symbolic link owned by another user (uid 65534); "
                                               "it is not followed")
                                    .arg(link)});
    QCOMPARE(readFile(precious), QByteArray("keep me\n"));

    // Our own link to another user's file: not replaced either.
    QCOMPARE(::lchown(QFile::encodeName(link).constData(), 0, 0), 0);
    QCOMPARE(::chown(QFile::encodeName(precious).constData(), 65534, 65534), 0);
    o = run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), link});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.size() == 1 && o.err.first().contains(QLatin1String("owned by another user")),
             qPrintable(o.err.join(QLatin1Char('\n'))));
    QCOMPARE(readFile(precious), QByteArray("keep me\n"));

    // Our own link to our own file is followed: the file is written, the link stays.
    QCOMPARE(::chown(QFile::encodeName(precious).constData(), 0, 0), 0);
    o = run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), link});
    QCOMPARE(o.code, 0);
    QVERIFY(QFileInfo(link).isSymLink());
    QVERIFY(readFile(precious).contains("traceEvents"));
}

void tst_Hostile::traceThatCannotBeCreatedStartsNothing_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("says");
    QTest::newRow("missing directory") << "/nonexistent-dir/t.json"
                                       << "the directory /nonexistent-dir does not exist";
    QTest::newRow("a directory") << "DIR"
                                 << "is a directory";
    QTest::newRow("empty name") << ""
                                << "";
}

// A missing directory printed a line but exited 0 after running the whole scenario.
void tst_Hostile::traceThatCannotBeCreatedStartsNothing()
{
    QFETCH(QString, target);
    QFETCH(QString, says);
    if (target == QLatin1String("DIR"))
        target = m_dir.path();
    const Outcome o = run({QStringLiteral("run"), m_long, QStringLiteral("--trace=") + target});
    QCOMPARE(o.code, 2);
    QCOMPARE(
        o.err.first(),
        target.isEmpty()
            ? QStringLiteral("procession: --trace needs a file name")
            : QStringLiteral("procession: cannot write the trace to %1: %2").arg(target, says));
    QVERIFY2(o.ms < 5000, qPrintable(QString::number(o.ms))); // the 20 s scenario never ran
}

// A trace onto a full disk left a 0-byte file, no message, exit 0. `ulimit -f` stands in
// for the full disk (the same failed write, on any machine): one line, status 1, and the
// file that was there before is still there, whole.
void tst_Hostile::fullDiskIsStatusOne()
{
    const QString target = m_dir.filePath(QStringLiteral("full.json"));
    writeFile(target, "the previous trace\n");
    const Outcome o =
        run({QStringLiteral("run"), m_quick, QStringLiteral("--trace"), target}, 30000, [] {
            const rlimit small{4096, 4096};
            ::setrlimit(RLIMIT_FSIZE, &small);
        });
    QVERIFY2(!o.crashed, "killed by SIGXFSZ");
    QCOMPARE(o.code, 1);
    QCOMPARE(o.err, QStringList{QStringLiteral("procession: cannot write the trace to %1: File "
                                               "too large")
                                    .arg(target)});
    QCOMPARE(readFile(target), QByteArray("the previous trace\n"));
    QCOMPARE(
        QDir(m_dir.path()).entryList({QStringLiteral(".full.json.*")}, QDir::Hidden | QDir::Files),
        QStringList());

    // /dev/full is a full disk that is a device: written as a stream, the error is seen.
    const Outcome dev = run(
        {QStringLiteral("run"), m_quick, QStringLiteral("--trace"), QStringLiteral("/dev/full")});
    QCOMPARE(dev.code, 1);
    QCOMPARE(dev.err, QStringList{QStringLiteral("procession: cannot write the trace to /dev/full: "
                                                 "No space left on device")});
}

// `run … --json >/dev/full` exited 0 with the report lost.
void tst_Hostile::reportOntoAFullDeviceIsStatusOne()
{
    for (const QString &mode : {QStringLiteral("--json"), QString()}) {
        QStringList args{QStringLiteral("run"), m_quick};
        if (!mode.isEmpty())
            args << mode;
        const Outcome o = run(args, 30000, {}, QStringLiteral("/dev/full"));
        QCOMPARE(o.code, 1);
        QCOMPARE(o.err.last(), QStringLiteral("procession: could not write the report to standard "
                                              "output: No space left on device"));
    }
}

// `procession run … | head -1`: SIGPIPE ended the run silently and left the server's
// directory behind (cleanup() checks it is gone).
void tst_Hostile::closedReaderIsStatusOne()
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    env.insert(QStringLiteral("TMPDIR"), m_runtime->path());
    p.setProcessEnvironment(env);
    p.start(
        QStringLiteral("bash"),
        {QStringLiteral("-c"), QStringLiteral("'%1' run greet-square-pool | head -c 10 >/dev/null; "
                                              "exit ${PIPESTATUS[0]}")
                                   .arg(QStringLiteral(PROCESSION_EXE))});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    const QStringList err = lines(p.readAllStandardError());
    QCOMPARE(err, QStringList{QStringLiteral("procession: could not write the report to standard "
                                             "output: Broken pipe")});
}

// `procession run greet-square-pool --json <&- >&- 2>&-` exited 143 and its trace said
// SIGTERM: the signal socket took descriptors 1 and 2, and workers' prints read as signals.
void tst_Hostile::closedStandardDescriptors()
{
    const QString trace = m_dir.filePath(QStringLiteral("closed.json"));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("sh"),
            {QStringLiteral("-c"), QStringLiteral("'%1' run greet-square-pool --json --trace '%2' "
                                                  "<&- >&- 2>&-")
                                       .arg(QStringLiteral(PROCESSION_EXE), trace)});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray saved = readFile(trace);
    QVERIFY(saved.contains("greet-square-pool finished as expected"));
    QVERIFY(!saved.contains("interrupted"));
}

void tst_Hostile::signalsEndTheRunCleanly_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("name");
    QTest::newRow("SIGHUP") << int(SIGHUP) << "SIGHUP";
    QTest::newRow("SIGQUIT") << int(SIGQUIT) << "SIGQUIT";
    QTest::newRow("SIGUSR1") << int(SIGUSR1) << "SIGUSR1";
    QTest::newRow("SIGUSR2") << int(SIGUSR2) << "SIGUSR2";
    QTest::newRow("SIGALRM") << int(SIGALRM) << "SIGALRM";
    QTest::newRow("SIGRTMIN+3") << int(SIGRTMIN + 3) << "SIGRTMIN+3";
}

// Each ended the run with no message, workers left to their parent-death signal, and
// procession-XXXXXX/ left in TMPDIR (cleanup() checks it is gone).
void tst_Hostile::signalsEndTheRunCleanly()
{
    QFETCH(int, signal);
    QFETCH(QString, name);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    env.insert(QStringLiteral("TMPDIR"), m_runtime->path());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PROCESSION_EXE),
            {QStringLiteral("run"), m_longUnawaited, QStringLiteral("--json")});
    QVERIFY(p.waitForStarted());
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = workersOf(p.processId())).size() == 2, 10000);
    // Both workers have said hello once the run dispatched the calls: wait for the sleeps.
    QTRY_VERIFY_WITH_TIMEOUT(
        QDir(m_runtime->path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size() == 1, 5000);
    QThread::msleep(300);
    ::kill(pid_t(p.processId()), signal);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 128 + signal);
    QCOMPARE(lines(p.readAllStandardError()),
             QStringList{QStringLiteral("procession: the run was interrupted by %1; every worker "
                                        "was stopped")
                             .arg(name)});
    // The report still says what each call was, though the run never awaited them.
    const QJsonArray calls = QJsonDocument::fromJson(p.readAllStandardOutput())
                                 .object()
                                 .value(QLatin1String("calls"))
                                 .toArray();
    QCOMPARE(calls.size(), 2);
    for (const QJsonValue &c : calls)
        QCOMPARE(c.toObject().value(QLatin1String("args")), QJsonValue(QJsonArray{20000}));
    for (qint64 pid : workers)
        QVERIFY2(processState(pid) == 0, qPrintable(QString::number(pid)));
    reapAdopted(workers);
}

// A TMPDIR of ~85+ characters with no XDG_RUNTIME_DIR: every run failed with 13 lines of
// "QLocalServer::listen: Name error" (the socket path passed sun_path's 108 bytes).
void tst_Hostile::longTmpdirFallsBackSilently()
{
    const QString deep = m_runtime->path() + QLatin1Char('/') + QString(100, QLatin1Char('d'));
    QVERIFY(QDir().mkpath(deep));
    m_envHook = [deep](QProcessEnvironment &env) {
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        env.insert(QStringLiteral("TMPDIR"), deep);
    };
    const Outcome o = run({QStringLiteral("run"), m_quick});
    QVERIFY2(o.code == 0 && o.err.isEmpty(), qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY(QDir().rmdir(deep));
}

void tst_Hostile::unusableTmpdirStartsNothing_data()
{
    QTest::addColumn<QString>("tmpdir");
    QTest::addColumn<QString>("says");
    QTest::newRow("missing") << "MISSING"
                             << "cannot be used: No such file or directory";
    QTest::newRow("a file") << "FILE"
                            << "is not a directory";
}

// "Permission denied" without the path, then twelve "cannot listen on : Name error" lines,
// and the steps still ran; a missing TMPDIR made /procession-XXXXXX at the root.
void tst_Hostile::unusableTmpdirStartsNothing()
{
    QFETCH(QString, tmpdir);
    QFETCH(QString, says);
    tmpdir =
        tmpdir == QLatin1String("MISSING") ? m_runtime->filePath(QStringLiteral("gone")) : m_quick;
    const QStringList rootBefore =
        QDir(QStringLiteral("/")).entryList({QStringLiteral("procession-*")}, QDir::Dirs);
    m_envHook = [tmpdir](QProcessEnvironment &env) {
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        env.insert(QStringLiteral("TMPDIR"), tmpdir);
    };
    const Outcome o = run({QStringLiteral("run"), m_long});
    QCOMPARE(o.code, 1);
    QCOMPARE(o.err, QStringList{QStringLiteral("procession: TMPDIR (%1) %2").arg(tmpdir, says)});
    QVERIFY2(o.ms < 5000, qPrintable(QString::number(o.ms))); // the steps never ran
    QCOMPARE(QDir(QStringLiteral("/")).entryList({QStringLiteral("procession-*")}, QDir::Dirs),
             rootBefore);
}

// A run SIGKILLed leaves its directory; the next run of the same user removes it once its
// owner is gone, and leaves alone one whose owner still runs.
void tst_Hostile::staleDirectoriesAreRemoved()
{
    // A run killed with SIGKILL mid-way.
    QProcess killed;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    killed.setProcessEnvironment(env);
    killed.start(QStringLiteral(PROCESSION_EXE), {QStringLiteral("run"), m_long});
    QVERIFY(killed.waitForStarted());
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = workersOf(killed.processId())).size() == 2, 10000);
    killed.kill();
    QVERIFY(killed.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(workers.cbegin(), workers.cend(), isDead), 5000);
    reapAdopted(workers);
    const QStringList left = QDir(m_runtime->path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(left.size(), 1); // SIGKILL leaves it: nothing can run then
    // One whose owner is alive (this test) stays.
    const QString alive = m_runtime->filePath(
        QStringLiteral("procession-%1-keepme").arg(QCoreApplication::applicationPid()));
    QVERIFY(QDir().mkdir(alive));

    const Outcome o = run({QStringLiteral("run"), m_quick});
    QCOMPARE(o.code, 0);
    QVERIFY(!QFileInfo::exists(m_runtime->filePath(left.first())));
    QVERIFY(QFileInfo::exists(alive));
    QVERIFY(QDir().rmdir(alive));
}

QTEST_GUILESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"
