#pragma once

// Inside Session: what it keeps of each worker. Shared by session.cpp (start-up, calls),
// sessionwait.cpp (awaits) and sessionends.cpp (how workers end).

#include "exitdescription.h"

#include <QByteArray>
#include <QList>

class QTimer;

namespace procession {

class Channel;
class WorkerProcess;

struct WorkerState
{
    enum class Phase
    {
        Starting,
        Ready,
        Gone
    };
    int lane = 0;
    WorkerProcess *process = nullptr;
    Channel *channel = nullptr; // from its hello until it is dropped
    QByteArray token;
    qint64 pid = 0;
    Phase phase = Phase::Starting;
    bool oneShot = false;
    bool joining = false;
    bool finished = false;    // the process has ended and been reaped
    QList<qint64> queued;     // not sent yet (not ready, or the pipe is full)
    QList<qint64> inFlight;   // sent, no answer yet (answers come in order)
    qint64 inFlightBytes = 0; // their frames
    qint64 heldBytes = 0;     // answers taken and not awaited yet
    qint64 lastAnswerNs = -1; // when its latest answer (result or error) arrived
    int pushers = 0; // awaits or a join waiting for what is queued: answers held do not count
    bool exitWanted = false; // joined: send exit once everything queued is sent
    bool exitSent = false;
    QList<qint64> unawaited;         // for callAwait(worker): calls nobody awaited yet
    EndKind endKind = EndKind::None; // why calls on it fail
    QString endReason;               // sentence
    QTimer *lostTimer = nullptr;
    Escalation escalation; // how far join or shutdown had to go
};

} // namespace procession
