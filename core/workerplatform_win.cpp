#include "workerplatform.h"

#include "exitdescription.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <thread>

#include <windows.h>

namespace procession {

void workerDie(const char *message, int status)
{
    std::fprintf(stderr, "procession worker %lld: %s\n",
                 static_cast<long long>(QCoreApplication::applicationPid()), message);
    std::fflush(stderr);
    std::_Exit(status);
}

void prepareWorkerProcess()
{
    // A crash ends the worker at once with its exception code: no error-report dialog
    // that would keep it (and the parent's join) waiting for a click nobody makes.
    ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    // An unhandled exception ends the process with its code, at once: no debugger or
    // error report is started for it (Wine starts winedbg, and without one the process
    // then exits with status 0, which would read as a clean exit).
    ::SetUnhandledExceptionFilter([](EXCEPTION_POINTERS *e) -> LONG {
        ::TerminateProcess(::GetCurrentProcess(), e->ExceptionRecord->ExceptionCode);
        return EXCEPTION_EXECUTE_HANDLER;
    });
    // abort() in MinGW's C runtime ends with status 3, like any exit(3). End with the
    // status Microsoft's own runtime gives it instead (its __fastfail: 0xC0000409), so
    // the parent can tell an abort from an exit.
    std::signal(SIGABRT, [](int) { ::TerminateProcess(::GetCurrentProcess(), 0xC0000409u); });
    // Ctrl-C is the parent's to handle: it stops its workers in order. A worker in its own
    // process group (CREATE_NEW_PROCESS_GROUP) ignores it already; this says so for any
    // other way it was started.
    ::SetConsoleCtrlHandler(nullptr, TRUE);
}

void exitWhenStdinEnds()
{
    const HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    if (in == nullptr || in == INVALID_HANDLE_VALUE)
        return;
    // Under a process limit (ulimit -u) there may be no thread to be had: std::thread
    // throws, and uncaught that was an abort the parent reported as a crash.
    try {
        std::thread([in] {
            char buf[256];
            DWORD n = 0;
            for (;;) {
                if (!::ReadFile(in, buf, sizeof buf, &n, nullptr) || n == 0)
                    std::_Exit(0);
            }
        }).detach();
    } catch (const std::system_error &) {
        std::_Exit(kWorkerExitNoThread); // the parent says why, once
    }
}

void giveMemoryBack() {}

} // namespace procession
