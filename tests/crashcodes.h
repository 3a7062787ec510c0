#pragma once
// What ends a crashed worker, as this platform reports it: POSIX signals, or on Windows
// the exception codes (NTSTATUS) a worker exits with. crashName() (exitdescription.h)
// gives the words the sentences use.

#include "exitdescription.h"

#include <csignal>

namespace crashcodes {
#if defined(Q_OS_WIN)
constexpr int kSegfault = int(0xC0000005u);   // access violation
constexpr int kAbort = int(0xC0000409u);      // abort, as Microsoft's runtime ends it
constexpr int kKilled = 0xF291;               // QProcess::kill()'s TerminateProcess status
constexpr int kTerminated = int(0xC000013Au); // terminate(): ended as Ctrl-Break ends it
#else
constexpr int kSegfault = SIGSEGV;
constexpr int kAbort = SIGABRT;
constexpr int kKilled = SIGKILL;
constexpr int kTerminated = SIGTERM;
#endif

// "crashed with SIGSEGV", "crashed with an access violation (0xC0000005)"
inline QString crashedWith(int code)
{
    return QStringLiteral("crashed with ") + procession::crashName(code);
}
} // namespace crashcodes
