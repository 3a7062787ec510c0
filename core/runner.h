#pragma once

#include "scenario.h"
#include "session.h"

#include <QCborArray>
#include <QCborValue>
#include <QHash>
#include <QMutex>
#include <QString>

#include <atomic>

namespace procession {

class Trace;

// One unexpected outcome of a run.
struct Problem
{
    QString text;  // one sentence for the person
    QString cause; // what made it happen, naming no call: problems with the same cause are
                   // one worker's end taking several calls along (empty: the text is the cause)
};

struct RunResult
{
    // 0: every call went as the scenario expects; 1: a call failed unexpectedly
    // (or succeeded where it should have failed); 130/143: interrupted by SIGINT/SIGTERM.
    int exitCode = 0;
    QString message;         // one sentence for the person
    QList<Problem> problems; // one per unexpected outcome
    bool notStarted = false; // the session could not open its server: nothing ran
    // With RunOptions::keepValues, each call's arguments and answer by call id, for a
    // report that gives them as values (the session hands a value over once).
    QHash<qint64, QCborArray> args;
    QHash<qint64, QCborValue> values;
};

// Plays a scenario on a Session, step by step, filling the Trace. run() blocks the
// calling thread (it spins that thread's event loop while it waits), so the GUI
// calls it from a thread of its own; interrupt() may be called from any thread.
class Runner
{
public:
    Runner(Scenario scenario, Trace *trace, SessionOptions options = {});
    // Keep every call's arguments and value in RunResult (for `run --json`).
    void setKeepValues(bool keep) { m_keepValues = keep; }
    ~Runner();

    RunResult run();
    // Stops the run as soon as possible; `exitCode` is what run() then returns (130, 143).
    void interrupt(int exitCode = 130, const QString &why = QString());

private:
    Scenario m_scenario;
    Trace *m_trace;
    SessionOptions m_options;
    bool m_keepValues = false;
    // interrupt() comes from other threads: the session pointer and the reason are
    // guarded, so the session cannot be destroyed while it is being interrupted.
    mutable QMutex m_lock;
    Session *m_session = nullptr;
    std::atomic<int> m_interruptCode{0};
    QString m_interruptWhy;
};

} // namespace procession
