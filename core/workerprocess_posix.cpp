#include "workerprocess.h"

#include <QProcess>

#include <csignal>
#include <sys/types.h>

#if defined(Q_OS_LINUX)
#include <csignal>
#include <sys/prctl.h>
#endif

namespace procession {

void WorkerProcess::beforeStart()
{
#if defined(Q_OS_LINUX)
    // The worker dies with the thread that started it, even if the parent is SIGKILLed.
    // Elsewhere it notices through its closed connection and the end of its stdin, and on
    // macOS and the BSDs through kqueue (workerplatform_posix.cpp).
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
}

void WorkerProcess::afterStart() {}

ProcessEnd WorkerProcess::end() const
{
    return {m_process->exitStatus() == QProcess::CrashExit, m_process->exitCode()};
}

void WorkerProcess::terminate()
{
    m_process->terminate();
    // A stopped process keeps SIGTERM pending until it runs again: wake it so it can end.
    if (const qint64 pid = m_process->processId(); pid > 0)
        ::kill(pid_t(pid), SIGCONT);
}

} // namespace procession
