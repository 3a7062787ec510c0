// The bundled exec(program, args…) task in real worker processes: output, exit status,
// signals, missing programs, arguments as a list, and nothing the command started
// outliving a timeout, a join, a killed worker or an interrupted session.
#include "realworkers.h"
#include "session.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <QThread>

#include <csignal>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace procession;

namespace {

// True while a process runs (a zombie waiting for its parent has finished running).
bool running(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close < 0 || text.mid(close + 2, 1) != "Z";
}

struct Lines
{
    QStringList out; // in arrival order, "err: " in front of stderr lines
};

SessionOptions options(Lines *lines)
{
    SessionOptions o = realWorkers();
    o.joinTimeoutMs = 500;
    o.onOutput = [lines](int, const QString &line, bool isStderr) {
        lines->out << (isStderr ? QStringLiteral("err: ") : QString()) + line;
    };
    return o;
}

QCborArray words(const QStringList &list)
{
    QCborArray a;
    for (const QString &w : list)
        a.append(w);
    return a;
}

// A shell that prints its own pid and those of two background sleeps, then waits.
const QString kFamily =
    QStringLiteral("echo $$; sleep 300 & echo $!; (sleep 300; true) & echo $!; wait");

QList<qint64> pidsIn(const QStringList &lines)
{
    QList<qint64> pids;
    for (const QString &l : lines) {
        bool ok = false;
        const qint64 pid = l.toLongLong(&ok);
        if (ok)
            pids << pid;
    }
    return pids;
}

} // namespace

class tst_Exec : public QObject
{
    Q_OBJECT

private slots:
    void outputReachesTheConsoleInOrder();
    void endings_data();
    void endings();
    void argumentsAreAListNotAShellString();
    void leftoversInTheBackgroundAreStopped();
    void stoppedWithTheWorker_data();
    void stoppedWithTheWorker();
    void inTheParentAnInterruptStopsIt();
    void theGuardHoldsNothingOfItsParent();
};

void tst_Exec::outputReachesTheConsoleInOrder()
{
    Lines lines;
    Trace trace;
    Session s(&trace, options(&lines));
    const int w = s.fork();
    s.callAsync(
        w, QStringLiteral("exec"),
        words({QStringLiteral("sh"), QStringLiteral("-c"),
               QStringLiteral("for i in 1 2 3 4 5; do echo line $i; done; echo warn >&2")}));
    const CallOutcome out = s.callAwait(w, 20000);
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(out.value.toInteger(), 0);
    QTRY_COMPARE(lines.out.size(), 6);
    QStringList stdoutLines = lines.out;
    stdoutLines.removeAll(QStringLiteral("err: warn"));
    QCOMPARE(stdoutLines, (QStringList{QStringLiteral("line 1"), QStringLiteral("line 2"),
                                       QStringLiteral("line 3"), QStringLiteral("line 4"),
                                       QStringLiteral("line 5")}));
    QVERIFY(lines.out.contains(QStringLiteral("err: warn")));
    QVERIFY(s.join(w));
}

void tst_Exec::endings_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<bool>("newProcess");
    QTest::addColumn<QString>("expected"); // empty: succeeds with 0
    for (bool fresh : {false, true}) {
        const char *where = fresh ? " (one process per call)" : " (pool)";
        QTest::addRow("status 0%s", where)
            << QStringList{QStringLiteral("true")} << fresh << QString();
        QTest::addRow("status 3%s", where)
            << QStringList{QStringLiteral("sh"), QStringLiteral("-c"),
                           QStringLiteral("echo first >&2; echo no such file >&2; exit 3")}
            << fresh
            << QStringLiteral("`sh -c 'echo first >&2; echo no such file >&2; exit 3'` exited "
                              "with status 3: no such file");
        QTest::addRow("status 1, silent%s", where)
            << QStringList{QStringLiteral("false")} << fresh
            << QStringLiteral("`false` exited with status 1");
        QTest::addRow("signal%s", where)
            << QStringList{QStringLiteral("sh"), QStringLiteral("-c"),
                           QStringLiteral("kill -SEGV $$")}
            << fresh << QStringLiteral("`sh -c 'kill -SEGV $$'` was killed by SIGSEGV");
        QTest::addRow("missing program%s", where)
            << QStringList{QStringLiteral("procession-no-such-program"), QStringLiteral("x")}
            << fresh << QStringLiteral("no such program: `procession-no-such-program`");
        QTest::addRow("missing path%s", where)
            << QStringList{QStringLiteral("/nonexistent/tool")} << fresh
            << QStringLiteral("no such program: `/nonexistent/tool`");
        QTest::addRow("not executable%s", where)
            << QStringList{QStringLiteral("NOEXEC")} << fresh
            << QStringLiteral("`NOEXEC` could not be started: Permission denied");
        QTest::addRow("not a program%s", where)
            << QStringList{QStringLiteral("GARBAGE")} << fresh
            << QStringLiteral("`GARBAGE` could not be started: Exec format error");
    }
}

void tst_Exec::endings()
{
    QFETCH(QStringList, command);
    QFETCH(bool, newProcess);
    QFETCH(QString, expected);
    // Files made here: a text file without the execute bit, and one with it.
    QTemporaryDir dir;
    for (const QString &name : {QStringLiteral("NOEXEC"), QStringLiteral("GARBAGE")}) {
        if (!command.contains(name))
            continue;
        const QString path = dir.filePath(QStringLiteral("file"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write("\x01\x02 not a program\n") > 0);
        f.close();
        QVERIFY(f.setPermissions(name == QLatin1String("GARBAGE")
                                     ? QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                     : QFile::ReadOwner | QFile::WriteOwner));
        command.replaceInStrings(name, path);
        expected.replace(name, path);
    }
    Lines lines;
    Trace trace;
    Session s(&trace, options(&lines));
    CallOutcome out;
    if (newProcess) {
        out = s.awaitCall(s.callAsync(QStringLiteral("exec"), words(command)), 20000);
    } else {
        const int w = s.fork();
        s.callAsync(w, QStringLiteral("exec"), words(command));
        out = s.callAwait(w, 20000);
        // The worker lives on and serves the next call.
        s.callAsync(w, QStringLiteral("square"), {7});
        QCOMPARE(s.callAwait(w, 20000).value.toInteger(), 49);
    }
    if (expected.isEmpty()) {
        QVERIFY2(out.ok, qPrintable(out.error));
        QCOMPARE(out.value.toInteger(), 0);
    } else {
        QVERIFY(!out.ok);
        QVERIFY2(out.error.endsWith(QLatin1String(": ") + expected), qPrintable(out.error));
    }
}

void tst_Exec::argumentsAreAListNotAShellString()
{
    Lines lines;
    Trace trace;
    Session s(&trace, options(&lines));
    const int w = s.fork();
    const QStringList args = {QStringLiteral("a  b"), QStringLiteral("$HOME"), QStringLiteral(";"),
                              QStringLiteral("*"), QStringLiteral("`id`")};
    s.callAsync(w, QStringLiteral("exec"),
                words(QStringList{QStringLiteral("printf"), QStringLiteral("[%s]\\n")} + args));
    const CallOutcome out = s.callAwait(w, 20000);
    QVERIFY2(out.ok, qPrintable(out.error));
    QTRY_COMPARE(lines.out.size(), 5);
    QCOMPARE(lines.out,
             (QStringList{QStringLiteral("[a  b]"), QStringLiteral("[$HOME]"),
                          QStringLiteral("[;]"), QStringLiteral("[*]"), QStringLiteral("[`id`]")}));
    // A NUL cannot be passed to a program: refused, not cut short.
    s.callAsync(
        w, QStringLiteral("exec"),
        words({QStringLiteral("echo"), QStringLiteral("a") + QChar(0) + QStringLiteral("b")}));
    const CallOutcome nul = s.callAwait(w, 20000);
    QVERIFY(!nul.ok);
    QVERIFY2(nul.error.endsWith(QLatin1String("exec(): argument 2 contains a NUL character, which "
                                              "no command line can carry")),
             qPrintable(nul.error));
    // A string where a list of words belongs is refused before the command runs.
    s.callAsync(w, QStringLiteral("exec"), {QStringLiteral("echo"), 5});
    const CallOutcome bad = s.callAwait(w, 20000);
    QVERIFY(!bad.ok);
    QCOMPARE(bad.errorKind, QStringLiteral("bad-arguments"));
}

void tst_Exec::leftoversInTheBackgroundAreStopped()
{
    // The shell ends at once; the sleep it left in the background holds the output pipe.
    Lines lines;
    Trace trace;
    Session s(&trace, options(&lines));
    const int w = s.fork();
    QElapsedTimer clock;
    clock.start();
    s.callAsync(
        w, QStringLiteral("exec"),
        words({QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("sleep 300 & echo $!")}));
    const CallOutcome out = s.callAwait(w, 20000);
    QVERIFY2(out.ok, qPrintable(out.error));
    QVERIFY2(clock.elapsed() < 15000, "the call waited for what the command left behind");
    QTRY_COMPARE(pidsIn(lines.out).size(), 1);
    const qint64 sleeper = pidsIn(lines.out).first();
    QTRY_VERIFY_WITH_TIMEOUT(!running(sleeper), 5000);
    QVERIFY(s.isAlive(w));
    QVERIFY(s.join(w));
}

void tst_Exec::stoppedWithTheWorker_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("call times out, worker joined") << QStringLiteral("timeout");
    QTest::newRow("call times out, one process per call") << QStringLiteral("oneshot");
    QTest::newRow("worker killed") << QStringLiteral("kill");
    QTest::newRow("session interrupted") << QStringLiteral("interrupt");
}

void tst_Exec::stoppedWithTheWorker()
{
    QFETCH(QString, how);
    Lines lines;
    Trace trace;
    QList<qint64> family;
    {
        Session s(&trace, options(&lines));
        const QCborArray command = words({QStringLiteral("sh"), QStringLiteral("-c"), kFamily});
        if (how == QLatin1String("oneshot")) {
            const qint64 id = s.callAsync(QStringLiteral("exec"), command);
            QTRY_COMPARE_WITH_TIMEOUT((s.idle(10), pidsIn(lines.out).size()), 3, 20000);
            family = pidsIn(lines.out);
            const CallOutcome out = s.awaitCall(id, 300); // awaiting also joins its process
            QCOMPARE(out.errorKind, QStringLiteral("timeout"));
        } else {
            const int w = s.fork();
            s.callAsync(w, QStringLiteral("exec"), command);
            QTRY_COMPARE_WITH_TIMEOUT((s.idle(10), pidsIn(lines.out).size()), 3, 20000);
            family = pidsIn(lines.out);
            for (qint64 pid : std::as_const(family))
                QVERIFY(running(pid));
            if (how == QLatin1String("timeout")) {
                const CallOutcome out = s.callAwait(w, 300);
                QCOMPARE(out.errorKind, QStringLiteral("timeout"));
                s.join(w);
            } else if (how == QLatin1String("kill")) {
                ::kill(pid_t(s.pid(w)), SIGKILL);
                const CallOutcome out = s.callAwait(w, 20000);
                QVERIFY2(out.error.contains(QLatin1String("SIGKILL")), qPrintable(out.error));
            } else {
                s.interrupt();
                const CallOutcome out = s.callAwait(w, 20000);
                QCOMPARE(out.errorKind, QStringLiteral("interrupted"));
                s.shutdown();
            }
        }
    }
    QCOMPARE(family.size(), 3);
    for (qint64 pid : std::as_const(family))
        QTRY_VERIFY2_WITH_TIMEOUT(!running(pid),
                                  qPrintable(QStringLiteral("%1 still runs").arg(pid)), 5000);
}

void tst_Exec::inTheParentAnInterruptStopsIt()
{
    // A `call` step runs exec in the parent itself: an interrupt there stops the command.
    Lines lines;
    Trace trace;
    Session s(&trace, options(&lines));
    QElapsedTimer clock;
    clock.start();
    std::thread stopper([&s] {
        QThread::msleep(300);
        s.interrupt();
    });
    const CallOutcome out = s.callHere(
        QStringLiteral("exec"), words({QStringLiteral("sh"), QStringLiteral("-c"), kFamily}));
    stopper.join();
    QVERIFY(!out.ok);
    QCOMPARE(out.errorKind, QStringLiteral("interrupted"));
    QVERIFY2(clock.elapsed() < 15000, "the command ran on after the interrupt");
    const QList<qint64> family = pidsIn(lines.out);
    QCOMPARE(family.size(), 3);
    for (qint64 pid : family)
        QTRY_VERIFY_WITH_TIMEOUT(!running(pid), 5000);
}

void tst_Exec::theGuardHoldsNothingOfItsParent()
{
    // The command's parent is the guard, a fork of this process: it must not keep this
    // process's descriptors (here: twenty open files) while the command runs.
    QTemporaryDir dir;
    std::vector<std::unique_ptr<QFile>> files;
    for (int i = 0; i < 20; ++i) {
        files.push_back(std::make_unique<QFile>(dir.filePath(QString::number(i))));
        QVERIFY(files.back()->open(QIODevice::WriteOnly));
    }
    Lines lines;
    Trace trace;
    Session s(&trace, options(&lines));
    const CallOutcome out =
        s.callHere(QStringLiteral("exec"), words({QStringLiteral("sh"), QStringLiteral("-c"),
                                                  QStringLiteral("ls /proc/$PPID/fd | wc -l")}));
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(lines.out.size(), 1);
    // 0-2 on /dev/null, the lifeline and the report pipe; nothing else.
    QCOMPARE(lines.out.first().trimmed().toInt(), 5);
}

QTEST_GUILESS_MAIN(tst_Exec)
#include "tst_exec.moc"
