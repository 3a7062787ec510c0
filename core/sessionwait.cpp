// Session: waiting. Awaits block on the answering worker's socket (after a short spin),
// or spin the event loop when the answer may come from anywhere.

#include "session.h"
#include "sessionworker.h"

#include "calltable.h"
#include "channel.h"
#include "clock.h"
#include "exitdescription.h"
#include "trace.h"
#include "workerprocess.h"

#include <QAbstractEventDispatcher>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <optional>
#include <utility>

namespace procession {

using protocol::Message;

namespace {
// How long an await blocks on the answering worker's socket before it lets the event
// loop look at everything else.
constexpr qint64 kFastWaitSliceMs = 5;
} // namespace

bool Session::waitUntil(const std::function<bool()> &done, int timeoutMs, WorkerState *source)
{
    if (done())
        return true;
    QDeadlineTimer deadline =
        timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(timeoutMs);
    // Made when first needed: an await answered through the worker's socket needs neither,
    // and building and destroying the two QObjects cost ~1,000 instructions per round trip
    // (callgrind).
    std::optional<QTimer> timer;
    std::optional<QEventLoop> loop;
    auto eventLoop = [&loop]() -> QEventLoop & {
        if (!loop)
            loop.emplace();
        return *loop;
    };
    bool spin = true; // at the start of the wait only
    while (!done()) {
        if (m_interrupted.load() || deadline.hasExpired())
            return done();
        if (source && source->channel && source->phase == WorkerState::Phase::Ready &&
            !source->channel->peerClosed()) {
            // The answer can only come through this socket: block on it alone, so a round
            // trip costs what the kernel costs, not an event-loop trip (a poll over every
            // descriptor plus wake-ups). Short slices, each followed by a non-blocking
            // pass of the event loop, keep other workers' output and exits and
            // interrupt() seen within a few milliseconds.
            const qint64 slice = deadline.isForever()
                                     ? kFastWaitSliceMs
                                     : std::min<qint64>(kFastWaitSliceMs, deadline.remainingTime());
            if (!waitForWorker(source, int(std::max<qint64>(0, slice)),
                               std::exchange(spin, false))) {
                handOutboxesToSockets();
                eventLoop().processEvents(QEventLoop::AllEvents); // timed out, or the socket closed
            }
            continue;
        }
        if (!deadline.isForever()) {
            if (!timer) {
                timer.emplace();
                timer->setSingleShot(true);
            }
            timer->start(int(std::max<qint64>(1, deadline.remainingTime())));
        }
        handOutboxesToSockets();
        eventLoop().processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

void Session::wake()
{
    // Only another thread (interrupt()) needs to wake this one up: on its own thread every
    // wait re-checks its condition after each event it handles, and a needless wake-up
    // costs a write, a poll and a read on every call.
    if (QThread::currentThread() == thread())
        return;
    if (QAbstractEventDispatcher *d = QAbstractEventDispatcher::instance(thread()))
        d->wakeUp();
}

void Session::interrupt()
{
    m_interrupted.store(true);
    wake();
}

void Session::idle(int ms)
{
    waitUntil([] { return false; }, ms);
}

bool Session::waitReady(int worker, int timeoutMs, QString *error)
{
    WorkerState *w = state(worker);
    if (!w) {
        if (error)
            *error = QStringLiteral("there is no worker %1").arg(worker);
        return false;
    }
    const int t = timeoutMs < 0 ? m_options.readyTimeoutMs : timeoutMs;
    waitUntil([w] { return w->phase != WorkerState::Phase::Starting; }, t);
    if (w->phase == WorkerState::Phase::Ready)
        return true;
    if (w->phase == WorkerState::Phase::Starting) {
        const QString why =
            m_interrupted.load()
                ? QStringLiteral("the run was interrupted before %1 was ready")
                      .arg(describe(worker))
                : QStringLiteral("%1 did not say hello within %2 ms").arg(describe(worker)).arg(t);
        dropWorker(w, m_interrupted.load() ? EndKind::Interrupted : EndKind::StartTimeout, why);
    }
    if (error)
        *error = w->endReason;
    return false;
}

bool Session::waitAllReady(int timeoutMs, QString *error)
{
    const int t = timeoutMs < 0 ? m_options.readyTimeoutMs : timeoutMs;
    QDeadlineTimer deadline(t);
    bool ok = true;
    for (int i = 1; i <= workerCount(); ++i) {
        QString e;
        if (state(i)->phase == WorkerState::Phase::Starting &&
            !waitReady(i, int(std::max<qint64>(0, deadline.remainingTime())), &e)) {
            if (ok && error)
                *error = e;
            ok = false;
        }
    }
    return ok;
}

CallOutcome Session::callAwait(int worker, int timeoutMs)
{
    WorkerState *w = state(worker);
    if (!w || w->unawaited.isEmpty()) {
        CallOutcome out;
        out.worker = worker;
        out.errorKind = QStringLiteral("nothing-to-await");
        out.error = w ? QStringLiteral("%1 has no call left to await").arg(describe(worker))
                      : QStringLiteral("there is no worker %1").arg(worker);
        return out;
    }
    return awaitCall(w->unawaited.first(), timeoutMs);
}

CallOutcome Session::awaitCall(qint64 id, int timeoutMs, int stepLimitMs, qint64 stepStartNs)
{
    Call *c = m_calls->find(id);
    if (!c) {
        CallOutcome out;
        out.call = id;
        out.errorKind = QStringLiteral("no-such-call");
        out.error = QStringLiteral("there is no call %1 to await").arg(id);
        return out;
    }
    WorkerState *w = state(c->lane);
    const int t = timeoutMs < 0 ? m_options.awaitTimeoutMs : timeoutMs;
    record(int(EventType::AwaitBegin), 0, m_selfPid, c->id, 0, c->label);
    // Answers held for calls nobody awaited yet must not keep this one from being sent.
    const bool push = w && !c->sent && !c->done;
    if (push) {
        ++w->pushers;
        sendQueued(w);
    }
    if (w && stepLimitMs >= 0 && stepStartNs >= 0) {
        for (;;) {
            const qint64 quietFrom = std::max(stepStartNs, w->lastAnswerNs);
            const qint64 leftMs =
                (quietFrom + qint64(stepLimitMs) * 1000000 - nowNs() + 999999) / 1000000;
            waitUntil([c] { return c->done; }, int(std::clamp<qint64>(leftMs, 0, 1 << 30)), w);
            if (c->done || m_interrupted.load() || w->lastAnswerNs <= quietFrom)
                break; // done, or the worker said nothing for the whole limit
        }
    } else {
        waitUntil([c] { return c->done; }, t, w);
    }
    if (push)
        --w->pushers;
    if (!c->done) {
        const QString who = w ? describe(c->lane) : QStringLiteral("worker %1").arg(c->lane);
        if (m_interrupted.load())
            failCall(c, QStringLiteral("interrupted"),
                     QStringLiteral("the run was interrupted while waiting for %1 on %2")
                         .arg(c->label, who),
                     c->lane);
        else if (stepLimitMs >= 0)
            failCall(c, QStringLiteral("timeout"),
                     QStringLiteral("%1 did not answer within %2 s; %3 not finished")
                         .arg(who)
                         .arg(stepLimitMs / 1000.0, 0, 'f', 1)
                         .arg(c->label),
                     c->lane);
        else
            failCall(c, QStringLiteral("timeout"),
                     QStringLiteral("timed out after %1 s waiting for %2 to finish %3")
                         .arg(t / 1000.0, 0, 'f', 1)
                         .arg(who, c->label),
                     c->lane);
    }
    record(int(EventType::AwaitEnd), 0, m_selfPid, c->id);
    c->awaited = true;
    if (w) {
        if (std::exchange(c->held, false)) // else still in flight (timed out), or never sent
            w->heldBytes -= std::exchange(c->wireBytes, 0);
        sendQueued(w); // room for the calls behind it
        w->unawaited.removeOne(c->id);
        // One process per call: awaiting the call also joins its process, as in the recipe.
        if (w->oneShot && w->unawaited.isEmpty() && w->phase != WorkerState::Phase::Gone)
            join(c->lane);
    }
    // The value is handed over once: the session keeps no results (eight MiB each, or a
    // million small ones) after they were awaited. Awaiting again says the call was.
    CallOutcome out = std::move(c->outcome);
    c->outcome = CallOutcome();
    c->outcome.call = out.call;
    c->outcome.worker = out.worker;
    c->outcome.pid = out.pid;
    c->outcome.ok = out.ok;
    c->outcome.errorKind = out.errorKind;
    c->outcome.error = out.ok ? QString() : out.error;
    return out;
}

} // namespace procession
