#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace procession {

// Turns the user's requests to stop (POSIX: SIGINT, SIGTERM and every other signal whose
// default action would end the run without a word: SIGHUP, SIGQUIT, SIGUSR1, ...; Windows: Ctrl-C,
// Ctrl-Break, the console closing) into a signal in the event loop, where the run can stop its
// workers in order. One at a time; the defaults come back when it is destroyed.
// interruptwatcher_posix.cpp (a self-pipe), interruptwatcher_win.cpp
// (SetConsoleCtrlHandler).
class InterruptWatcher : public QObject
{
    Q_OBJECT

public:
    enum class Request
    {
        Interrupt, // SIGINT, Ctrl-C: exit status 130
        Terminate, // SIGTERM, Ctrl-Break, console closed: exit status 143
    };

    explicit InterruptWatcher(QObject *parent = nullptr);
    ~InterruptWatcher() override;

    // What the platform calls the request: "SIGINT", "Ctrl-C", "SIGHUP", ...
    QString requestName(Request request) const;
    static int exitStatus(Request request) { return request == Request::Interrupt ? 130 : 143; }
    // The exit status for the request that came: on POSIX 128 + the signal's number (every
    // signal whose default action ends the process is watched: SIGHUP 129, SIGQUIT 131, ...).
    int exitStatusOf(Request request) const;

signals:
    void requested(procession::InterruptWatcher::Request request);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace procession
