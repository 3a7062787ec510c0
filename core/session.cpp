#include "session.h"
#include "sessionworker.h"

#include "calltable.h"
#include "channel.h"
#include "clock.h"
#include "exitdescription.h"
#include "hellogate.h"
#include "processbudget.h"
#include "registry.h"
#include "tasklibraries.h"
#include "trace.h"
#include "workerprocess.h"

#include <QCoreApplication>
#include <QLocalSocket>

#include <algorithm>
#include <utility>

namespace procession {

using protocol::FrameReader;
using protocol::Message;

namespace {
// How many bytes of calls a worker may have in its pipe (sent and not answered, or answered
// and not awaited) before the rest wait, unencoded, in its queue: 2,000 calls of 8 MiB
// queued at once used to be encoded at once, 16 GB. Small calls still go by the hundred
// thousand in one write.
constexpr qint64 kPipeBytes = 32 * 1024 * 1024;
} // namespace

Session::Session(Trace *trace, SessionOptions options, QObject *parent)
    : QObject(parent), m_trace(trace), m_options(std::move(options)),
      m_gate(new HelloGate(
          m_options.helloTimeoutMs,
          [this](QLocalSocket *socket, const Message &hello) { return claim(socket, hello); },
          this)),
      m_calls(std::make_unique<CallTable>()), m_selfPid(QCoreApplication::applicationPid())
{
    if (m_options.program.isEmpty())
        m_options.program = QCoreApplication::applicationFilePath();
    connect(m_gate, &HelloGate::rejected, this,
            [this](const QString &why) { record(int(EventType::Rejected), 0, 0, -1, 0, why); });
}

Session::~Session()
{
    shutdown();
    delete m_gate;
}

void Session::record(int type, int lane, qint64 pid, qint64 call, qint64 code, const QString &text,
                     const QString &detail)
{
    recordAt(nowNs(), type, lane, pid, call, code, text, detail);
}

void Session::recordAt(qint64 t, int type, int lane, qint64 pid, qint64 call, qint64 code,
                       const QString &text, const QString &detail)
{
    if (!m_trace)
        return;
    TraceEvent e;
    e.t = t;
    e.type = EventType(type);
    e.lane = lane;
    e.pid = pid;
    e.call = call;
    e.code = code;
    e.text = text;
    e.detail = detail;
    m_trace->append(std::move(e));
}

bool Session::listen(QString *error)
{
    return m_gate->listen(error);
}

QString Session::serverName() const
{
    return m_gate->serverName();
}

int Session::rejectedConnections() const
{
    return m_gate->rejectedConnections();
}

WorkerState *Session::state(int worker) const
{
    if (worker < 1 || worker > int(m_workers.size()))
        return nullptr;
    return m_workers[size_t(worker - 1)].get();
}

int Session::workerCount() const
{
    return int(m_workers.size());
}

qint64 Session::pid(int worker) const
{
    const WorkerState *w = state(worker);
    return w ? w->pid : 0;
}

bool Session::isAlive(int worker) const
{
    const WorkerState *w = state(worker);
    return w && w->phase != WorkerState::Phase::Gone;
}

QString Session::describe(int worker) const
{
    const WorkerState *w = state(worker);
    if (w && w->pid > 0)
        return QStringLiteral("worker %1 (pid %2)").arg(worker).arg(w->pid);
    return QStringLiteral("worker %1").arg(worker);
}

int Session::fork()
{
    auto owned = std::make_unique<WorkerState>();
    WorkerState *w = owned.get();
    m_workers.push_back(std::move(owned));
    w->lane = int(m_workers.size());
    w->token = HelloGate::newToken();

    record(int(EventType::Fork), w->lane, 0, -1, 0, QStringLiteral("worker %1").arg(w->lane));

    QString error;
    if (m_interrupted || !listen(&error)) {
        w->phase = WorkerState::Phase::Gone;
        w->finished = true;
        w->endKind = EndKind::StartFailed;
        w->endReason =
            m_interrupted ? QStringLiteral("the run was interrupted")
                          : QStringLiteral("worker %1 could not start: %2").arg(w->lane).arg(error);
        record(int(EventType::Crash), w->lane, 0, -1, -1, w->endReason, kCrashDetailNoStart);
        return w->lane;
    }

    w->process = new WorkerProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The token goes in the environment, never in argv: every user can read argv.
    env.insert(QStringLiteral("PROCESSION_TOKEN"), QString::fromLatin1(w->token.toHex()));
    env.insert(QStringLiteral("PROCESSION_PARENT_PID"),
               QString::number(QCoreApplication::applicationPid()));
    connect(w->process, &WorkerProcess::outputLine, this,
            [this, w](const QString &line, bool isStderr) { onOutputLine(w, line, isStderr); });
    connect(w->process, &WorkerProcess::finished, this,
            [this, w](const ProcessEnd &end) { onProcessFinished(w, end); });
    connect(w->process, &WorkerProcess::failedToStart, this, [this, w] { onProcessError(w); });
    QStringList arguments = QStringList(m_options.arguments)
                            << m_gate->serverName() << QString::number(w->lane);
    for (const QString &library : TaskLibraries::paths()) // the parent's task libraries
        arguments << QStringLiteral("--tasks") << library;
    w->process->start(m_options.program, arguments, env);
    if (w->process->pid() > 0)
        w->pid = w->process->pid();
    return w->lane;
}

void Session::onProcessError(WorkerState *w)
{
    if (w->finished)
        return;
    w->finished = true;
    const QString why = QStringLiteral("worker %1 could not start %2: %3")
                            .arg(w->lane)
                            .arg(m_options.program, w->process->errorString());
    record(int(EventType::Crash), w->lane, 0, -1, -1, why, kCrashDetailNoStart);
    dropWorker(w, EndKind::StartFailed, why);
}

bool Session::claim(QLocalSocket *socket, const Message &hello)
{
    WorkerState *w = nullptr;
    for (auto &owned : m_workers) {
        if (owned->phase == WorkerState::Phase::Starting && !owned->channel &&
            HelloGate::sameToken(owned->token, hello.token)) {
            w = owned.get();
            break;
        }
    }
    if (!w)
        return false;
    w->channel = new Channel(socket, m_options.maxFrame, this);
    if (w->pid == 0)
        w->pid = hello.pid;
    w->phase = WorkerState::Phase::Ready;
    w->token.fill('\0');
    record(int(EventType::Ready), w->lane, w->pid);
    connect(w->channel, &Channel::readyRead, this, [this, w] { onSocketData(w); });
    connect(w->channel, &Channel::disconnected, this, [this, w] { onSocketClosed(w); });
    sendQueued(w);
    onSocketData(w);
    wake();
    return true;
}

void Session::sendQueued(WorkerState *w)
{
    if (w->phase != WorkerState::Phase::Ready || w->exitSent)
        return;
    QByteArray out;
    qsizetype taken = 0;
    for (; taken < w->queued.size(); ++taken) {
        const qint64 id = w->queued.at(taken);
        Call *c = m_calls->find(id);
        if (!c || c->done)
            continue;
        // Back-pressure: calls go while the pipe holds less than kPipeBytes (answers nobody
        // awaits count too, unless someone waits for the calls behind them).
        const qint64 inPipe = w->inFlightBytes + (w->pushers > 0 ? 0 : w->heldBytes);
        if (inPipe >= kPipeBytes)
            break;
        const qsizetype before = out.size();
        protocol::encodeInto(Message::call(c->id, c->function, c->args, c->kwargs), out);
        // The worker drops the connection on a frame past its limit: refuse the one call
        // here instead of losing the worker and everything queued on it.
        const qsizetype frame = out.size() - before - protocol::HeaderSize;
        if (frame > qsizetype(protocol::DefaultMaxFrame)) {
            out.truncate(before);
            failCall(c, QStringLiteral("too-large"),
                     QStringLiteral("%1 was not sent to %2: its frame would be %3 bytes, more than "
                                    "the limit of %4 bytes")
                         .arg(c->label, describe(w->lane))
                         .arg(frame)
                         .arg(protocol::DefaultMaxFrame),
                     w->lane);
            continue;
        }
        c->sent = true;
        c->wireBytes = out.size() - before;
        w->inFlightBytes += c->wireBytes;
        w->inFlight.append(id);
        record(int(EventType::Dispatch), w->lane, w->pid, c->id, 0, c->function, c->argsText);
        // Sent and traced: the arguments are not needed again (a million calls, or a few
        // large ones, would otherwise all stay in memory until the session ends).
        c->args = QCborArray();
        c->kwargs = QCborMap();
        c->argsText = QString();
    }
    w->queued.remove(0, taken);
    if (w->exitWanted && w->queued.isEmpty()) {
        protocol::encodeInto(Message::exit(), out);
        w->exitSent = true;
    }
    if (!out.isEmpty())
        writeToWorker(w, out);
}

qint64 Session::callAsync(int worker, const QString &fn, const QCborArray &args,
                          const QCborMap &kwargs)
{
    const qint64 id = newCall(worker, fn, args, kwargs);
    if (WorkerState *w = state(worker))
        sendQueued(w);
    return id;
}

QList<qint64> Session::callAsyncMany(int worker, const QString &fn,
                                     const QList<QCborArray> &argsList)
{
    QList<qint64> ids;
    ids.reserve(argsList.size());
    for (const QCborArray &args : argsList)
        ids.append(newCall(worker, fn, args, {}));
    if (WorkerState *w = state(worker))
        sendQueued(w); // one write for the lot
    return ids;
}

qint64 Session::newCall(int worker, const QString &fn, const QCborArray &args,
                        const QCborMap &kwargs)
{
    Call *c = m_calls->add(worker, fn, args, kwargs);

    WorkerState *w = state(worker);
    if (!w) {
        failCall(c, QStringLiteral("no-such-worker"),
                 QStringLiteral("there is no worker %1 to run %2").arg(worker).arg(c->label), 0);
        return c->id;
    }
    w->unawaited.append(c->id);
    if (w->phase == WorkerState::Phase::Gone || w->joining) {
        const QString why = w->phase == WorkerState::Phase::Gone
                                ? w->endReason
                                : QStringLiteral("%1 is being joined").arg(describe(worker));
        failCall(c, endKindName(w->endKind), QStringLiteral("cannot run %1: %2").arg(c->label, why),
                 worker, why);
        return c->id;
    }
    w->queued.append(c->id);
    return c->id;
}

int Session::liveProcesses() const
{
    int live = 0;
    for (const auto &w : m_workers)
        live += w->finished ? 0 : 1;
    return live;
}

// Each process costs the parent descriptors. Under ulimit -n 1024, 1,000 one-shot processes
// started at once made 797 calls fail with "Too many open files": past what the limit
// allows, a new one waits until a one-shot process has answered, and that one is joined
// now instead of when its call is awaited.
void Session::makeRoomForAProcess()
{
    if (m_processLimit < 0)
        m_processLimit = liveProcesses() + processesTheDescriptorLimitAllows();
    auto answered = [this]() -> WorkerState * {
        for (const auto &w : m_workers)
            if (w->oneShot && !w->finished && !w->joining &&
                w->phase == WorkerState::Phase::Ready && w->inFlight.isEmpty() &&
                w->queued.isEmpty())
                return w.get();
        return nullptr;
    };
    auto oneShotsAlive = [this] {
        for (const auto &w : m_workers)
            if (w->oneShot && !w->finished)
                return true;
        return false;
    };
    while (liveProcesses() >= m_processLimit && !m_interrupted.load()) {
        if (WorkerState *w = answered()) {
            join(w->lane);
            continue;
        }
        if (!oneShotsAlive()) // only pool workers: nothing here will make room
            return;
        waitUntil([&] { return liveProcesses() < m_processLimit || answered(); }, -1);
    }
}

qint64 Session::callAsync(const QString &fn, const QCborArray &args, const QCborMap &kwargs)
{
    makeRoomForAProcess();
    const int worker = fork();
    state(worker)->oneShot = true;
    return callAsync(worker, fn, args, kwargs);
}

CallOutcome Session::callHere(const QString &fn, const QCborArray &args, const QCborMap &kwargs)
{
    Call *c = m_calls->add(0, fn);
    c->outcome.pid = m_selfPid;
    const qint64 pid = c->outcome.pid;
    TaskContext ctx;
    ctx.print = [this, pid](const QString &line) {
        record(int(EventType::Output), 0, pid, -1, 0, line);
        if (m_options.onOutput)
            m_options.onOutput(0, line, false);
    };
    ctx.printError = [this, pid](const QString &line) {
        record(int(EventType::Output), 0, pid, -1, 2, line, QStringLiteral("stderr"));
        if (m_options.onOutput)
            m_options.onOutput(0, line, true);
    };
    ctx.cancelled = [this] { return m_interrupted.load(); };
    record(int(EventType::Begin), 0, pid, c->id, 0, fn, protocol::displayArgs(args, kwargs));
    const qint64 cpu0 = threadCpuNs();
    const Registry::Outcome out = Registry::available().call(fn, args, kwargs, ctx);
    record(int(EventType::End), 0, pid, c->id, threadCpuNs() - cpu0);
    c->done = true;
    c->awaited = true;
    c->outcome.ok = out.ok;
    if (out.ok) {
        c->outcome.value = out.value;
        record(int(EventType::Result), 0, pid, c->id, 0, protocol::displayText(out.value));
    } else {
        c->outcome.errorKind = out.errorKind;
        c->outcome.error = out.errorMessage;
        record(int(EventType::Error), 0, pid, c->id, 0, out.errorMessage, out.errorKind);
    }
    // Let output and other workers' events be seen between in-process calls.
    QCoreApplication::processEvents();
    return c->outcome;
}

void Session::onSocketData(WorkerState *w)
{
    while (w->channel && w->channel->readAvailable())
        if (!takeFrames(w))
            return;
}

bool Session::takeFrames(WorkerState *w)
{
    Message m;
    for (;;) {
        const FrameReader::Status status = w->channel->reader().next(&m);
        if (status == FrameReader::Status::NeedMore) {
            if (!w->queued.isEmpty() || (w->exitWanted && !w->exitSent))
                sendQueued(w); // the answers made room in the pipe
            return true;
        }
        if (status == FrameReader::Status::Error) {
            const QString why =
                QStringLiteral("%1 sent a malformed frame (%2); its connection was dropped")
                    .arg(describe(w->lane), w->channel->reader().errorString());
            record(int(EventType::Error), w->lane, w->pid, -1, 0, why, QStringLiteral("protocol"));
            dropWorker(w, EndKind::Protocol, why);
            return false;
        }
        if ((m.kind != Message::Kind::Result && m.kind != Message::Kind::Error) ||
            w->inFlight.isEmpty() || w->inFlight.first() != m.id) {
            const QString why =
                QStringLiteral(
                    "%1 sent an unexpected %2 message (call id %3); its connection was dropped")
                    .arg(describe(w->lane), protocol::kindName(m.kind))
                    .arg(m.id);
            record(int(EventType::Error), w->lane, w->pid, -1, 0, why, QStringLiteral("protocol"));
            dropWorker(w, EndKind::Protocol, why);
            return false;
        }
        w->inFlight.removeFirst();
        w->lastAnswerNs = nowNs();
        if (Call *c = m_calls->find(m.id)) {
            w->inFlightBytes -= c->wireBytes;
            // Held until awaited: its value is in the session's memory now.
            c->held = !c->awaited;
            c->wireBytes = c->held ? w->channel->reader().lastFrameSize() : 0;
            w->heldBytes += c->wireBytes;
            finishCall(c, m, w);
        }
        if (w->channel->reader().holdsLargeBuffer())
            w->channel->keepLargeBufferAWhile();
    }
}

void Session::writeToWorker(WorkerState *w, const QByteArray &bytes)
{
    if (w->channel)
        w->channel->write(bytes);
}

void Session::handOutboxesToSockets()
{
    // The event loop is about to run: whatever the direct path has not sent yet goes to
    // QLocalSocket, which sends it as the worker takes it.
    for (auto &owned : m_workers)
        if (owned->channel)
            owned->channel->handOutboxToSocket();
}

bool Session::waitForWorker(WorkerState *w, int timeoutMs, bool spin)
{
    switch (w->channel->wait(timeoutMs, spin, m_spin)) {
    case Channel::Wait::Read:
        takeFrames(w);
        return true;
    case Channel::Wait::Progress:
        return true;
    case Channel::Wait::Idle:
        break;
    }
    return false;
}

void Session::finishCall(Call *c, const Message &m, WorkerState *w)
{
    // The worker's own stamps, on the shared monotonic clock, and the answer: recorded
    // together, under one lock.
    TraceEvent events[3];
    auto fill = [&](TraceEvent &e, qint64 t, EventType type, qint64 code) {
        e.t = t;
        e.type = type;
        e.lane = w->lane;
        e.pid = w->pid;
        e.call = c->id;
        e.code = code;
    };
    fill(events[0], m.begin, EventType::Begin, m.waitNs);
    fill(events[1], m.end, EventType::End, m.cpuNs);
    qsizetype count = 2;
    if (!c->done) { // else abandoned after a timeout: the late answer is only recorded
        c->done = true;
        c->outcome.pid = w->pid;
        c->outcome.ok = m.kind == Message::Kind::Result;
        if (c->outcome.ok) {
            c->outcome.value = m.value;
            fill(events[2], nowNs(), EventType::Result, 0);
            events[2].text = protocol::displayText(m.value);
        } else {
            c->outcome.errorKind = m.errorKind;
            c->outcome.error = QStringLiteral("%1 failed on %2: %3")
                                   .arg(c->label, describe(w->lane), m.errorMessage);
            fill(events[2], nowNs(), EventType::Error, 0);
            events[2].text = c->outcome.error;
            events[2].detail = m.errorKind;
        }
        count = 3;
    }
    if (m_trace)
        m_trace->append(events, count);
}

void Session::failCall(Call *c, const QString &kind, const QString &message, int lane,
                       const QString &cause)
{
    if (c->done)
        return;
    c->done = true;
    c->outcome.ok = false;
    c->outcome.errorKind = kind;
    c->outcome.error = message;
    c->outcome.cause = cause;
    if (const WorkerState *w = state(c->lane))
        c->outcome.pid = w->pid;
    if (!c->sent && c->lane != 0) // else the trace would show it as "()"
        record(int(EventType::Unsent), lane, c->outcome.pid, c->id, 0, c->function, c->argsText);
    record(int(EventType::Error), lane, c->outcome.pid, c->id, 0, message, kind);
}

} // namespace procession
