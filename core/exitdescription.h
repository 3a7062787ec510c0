#pragma once

#include <QString>

namespace procession {

// Why a gone worker's calls fail. Its name is the calls' CallOutcome::errorKind.
enum class EndKind
{
    None,         // not gone (a call on it fails as "gone")
    ExitedOnJoin, // asked to exit, exited with status 0: the one clean end
    Exited,       // exited on its own, or with a status other than 0
    Crashed,      // ended by a signal (POSIX) or an exception (Windows)
    Disconnected, // closed its connection and did not end in time
    Protocol,     // broke the protocol: malformed frame, unexpected message
    StartFailed,  // the program could not be started
    StartTimeout, // started but said no hello in time
    Interrupted,  // the run was interrupted before it was ready
};

// The status of a worker that could not start because the system gave it no thread
// (EX_OSERR): the parent says "could not start", not "crashed with SIGABRT".
constexpr int kWorkerExitNoThread = 71;

// "exited", "crashed", "protocol", ... ("gone" for None)
QString endKindName(EndKind kind);

// How far join or shutdown had to go past the exit request.
struct Escalation
{
    enum class Step
    {
        None,
        TerminatedAfterJoin, // did not exit within afterMs of join
        KilledAfterJoin,     // ignored join and terminate
        TerminatedAtStop,    // the session stopped
        KilledAtStop,
    };
    Step step = Step::None;
    int afterMs = 0;

    // "did not exit within 2.0 s of join and was terminated", ... (empty for None)
    QString sentence() const;
};

// How a process ended, in the operating system's terms.
struct ProcessEnd
{
    bool crashed = false; // ended by a signal (POSIX) or an exception (Windows)
    int code = 0;         // the exit status, or the signal or exception code
};

// The name of what ended a crashed process: "SIGSEGV", "signal 42" (POSIX). One
// implementation per platform (exitdescription_posix.cpp, exitdescription_win.cpp).
QString crashName(int code);

// The sentence for a worker that crashed: "worker 3 (pid 4812) crashed with SIGSEGV while
// running square(7)". `who` names the worker, `running` is " while running f(x)" or empty,
// `dropped` says the session had already dropped it (then the signal is its own kill).
QString describeCrash(const QString &who, int code, const Escalation &escalation, bool dropped,
                      const QString &running);
// The sentence for a worker that exited when nobody asked it to.
QString describeUnexpectedExit(const QString &who, int status, const QString &running);

} // namespace procession
