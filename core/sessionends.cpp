// Session: how a worker ends (dropped, crashed, exited, joined) and what that does to
// its calls; join and shutdown.

#include "session.h"
#include "sessionworker.h"

#include "calltable.h"
#include "channel.h"
#include "clock.h"
#include "exitdescription.h"
#include "trace.h"
#include "workerprocess.h"

#include <QDeadlineTimer>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace procession {

using protocol::Message;

void Session::dropWorker(WorkerState *w, EndKind kind, const QString &why)
{
    const bool wasGone = w->phase == WorkerState::Phase::Gone;
    w->phase = WorkerState::Phase::Gone;
    if (!wasGone) {
        w->endKind = kind;
        w->endReason = why;
    }
    if (w->lostTimer)
        w->lostTimer->stop();
    // The call that was running gets the sentence itself; those queued behind it say
    // they never ran.
    bool first = true;
    for (qint64 id : std::as_const(w->inFlight)) {
        if (Call *c = m_calls->find(id)) {
            failCall(c, endKindName(kind),
                     first ? why : QStringLiteral("%1 never ran: %2").arg(c->label, why), w->lane,
                     why);
            first = false;
        }
    }
    for (qint64 id : std::as_const(w->queued))
        if (Call *c = m_calls->find(id))
            failCall(c, endKindName(kind), QStringLiteral("%1 never ran: %2").arg(c->label, why),
                     w->lane, why);
    w->inFlight.clear();
    w->queued.clear();
    w->inFlightBytes = 0;
    if (w->channel) {
        Channel *channel = std::exchange(w->channel, nullptr);
        channel->disconnect(this);
        channel->close();
        channel->deleteLater();
    }
    if (w->process && !w->finished && w->process->isRunning())
        w->process->kill(); // reaped when `finished` arrives
    wake();
}

void Session::onSocketClosed(WorkerState *w)
{
    if (!w->channel)
        return;
    onSocketData(w); // readyRead may come after disconnected: drain first
    if (!w->channel || w->finished)
        return;
    // The process is probably dying: give it a moment so the sentence can name the signal.
    if (!w->lostTimer) {
        w->lostTimer = new QTimer(this);
        w->lostTimer->setSingleShot(true);
        connect(w->lostTimer, &QTimer::timeout, this, [this, w] {
            if (w->phase == WorkerState::Phase::Gone)
                return;
            // Bytes left in the reader are a frame cut short: the worker broke the protocol.
            const qsizetype partial = w->channel ? w->channel->reader().buffered() : 0;
            QString why = QStringLiteral("%1 closed its connection").arg(describe(w->lane));
            if (partial > 0)
                why += QStringLiteral(" in the middle of a frame (%1 bytes of it arrived)")
                           .arg(partial);
            if (!w->inFlight.isEmpty())
                if (Call *c = m_calls->find(w->inFlight.first()))
                    why += QStringLiteral(" while running ") + c->label;
            if (partial > 0)
                record(int(EventType::Error), w->lane, w->pid, -1, 0, why,
                       QStringLiteral("protocol"));
            dropWorker(w, partial > 0 ? EndKind::Protocol : EndKind::Disconnected, why);
        });
    }
    w->lostTimer->start(500);
}

void Session::onOutputLine(WorkerState *w, const QString &line, bool isStderr)
{
    record(int(EventType::Output), w->lane, w->pid, -1, isStderr ? 2 : 1, line,
           isStderr ? QStringLiteral("stderr") : QString());
    if (m_options.onOutput)
        m_options.onOutput(w->lane, line, isStderr);
}

void Session::onProcessFinished(WorkerState *w, const ProcessEnd &end)
{
    if (w->finished)
        return;
    w->finished = true;
    w->process->drainOutput(); // whatever the worker printed last still counts
    // Results already sent still count, the last ones too: they may still be in the
    // kernel's buffer when the process's end is seen (a join after 80 answers of 1 MiB
    // said "exited unexpectedly while running" one time in a few).
    if (w->channel)
        w->channel->takeWhatIsLeft();
    onSocketData(w);

    QString running;
    if (!w->inFlight.isEmpty())
        if (Call *c = m_calls->find(w->inFlight.first()))
            running = QStringLiteral(" while running ") + c->label;

    const QString who = describe(w->lane);
    // Dropped already (protocol error, lost connection, no hello): the signal is our kill.
    const bool dropped = w->phase == WorkerState::Phase::Gone;
    if (end.crashed) {
        const QString why = describeCrash(who, end.code, w->escalation, dropped, running);
        record(int(EventType::Crash), w->lane, w->pid, -1, end.code, why, QStringLiteral("signal"));
        dropWorker(w, EndKind::Crashed, why);
    } else if (w->joining && end.code == 0 && w->inFlight.isEmpty() && w->queued.isEmpty()) {
        w->phase = WorkerState::Phase::Gone;
        w->endKind = EndKind::ExitedOnJoin;
        w->endReason = QStringLiteral("%1 has exited").arg(who);
        record(int(EventType::Exit), w->lane, w->pid, -1, end.code);
        dropWorker(w, w->endKind, w->endReason);
    } else if (dropped) {
        // Already dropped (protocol error, lost connection): only note how it ended.
        record(int(EventType::Exit), w->lane, w->pid, -1, end.code);
    } else if (w->phase == WorkerState::Phase::Starting && end.code == kWorkerExitNoThread) {
        const QString why = QStringLiteral("%1 could not start: the system gave it no thread "
                                           "(the limit on processes, ulimit -u, is reached)")
                                .arg(who);
        record(int(EventType::Crash), w->lane, w->pid, -1, end.code, why, kCrashDetailNoStart);
        dropWorker(w, EndKind::StartFailed, why);
    } else {
        const QString why = describeUnexpectedExit(who, end.code, running);
        record(int(EventType::Crash), w->lane, w->pid, -1, end.code, why, QStringLiteral("exit"));
        dropWorker(w, EndKind::Exited, why);
    }
    wake();
}

bool Session::join(int worker, int timeoutMs, QString *message)
{
    WorkerState *w = state(worker);
    if (!w) {
        if (message)
            *message = QStringLiteral("there is no worker %1").arg(worker);
        return false;
    }
    record(int(EventType::Join), w->lane, w->pid);
    const int t = timeoutMs < 0 ? m_options.joinTimeoutMs : timeoutMs;
    if (!w->finished && !w->joining) {
        w->joining = true;
        // Whatever is still queued goes first, held answers or not; then exit.
        ++w->pushers;
        w->exitWanted = true;
        sendQueued(w);
        if (!waitUntil([w] { return w->finished; }, t) && !w->finished && w->process) {
            w->escalation = {Escalation::Step::TerminatedAfterJoin, t};
            w->process->terminate();
            if (!waitUntil([w] { return w->finished; }, t) && !w->finished) {
                w->escalation = {Escalation::Step::KilledAfterJoin, t};
                w->process->kill();
                waitUntil([w] { return w->finished; }, 5000);
                if (!w->finished)
                    w->process->waitForFinished(5000);
            }
        }
    } else if (!w->finished) {
        waitUntil([w] { return w->finished; }, t);
    }
    const bool clean = w->finished && w->endKind == EndKind::ExitedOnJoin &&
                       w->escalation.step == Escalation::Step::None;
    if (message)
        *message = clean ? QStringLiteral("%1 exited").arg(describe(worker)) : w->endReason;
    return clean;
}

void Session::shutdown()
{
    QList<WorkerState *> alive;
    for (auto &owned : m_workers)
        if (owned->process && !owned->finished)
            alive << owned.get();
    if (alive.isEmpty())
        return;
    const int grace = m_interrupted.load() ? 300 : m_options.joinTimeoutMs;
    for (WorkerState *w : alive) {
        w->joining = true;
        // Calls back-pressure kept unsent never reach it: the waits below run no event loop.
        for (qint64 id : std::as_const(w->queued))
            if (Call *c = m_calls->find(id); c && !c->done)
                failCall(c, QStringLiteral("unsent"),
                         QStringLiteral("%1 never ran: the session ended before it was sent to %2")
                             .arg(c->label, describe(w->lane)),
                         w->lane);
        w->queued.clear();
        if (!std::exchange(w->exitSent, true))
            writeToWorker(w, protocol::encode(Message::exit()));
        w->process->closeWriteChannel();
    }
    // Blocking waits: this also runs from the destructor, where no event loop may spin.
    QDeadlineTimer deadline(grace);
    for (WorkerState *w : alive)
        if (!w->finished)
            w->process->waitForFinished(int(std::max<qint64>(1, deadline.remainingTime())));
    for (WorkerState *w : alive)
        if (!w->finished && w->process->isRunning()) {
            w->escalation = {Escalation::Step::TerminatedAtStop, grace};
            w->process->terminate();
        }
    deadline = QDeadlineTimer(500);
    for (WorkerState *w : alive)
        if (!w->finished)
            w->process->waitForFinished(int(std::max<qint64>(1, deadline.remainingTime())));
    for (WorkerState *w : alive)
        if (!w->finished && w->process->isRunning()) {
            w->escalation = {Escalation::Step::KilledAtStop, grace};
            w->process->kill();
            w->process->waitForFinished(2000);
        }
    for (WorkerState *w : alive)
        if (!w->finished)
            onProcessFinished(w, w->process->end());
}

} // namespace procession
