#pragma once
// Small /proc helpers shared by the fault, security and load tests (Linux only): they
// find a program's workers by parent pid, read what other users could read about them,
// and make sure no test leaves a zombie or an orphan behind.

#include <QByteArrayList>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QList>

#include <csignal>

#include <sys/prctl.h>
#include <sys/wait.h>

namespace faultutil {

inline QByteArray readProc(qint64 pid, const char *what)
{
    QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(what)));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// Fields of /proc/PID/stat after the command name: [0] = state, [1] = ppid, ...
inline QByteArrayList statFields(qint64 pid)
{
    const QByteArray stat = readProc(pid, "stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    return stat.mid(close + 2).trimmed().split(' ');
}

// 'R', 'S', 'Z', ... or 0 when no such process exists.
inline char processState(qint64 pid)
{
    const QByteArrayList f = statFields(pid);
    return f.isEmpty() || f.at(0).isEmpty() ? 0 : f.at(0).at(0);
}

inline qint64 parentPid(qint64 pid)
{
    const QByteArrayList f = statFields(pid);
    return f.size() > 1 ? f.at(1).toLongLong() : 0;
}

// Not running any more: gone from /proc, or a zombie waiting for its parent.
inline bool isDead(qint64 pid)
{
    const char s = processState(pid);
    return s == 0 || s == 'Z' || s == 'X';
}

inline QByteArrayList commandLine(qint64 pid)
{
    QByteArray raw = readProc(pid, "cmdline");
    if (raw.endsWith('\0'))
        raw.chop(1);
    return raw.isEmpty() ? QByteArrayList() : raw.split('\0');
}

// A variable as the process was started with it (what /proc/PID/environ shows).
inline QByteArray startEnvironment(qint64 pid, const QByteArray &name)
{
    const QByteArray prefix = name + '=';
    for (const QByteArray &entry : readProc(pid, "environ").split('\0'))
        if (entry.startsWith(prefix))
            return entry.mid(prefix.size());
    return {};
}

// Living children of `parent` started in worker mode.
inline QList<qint64> workersOf(qint64 parent)
{
    QList<qint64> out;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok || parentPid(pid) != parent)
            continue;
        const QByteArrayList argv = commandLine(pid);
        if (argv.size() > 1 && argv.at(1) == "--worker")
            out << pid;
    }
    return out;
}

// Orphans are re-parented to this process instead of init, so a test sees (and reaps)
// whatever a killed parent leaves behind instead of leaking it to the machine.
inline void becomeSubreaper()
{
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

// Reaps those of `pids` that became our children; true when none was ours to reap.
inline bool reapAdopted(const QList<qint64> &pids)
{
    bool none = true;
    for (qint64 pid : pids) {
        if (parentPid(pid) != QCoreApplication::applicationPid())
            continue;
        none = false;
        if (!isDead(pid))
            ::kill(pid_t(pid), SIGKILL);
        ::waitpid(pid_t(pid), nullptr, 0);
    }
    return none;
}

} // namespace faultutil
