#pragma once

#include "calloutcome.h"

#include <QCborArray>
#include <QCborMap>
#include <QString>

#include <memory>
#include <vector>

namespace procession {

// One call made through a Session, from callAsync to its outcome.
struct Call
{
    qint64 id = -1;
    int lane = 0;
    QString function;
    QCborArray args;
    QCborMap kwargs;
    QString argsText; // the arguments as the trace shows them
    QString label;    // "square(7)", the arguments clipped
    bool sent = false;
    bool done = false;
    bool awaited = false;
    // Bytes this call holds in the pipe to its worker: its frame while it is in flight,
    // its answer's frame once answered and not yet awaited (see Session::sendQueued).
    qint64 wireBytes = 0;
    bool held = false; // answered, its answer counted as held until awaited
    CallOutcome outcome;
};

// Every call of a session by id. Ids count from 1 and are never reused; a call lives as
// long as the table.
class CallTable
{
public:
    // A new call of fn on lane, its id the next one.
    Call *add(int lane, const QString &fn);
    // A new call of fn(args, kwargs) on lane, with its trace text and label.
    Call *add(int lane, const QString &fn, const QCborArray &args, const QCborMap &kwargs);
    Call *find(qint64 id) const;

private:
    std::vector<std::unique_ptr<Call>> m_calls;
};

} // namespace procession
