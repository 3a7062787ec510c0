#include "interruptwatcher.h"

#include <QList>
#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace procession {

namespace {
// The handler only writes the signal's number here; the notifier reads it in the loop.
int g_pipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char byte = char(signal);
    if (g_pipe[1] >= 0) {
        [[maybe_unused]] const auto n = ::write(g_pipe[1], &byte, 1);
    }
}

// Every signal whose default action would end the run without a word (and leave the
// server's directory behind). SIGPIPE and SIGXFSZ are not here: they are write errors,
// handled where the write is.
struct Watched
{
    int number;
    const char *name;
};
const Watched kWatched[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"}, {SIGTERM, "SIGTERM"},
    {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},     {SIGALRM, "SIGALRM"}, {SIGVTALRM, "SIGVTALRM"},
    {SIGPROF, "SIGPROF"}, {SIGXCPU, "SIGXCPU"},
#if defined(Q_OS_LINUX)
    {SIGPWR, "SIGPWR"},   {SIGSTKFLT, "SIGSTKFLT"}, {SIGPOLL, "SIGPOLL"},
#endif
};

QList<int> watchedSignals()
{
    QList<int> out;
    for (const Watched &w : kWatched)
        out << w.number;
#if defined(SIGRTMIN)
    for (int s = SIGRTMIN; s <= SIGRTMAX; ++s)
        out << s;
#endif
    return out;
}

QString nameOf(int signal)
{
    for (const Watched &w : kWatched)
        if (w.number == signal)
            return QLatin1String(w.name);
#if defined(SIGRTMIN)
    if (signal >= SIGRTMIN && signal <= SIGRTMAX)
        return QStringLiteral("SIGRTMIN+%1").arg(signal - SIGRTMIN);
#endif
    return QStringLiteral("signal %1").arg(signal);
}
} // namespace

struct InterruptWatcher::Private
{
    QSocketNotifier *notifier = nullptr;
    int signal = 0; // the one that came
};

InterruptWatcher::InterruptWatcher(QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    // Not SOCK_CLOEXEC in the type: macOS has no such flag.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_pipe) != 0)
        return;
    for (int fd : g_pipe)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    d->notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(d->notifier, &QSocketNotifier::activated, this, [this] {
        char sig = 0;
        if (::read(g_pipe[0], &sig, 1) != 1)
            return;
        d->notifier->setEnabled(false); // the first request decides
        d->signal = int(uchar(sig));
        emit requested(d->signal == SIGINT || d->signal == SIGQUIT ? Request::Interrupt
                                                                   : Request::Terminate);
    });
    struct sigaction sa
    {
    };
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int signal : watchedSignals())
        sigaction(signal, &sa, nullptr);
}

InterruptWatcher::~InterruptWatcher()
{
    for (int signal : watchedSignals())
        std::signal(signal, SIG_DFL);
    if (g_pipe[0] >= 0) {
        delete d->notifier;
        const int write = g_pipe[1];
        g_pipe[1] = -1;
        ::close(write);
        ::close(g_pipe[0]);
        g_pipe[0] = -1;
    }
}

QString InterruptWatcher::requestName(Request request) const
{
    if (d->signal)
        return nameOf(d->signal);
    return request == Request::Interrupt ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM");
}

int InterruptWatcher::exitStatusOf(Request request) const
{
    return d->signal ? 128 + d->signal : exitStatus(request);
}

} // namespace procession
