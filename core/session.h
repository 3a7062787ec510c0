#pragma once

#include "calloutcome.h"
#include "protocol.h"
#include "spin.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QLocalSocket;

namespace procession {

class Trace;
struct Call;
class CallTable;
class HelloGate;
struct ProcessEnd;
struct WorkerState;
enum class EndKind;

struct SessionOptions
{
    QString program;                                      // worker executable; empty = this program
    QStringList arguments = {QStringLiteral("--worker")}; // put before the server name
    int readyTimeoutMs = 10000;                           // fork -> hello
    int awaitTimeoutMs = 30000;                           // default for callAwait
    int joinTimeoutMs = 2000;  // exit request -> terminate -> kill, each step
    int helloTimeoutMs = 1000; // a connection must say hello within this
    quint32 maxFrame = protocol::DefaultMaxFrame;
    // Called for every line a worker prints (lane, line, fromStderr) as it arrives.
    std::function<void(int lane, const QString &line, bool isStderr)> onOutput;
};

// The parent side of the recipe: starts workers (copies of this executable in worker
// mode), sends them calls by name over a private QLocalSocket and waits for results.
// Lives on one thread; its waits spin that thread's event loop, so output, crashes and
// results of other workers are seen while one call is awaited.
class Session : public QObject
{
    Q_OBJECT

public:
    explicit Session(Trace *trace, SessionOptions options = {}, QObject *parent = nullptr);
    ~Session() override; // stops and reaps every worker still running

    // Opens the private server. Called by the first fork() if not called before.
    bool listen(QString *error = nullptr);
    QString serverName() const;

    // Starts a worker process and returns its number (its lane, 1, 2, ...). Does not wait.
    int fork();
    bool waitReady(int worker, int timeoutMs = -1, QString *error = nullptr);
    bool waitAllReady(int timeoutMs = -1, QString *error = nullptr);

    // Sends fn(args, kwargs) to a worker; queued until the worker is ready. Returns the call id.
    qint64 callAsync(int worker, const QString &fn, const QCborArray &args,
                     const QCborMap &kwargs = {});
    // Many calls of one function to one worker, sent in one write: the same as callAsync
    // for each argument list in turn, without a system call and a wake-up of the worker
    // per call. Returns their ids, in order.
    QList<qint64> callAsyncMany(int worker, const QString &fn, const QList<QCborArray> &argsList);
    // One process for one call: starts a worker, sends the call; callAwait joins the worker.
    qint64 callAsync(const QString &fn, const QCborArray &args, const QCborMap &kwargs = {});
    // Waits for the oldest call on `worker` that nobody has awaited yet.
    CallOutcome callAwait(int worker, int timeoutMs = -1);
    // Waits for one call by id, at most timeoutMs (-1: the session's await timeout).
    // With stepLimitMs >= 0 and stepStartNs >= 0 (a scenario step waiting for its calls) the
    // limit is on silence instead: the call fails once its worker has not answered for
    // stepLimitMs since the step began (or since its latest answer, if later). A worker that
    // keeps answering is waited for however long its calls take; one that went quiet fails
    // its calls together, the first after stepLimitMs and the rest at once.
    CallOutcome awaitCall(qint64 call, int timeoutMs = -1, int stepLimitMs = -1,
                          qint64 stepStartNs = -1);
    // Runs fn in this process, on the main lane, and returns when it is done.
    CallOutcome callHere(const QString &fn, const QCborArray &args, const QCborMap &kwargs = {});

    // Asks the worker to exit and waits; escalates to terminate, then kill. True when it
    // ended by itself with status 0.
    bool join(int worker, int timeoutMs = -1, QString *message = nullptr);
    // Stops every worker now (exit request, then terminate, then kill) and reaps them.
    void shutdown();

    // Makes every wait return at once with an "interrupted" outcome. Thread-safe.
    void interrupt();
    bool interrupted() const { return m_interrupted.load(); }

    // Lets the event loop run for ms milliseconds (output and crashes are still seen).
    void idle(int ms);

    qint64 pid(int worker) const;
    bool isAlive(int worker) const;
    int workerCount() const;
    QString describe(int worker) const; // "worker 2 (pid 4812)"
    // Connections dropped because they were not our workers.
    int rejectedConnections() const;

private:
    WorkerState *state(int worker) const;
    void makeRoomForAProcess();
    int liveProcesses() const;
    qint64 newCall(int worker, const QString &fn, const QCborArray &args, const QCborMap &kwargs);
    bool claim(QLocalSocket *socket, const protocol::Message &hello);
    void onSocketData(WorkerState *w);
    bool takeFrames(WorkerState *w); // false when the worker was dropped
    void writeToWorker(WorkerState *w, const QByteArray &bytes);
    void handOutboxesToSockets();
    bool waitForWorker(WorkerState *w, int timeoutMs, bool spin = false);
    void onSocketClosed(WorkerState *w);
    void onOutputLine(WorkerState *w, const QString &line, bool isStderr);
    void onProcessFinished(WorkerState *w, const ProcessEnd &end);
    void onProcessError(WorkerState *w);
    void sendQueued(WorkerState *w);
    void dropWorker(WorkerState *w, EndKind kind, const QString &why);
    void failCall(Call *call, const QString &kind, const QString &message, int lane,
                  const QString &cause = {});
    void finishCall(Call *call, const protocol::Message &m, WorkerState *w);
    // `source`: the worker whose socket will bring what is awaited, if one does.
    bool waitUntil(const std::function<bool()> &done, int timeoutMs, WorkerState *source = nullptr);
    void wake();
    void record(int type, int lane, qint64 pid, qint64 call = -1, qint64 code = 0,
                const QString &text = {}, const QString &detail = {});
    void recordAt(qint64 t, int type, int lane, qint64 pid, qint64 call = -1, qint64 code = 0,
                  const QString &text = {}, const QString &detail = {});

    Trace *m_trace;
    SessionOptions m_options;
    HelloGate *m_gate;
    std::vector<std::unique_ptr<WorkerState>> m_workers;
    std::unique_ptr<CallTable> m_calls;
    std::atomic<bool> m_interrupted{false};
    bool m_waiting = false;
    qint64 m_selfPid = 0; // getpid() is a system call; awaits record it twice
    int m_processLimit = -1; // live processes the descriptor limit allows; -1: not yet known
    SpinWait m_spin;      // an await's first moments, see SpinWait
};

} // namespace procession
