#pragma once

#include "runner.h"
#include "scenario.h"
#include "timelinemodel.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <memory>

class QThread;

namespace procession::gui {

// One run as the window sees it: a scenario played by a Runner on a thread of its own
// (Runner::run blocks), or a saved trace loaded for replay. The GUI thread polls the
// Trace and feeds new events to the TimelineModel.
class RunController : public QObject
{
    Q_OBJECT

public:
    explicit RunController(QObject *parent = nullptr);
    ~RunController() override; // stops a run and waits for it

    // The executable started in worker mode (the app passes itself, tests the built one).
    void setWorkerProgram(const QString &program) { m_program = program; }
    QString workerProgram() const { return m_program; }

    bool start(const Scenario &scenario);
    // Replaces the run with saved events (nothing runs). `recorded`: the scenario the trace
    // kept, if any (its recipe and lesson are shown; a run of a bundled one finds it by id).
    void load(const QList<TraceEvent> &events, const QString &source,
              const Scenario &recorded = Scenario());
    // The same with a model built elsewhere (off the GUI thread, with its lesson set): shown
    // as it is, shared with whoever else keeps it (the opened file's entry), never copied.
    void load(std::shared_ptr<const TimelineModel> model, const QString &source,
              const Scenario &recorded = Scenario());
    // The scenario a run of `scenarioId` played: `recorded` if it is that one, else the
    // bundled one of that id; null when not known.
    static const Scenario *scenarioFor(const QString &scenarioId, const Scenario &recorded);
    // Asks the runner to stop; the thread ends soon after (finished() is emitted).
    void stop(const QString &why = QString());
    // stop(), then waits for the runner thread and its workers to be gone.
    void stopAndWait(const QString &why = QString());

    bool isRunning() const { return m_thread != nullptr; }
    const TimelineModel &model() const { return m_loaded ? *m_loaded : m_model; }
    bool hasScenario() const { return !m_scenario.id.isEmpty(); }
    const Scenario &scenario() const { return m_scenario; }
    // The scenario of what is shown: the one run, or the one a loaded trace kept or names
    // (bundled); null when not known.
    const Scenario *shownScenario() const;
    QString source() const { return m_source; } // the file a loaded trace came from
    RunResult result() const { return m_result; }
    qint64 startedAtNs() const { return m_startedAt; }
    // Events taken from the runner but not yet in the model (the model keeps the one copy
    // of a run's events; these are on their way to it).
    qsizetype eventsInTransit() const { return m_trace.size() + m_arrived.size() - m_cursor; }

    // The runner has ended (its workers are gone) and the model is taking the events it
    // left; finished() follows once they are all in.
    bool isCatchingUp() const { return m_runnerDone && m_thread; }
    // At its last take of events (eventsArrived()) the window was behind the run: events
    // were left in transit, or the runner had ended and they are being drawn. Read once
    // then, so that all who ask between two takes get the same answer.
    bool wasBehind() const { return m_behind; }

signals:
    void started();
    void eventsArrived();
    void runnerEnded(); // see isCatchingUp()
    void finished();

private:
    static constexpr int PollMs = 16; // a frame
    void poll(bool all = false);
    void finish(); // the runner thread has ended and the model has all its events

    QString m_program;
    Scenario m_scenario;
    Scenario m_recorded; // a loaded trace's own scenario
    QString m_source;
    Trace m_trace;          // what the runner appends, until the next poll takes it
    EventStore m_arrived;   // taken from m_trace, handed to the model in slices
    qsizetype m_cursor = 0; // into m_arrived
    TimelineModel m_model;                          // a run's, growing as it arrives
    std::shared_ptr<const TimelineModel> m_loaded; // or a saved run's, shown instead
    QTimer m_poll;
    QThread *m_thread = nullptr;
    bool m_runnerDone = false; // the runner thread has ended; the model may still be catching up
    bool m_behind = false;
    QElapsedTimer m_shown;     // since eventsArrived() was last emitted
    qint64 m_startedAt = 0;

    QMutex m_mutex; // guards the runner pointer and the result across threads
    Runner *m_runner = nullptr;
    bool m_stopRequested = false;
    QString m_stopWhy;
    RunResult m_result;
};

} // namespace procession::gui
