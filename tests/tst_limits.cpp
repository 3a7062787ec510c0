// `procession run` under the system's limits, against the real executable: a process limit
// (ulimit -u), a descriptor limit (ulimit -n), and a TMPDIR that is full or not writable.
// Each ends in one sentence that says what happened; none is reported as a crash.
#include "faultutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <grp.h>
#include <pwd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
};

// RLIMIT_NPROC is not enforced for root: a root test runs procession as `nobody`.
struct Unprivileged
{
    uid_t uid = 0;
    gid_t gid = 0;
    bool needed = false; // running as root
    bool available = false;
    static Unprivileged find()
    {
        Unprivileged u;
        u.needed = ::geteuid() == 0;
        if (!u.needed) {
            u.uid = ::getuid();
            u.gid = ::getgid();
            u.available = true;
            return u;
        }
        if (const passwd *pw = ::getpwnam("nobody")) {
            u.uid = pw->pw_uid;
            u.gid = pw->pw_gid;
            u.available = true;
        }
        return u;
    }
};

} // namespace

class tst_Limits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void processLimitSaysCouldNotStart();
    void windowUnderProcessLimitNeverHangs_data();
    void windowUnderProcessLimitNeverHangs();
    void descriptorLimitQueuesProcesses();
    void unusableTmpdirStartsNothing_data();
    void unusableTmpdirStartsNothing();

private:
    Outcome run(const QStringList &args, const std::function<void()> &childSetup = {},
                int timeoutMs = 60000);
    QTemporaryDir m_dir{QStringLiteral("/tmp/tsl-XXXXXX")};
    QTemporaryDir *m_runtime = nullptr; // where the server's private directory goes
    QString m_tmpdir;                   // TMPDIR for the run; m_runtime's path unless set
};

void tst_Limits::initTestCase()
{
    becomeSubreaper();
    QVERIFY(m_dir.isValid());
}

void tst_Limits::init()
{
    m_runtime = new QTemporaryDir(QStringLiteral("/tmp/tsl-run-XXXXXX"));
    m_tmpdir = m_runtime->path();
}

// No test leaves a server directory behind, whatever it did to the run.
void tst_Limits::cleanup()
{
    const QStringList left =
        QDir(m_runtime->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    delete m_runtime;
    m_runtime = nullptr;
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
}

Outcome tst_Limits::run(const QStringList &args, const std::function<void()> &childSetup,
                        int timeoutMs)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_tmpdir);
    env.insert(QStringLiteral("TMPDIR"), m_tmpdir);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir.path());
    if (childSetup)
        p.setChildProcessModifier(childSetup);
    p.start(QStringLiteral(PROCESSION_EXE), args);
    Outcome o;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        o.err << QStringLiteral("(still running after %1 ms)").arg(timeoutMs);
        return o;
    }
    o.crashed = p.exitStatus() != QProcess::NormalExit;
    o.code = p.exitCode();
    o.out = p.readAllStandardOutput();
    o.err = lines(p.readAllStandardError());
    return o;
}

// With `ulimit -u 4` a worker's stdin watcher (a std::thread) threw std::system_error and
// the report said "crashed with SIGABRT"; the calls that never started showed as "()".
// A worker that gets no thread or no process says it could not start, and why.
void tst_Limits::processLimitSaysCouldNotStart()
{
    const Unprivileged user = Unprivileged::find();
    if (!user.available)
        QSKIP("running as root and there is no user 'nobody' to run under a process limit");
    if (user.needed) // the run's private directories must be the user's own
        QCOMPARE(::chown(QFile::encodeName(m_runtime->path()).constData(), user.uid, user.gid), 0);
    const Outcome o = run({QStringLiteral("run"), QStringLiteral("greet-square-pool")}, [user] {
        const rlimit four{4, 4};
        ::setrlimit(RLIMIT_NPROC, &four);
        if (user.needed) {
            ::setgroups(0, nullptr);
            if (::setgid(user.gid) != 0 || ::setuid(user.uid) != 0)
                ::_exit(99);
        }
    });
    QVERIFY2(o.code != 99, "could not become the unprivileged user");
    QVERIFY(!o.crashed);
    QCOMPARE(o.code, 1);
    const QString all = QString::fromUtf8(o.out) + o.err.join(QLatin1Char('\n'));
    QVERIFY2(!all.contains(QLatin1String("SIGABRT")) && !all.contains(QLatin1String("crashed")),
             qPrintable(all));
    QVERIFY2(!all.contains(QLatin1String("terminate called")), qPrintable(all));
    // The report's lane lines too: "no start", never "crash".
    QVERIFY2(!all.contains(QLatin1String("  crash  ")), qPrintable(all));
    // Every call names itself, though none started.
    QVERIFY2(!all.contains(QLatin1String(" ()  ")), qPrintable(all));
    const QStringList out = lines(o.out);
    QVERIFY2(out.last().startsWith(QLatin1String("FAILED: worker ")) &&
                 out.last().contains(QLatin1String(" could not start")),
             qPrintable(out.last()));
    if (user.needed) // nobody runs nothing else here: workers 1-3 fork, find no thread
        QVERIFY2(all.contains(QLatin1String("could not start: the system gave it no thread (the "
                                            "limit on processes, ulimit -u, is reached)")),
                 qPrintable(all));
}

void tst_Limits::windowUnderProcessLimitNeverHangs_data()
{
    QTest::addColumn<int>("limit");
    for (int limit : {3, 4, 5, 6, 8})
        QTest::newRow(qPrintable(QStringLiteral("ulimit -u %1").arg(limit))) << limit;
}

// The window under a process limit that its own run's workers reach. It used to wait
// forever: Qt's raster engine hands parts of a fill to the thread pool and waits for them,
// and a part given to a thread the system refused never ran (ulimit -u 5 and 6); and a run
// whose thread was refused was never over (ulimit -u 8). Now it draws every time, or says
// in one line that it has no threads to draw with.
void tst_Limits::windowUnderProcessLimitNeverHangs()
{
    QFETCH(int, limit);
    const Unprivileged user = Unprivileged::find();
    if (!user.available)
        QSKIP("running as root and there is no user 'nobody' to run under a process limit");
    QTemporaryDir shots(QStringLiteral("/tmp/tsl-shot-XXXXXX"));
    QVERIFY(shots.isValid());
    if (user.needed) {
        for (const QString &dir : {m_runtime->path(), shots.path()})
            QCOMPARE(::chown(QFile::encodeName(dir).constData(), user.uid, user.gid), 0);
    }
    const QString shot = shots.filePath(QStringLiteral("window.png"));
    qputenv("QT_QPA_PLATFORM", "offscreen");
    const Outcome o = run(
        {QStringLiteral("--scenario"), QStringLiteral("greet-square-pool"),
         QStringLiteral("--autorun"), QStringLiteral("--size"), QStringLiteral("800x500"),
         QStringLiteral("--screenshot"), shot},
        [user, limit] {
            const rlimit nproc{rlim_t(limit), rlim_t(limit)};
            ::setrlimit(RLIMIT_NPROC, &nproc);
            if (user.needed) {
                ::setgroups(0, nullptr);
                if (::setgid(user.gid) != 0 || ::setuid(user.uid) != 0)
                    ::_exit(99);
            }
        },
        40000);
    const QString err = o.err.join(QLatin1Char('\n'));
    QVERIFY2(o.code != 99, "could not become the unprivileged user");
    QVERIFY2(!o.crashed, qPrintable(err));
    if (o.code == 0) {
        QVERIFY2(QFile::exists(shot), qPrintable(err));
    } else {
        QCOMPARE(o.code, 1);
        QVERIFY2(err.contains(QLatin1String("procession: the system gave the window no threads "
                                            "to draw with")),
                 qPrintable(err));
    }
}

// A legal "on": "new" step of 1,000 calls under ulimit -n 1024 started every process at
// once and 797 calls failed with "Too many open files". Here 300 under a soft limit of
// 256: the processes past what the limit allows wait their turn, and every call succeeds.
void tst_Limits::descriptorLimitQueuesProcesses()
{
    const QString file = m_dir.filePath(QStringLiteral("many-new.json"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "many-new", "title": "300 one-shot processes", "steps": [
        {"call_async": "sleep", "args": [[50]], "repeat": 300, "on": "new"},
        {"call_await": "all"}]})");
    f.close();
    const Outcome o = run(
        {QStringLiteral("run"), file, QStringLiteral("--json")},
        [] {
            rlimit limit{};
            ::getrlimit(RLIMIT_NOFILE, &limit);
            limit.rlim_cur = 256;
            ::setrlimit(RLIMIT_NOFILE, &limit);
        },
        120000);
    QVERIFY2(!o.crashed && o.code == 0, qPrintable(o.err.join(QLatin1Char('\n'))));
    const QJsonObject report = QJsonDocument::fromJson(o.out).object();
    const QJsonArray calls = report.value(QLatin1String("calls")).toArray();
    QCOMPARE(calls.size(), 300);
    for (const QJsonValue &c : calls)
        QVERIFY2(c.toObject().value(QLatin1String("ok")).toBool(),
                 qPrintable(c.toObject().value(QLatin1String("error")).toString()));
    QCOMPARE(report.value(QLatin1String("workers")).toArray().size(), 300);
}

void tst_Limits::unusableTmpdirStartsNothing_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("says");
    QTest::newRow("not writable") << "readonly"
                                  << "procession: TMPDIR (%1) cannot be used: Permission denied";
    QTest::newRow("full") << "full"
                          << "procession: cannot create a private directory for the worker "
                             "socket in %1: No space left on device";
}

// A TMPDIR the run cannot use: one line that names it, exit 1, nothing started. (Missing,
// non-directory and too long for a socket path are in tst_hostile.)
void tst_Limits::unusableTmpdirStartsNothing()
{
    QFETCH(QString, kind);
    QFETCH(QString, says);
    const QString tmpdir = m_runtime->filePath(kind);
    QVERIFY(QDir().mkdir(tmpdir));
    const QByteArray path = QFile::encodeName(tmpdir);
    std::function<void()> setup;
    bool mounted = false;
    if (kind == QLatin1String("readonly")) {
        // Root may write anywhere: the run is made as an unprivileged user.
        const Unprivileged user = Unprivileged::find();
        if (!user.available)
            QSKIP("running as root and there is no user 'nobody' for whom a directory is "
                  "read-only");
        QCOMPARE(::chown(QFile::encodeName(m_runtime->path()).constData(), user.uid, user.gid), 0);
        QCOMPARE(::chown(path.constData(), user.uid, user.gid), 0);
        QCOMPARE(::chmod(path.constData(), 0555), 0);
        setup = [user] {
            if (user.needed) {
                ::setgroups(0, nullptr);
                if (::setgid(user.gid) != 0 || ::setuid(user.uid) != 0)
                    ::_exit(99);
            }
        };
    } else {
        // A file system with no inode left: nothing can be created in it.
        if (::mount("tmpfs", path.constData(), "tmpfs", 0, "size=64k,nr_inodes=1,mode=0700") != 0)
            QSKIP("cannot mount a tmpfs here (needs root): no full file system to try");
        mounted = true;
    }
    m_tmpdir = tmpdir;
    const Outcome o = run({QStringLiteral("run"), QStringLiteral("greet-square-pool")}, setup);
    if (mounted)
        ::umount(path.constData());
    else
        ::chmod(path.constData(), 0700);
    QVERIFY(!o.crashed);
    QCOMPARE(o.code, 1);
    QCOMPARE(o.err, QStringList{says.arg(tmpdir)});
    QVERIFY2(o.out.isEmpty(), o.out.constData()); // no report: nothing ran
    QVERIFY(QDir().rmdir(tmpdir));
}

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
