#include "runner.h"

#include "clock.h"
#include "trace.h"

#include <QCoreApplication>
#include <QMap>

namespace procession {

namespace {
struct Pending
{
    qint64 call;
    bool expectError;
    const Step *step; // the label is made only when a call goes wrong: a million calls
    qsizetype index;  // keep no million labels
    QString label() const
    {
        if (!step)
            return QString();
        return step->function + QLatin1Char('(') +
               protocol::displayArgs(step->calls.at(index), {}, 60) + QLatin1Char(')');
    }
};
} // namespace

Runner::Runner(Scenario scenario, Trace *trace, SessionOptions options)
    : m_scenario(std::move(scenario)), m_trace(trace), m_options(std::move(options))
{
    m_options.awaitTimeoutMs = m_scenario.timeoutMs;
}

Runner::~Runner() = default;

void Runner::interrupt(int exitCode, const QString &why)
{
    QMutexLocker lock(&m_lock);
    m_interruptWhy = why;
    m_interruptCode.store(exitCode);
    if (m_session)
        m_session->interrupt();
}

RunResult Runner::run()
{
    const qint64 selfPid = QCoreApplication::applicationPid();
    auto record = [this, selfPid](EventType type, qint64 code = 0, const QString &text = {},
                                  const QString &detail = {}) {
        TraceEvent e;
        e.t = nowNs();
        e.type = type;
        e.pid = selfPid;
        e.code = code;
        e.text = text;
        e.detail = detail;
        m_trace->append(std::move(e));
    };

    RunResult result;
    record(EventType::RunBegin, 0, m_scenario.id, m_scenario.title);
    {
        Session session(m_trace, m_options);
        {
            QMutexLocker lock(&m_lock);
            m_session = &session;
            if (m_interruptCode.load())
                session.interrupt();
        }

        QList<int> pool;
        QList<Pending> pending;
        int calls = 0;
        auto check =
            [&](const CallOutcome &out, const Pending &p) {
                ++calls;
                if (m_keepValues) {
                    if (p.step)
                        result.args.insert(out.call, p.step->calls.at(p.index));
                    if (out.ok)
                        result.values.insert(out.call, out.value);
                }
                if (out.errorKind == QLatin1String("interrupted"))
                    return;
                if (out.ok && p.expectError)
                    result.problems << Problem{
                        QStringLiteral("%1 succeeded but was expected to fail").arg(p.label()), {}};
                else if (!out.ok && !p.expectError)
                    result.problems << Problem{out.error, out.cause};
            };

        QString error;
        const bool listening = session.listen(&error);
        if (!listening) { // nothing can start: no step runs (it would fail once per worker)
            result.problems << Problem{error, {}};
            result.notStarted = true;
        }

        for (int index = 0; listening && index < m_scenario.steps.size(); ++index) {
            if (session.interrupted())
                break;
            const Step &step = m_scenario.steps.at(index);
            record(EventType::Step, index, stepKindName(step.kind));
            switch (step.kind) {
            case Step::Kind::Phase:
                record(EventType::Phase, 0, step.name);
                break;
            case Step::Kind::Fork: {
                QList<int> forked;
                for (int i = 0; i < step.count; ++i)
                    forked << session.fork();
                pool << forked;
                // The recipe's fork() returns at once; waiting here keeps start-up out of
                // the phase that follows, so each phase measures what it says.
                for (int w : std::as_const(forked)) {
                    if (!session.waitReady(w, -1, &error) && !session.interrupted())
                        result.problems << Problem{error, {}};
                }
                break;
            }
            case Step::Kind::CallAsync:
                for (qsizetype i = 0; i < step.calls.size(); ++i) {
                    const QCborArray &args = step.calls.at(i);
                    qint64 id;
                    if (step.target == Step::Target::NewProcess) {
                        id = session.callAsync(step.function, args);
                    } else {
                        const int worker =
                            step.workers.isEmpty()
                                ? pool.at(int(i % pool.size()))
                                : pool.at(step.workers.at(i % step.workers.size()) - 1);
                        id = session.callAsync(worker, step.function, args);
                    }
                    pending.append(Pending{id, step.expectError, &step, i});
                    if (m_keepValues) // kept now: an interrupted run never awaits it
                        result.args.insert(id, args);
                }
                break;
            case Step::Kind::CallAwait: {
                // A step's timeout is how long a worker may go without answering while the
                // step waits: not a bound on each call (with a stopped worker and 100 calls
                // queued on it, the step lasted 100 times as long) nor on the whole step
                // (2,000 echoes of 8 MiB answered all along and failed after 30 s as "did not
                // answer"). Once a worker has been quiet that long, what it still owes fails
                // at once: one sentence per worker that did not answer, not one per call.
                const int limit = step.timeoutMs > 0 ? step.timeoutMs : m_scenario.timeoutMs;
                const qint64 stepStart = nowNs();
                struct Silent
                {
                    qint64 pid = 0;
                    int calls = 0;
                };
                QMap<int, Silent> silent; // by worker, in worker order
                for (const Pending &p : std::as_const(pending)) {
                    const CallOutcome out =
                        limit > 0 ? session.awaitCall(p.call, limit, limit, stepStart)
                                  : session.awaitCall(p.call);
                    if (out.errorKind == QLatin1String("timeout") && !p.expectError) {
                        Silent &s = silent[out.worker];
                        s.pid = out.pid;
                        ++s.calls;
                        Pending quiet = p;
                        quiet.expectError = true; // counted, said once below
                        check(out, quiet);
                        continue;
                    }
                    check(out, p);
                }
                for (auto it = silent.cbegin(); it != silent.cend(); ++it)
                    result.problems << Problem{
                        QStringLiteral("worker %1 (pid %2) did not answer within %3 s; %4 "
                                       "not finished")
                            .arg(it.key())
                            .arg(it->pid)
                            .arg(limit / 1000.0, 0, 'f', 1)
                            .arg(it->calls == 1 ? QStringLiteral("1 call")
                                                : QStringLiteral("%1 calls").arg(it->calls)),
                        {}};
                pending.clear();
                break;
            }
            case Step::Kind::Call:
                for (qsizetype i = 0; i < step.calls.size(); ++i) {
                    if (session.interrupted())
                        break;
                    check(session.callHere(step.function, step.calls.at(i)),
                          Pending{-1, step.expectError, &step, i});
                }
                break;
            case Step::Kind::Join:
                for (int w : std::as_const(pool)) {
                    QString message;
                    session.join(w, -1, &message);
                }
                pool.clear();
                break;
            case Step::Kind::Sleep:
                session.idle(step.ms);
                break;
            }
        }
        // Whatever the scenario left open (or an interrupt cut short) is awaited or stopped.
        if (!session.interrupted()) {
            for (const Pending &p : std::as_const(pending))
                check(session.awaitCall(p.call), p);
        }
        {
            QMutexLocker lock(&m_lock);
            m_session = nullptr;
        }
        session.shutdown();
        Q_UNUSED(calls);
    }
    // A signal that arrived while the run was ending (SIGTERM to the whole process group
    // kills the workers as it reaches the parent) is still an interruption: let a pending
    // notification reach interrupt() before deciding how the run ended.
    QCoreApplication::processEvents();

    const int code = m_interruptCode.load();
    if (code) {
        result.exitCode = code;
        QMutexLocker lock(&m_lock);
        result.message = m_interruptWhy.isEmpty()
                             ? QStringLiteral("the run was interrupted; every worker was stopped")
                             : m_interruptWhy;
    } else if (!result.problems.isEmpty()) {
        result.exitCode = 1;
        result.message = result.problems.first().text;
    } else {
        result.exitCode = 0;
        result.message = QStringLiteral("%1 finished as expected").arg(m_scenario.id);
    }
    record(EventType::RunEnd, result.exitCode, result.message);
    return result;
}

} // namespace procession
