#include "session.h"

#include "clock.h"
#include "registry.h"
#include "trace.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstring>

#include <algorithm>
#include <optional>
#include <utility>

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#endif
#if defined(Q_OS_LINUX)
#include <sys/prctl.h>
#endif

namespace procession {

using protocol::FrameReader;
using protocol::Message;

QString signalName(int signal)
{
    switch (signal) {
    case SIGSEGV:
        return QStringLiteral("SIGSEGV");
    case SIGABRT:
        return QStringLiteral("SIGABRT");
    case SIGKILL:
        return QStringLiteral("SIGKILL");
    case SIGTERM:
        return QStringLiteral("SIGTERM");
    case SIGINT:
        return QStringLiteral("SIGINT");
    case SIGFPE:
        return QStringLiteral("SIGFPE");
    case SIGILL:
        return QStringLiteral("SIGILL");
#if defined(Q_OS_UNIX)
    case SIGBUS:
        return QStringLiteral("SIGBUS");
    case SIGPIPE:
        return QStringLiteral("SIGPIPE");
    case SIGHUP:
        return QStringLiteral("SIGHUP");
#endif
    default:
        return QStringLiteral("signal %1").arg(signal);
    }
}

struct Session::Call
{
    qint64 id = -1;
    int lane = 0;
    QString function;
    QCborArray args;
    QCborMap kwargs;
    QString argsText; // the arguments as the trace shows them
    QString label;
    bool sent = false;
    bool done = false;
    bool awaited = false;
    CallOutcome outcome;
};

struct WorkerState
{
    enum class Phase
    {
        Starting,
        Ready,
        Gone
    };
    int lane = 0;
    QProcess *process = nullptr;
    QLocalSocket *socket = nullptr;
    QByteArray token;
    qint64 pid = 0;
    Phase phase = Phase::Starting;
    bool oneShot = false;
    bool joining = false;
    bool finished = false;   // the process has ended and been reaped
    QList<qint64> queued;    // made before the worker was ready
    QList<qint64> inFlight;  // sent, no answer yet (answers come in order)
    QList<qint64> unawaited; // for callAwait(worker): calls nobody awaited yet
    FrameReader reader;
    QByteArray stdoutTail;
    QByteArray stderrTail;
    QString endKind;   // why calls on it fail: crashed, exited, protocol, ...
    QString endReason; // sentence
    QTimer *lostTimer = nullptr;
    QTimer *shrinkTimer = nullptr;
    bool peerClosed = false;
    QByteArray outbox;        // the unsent rest of a large frame (direct path)
    qsizetype outboxSent = 0; // a direct read met end of file: leave the rest to QLocalSocket
    QString escalation;       // set when join had to terminate or kill it
};

struct PendingConnection
{
    QLocalSocket *socket = nullptr;
    QTimer *timer = nullptr;
    FrameReader reader{4096};
};

namespace {
// How long an await blocks on the answering worker's socket before it lets the event
// loop look at everything else.
constexpr qint64 kFastWaitSliceMs = 5;
// Writes up to this size skip QLocalSocket's buffer.
constexpr qsizetype kOutboxMin = 64 * 1024;

// The socket lives in a private directory with a short random name: short, because a
// Unix socket path must fit in sun_path (108 bytes); private, so other users cannot
// even see it; random, so a stale file from a crashed run never collides.
QString makeServerDir()
{
    QString base = QDir::tempPath();
#if defined(Q_OS_UNIX)
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QFileInfo(QString::fromLocal8Bit(runtime)).isWritable() &&
        runtime.size() < 60)
        base = QString::fromLocal8Bit(runtime);
#endif
    return base;
}

QByteArray randomToken()
{
    QByteArray token(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), 8);
    return token;
}

bool sameToken(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= uchar(a[i]) ^ uchar(b[i]);
    return diff == 0;
}
} // namespace

// The private directory holding the socket; removed with the session.
class ServerDir
{
public:
    QTemporaryDir dir{makeServerDir() + QStringLiteral("/procession-XXXXXX")};
};

Session::Session(Trace *trace, SessionOptions options, QObject *parent)
    : QObject(parent), m_trace(trace), m_options(std::move(options)),
      m_selfPid(QCoreApplication::applicationPid())
{
    if (m_options.program.isEmpty())
        m_options.program = QCoreApplication::applicationFilePath();
}

Session::~Session()
{
    shutdown();
    delete m_serverDir;
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
    if (m_server && m_server->isListening())
        return true;
    if (!m_serverDir) {
        m_serverDir = new ServerDir;
        if (!m_serverDir->dir.isValid()) {
            if (error)
                *error =
                    QStringLiteral("cannot create a private directory for the worker socket: %1")
                        .arg(m_serverDir->dir.errorString());
            return false;
        }
        QFile::setPermissions(m_serverDir->dir.path(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    m_server->setMaxPendingConnections(256);
    const QString name = m_serverDir->dir.filePath(
        QStringLiteral("s%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0')));
    if (!m_server->listen(name)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1: %2").arg(name, m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &Session::onNewConnection);
    return true;
}

QString Session::serverName() const
{
    return m_server ? m_server->fullServerName() : QString();
}

WorkerState *Session::state(int worker) const
{
    if (worker < 1 || worker > int(m_workers.size()))
        return nullptr;
    return m_workers[size_t(worker - 1)].get();
}

Session::Call *Session::findCall(qint64 id)
{
    if (id < 1 || id > qint64(m_calls.size()))
        return nullptr;
    return m_calls[size_t(id - 1)].get();
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
    w->token = randomToken();
    w->reader = FrameReader(m_options.maxFrame);

    record(int(EventType::Fork), w->lane, 0, -1, 0, QStringLiteral("worker %1").arg(w->lane));

    QString error;
    if (m_interrupted || !listen(&error)) {
        w->phase = WorkerState::Phase::Gone;
        w->finished = true;
        w->endKind = QStringLiteral("start-failed");
        w->endReason =
            m_interrupted ? QStringLiteral("the run was interrupted")
                          : QStringLiteral("worker %1 could not start: %2").arg(w->lane).arg(error);
        record(int(EventType::Crash), w->lane, 0, -1, -1, w->endReason);
        return w->lane;
    }

    auto *process = new QProcess(this);
    w->process = process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The token goes in the environment, never in argv: every user can read argv.
    env.insert(QStringLiteral("PROCESSION_TOKEN"), QString::fromLatin1(w->token.toHex()));
    env.insert(QStringLiteral("PROCESSION_PARENT_PID"),
               QString::number(QCoreApplication::applicationPid()));
    process->setProcessEnvironment(env);
    process->setProcessChannelMode(QProcess::SeparateChannels);
    process->setProgram(m_options.program);
    process->setArguments(QStringList(m_options.arguments)
                          << m_server->fullServerName() << QString::number(w->lane));
#if defined(Q_OS_LINUX)
    // The worker dies with the thread that started it, even if the parent is SIGKILLed.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
    connect(process, &QProcess::readyReadStandardOutput, this,
            [this, w] { onProcessOutput(w, false); });
    connect(process, &QProcess::readyReadStandardError, this,
            [this, w] { onProcessOutput(w, true); });
    connect(process, &QProcess::finished, this, [this, w](int code, QProcess::ExitStatus status) {
        onProcessFinished(w, code, status == QProcess::CrashExit);
    });
    connect(process, &QProcess::errorOccurred, this, [this, w](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onProcessError(w);
    });
    process->start(QIODevice::ReadWrite);
    if (process->processId() > 0)
        w->pid = process->processId();
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
    record(int(EventType::Crash), w->lane, 0, -1, -1, why);
    dropWorker(w, QStringLiteral("start-failed"), why);
}

void Session::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        auto owned = std::make_unique<PendingConnection>();
        PendingConnection *p = owned.get();
        m_pending.push_back(std::move(owned));
        p->socket = socket;
        socket->setParent(this);
        p->timer = new QTimer(this);
        p->timer->setSingleShot(true);
        connect(p->timer, &QTimer::timeout, this, [this, p] {
            reject(p, QStringLiteral("a connection said nothing for %1 ms and was dropped")
                          .arg(m_options.helloTimeoutMs));
        });
        p->timer->start(m_options.helloTimeoutMs);
        connect(socket, &QLocalSocket::readyRead, this, [this, p] { onHelloData(p); });
        connect(socket, &QLocalSocket::disconnected, this, [this, p] {
            if (p->socket)
                reject(p, QStringLiteral("a connection closed before saying hello"));
        });
        if (socket->bytesAvailable() > 0)
            onHelloData(p);
    }
}

void Session::reject(PendingConnection *p, const QString &why)
{
    if (!p->socket)
        return;
    ++m_rejected;
    record(int(EventType::Rejected), 0, 0, -1, 0, why);
    QLocalSocket *socket = p->socket;
    p->socket = nullptr;
    p->timer->stop();
    p->timer->deleteLater();
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->get() == p) {
            m_pending.erase(it);
            break;
        }
    }
}

void Session::onHelloData(PendingConnection *p)
{
    if (!p->socket)
        return;
    p->reader.feed(p->socket->readAll());
    Message m;
    const FrameReader::Status status = p->reader.next(&m);
    if (status == FrameReader::Status::NeedMore)
        return;
    if (status == FrameReader::Status::Error) {
        reject(p, QStringLiteral("a connection sent a malformed first frame (%1)")
                      .arg(p->reader.errorString()));
        return;
    }
    if (m.kind != Message::Kind::Hello) {
        reject(p, QStringLiteral("a connection's first message was \"%1\", not hello")
                      .arg(protocol::kindName(m.kind)));
        return;
    }
    if (m.protocolVersion != protocol::Version) {
        reject(p, QStringLiteral("a connection spoke protocol %1, not %2")
                      .arg(m.protocolVersion)
                      .arg(protocol::Version));
        return;
    }
    for (auto &owned : m_workers) {
        WorkerState *w = owned.get();
        if (w->phase == WorkerState::Phase::Starting && !w->socket &&
            sameToken(w->token, m.token)) {
            adopt(p, w, m.pid);
            return;
        }
    }
    reject(p, QStringLiteral("a connection presented a wrong token and was dropped"));
}

void Session::adopt(PendingConnection *p, WorkerState *w, qint64 pid)
{
    QLocalSocket *socket = p->socket;
    p->socket = nullptr;
    p->timer->stop();
    p->timer->deleteLater();
    socket->disconnect(this);
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->get() == p) {
            m_pending.erase(it);
            break;
        }
    }
    w->socket = socket;
    if (w->pid == 0)
        w->pid = pid;
    w->phase = WorkerState::Phase::Ready;
    w->token.fill('\0');
    record(int(EventType::Ready), w->lane, w->pid);
    connect(socket, &QLocalSocket::readyRead, this, [this, w] { onSocketData(w); });
    connect(socket, &QLocalSocket::disconnected, this, [this, w] { onSocketClosed(w); });
    sendQueued(w);
    if (socket->bytesAvailable() > 0)
        onSocketData(w);
    wake();
}

void Session::sendQueued(WorkerState *w)
{
    if (w->phase != WorkerState::Phase::Ready || w->queued.isEmpty())
        return;
    QByteArray out;
    for (qint64 id : std::as_const(w->queued)) {
        Call *c = findCall(id);
        if (!c || c->done)
            continue;
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
        w->inFlight.append(id);
        record(int(EventType::Dispatch), w->lane, w->pid, c->id, 0, c->function, c->argsText);
        // Sent and traced: the arguments are not needed again (a million calls, or a few
        // large ones, would otherwise all stay in memory until the session ends).
        c->args = QCborArray();
        c->kwargs = QCborMap();
        c->argsText = QString();
    }
    w->queued.clear();
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
    auto owned = std::make_unique<Call>();
    Call *c = owned.get();
    m_calls.push_back(std::move(owned));
    c->id = qint64(m_calls.size());
    c->lane = worker;
    c->function = fn;
    c->args = args;
    c->kwargs = kwargs;
    // Rendered once: the dispatch event shows it in full, the label clipped.
    c->argsText = protocol::displayArgs(args, kwargs);
    c->label =
        fn + QLatin1Char('(') +
        (c->argsText.size() > 60 ? c->argsText.left(59) + QStringLiteral("…") : c->argsText) +
        QLatin1Char(')');
    c->outcome.call = c->id;
    c->outcome.worker = worker;

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
        failCall(c, w->endKind.isEmpty() ? QStringLiteral("gone") : w->endKind,
                 QStringLiteral("cannot run %1: %2").arg(c->label, why), worker);
        return c->id;
    }
    w->queued.append(c->id);
    return c->id;
}

qint64 Session::callAsync(const QString &fn, const QCborArray &args, const QCborMap &kwargs)
{
    const int worker = fork();
    state(worker)->oneShot = true;
    return callAsync(worker, fn, args, kwargs);
}

CallOutcome Session::callHere(const QString &fn, const QCborArray &args, const QCborMap &kwargs)
{
    auto owned = std::make_unique<Call>();
    Call *c = owned.get();
    m_calls.push_back(std::move(owned));
    c->id = qint64(m_calls.size());
    c->lane = 0;
    c->function = fn;
    c->outcome.call = c->id;
    c->outcome.pid = m_selfPid;
    const qint64 pid = c->outcome.pid;
    TaskContext ctx;
    ctx.print = [this, pid](const QString &line) {
        record(int(EventType::Output), 0, pid, -1, 0, line);
        if (m_options.onOutput)
            m_options.onOutput(0, line, false);
    };
    record(int(EventType::Begin), 0, pid, c->id, 0, fn, protocol::displayArgs(args, kwargs));
    const qint64 cpu0 = threadCpuNs();
    const Registry::Outcome out = Registry::bundled().call(fn, args, kwargs, ctx);
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
    while (w->socket && w->socket->bytesAvailable() > 0) {
        w->reader.feed(w->socket->readAll());
        if (!takeFrames(w))
            return;
    }
}

bool Session::takeFrames(WorkerState *w)
{
    Message m;
    for (;;) {
        const FrameReader::Status status = w->reader.next(&m);
        if (status == FrameReader::Status::NeedMore)
            return true;
        if (status == FrameReader::Status::Error) {
            const QString why =
                QStringLiteral("%1 sent a malformed frame (%2); its connection was dropped")
                    .arg(describe(w->lane), w->reader.errorString());
            record(int(EventType::Error), w->lane, w->pid, -1, 0, why, QStringLiteral("protocol"));
            dropWorker(w, QStringLiteral("protocol"), why);
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
            dropWorker(w, QStringLiteral("protocol"), why);
            return false;
        }
        w->inFlight.removeFirst();
        if (Call *c = findCall(m.id))
            finishCall(c, m, w);
        if (w->reader.holdsLargeBuffer())
            keepLargeBufferAWhile(w);
    }
}

void Session::keepLargeBufferAWhile(WorkerState *w)
{
    // The reader keeps a large payload's buffer for the next one (fresh pages cost a
    // fault each); a second without another gives it back.
    if (!w->shrinkTimer) {
        w->shrinkTimer = new QTimer(this);
        w->shrinkTimer->setSingleShot(true);
        connect(w->shrinkTimer, &QTimer::timeout, this, [w] { w->reader.shrink(); });
    }
    w->shrinkTimer->start(1000);
}

void Session::writeToWorker(WorkerState *w, const QByteArray &bytes)
{
    if (!w->socket)
        return;
    qsizetype sent = 0;
#if defined(Q_OS_UNIX)
    // Straight to the descriptor when nothing waits to be sent before these bytes:
    // QLocalSocket's write() arms a write notifier, which wakes the event dispatcher up
    // (an eventfd write per call, strace), and copies every byte into its buffer (for a
    // 16 MiB payload: 16 MiB of fresh pages, each a page fault, perf).
    if (w->outbox.isEmpty() && w->socket->bytesToWrite() == 0) {
        sent = sendSome(w, bytes.constData(), bytes.size());
        if (sent < bytes.size() && bytes.size() - sent > kOutboxMin) {
            // The rest of a large frame waits here, not copied, for the worker to take it.
            w->outbox = bytes;
            w->outboxSent = sent;
            return;
        }
    }
#endif
    if (sent == bytes.size())
        return;
    handOutboxToSocket(w); // keeps the order of bytes
    w->socket->write(sent == 0 ? bytes : bytes.mid(sent));
    w->socket->flush();
}

qsizetype Session::sendSome(WorkerState *w, const char *data, qsizetype size)
{
    qsizetype sent = 0;
#if defined(Q_OS_UNIX)
    const int fd = w->socket ? int(w->socket->socketDescriptor()) : -1;
    while (fd >= 0 && sent < size) {
        const ssize_t n = ::send(fd, data + sent, size_t(size - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // full, or an error QLocalSocket will meet and report itself
        sent += n;
    }
#else
    Q_UNUSED(w);
    Q_UNUSED(data);
#endif
    return sent;
}

void Session::handOutboxToSocket(WorkerState *w)
{
    if (w->outbox.isEmpty())
        return;
    if (w->socket) {
        w->socket->write(w->outbox.constData() + w->outboxSent, w->outbox.size() - w->outboxSent);
        w->socket->flush();
    }
    w->outbox = QByteArray();
    w->outboxSent = 0;
}

void Session::handOutboxesToSockets()
{
    // The event loop is about to run: whatever the direct path has not sent yet goes to
    // QLocalSocket, which sends it as the worker takes it.
    for (auto &owned : m_workers)
        handOutboxToSocket(owned.get());
}

bool Session::waitForWorker(WorkerState *w, int timeoutMs, bool spin)
{
    QLocalSocket *socket = w->socket;
#if defined(Q_OS_UNIX)
    if (!w->outbox.isEmpty()) {
        // Send the rest of a large frame as the worker takes it, and read what comes
        // back meanwhile.
        pollfd p{int(socket->socketDescriptor()), POLLIN | POLLOUT, 0};
        int r;
        while ((r = ::poll(&p, 1, timeoutMs)) < 0 && errno == EINTR) {
        }
        if (r <= 0)
            return false;
        if (p.revents & POLLOUT) {
            w->outboxSent += sendSome(w, w->outbox.constData() + w->outboxSent,
                                      w->outbox.size() - w->outboxSent);
            if (w->outboxSent >= w->outbox.size()) {
                w->outbox = QByteArray();
                w->outboxSent = 0;
            }
        }
        if (!(p.revents & POLLIN))
            return !(p.revents & (POLLERR | POLLHUP)) || (p.revents & POLLOUT);
    }
#endif
    if (socket->bytesToWrite() > 0)
        return socket->waitForBytesWritten(timeoutMs); // reads what arrives meanwhile too
    if (socket->bytesAvailable() > 0) {
        onSocketData(w);
        return true;
    }
#if defined(Q_OS_UNIX)
    // Block on this one descriptor and read straight into the frame reader: a poll and a
    // read, where QLocalSocket::waitForReadyRead makes a poll, an ioctl, a read and a copy.
    const int fd = int(socket->socketDescriptor());
    if (fd >= 0) {
        const qsizetype size = std::max<qsizetype>(w->reader.wanted(), 64 * 1024);
        if (spin) {
            // A quick answer is read without sleeping (see SpinWait).
            const qint64 n = m_spin.recv(fd, w->reader.space(size), size);
            if (n > 0) {
                w->reader.commit(n);
                takeFrames(w);
                return true;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                w->peerClosed = true;
                return false;
            }
        }
        pollfd p{fd, POLLIN, 0};
        int r;
        while ((r = ::poll(&p, 1, timeoutMs)) < 0 && errno == EINTR) {
        }
        if (r <= 0)
            return false;
        ssize_t n;
        while ((n = ::recv(fd, w->reader.space(size), size_t(size), MSG_DONTWAIT)) < 0 &&
               errno == EINTR) {
        }
        if (n > 0) {
            w->reader.commit(n);
            takeFrames(w);
            return true;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        // End of file or an error: QLocalSocket sees it too when the event loop runs, and
        // reports the worker gone; stop reading past it here.
        w->peerClosed = true;
        return false;
    }
#endif
    return socket->waitForReadyRead(timeoutMs);
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

void Session::failCall(Call *c, const QString &kind, const QString &message, int lane)
{
    if (c->done)
        return;
    c->done = true;
    c->outcome.ok = false;
    c->outcome.errorKind = kind;
    c->outcome.error = message;
    if (const WorkerState *w = state(c->lane))
        c->outcome.pid = w->pid;
    record(int(EventType::Error), lane, c->outcome.pid, c->id, 0, message, kind);
}

void Session::dropWorker(WorkerState *w, const QString &kind, const QString &why)
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
        if (Call *c = findCall(id)) {
            failCall(c, kind, first ? why : QStringLiteral("%1 never ran: %2").arg(c->label, why),
                     w->lane);
            first = false;
        }
    }
    for (qint64 id : std::as_const(w->queued))
        if (Call *c = findCall(id))
            failCall(c, kind, QStringLiteral("%1 never ran: %2").arg(c->label, why), w->lane);
    w->inFlight.clear();
    w->queued.clear();
    w->outbox = QByteArray();
    w->outboxSent = 0;
    if (w->socket) {
        QLocalSocket *socket = w->socket;
        w->socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    if (w->process && !w->finished && w->process->state() != QProcess::NotRunning)
        w->process->kill(); // reaped when `finished` arrives
    wake();
}

void Session::onSocketClosed(WorkerState *w)
{
    if (!w->socket)
        return;
    onSocketData(w); // readyRead may come after disconnected: drain first
    if (!w->socket || w->finished)
        return;
    // The process is probably dying: give it a moment so the sentence can name the signal.
    if (!w->lostTimer) {
        w->lostTimer = new QTimer(this);
        w->lostTimer->setSingleShot(true);
        connect(w->lostTimer, &QTimer::timeout, this, [this, w] {
            if (w->phase == WorkerState::Phase::Gone)
                return;
            // Bytes left in the reader are a frame cut short: the worker broke the protocol.
            const qsizetype partial = w->reader.buffered();
            QString why = QStringLiteral("%1 closed its connection").arg(describe(w->lane));
            if (partial > 0)
                why += QStringLiteral(" in the middle of a frame (%1 bytes of it arrived)")
                           .arg(partial);
            if (!w->inFlight.isEmpty())
                if (Call *c = findCall(w->inFlight.first()))
                    why += QStringLiteral(" while running ") + c->label;
            if (partial > 0)
                record(int(EventType::Error), w->lane, w->pid, -1, 0, why,
                       QStringLiteral("protocol"));
            dropWorker(w, partial > 0 ? QStringLiteral("protocol") : QStringLiteral("disconnected"),
                       why);
        });
    }
    w->lostTimer->start(500);
}

void Session::onProcessOutput(WorkerState *w, bool isStderr)
{
    QByteArray &tail = isStderr ? w->stderrTail : w->stdoutTail;
    tail += isStderr ? w->process->readAllStandardError() : w->process->readAllStandardOutput();
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = tail.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArray line = tail.mid(start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        start = nl + 1;
        const QString text = QString::fromUtf8(line);
        record(int(EventType::Output), w->lane, w->pid, -1, isStderr ? 2 : 1, text,
               isStderr ? QStringLiteral("stderr") : QString());
        if (m_options.onOutput)
            m_options.onOutput(w->lane, text, isStderr);
    }
    tail.remove(0, start);
    // A worker printing without newlines must not grow our memory without bound.
    if (tail.size() > 64 * 1024) {
        tail.append('\n');
        onProcessOutput(w, isStderr);
    }
}

void Session::onProcessFinished(WorkerState *w, int exitCode, bool crashed)
{
    if (w->finished)
        return;
    w->finished = true;
    // Whatever the worker printed last still counts.
    for (bool err : {false, true}) {
        QByteArray &tail = err ? w->stderrTail : w->stdoutTail;
        tail += err ? w->process->readAllStandardError() : w->process->readAllStandardOutput();
        if (!tail.isEmpty() && !tail.endsWith('\n'))
            tail.append('\n');
        onProcessOutput(w, err);
    }
    if (w->socket)
        onSocketData(w); // results already sent still count

    QString running;
    if (!w->inFlight.isEmpty())
        if (Call *c = findCall(w->inFlight.first()))
            running = QStringLiteral(" while running ") + c->label;

    const QString who = describe(w->lane);
    // Dropped already (protocol error, lost connection, no hello): the signal is our kill.
    const bool dropped = w->phase == WorkerState::Phase::Gone;
    if (crashed) {
        const QString why =
            !w->escalation.isEmpty() ? QStringLiteral("%1 %2 (%3)%4")
                                           .arg(who, w->escalation, signalName(exitCode), running)
            : dropped
                ? QStringLiteral("%1 was killed (%2) after it was dropped")
                      .arg(who, signalName(exitCode))
                : QStringLiteral("%1 crashed with %2%3").arg(who, signalName(exitCode), running);
        record(int(EventType::Crash), w->lane, w->pid, -1, exitCode, why, QStringLiteral("signal"));
        dropWorker(w, QStringLiteral("crashed"), why);
    } else if (w->joining && exitCode == 0 && w->inFlight.isEmpty() && w->queued.isEmpty()) {
        w->phase = WorkerState::Phase::Gone;
        w->endKind = QStringLiteral("exited");
        w->endReason = QStringLiteral("%1 has exited").arg(who);
        record(int(EventType::Exit), w->lane, w->pid, -1, exitCode);
        dropWorker(w, w->endKind, w->endReason);
    } else if (w->phase == WorkerState::Phase::Gone) {
        // Already dropped (protocol error, lost connection): only note how it ended.
        record(int(EventType::Exit), w->lane, w->pid, -1, exitCode);
    } else {
        const QString why =
            exitCode == 0
                ? QStringLiteral("%1 exited unexpectedly%2").arg(who, running)
                : QStringLiteral("%1 exited with status %2%3").arg(who).arg(exitCode).arg(running);
        record(int(EventType::Crash), w->lane, w->pid, -1, exitCode, why, QStringLiteral("exit"));
        dropWorker(w, QStringLiteral("exited"), why);
    }
    wake();
}

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
        if (source && source->socket && source->phase == WorkerState::Phase::Ready &&
            !source->peerClosed) {
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
        dropWorker(w,
                   m_interrupted.load() ? QStringLiteral("interrupted")
                                        : QStringLiteral("start-timeout"),
                   why);
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

CallOutcome Session::awaitCall(qint64 id, int timeoutMs)
{
    Call *c = findCall(id);
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
    waitUntil([c] { return c->done; }, t, w);
    if (!c->done) {
        const QString who = w ? describe(c->lane) : QStringLiteral("worker %1").arg(c->lane);
        if (m_interrupted.load())
            failCall(c, QStringLiteral("interrupted"),
                     QStringLiteral("the run was interrupted while waiting for %1 on %2")
                         .arg(c->label, who),
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
        if (w->socket) {
            writeToWorker(w, protocol::encode(Message::exit()));
        }
        if (!waitUntil([w] { return w->finished; }, t) && !w->finished && w->process) {
            w->escalation = QStringLiteral("did not exit within %1 s of join and was terminated")
                                .arg(t / 1000.0, 0, 'f', 1);
            w->process->terminate();
            if (!waitUntil([w] { return w->finished; }, t) && !w->finished) {
                w->escalation = QStringLiteral("ignored join and terminate and was killed");
                w->process->kill();
                waitUntil([w] { return w->finished; }, 5000);
                if (!w->finished)
                    w->process->waitForFinished(5000);
            }
        }
    } else if (!w->finished) {
        waitUntil([w] { return w->finished; }, t);
    }
    const bool clean = w->finished && w->endKind == QLatin1String("exited") &&
                       w->escalation.isEmpty() &&
                       w->endReason.endsWith(QLatin1String("has exited"));
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
        if (w->socket) {
            writeToWorker(w, protocol::encode(Message::exit()));
        }
        w->process->closeWriteChannel();
    }
    // Blocking waits: this also runs from the destructor, where no event loop may spin.
    QDeadlineTimer deadline(grace);
    for (WorkerState *w : alive)
        if (!w->finished)
            w->process->waitForFinished(int(std::max<qint64>(1, deadline.remainingTime())));
    for (WorkerState *w : alive)
        if (!w->finished && w->process->state() != QProcess::NotRunning) {
            w->escalation = QStringLiteral("was terminated when the session stopped");
            w->process->terminate();
        }
    deadline = QDeadlineTimer(500);
    for (WorkerState *w : alive)
        if (!w->finished)
            w->process->waitForFinished(int(std::max<qint64>(1, deadline.remainingTime())));
    for (WorkerState *w : alive)
        if (!w->finished && w->process->state() != QProcess::NotRunning) {
            w->escalation = QStringLiteral("was killed when the session stopped");
            w->process->kill();
            w->process->waitForFinished(2000);
        }
    for (WorkerState *w : alive)
        if (!w->finished)
            onProcessFinished(w, w->process->exitCode(),
                              w->process->exitStatus() == QProcess::CrashExit);
}

} // namespace procession
