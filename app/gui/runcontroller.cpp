#include "runcontroller.h"

#include "clock.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMutexLocker>
#include <QThread>

#include <algorithm>

namespace procession::gui {

RunController::RunController(QObject *parent)
    : QObject(parent), m_program(QCoreApplication::applicationFilePath())
{
    m_poll.setInterval(PollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] { poll(); });
}

RunController::~RunController()
{
    stopAndWait(tr("the window was closed"));
}

bool RunController::start(const Scenario &scenario)
{
    if (m_thread)
        return false;
    m_scenario = scenario;
    m_source.clear();
    m_trace.clear();
    m_arrived.clear();
    m_cursor = 0;
    m_loaded.reset();
    m_model.clear();
    m_model.setLessonPhases(scenario.compareFrom, scenario.compareTo);
    m_result = RunResult();
    m_stopRequested = false;
    m_runnerDone = false;
    m_behind = false;
    m_startedAt = nowNs();

    SessionOptions options;
    options.program = m_program;
    // The runner, its session and the worker processes all belong to this thread, which
    // lives until the last worker is reaped (PR_SET_PDEATHSIG follows the starting thread).
    m_thread = QThread::create([this, scenario, options] {
        Runner runner(scenario, &m_trace, options);
        {
            QMutexLocker lock(&m_mutex);
            m_runner = &runner;
            if (m_stopRequested)
                runner.interrupt(130, m_stopWhy);
        }
        const RunResult result = runner.run();
        QMutexLocker lock(&m_mutex);
        m_runner = nullptr;
        m_result = result;
    });
    m_thread->setObjectName(QStringLiteral("runner"));
    QThread *thread = m_thread;
    connect(thread, &QThread::finished, this, [this, thread] {
        if (m_thread != thread || m_runnerDone) // stopAndWait() may have finished it already
            return;
        m_runnerDone = true; // the run is over when the model has taken all of it
        emit runnerEnded();
    });
    m_thread->start();
    if (!m_thread->isRunning() && !m_thread->isFinished()) {
        // Neither running nor finished: the system gave no thread (Qt only warns).
        m_result.exitCode = 1;
        m_result.message = tr("the run could not start: the system gave the window no thread "
                              "for it (the limit on processes, ulimit -u, may be reached)");
        m_result.problems << Problem{m_result.message, {}};
        m_runnerDone = true;
    }
    m_poll.start(PollMs);
    emit started();
    return true;
}

void RunController::load(const QList<TraceEvent> &events, const QString &source,
                         const Scenario &recorded)
{
    auto model = std::make_shared<TimelineModel>();
    model->setEvents(events);
    // A saved run keeps its scenario's lesson.
    if (const Scenario *s = scenarioFor(model->trace().scenarioId(), recorded))
        model->setLessonPhases(s->compareFrom, s->compareTo);
    load(std::move(model), source, recorded);
}

void RunController::load(std::shared_ptr<const TimelineModel> model, const QString &source,
                         const Scenario &recorded)
{
    stopAndWait();
    m_scenario = Scenario();
    m_recorded = recorded;
    m_source = source;
    m_trace.clear();
    m_arrived.clear();
    m_cursor = 0;
    m_result = RunResult();
    m_model.clear();
    m_loaded = model && !model->isEmpty() ? std::move(model) : nullptr;
    emit eventsArrived();
}

const Scenario *RunController::scenarioFor(const QString &id, const Scenario &recorded)
{
    if (!recorded.id.isEmpty() && recorded.id == id)
        return &recorded;
    static const QList<Scenario> bundled = bundledScenarios();
    for (const Scenario &s : bundled)
        if (!id.isEmpty() && s.id == id)
            return &s;
    return nullptr;
}

const Scenario *RunController::shownScenario() const
{
    if (hasScenario())
        return &m_scenario;
    return scenarioFor(model().trace().scenarioId(), m_recorded);
}

void RunController::stop(const QString &why)
{
    QMutexLocker lock(&m_mutex);
    m_stopRequested = true;
    m_stopWhy = why.isEmpty() ? tr("stopped by the user") : why;
    if (m_runner)
        m_runner->interrupt(130, m_stopWhy);
}

void RunController::stopAndWait(const QString &why)
{
    if (!m_thread)
        return;
    stop(why);
    m_thread->wait();
    m_runnerDone = true;
    poll(true); // takes what is left and finishes
}

void RunController::finish()
{
    m_poll.stop();
    m_runnerDone = false;
    m_thread->deleteLater();
    m_thread = nullptr;
    emit finished();
}

void RunController::poll(bool all)
{
    // What arrived is taken in slices, for a few milliseconds at most: a burst of 100,000
    // events must not keep the window (and its Stop button) waiting. The rest is taken at
    // the next turn of the event loop, after the window has drawn what it has.
    constexpr qsizetype Slice = 2048;
    constexpr qint64 BudgetNs = 8000000;
    QElapsedTimer spent;
    spent.start();
    bool any = false, more = false, drained = false;
    for (;;) {
        if (m_cursor == m_arrived.size()) {
            // The events keep one copy, the model's: what the runner appended since the last
            // turn is taken out of the Trace whole and handed to the model a slice at a time.
            m_arrived = m_trace.take();
            m_cursor = 0;
            if (m_arrived.isEmpty()) {
                drained = true;
                break;
            }
        }
        const qsizetype to = std::min(m_arrived.size(), m_cursor + Slice);
        m_model.append(m_arrived.toList(m_cursor, to));
        m_cursor = to;
        any = true;
        if (!all && spent.nsecsElapsed() >= BudgetNs) {
            more = true;
            break;
        }
    }
    if (m_cursor == m_arrived.size() && !m_arrived.isEmpty()) {
        m_arrived.clear(); // all in the model now
        m_cursor = 0;
    }
    // Once the runner has ended nothing new happens: what it left is drawn ten times a
    // second, not after every slice, so the model takes it at the speed it can.
    constexpr qint64 CatchUpFrameMs = 100;
    if (any &&
        (!m_runnerDone || !more || !m_shown.isValid() || m_shown.elapsed() >= CatchUpFrameMs)) {
        m_shown.start();
        m_behind = isCatchingUp() || eventsInTransit() > 0;
        emit eventsArrived();
    }
    if (m_runnerDone && drained && m_thread)
        finish();
    else if (m_poll.isActive())
        m_poll.setInterval(more ? 0 : PollMs);
}

} // namespace procession::gui
