#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace procession {

// How a command run by the `exec` task ended.
struct CommandResult
{
    enum class End
    {
        Exited,     // `code` is its exit status
        Signalled,  // `code` is the signal that ended it, `signal` names it
        NotFound,   // no such program (`error` says where it was looked for)
        NotStarted, // found but could not be started (`error` says why)
        Cancelled   // the caller gave up; the command and what it started were killed
    };
    End end = End::NotStarted;
    int code = 0;
    QString signal;        // "SIGSEGV"
    QString error;         // NotFound, NotStarted
    QString lastErrorLine; // the last non-empty line it wrote to stderr
};

// Runs `program` (found on PATH unless it contains a slash) with `arguments` as a list:
// no shell is involved. Every line it writes reaches `onLine` as it arrives (isStderr
// says from which stream). Its stdin is empty.
//
// On Unix the command runs in a process group of its own, under a small guard process
// that kills the whole group when the command ends (so nothing it started in the
// background outlives it), when `cancelled` returns true, and when the calling process
// dies in any way, SIGKILL included. Elsewhere the command itself is killed in those
// cases, but what it started may survive it (command_qt.cpp).
CommandResult runCommand(const QString &program, const QStringList &arguments,
                         const std::function<void(const QString &line, bool isStderr)> &onLine,
                         const std::function<bool()> &cancelled = {});

} // namespace procession
