#pragma once

#include <QString>

namespace procession {

// One thing that happened during a run. Small and copyable: events cross threads
// (runner -> GUI) and are written to and read from trace files.
enum class EventType : quint8
{
    RunBegin, // text: scenario id, detail: scenario title
    Fork,     // a worker process was started; lane = its lane, text = lane name
    Ready,    // the worker said hello; pid now known
    Dispatch, // the parent sent a call; text = function, detail = arguments
    Begin,    // the worker began the call (worker's own clock stamp); code = ns it then
              // spent waiting for a CPU (known once it ended)
    End,      // the worker finished the call (worker's own stamp); code = CPU ns used
    Result,   // the parent read a successful result; text = value
    Error,    // the parent read a failed result or gave up on a call; text = message, detail = kind
    AwaitBegin, // the main lane started waiting for a call
    AwaitEnd,   // ... and stopped waiting
    Join,       // the parent asked the worker to exit
    Exit,       // the worker process ended normally; code = exit status
    Crash,    // the worker process died from a signal or unexpectedly, or could not start;
              // code = signal/status, text = sentence, detail = "signal", "exit" or
              // kCrashDetailNoStart
    Output,   // a line the worker (or an in-process call) printed; text = the line
    Phase,    // a named phase of the scenario starts; text = name
    Step,     // the runner starts step number `code` of the scenario; text = its kind
    Rejected, // a connection that was not one of our workers was dropped; text = why
    RunEnd,   // the run finished; code = 0 ok, 1 failed, 130/143 interrupted; text = message
    Unsent,   // a call that was never sent (its worker never started or was gone), recorded
              // before its Error; text = function, detail = arguments
};

// The detail of a Crash event for a worker that never started (no process, no thread).
inline const QString kCrashDetailNoStart = QStringLiteral("start");

struct TraceEvent
{
    qint64 t = 0; // ns on the monotonic clock (see clock.h)
    EventType type = EventType::RunBegin;
    int lane = 0; // 0 = main process, 1..n = worker n
    qint64 pid = 0;
    qint64 call = -1; // call id, or -1
    qint64 code = 0;
    QString text;
    QString detail;
};

QString eventTypeName(EventType type);
bool eventTypeFromName(const QString &name, EventType *type);

} // namespace procession
