#include "interruptwatcher.h"

#include <QMetaObject>

#include <atomic>

#include <windows.h>

namespace procession {

namespace {
// Windows calls the handler on a thread of its own: it hands the event to the watcher's
// thread and returns at once.
std::atomic<InterruptWatcher *> g_watcher{nullptr};
std::atomic<bool> g_delivered{false};

BOOL WINAPI onConsoleEvent(DWORD event)
{
    InterruptWatcher *watcher = g_watcher.load();
    if (!watcher)
        return FALSE;
    if (!g_delivered.exchange(true)) {
        const int code = event == CTRL_C_EVENT ? 0 : 1;
        QMetaObject::invokeMethod(
            watcher,
            [watcher, code] {
                emit watcher->requested(code == 0 ? InterruptWatcher::Request::Interrupt
                                                  : InterruptWatcher::Request::Terminate);
            },
            Qt::QueuedConnection);
    }
    if (event == CTRL_CLOSE_EVENT || event == CTRL_LOGOFF_EVENT || event == CTRL_SHUTDOWN_EVENT) {
        // The process ends when this returns: give the run a moment to stop its workers.
        ::Sleep(3000);
    }
    return TRUE;
}
} // namespace

struct InterruptWatcher::Private
{
};

InterruptWatcher::InterruptWatcher(QObject *parent) : QObject(parent)
{
    g_delivered = false;
    g_watcher = this;
    // Ctrl-C handling is inherited: a process started with it ignored would never see it.
    ::SetConsoleCtrlHandler(nullptr, FALSE);
    ::SetConsoleCtrlHandler(onConsoleEvent, TRUE);
}

InterruptWatcher::~InterruptWatcher()
{
    ::SetConsoleCtrlHandler(onConsoleEvent, FALSE);
    g_watcher = nullptr;
}

QString InterruptWatcher::requestName(Request request) const
{
    return request == Request::Interrupt ? QStringLiteral("Ctrl-C") : QStringLiteral("Ctrl-Break");
}

int InterruptWatcher::exitStatusOf(Request request) const
{
    return exitStatus(request);
}

} // namespace procession
