// What `procession bench` reads about a process (its memory, its page faults) and about the
// machine it runs on (load, CPU), for its figures and the table's footer.
#include "benchfigure.h"

#include <QFile>
#include <QSysInfo>

#if defined(Q_OS_WIN)
#include <windows.h>
// windows.h first
#include <psapi.h>
#endif

namespace procession::bench {

namespace {

// The process's resident memory now, or the most it has had (its peak), in KiB.
qint64 memoryKb(qint64 pid, bool peak)
{
#if defined(Q_OS_WIN)
    qint64 kb = -1;
    if (const HANDLE h = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid))) {
        PROCESS_MEMORY_COUNTERS c{};
        if (::GetProcessMemoryInfo(h, &c, sizeof c))
            kb = qint64((peak ? c.PeakWorkingSetSize : c.WorkingSetSize) / 1024);
        ::CloseHandle(h);
    }
    return kb;
#endif
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = peak ? "VmHWM:" : "VmRSS:";
    for (const QByteArray &line : file.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

} // namespace

qint64 residentKb(qint64 pid)
{
    return memoryKb(pid, false);
}

qint64 peakResidentKb(qint64 pid)
{
    return memoryKb(pid, true);
}

qint64 minorFaults(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // Fields after the command name (which may hold spaces): state is field 3, minflt 10.
    const QList<QByteArray> f = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return f.value(7).toLongLong();
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromLatin1(file.readAll().split(' ').mid(0, 3).join(' '));
}

QString cpuModel()
{
    QFile file(QStringLiteral("/proc/cpuinfo"));
    if (file.open(QIODevice::ReadOnly))
        for (const QByteArray &line : file.readAll().split('\n'))
            if (line.startsWith("model name"))
                return QString::fromLatin1(line.mid(line.indexOf(':') + 1).trimmed());
    return QSysInfo::currentCpuArchitecture();
}

} // namespace procession::bench
