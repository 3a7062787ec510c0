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
    m_poll.setInterval(16);
    connect(&m_poll, &QTimer::timeout, this, &RunController::poll);
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
    m_cursor = 0;
    m_model.clear();
    m_model.setLessonPhases(scenario.compareFrom, scenario.compareTo);
    m_result = RunResult();
    m_stopRequested = false;
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
        if (m_thread == thread) // stopAndWait() may have finished it already
            finish();
    });
    m_thread->start();
    m_poll.start(16);
    emit started();
    return true;
}

void RunController::load(const QList<TraceEvent> &events, const QString &source,
                         const Scenario &recorded)
{
    stopAndWait();
    m_scenario = Scenario();
    m_recorded = recorded;
    m_source = source;
    m_trace.clear();
    m_cursor = 0;
    m_result = RunResult();
    m_model.setEvents(events);
    // A saved run keeps its scenario's lesson.
    if (const Scenario *s = shownScenario())
        m_model.setLessonPhases(s->compareFrom, s->compareTo);
    emit eventsArrived();
}

const Scenario *RunController::shownScenario() const
{
    if (hasScenario())
        return &m_scenario;
    const QString id = m_model.trace().scenarioId();
    if (!m_recorded.id.isEmpty() && m_recorded.id == id)
        return &m_recorded;
    static const QList<Scenario> bundled = bundledScenarios();
    for (const Scenario &s : bundled)
        if (!id.isEmpty() && s.id == id)
            return &s;
    return nullptr;
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
    // The thread's finished() reached us as a queued call: run it now, not later.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    if (m_thread) // not delivered: finish by hand
        finish();
}

void RunController::finish()
{
    poll();
    m_poll.stop();
    m_thread->deleteLater();
    m_thread = nullptr;
    emit finished();
}

void RunController::poll()
{
    const QList<TraceEvent> events = m_trace.eventsFrom(m_cursor);
    if (events.isEmpty())
        return;
    m_cursor += events.size();
    QElapsedTimer cost;
    cost.start();
    m_model.append(events);
    emit eventsArrived();
    // A run of many thousands of calls makes each rebuild dearer: poll less often rather
    // than spend every frame rebuilding (the playhead still moves at 60 Hz).
    const int interval = std::clamp(int(cost.elapsed() * 4), 16, 500);
    if (m_poll.isActive() && interval != m_poll.interval())
        m_poll.setInterval(interval);
}

} // namespace procession::gui
