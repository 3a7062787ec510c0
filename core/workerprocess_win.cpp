#include "workerprocess.h"

#include "workerplatform.h"

#include <QProcess>

#include <windows.h>

namespace procession {

namespace {
// Every worker of this process is in one Job object that kills them all when its last
// handle closes: when this process ends, however it ends. The handle is never closed.
HANDLE workerJob()
{
    static const HANDLE job = [] {
        const HANDLE j = ::CreateJobObjectW(nullptr, nullptr);
        if (j) {
            JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            ::SetInformationJobObject(j, JobObjectExtendedLimitInformation, &limits, sizeof limits);
        }
        return j;
    }();
    return job;
}

// What QProcess::kill() makes a process exit with (TerminateProcess) on Windows.
constexpr quint32 kKilledByQProcess = 0xF291;
} // namespace

void WorkerProcess::beforeStart()
{
    // Its own process group: the console's Ctrl-C reaches only the parent, which stops
    // its workers in order; and terminate() can send Ctrl-Break to this worker alone.
    m_process->setCreateProcessArgumentsModifier(
        [](QProcess::CreateProcessArguments *a) { a->flags |= CREATE_NEW_PROCESS_GROUP; });
}

void WorkerProcess::afterStart()
{
    const qint64 pid = m_process->processId();
    if (pid <= 0)
        return;
    if (const HANDLE job = workerJob()) {
        if (const HANDLE h =
                ::OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, FALSE, DWORD(pid))) {
            ::AssignProcessToJobObject(job, h);
            ::CloseHandle(h);
        }
    }
}

ProcessEnd WorkerProcess::end() const
{
    quint32 code = quint32(m_process->exitCode());
    const bool crashExit = m_process->exitStatus() == QProcess::CrashExit;
    if (crashExit && code == 0)
        code = kKilledByQProcess;
    // An unhandled exception ends a process with its NTSTATUS code: severity "error"
    // (0xC...) or a breakpoint (0x80000003). QProcess calls those crashes too.
    const bool exception = (code & 0xC0000000u) == 0xC0000000u || code == 0x80000003u;
    return {crashExit || exception, int(code)};
}

void WorkerProcess::terminate()
{
    // QProcess::terminate() posts WM_CLOSE, which a console program never sees. A worker
    // watches its terminate event (endOnTerminateRequest) and ends as Ctrl-Break would end
    // it; a program that does not watch it (not a Procession worker) gets kill() after
    // the grace time. Ctrl-Break itself goes to the worker's own process group, and reaches
    // it only when it shares this process's console.
    const DWORD pid = DWORD(m_process->processId());
    if (pid == 0)
        return;
    wchar_t name[64];
    if (const HANDLE event =
            ::OpenEventW(EVENT_MODIFY_STATE, FALSE, terminateEventName(pid, name))) {
        ::SetEvent(event);
        ::CloseHandle(event);
    }
    ::GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pid);
}

} // namespace procession
