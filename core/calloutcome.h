#pragma once

#include <QCborValue>
#include <QString>

namespace procession {

// What came back from a call: its value, or an error that says what happened.
struct CallOutcome
{
    qint64 call = -1;
    bool ok = false;
    QCborValue value;
    QString errorKind; // unknown-function, bad-arguments, task-error, crashed, timeout,
                       // protocol, start-failed, interrupted, ...
    QString error;     // one sentence, e.g. "worker 3 (pid 4812) crashed with SIGSEGV
                       // while running square(7)"
    QString cause;     // what made it fail, without naming the call: the same for every call
                       // a worker's end took along (empty: the error is its own cause)
    int worker = 0;
    qint64 pid = 0;
};

} // namespace procession
