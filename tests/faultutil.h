#pragma once
// Process helpers shared by the fault, security and load tests: they find a program's
// workers by parent pid, tell whether a process is gone, and make sure no test leaves a
// zombie or an orphan behind. Linux reads /proc (and what other users could read there);
// macOS, without /proc, asks sysctl (KERN_PROC, KERN_PROCARGS2; not run here: no Mac);
// Windows asks the Tool Help snapshot and the process's exit code, and has no zombies.

#include <QByteArrayList>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QList>
#include <QStringList>

#include <csignal>

#if defined(Q_OS_LINUX)
#include <sys/prctl.h>
#include <sys/wait.h>
#elif defined(Q_OS_MACOS)
#include <sys/sysctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <vector>
#elif defined(Q_OS_WIN)
#include <windows.h>
// windows.h first
#include <tlhelp32.h>
#endif

namespace faultutil {

#if defined(Q_OS_LINUX)

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

// The program's name, for messages (what /proc/PID/comm says).
inline QString processName(qint64 pid)
{
    return QString::fromLocal8Bit(readProc(pid, "comm").trimmed());
}

// Every process whose parent is `parent`.
inline QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> out;
    for (const QString &e : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (ok && parentPid(pid) == parent)
            out << pid;
    }
    return out;
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

#elif defined(Q_OS_MACOS)

// One process's kernel record; false when no such process exists.
inline bool processInfo(qint64 pid, kinfo_proc *info)
{
    int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, int(pid)};
    size_t size = sizeof *info;
    return ::sysctl(mib, 4, info, &size, nullptr, 0) == 0 && size == sizeof *info;
}

// 'R', 'S', 'T', 'Z' as on Linux, or 0 when no such process exists.
inline char processState(qint64 pid)
{
    kinfo_proc info;
    if (!processInfo(pid, &info))
        return 0;
    switch (info.kp_proc.p_stat) {
    case SZOMB:
        return 'Z';
    case SSTOP:
        return 'T';
    case SRUN:
        return 'R';
    default:
        return 'S';
    }
}

inline qint64 parentPid(qint64 pid)
{
    kinfo_proc info;
    return processInfo(pid, &info) ? qint64(info.kp_eproc.e_ppid) : 0;
}

inline bool isDead(qint64 pid)
{
    const char s = processState(pid);
    return s == 0 || s == 'Z';
}

inline QString processName(qint64 pid)
{
    kinfo_proc info;
    return processInfo(pid, &info) ? QString::fromLocal8Bit(info.kp_proc.p_comm) : QString();
}

// argv as the process was started (KERN_PROCARGS2: argc, the executable's path, padding,
// then the arguments); empty for another user's process.
inline QByteArrayList commandLine(qint64 pid)
{
    int argmax = 0;
    size_t size = sizeof argmax;
    int argmaxMib[2] = {CTL_KERN, KERN_ARGMAX};
    if (::sysctl(argmaxMib, 2, &argmax, &size, nullptr, 0) != 0 || argmax <= 0)
        return {};
    QByteArray buf(argmax, '\0');
    size = size_t(argmax);
    int mib[3] = {CTL_KERN, KERN_PROCARGS2, int(pid)};
    if (::sysctl(mib, 3, buf.data(), &size, nullptr, 0) != 0 || size < sizeof(int))
        return {};
    buf.truncate(qsizetype(size));
    int argc = 0;
    std::memcpy(&argc, buf.constData(), sizeof argc);
    qsizetype at = buf.indexOf('\0', sizeof(int)); // the end of the executable's path
    while (at >= 0 && at < buf.size() && buf.at(at) == '\0')
        ++at;
    QByteArrayList argv;
    while (at >= 0 && at < buf.size() && argv.size() < argc) {
        qsizetype end = buf.indexOf('\0', at);
        if (end < 0)
            end = buf.size();
        argv << buf.mid(at, end - at);
        at = end + 1;
    }
    return argv;
}

// Every process whose parent is `parent`.
inline QList<qint64> childrenOf(qint64 parent)
{
    int mib[3] = {CTL_KERN, KERN_PROC, KERN_PROC_ALL};
    size_t size = 0;
    if (::sysctl(mib, 3, nullptr, &size, nullptr, 0) != 0)
        return {};
    std::vector<kinfo_proc> all(size / sizeof(kinfo_proc) + 32); // room for new ones
    size = all.size() * sizeof(kinfo_proc);
    if (::sysctl(mib, 3, all.data(), &size, nullptr, 0) != 0)
        return {};
    QList<qint64> out;
    for (size_t i = 0; i < size / sizeof(kinfo_proc); ++i)
        if (all[i].kp_eproc.e_ppid == pid_t(parent))
            out << qint64(all[i].kp_proc.p_pid);
    return out;
}

// Living children of `parent` started in worker mode.
inline QList<qint64> workersOf(qint64 parent)
{
    QList<qint64> out;
    for (qint64 pid : childrenOf(parent)) {
        const QByteArrayList argv = commandLine(pid);
        if (!isDead(pid) && argv.size() > 1 && argv.at(1) == "--worker")
            out << pid;
    }
    return out;
}

// macOS has no subreaper: orphans go to launchd, and reapAdopted() can only end them.
inline void becomeSubreaper() {}

// Ends those of `pids` still running (reaping our own children); true when none was.
inline bool reapAdopted(const QList<qint64> &pids)
{
    bool none = true;
    for (qint64 pid : pids) {
        const bool ours = parentPid(pid) == QCoreApplication::applicationPid();
        if (!ours && isDead(pid))
            continue;
        none = false;
        if (!isDead(pid))
            ::kill(pid_t(pid), SIGKILL);
        if (ours)
            ::waitpid(pid_t(pid), nullptr, 0);
    }
    return none;
}

#elif defined(Q_OS_WIN)

// No /proc here: a process is running ('R') or gone (0); there are no zombies.
inline char processState(qint64 pid)
{
    const HANDLE h = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!h)
        return 0;
    // OpenProcess keeps succeeding on an exited process (Wine): ask for its exit code.
    DWORD code = 0;
    const bool running = ::GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    ::CloseHandle(h);
    return running ? 'R' : 0;
}

inline bool isDead(qint64 pid)
{
    return processState(pid) == 0;
}

template<typename Match> QList<qint64> processesWhere(Match match)
{
    QList<qint64> out;
    const HANDLE snap = ::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE)
        return out;
    PROCESSENTRY32W e{};
    e.dwSize = sizeof e;
    for (bool ok = ::Process32FirstW(snap, &e); ok; ok = ::Process32NextW(snap, &e))
        if (match(e) && processState(e.th32ProcessID) != 0)
            out << qint64(e.th32ProcessID);
    ::CloseHandle(snap);
    return out;
}

inline qint64 parentPid(qint64 pid)
{
    qint64 parent = 0;
    processesWhere([&](const PROCESSENTRY32W &e) {
        if (e.th32ProcessID == DWORD(pid))
            parent = e.th32ParentProcessID;
        return false;
    });
    return parent;
}

// The program's file name, for messages ("procession.exe").
inline QString processName(qint64 pid)
{
    QString name;
    processesWhere([&](const PROCESSENTRY32W &e) {
        if (e.th32ProcessID == DWORD(pid))
            name = QString::fromWCharArray(e.szExeFile);
        return false;
    });
    return name;
}

// Every living process whose parent is `parent`. Under Wine, the first program that needs
// a desktop starts Wine's desktop process (explorer.exe /desktop) as its child: not ours.
inline QList<qint64> childrenOf(qint64 parent)
{
    return processesWhere([parent](const PROCESSENTRY32W &e) {
        return e.th32ParentProcessID == DWORD(parent) &&
               QString::fromWCharArray(e.szExeFile)
                       .compare(QLatin1String("explorer.exe"), Qt::CaseInsensitive) != 0;
    });
}

// Living children of `parent` that are copies of procession (its workers: the command
// line of another process is not for a test to read here).
inline QList<qint64> workersOf(qint64 parent)
{
    return processesWhere([parent](const PROCESSENTRY32W &e) {
        return e.th32ParentProcessID == DWORD(parent) &&
               QString::fromWCharArray(e.szExeFile)
                   .startsWith(QLatin1String("procession"), Qt::CaseInsensitive) &&
               !QString::fromWCharArray(e.szExeFile).contains(QLatin1String("helper"));
    });
}

// No orphans to adopt: nothing to do.
inline void becomeSubreaper() {}

// Ends those of `pids` still running; true when none was.
inline bool reapAdopted(const QList<qint64> &pids)
{
    bool none = true;
    for (qint64 pid : pids) {
        if (processState(pid) == 0)
            continue;
        none = false;
        if (const HANDLE h = ::OpenProcess(PROCESS_TERMINATE, FALSE, DWORD(pid))) {
            ::TerminateProcess(h, 1);
            ::CloseHandle(h);
        }
    }
    return none;
}
#endif

// Every one of these processes has ended (none is running any more).
inline bool allDead(const QList<qint64> &pids)
{
    for (qint64 pid : pids)
        if (!isDead(pid))
            return false;
    return true;
}

// The processes a test left behind: described ("PID NAME (STATE)"), then ended and reaped,
// so that one failing test does not fail the next. Empty when nothing was left.
inline QString endLeftBehind()
{
    const QList<qint64> left = childrenOf(QCoreApplication::applicationPid());
    QStringList described;
    for (qint64 pid : left)
        described << QStringLiteral("%1 %2 (%3)")
                         .arg(pid)
                         .arg(processName(pid))
                         .arg(QLatin1Char(processState(pid)));
    reapAdopted(left);
    return described.join(QStringLiteral(", "));
}

} // namespace faultutil
