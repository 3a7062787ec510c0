// MainWindow, continued: a run as it goes (started, events, the runner's end, finished),
// Stop, the playhead and stepping from event to event, zoom and selection. The window is
// built, and a run started, in mainwindow.cpp.
#include "mainwindow.h"

#include "calldetails.h"
#include "codeview.h"
#include "comparecontroller.h"
#include "compareview.h"
#include "consoleview.h"
#include "eventtext.h"
#include "foreigntraceview.h"
#include "playback.h"
#include "playbackcontrols.h"
#include "runcontroller.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "tracemodel.h"

#include <QStackedWidget>
#include <QStatusBar>
#include <QTextBrowser>

#include <algorithm>

namespace procession::gui {

void MainWindow::zoomTo(qint64 from, qint64 to)
{
    const QList<TimelineView *> views =
        m_compareMode ? QList<TimelineView *>{m_compare->first(), m_compare->second()}
                      : QList<TimelineView *>{m_timeline};
    for (TimelineView *v : views) {
        TimeScale s = v->scale();
        s.fit(double(from), double(to));
        v->setVisibleRange(s.start, s.nsPerPx);
    }
}

bool MainWindow::zoomToCall(qint64 id)
{
    const TimelineModel &m = activeModel();
    for (const CallRecord &c : m.trace().calls()) {
        if (c.id != id)
            continue;
        const qint64 from = m.relative(c.dispatch >= 0 ? c.dispatch : c.begin);
        const qint64 to = m.relative(std::max({c.result, c.end, c.begin}));
        if (from < 0 || to < from)
            return false;
        const qint64 margin = std::max<qint64>((to - from) / 5, 2000);
        zoomTo(std::max<qint64>(0, from - margin), to + margin);
        return true;
    }
    return false;
}

bool MainWindow::selectCall(qint64 id)
{
    TimelineView *v = m_compareMode
                          ? (followedSide() == 0 ? m_compare->first() : m_compare->second())
                          : m_timeline;
    if (!v->model())
        return false;
    const QList<CallRecord> &calls = v->model()->trace().calls();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        if (calls[i].id == id) {
            v->setSelectedCall(i);
            onCallClicked(v, i);
            return true;
        }
    }
    return false;
}

void MainWindow::stop()
{
    if (!isRunning())
        return;
    for (RunController *c : {m_single, m_left, m_right})
        if (c->isRunning())
            c->stop(tr("stopped by the user"));
    // Said at once: the workers go within milliseconds, the events they sent before may take
    // the window a moment more to draw.
    m_stopping = true;
    statusBar()->showMessage(tr("Stopping…"));
    updateActions();
}

void MainWindow::onRunnerEnded()
{
    for (RunController *c : {m_single, m_left, m_right})
        if (c->isRunning() && !c->isCatchingUp())
            return; // the other compared run goes on
    // Nothing happens any more: the playhead stops at the present while the last events
    // are drawn (and, until they are, at the newest one drawn).
    updateLiveLimit();
    m_playback->holdLive();
    statusBar()->showMessage(m_stopping ? tr("Stopped; drawing what the workers did before…")
                                        : tr("Finished; drawing the last events…"));
}

bool MainWindow::isRunning() const
{
    return m_single->isRunning() || m_left->isRunning() || m_right->isRunning();
}

RunController *MainWindow::activeController() const
{
    if (!m_compareMode)
        return m_single;
    return m_comparing->followed();
}

const TimelineModel &MainWindow::activeModel() const
{
    return activeController()->model();
}

bool MainWindow::showingForeignTrace() const
{
    return m_stack->currentWidget() == m_foreign;
}

qint64 MainWindow::playDuration() const
{
    if (showingForeignTrace())
        return m_foreign->span();
    if (m_compareMode)
        return m_comparing->duration();
    return m_single->model().duration();
}

void MainWindow::onStarted(RunController *c)
{
    m_details->setHtml(callDetailsHtml(TimelineModel(), -1));
    if (c == m_single) {
        m_timeline->setModel(&c->model());
        m_timeline->setLive(true);
        m_console->setModel(&c->model());
    } else {
        TimelineView *v = c == m_left ? m_compare->first() : m_compare->second();
        v->setModel(&c->model());
        v->setLive(true);
        if (c == activeController())
            m_console->setModel(&c->model());
        m_compare->refresh();
        updateFollowed(); // the headers name the scenario now running
    }
}

void MainWindow::onEvents(RunController *c)
{
    if (c == m_single) {
        m_timeline->modelChanged();
    } else {
        (c == m_left ? m_compare->first() : m_compare->second())->modelChanged();
        m_compare->refresh();
    }
    if (!m_playback->isLive())
        m_playback->setDuration(playDuration());
    else
        updateLiveLimit();
    m_console->setPlayhead(m_playback->playhead());
}

void MainWindow::updateLiveLimit()
{
    // A run can make events faster than the window draws them (200,000 squares: by up to a
    // second). Then the picture is of the newest moment it knows whole, not of the clock:
    // following the clock would draw a worker's current call as running until its events
    // come, when the worker has run many more calls since.
    qint64 limit = -1;
    for (RunController *c : {m_single, m_left, m_right}) {
        if (!c->isRunning() || !(c->wasBehind() || c->isCatchingUp()))
            continue;
        const TimelineModel &m = c->model();
        const qint64 drawn =
            m.isEmpty() ? 0 : std::max<qint64>(0, m.t0() + m.knownUntil() - m_playback->liveStart());
        limit = limit < 0 ? drawn : std::min(limit, drawn);
    }
    m_playback->setLiveLimit(limit);
}

void MainWindow::onFinished(RunController *c)
{
    TimelineView *v =
        c == m_single ? m_timeline : (c == m_left ? m_compare->first() : m_compare->second());
    v->modelChanged();
    if (isRunning())
        return; // the other compared run goes on: both views keep following the clock
    v->setLive(false);
    m_playback->stopLive(playDuration());
    if (m_compareMode) {
        m_compare->first()->setLive(false);
        m_compare->second()->setLive(false);
        m_compare->refresh();
        statusBar()->showMessage(m_compare->headline());
    } else {
        const RunResult r = c->result();
        statusBar()->showMessage(r.message.isEmpty() ? tr("Finished.") : r.message);
    }
    updateActions();
    emit runFinished();
}

void MainWindow::onPlayhead(qint64 t)
{
    if (showingForeignTrace()) {
        m_foreign->setPlayhead(t >= m_foreign->span() ? -1 : t);
        m_playControls->showPosition(t, m_foreign->span());
        return;
    }
    if (m_compareMode) {
        m_compare->first()->setPlayhead(t);
        m_compare->second()->setPlayhead(t);
        m_compare->first()->setLiveLag(m_playback->liveLag());
        m_compare->second()->setLiveLag(m_playback->liveLag());
        if (m_playback->isLive())
            m_compare->refresh();
    } else {
        m_timeline->setPlayhead(t);
        m_timeline->setLiveLag(m_playback->liveLag());
    }
    const TimelineModel &m = activeModel();
    m_console->setPlayhead(t);
    m_code->setCurrentStep(m.isEmpty() ? -1 : m.trace().stepAt(m.t0() + t));
    const qint64 d = m_playback->isLive() ? t : playDuration();
    m_playControls->showPosition(t, d);
}

void MainWindow::stepEvent(bool forward)
{
    m_playback->pause();
    const qint64 now = m_playback->playhead();
    if (showingForeignTrace()) {
        const qint64 t = forward ? m_foreign->nextEventAfter(now) : m_foreign->prevEventBefore(now);
        if (t < 0) {
            statusBar()->showMessage(forward ? tr("No later event.") : tr("No earlier event."));
            return;
        }
        m_playback->seek(t);
        statusBar()->showMessage(formatDuration(double(t)));
        return;
    }
    qint64 best = -1;
    const TimelineModel *where = nullptr;
    const QList<const TimelineModel *> models =
        m_compareMode ? QList<const TimelineModel *>{&m_left->model(), &m_right->model()}
                      : QList<const TimelineModel *>{&m_single->model()};
    for (const TimelineModel *m : models) {
        const qint64 t = forward ? m->nextEventAfter(now) : m->prevEventBefore(now);
        if (t >= 0 && (best < 0 || (forward ? t < best : t > best))) {
            best = t;
            where = m;
        }
    }
    if (best < 0) {
        statusBar()->showMessage(forward ? tr("No later event.") : tr("No earlier event."));
        return;
    }
    m_playback->seek(best);
    // Say which event the playhead moved to: a step lands on a moment the timeline may draw
    // as a hair's width.
    const QString what = eventsAt(*where, best);
    statusBar()->showMessage(what.isEmpty() ? formatDuration(double(best))
                                            : tr("%1: %2").arg(formatDuration(double(best)), what));
}

} // namespace procession::gui
