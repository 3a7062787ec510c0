// The `exec` task's command runner on Unix: a guard process owns a process group in
// which the command runs, so the command and everything it starts can be stopped as one.
#include "command.h"

#include "exitdescription.h"

#include <QByteArray>
#include <QFileInfo>
#include <QList>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace procession {

namespace {

bool makePipe(int fds[2])
{
#if defined(Q_OS_LINUX)
    return ::pipe2(fds, O_CLOEXEC) == 0;
#endif
    if (::pipe(fds) != 0)
        return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// Writes a tag and an int in one write (atomic on a pipe). Async-signal-safe.
void sendCode(int fd, char tag, int value)
{
    char buf[1 + sizeof(int)];
    buf[0] = tag;
    std::memcpy(buf + 1, &value, sizeof value);
    [[maybe_unused]] const ssize_t n = ::write(fd, buf, sizeof buf);
}

// Closes every descriptor from `low` to `high`. Async-signal-safe.
void closeRange(int low, int high)
{
    if (low > high)
        return;
#if defined(SYS_close_range)
    if (::syscall(SYS_close_range, unsigned(low), unsigned(high), 0u) == 0)
        return;
#endif
    const long limit = std::min<long>(::sysconf(_SC_OPEN_MAX), 65536);
    for (long fd = low; fd <= high && fd < limit; ++fd)
        ::close(int(fd));
}

// The guard is a fork without exec: it would hold a copy of every descriptor of the
// process that made it (a worker's pipes to the parent, the parent's sockets, a window's
// display connection) for as long as the command runs. It keeps only its own five and
// points 0-2 at /dev/null. Async-signal-safe.
void keepOnly(int devNull, int out, int err, int lifeline, int report)
{
    ::dup2(devNull, STDIN_FILENO);
    ::dup2(devNull, STDOUT_FILENO);
    ::dup2(devNull, STDERR_FILENO);
    int keep[5] = {devNull, out, err, lifeline, report};
    for (int i = 1; i < 5; ++i) // insertion sort: no library calls here
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j)
            std::swap(keep[j - 1], keep[j]);
    int from = STDERR_FILENO + 1;
    for (int fd : keep) {
        closeRange(from, fd - 1);
        from = std::max(from, fd + 1);
    }
    closeRange(from, INT_MAX);
}

// Runs in the guard process, forked from a process that may have other threads: from
// here until _exit only async-signal-safe calls.
[[noreturn]] void runGuard(const char *path, char *const argv[], int devNull, int out, int err,
                           int lifeline, int report)
{
    ::setpgid(0, 0);
    keepOnly(devNull, out, err, lifeline, report);
    const pid_t command = ::fork();
    if (command < 0) {
        sendCode(report, 'E', errno);
        ::_exit(127);
    }
    if (command == 0) {
        ::dup2(devNull, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        // A worker ignores SIGINT and blocks nothing, but a command starts clean.
        struct sigaction dfl
        {
        };
        dfl.sa_handler = SIG_DFL;
        ::sigemptyset(&dfl.sa_mask);
        for (int s : {SIGINT, SIGPIPE, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD})
            ::sigaction(s, &dfl, nullptr);
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv(path, argv);
        sendCode(report, 'E', errno);
        ::_exit(127);
    }
    ::close(out);
    ::close(err);
    ::close(devNull);
    int status = 0;
    int delayMs = 1;
    for (;;) {
        const pid_t r = ::waitpid(command, &status, WNOHANG);
        if (r == command || (r < 0 && errno != EINTR))
            break;
        pollfd p{lifeline, POLLIN, 0};
        if (::poll(&p, 1, delayMs) > 0)
            ::kill(0, SIGKILL); // the caller is gone or gave up: the whole group, and us
        delayMs = std::min(delayMs * 2, 20);
    }
    sendCode(report, 'S', status);
    ::kill(0, SIGKILL); // whatever the command left running in the background, and us
    ::_exit(0);         // not reached
}

// Splits what arrives on one stream into lines.
struct LineBuffer
{
    QByteArray pending;
    bool isStderr = false;
    QString lastLine;

    void emitLine(QByteArray line, const std::function<void(const QString &, bool)> &onLine)
    {
        if (line.endsWith('\r'))
            line.chop(1);
        const QString text = QString::fromUtf8(line);
        if (!text.trimmed().isEmpty())
            lastLine = text;
        if (onLine)
            onLine(text, isStderr);
    }

    void take(const char *data, qsizetype size,
              const std::function<void(const QString &, bool)> &onLine)
    {
        pending.append(data, size);
        qsizetype start = 0;
        for (qsizetype nl; (nl = pending.indexOf('\n', start)) >= 0; start = nl + 1)
            emitLine(pending.mid(start, nl - start), onLine);
        pending.remove(0, start);
        if (pending.size() > 64 * 1024) { // a command printing without newlines
            emitLine(pending, onLine);
            pending.clear();
        }
    }

    void finish(const std::function<void(const QString &, bool)> &onLine)
    {
        if (!pending.isEmpty())
            emitLine(pending, onLine);
        pending.clear();
    }
};

} // namespace

CommandResult runCommand(const QString &program, const QStringList &arguments,
                         const std::function<void(const QString &line, bool isStderr)> &onLine,
                         const std::function<bool()> &cancelled)
{
    CommandResult result;
    QString path;
    if (program.contains(QLatin1Char('/'))) {
        if (QFileInfo(program).isFile())
            path = program;
    } else if (!program.isEmpty()) {
        path = QStandardPaths::findExecutable(program);
    }
    if (path.isEmpty()) {
        result.end = CommandResult::End::NotFound;
        result.error = program.contains(QLatin1Char('/'))
                           ? QStringLiteral("there is no file %1").arg(program)
                           : QStringLiteral("it is not on PATH");
        return result;
    }

    // Everything the children need is made before fork: they must not allocate.
    const QByteArray pathBytes = QFile::encodeName(path);
    QList<QByteArray> argBytes;
    argBytes << QFile::encodeName(program);
    for (const QString &a : arguments)
        argBytes << a.toLocal8Bit();
    std::vector<char *> argv;
    for (QByteArray &a : argBytes)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int out[2] = {-1, -1}, err[2] = {-1, -1}, lifeline[2] = {-1, -1}, report[2] = {-1, -1};
    const int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devNull < 0 || !makePipe(out) || !makePipe(err) || !makePipe(lifeline) ||
        !makePipe(report)) {
        result.error = QString::fromLocal8Bit(std::strerror(errno));
        for (int *fd : {&out[0], &out[1], &err[0], &err[1], &lifeline[0], &lifeline[1], &report[0],
                        &report[1]})
            closeFd(*fd);
        if (devNull >= 0)
            ::close(devNull);
        return result;
    }
    const pid_t guard = ::fork();
    if (guard == 0) {
        ::close(out[0]);
        ::close(err[0]);
        ::close(lifeline[1]);
        ::close(report[0]);
        runGuard(pathBytes.constData(), argv.data(), devNull, out[1], err[1], lifeline[0],
                 report[1]);
    }
    ::close(devNull);
    closeFd(out[1]);
    closeFd(err[1]);
    closeFd(lifeline[0]);
    closeFd(report[1]);
    if (guard < 0) {
        result.error = QString::fromLocal8Bit(std::strerror(errno));
        for (int *fd : {&out[0], &err[0], &lifeline[1], &report[0]})
            closeFd(*fd);
        return result;
    }
    ::setpgid(guard, guard); // the guard does it too; whichever runs first

    LineBuffer streams[2];
    streams[1].isStderr = true;
    int fds[2] = {out[0], err[0]};
    bool guardDone = false;
    int guardStatus = 0;
    bool cancelSent = false;
    char buf[16384];
    while (fds[0] >= 0 || fds[1] >= 0) {
        pollfd p[2];
        nfds_t n = 0;
        int which[2];
        for (int i = 0; i < 2; ++i)
            if (fds[i] >= 0) {
                p[n] = {fds[i], POLLIN, 0};
                which[n++] = i;
            }
        // Output is the usual wake-up; the timeout only serves cancellation and a command
        // that left something holding its pipes after it ended.
        const int r = ::poll(p, n, guardDone ? 0 : 100);
        if (r < 0 && errno != EINTR)
            break;
        bool gotData = false;
        for (nfds_t i = 0; r > 0 && i < n; ++i) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int &fd = fds[which[i]];
            const ssize_t got = ::read(fd, buf, sizeof buf);
            if (got > 0) {
                streams[which[i]].take(buf, got, onLine);
                gotData = true;
            } else if (got == 0 || errno != EINTR) {
                closeFd(fd);
            }
        }
        if (!cancelSent && cancelled && cancelled()) {
            sendCode(lifeline[1], 'C', 0);
            cancelSent = true;
        }
        if (!guardDone) {
            pid_t w;
            while ((w = ::waitpid(guard, &guardStatus, WNOHANG)) < 0 && errno == EINTR) {
            }
            guardDone = w == guard;
        } else if (!gotData) {
            break; // the group is dead; what still holds the pipes escaped it
        }
    }
    for (int &fd : fds)
        closeFd(fd);
    for (LineBuffer &s : streams)
        s.finish(onLine);
    if (!guardDone)
        while (::waitpid(guard, &guardStatus, 0) < 0 && errno == EINTR) {
        }
    ::kill(-guard, SIGKILL); // in case the guard itself was killed before its group
    closeFd(lifeline[1]);

    char tag = 0;
    int value = 0;
    char msg[1 + sizeof(int)];
    ssize_t got;
    while ((got = ::read(report[0], msg, sizeof msg)) == ssize_t(sizeof msg)) {
        tag = msg[0];
        std::memcpy(&value, msg + 1, sizeof value);
        if (tag == 'E')
            break;
    }
    closeFd(report[0]);
    result.lastErrorLine = streams[1].lastLine;
    if (tag == 'E') {
        result.end =
            value == ENOENT ? CommandResult::End::NotFound : CommandResult::End::NotStarted;
        result.error = QString::fromLocal8Bit(std::strerror(value));
    } else if (tag == 'S') {
        if (WIFSIGNALED(value)) {
            result.end = CommandResult::End::Signalled;
            result.code = WTERMSIG(value);
            result.signal = crashName(result.code);
        } else {
            result.end = CommandResult::End::Exited;
            result.code = WEXITSTATUS(value);
        }
    } else {
        // The guard never reported: it was killed, by us (cancelled) or by someone else.
        result.end = cancelSent ? CommandResult::End::Cancelled : CommandResult::End::Signalled;
        result.code = WIFSIGNALED(guardStatus) ? WTERMSIG(guardStatus) : 0;
        result.signal = crashName(result.code);
    }
    return result;
}

} // namespace procession
