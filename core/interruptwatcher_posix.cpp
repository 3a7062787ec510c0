#include "interruptwatcher.h"

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
} // namespace

struct InterruptWatcher::Private
{
    QSocketNotifier *notifier = nullptr;
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
        emit requested(sig == SIGINT ? Request::Interrupt : Request::Terminate);
    });
    struct sigaction sa
    {
    };
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

InterruptWatcher::~InterruptWatcher()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
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
    return request == Request::Interrupt ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM");
}

} // namespace procession
