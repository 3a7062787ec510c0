#include "mainwindow.h"

#include "calldetails.h"
#include "codeview.h"
#include "comparecontroller.h"
#include "compareview.h"
#include "consoleview.h"
#include "foreigntraceview.h"
#include "helpdialogs.h"
#include "playback.h"
#include "playbackcontrols.h"
#include "registry.h"
#include "runcontroller.h"
#include "runpanes.h"
#include "scenariopanel.h"
#include "tasklibraries.h"
#include "theme.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "tracefileactions.h"
#include "tracemodel.h"
#include "windowactions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTextBrowser>
#include <QToolBar>

#include <algorithm>

namespace procession::gui {

namespace {

QString viewTitle(const TimelineModel &m, const Scenario *s)
{
    if (s && !s->id.isEmpty())
        return s->id + QStringLiteral(" — ") + s->title;
    if (!m.trace().scenarioId().isEmpty())
        return m.trace().scenarioId() + QStringLiteral(" — ") + m.trace().scenarioTitle();
    return QString();
}

} // namespace

MainWindow::MainWindow(const QString &workerProgram, QWidget *parent)
    : QMainWindow(parent), m_workerProgram(workerProgram), m_single(new RunController(this)),
      m_playback(new Playback(this))
{
    m_compare = new CompareView(this);
    m_compare->setObjectName(QStringLiteral("compare"));
    m_comparing = new CompareController(m_compare, this);
    m_left = m_comparing->controller(0);
    m_right = m_comparing->controller(1);
    setWindowTitle(tr("Procession"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/procession.svg")));
    for (RunController *c : {m_single, m_left, m_right}) {
        if (!workerProgram.isEmpty())
            c->setWorkerProgram(workerProgram);
        connect(c, &RunController::started, this, [this, c] { onStarted(c); });
        connect(c, &RunController::eventsArrived, this, [this, c] { onEvents(c); });
        connect(c, &RunController::runnerEnded, this, &MainWindow::onRunnerEnded);
        connect(c, &RunController::finished, this, [this, c] { onFinished(c); });
    }
    connect(m_playback, &Playback::playheadChanged, this, &MainWindow::onPlayhead);
    connect(m_playback, &Playback::stateChanged, this, &MainWindow::updateActions);

    buildActions();
    buildUi();

    for (const Scenario &s : bundledScenarios()) {
        ScenarioEntry e;
        e.scenario = s;
        addEntry(e, false);
    }
    m_scenarios->selectFirst();
    setCompareMode(false);
    updateActions();
}

MainWindow::~MainWindow()
{
    for (RunController *c : {m_single, m_left, m_right})
        c->stopAndWait(tr("the window was closed"));
}

// ---- building ---------------------------------------------------------------------------

void MainWindow::buildActions()
{
    m_actions = new WindowActions(this);
    const WindowActions *a = m_actions;
    auto on = [this](QAction *action, auto slot) {
        connect(action, &QAction::triggered, this, slot);
    };
    on(a->run, [this] { run(); });
    on(a->stop, [this] { stop(); });
    on(a->compare, [this](bool checked) { setCompareMode(checked); });
    on(a->play, [this] { m_playback->togglePlay(); });
    on(a->prev, [this] { stepEvent(false); });
    on(a->next, [this] { stepEvent(true); });
    on(a->toStart, [this] {
        m_playback->pause();
        m_playback->seek(0);
        statusBar()->showMessage(tr("At the start of the run."));
    });
    on(a->toEnd, [this] {
        m_playback->pause();
        m_playback->seek(playDuration());
        statusBar()->showMessage(tr("At the end of the run."));
    });
    on(a->slower, [this] { m_playControls->slower(); });
    on(a->faster, [this] { m_playControls->faster(); });
    auto views = [this] {
        return m_compareMode ? QList<TimelineView *>{m_compare->first(), m_compare->second()}
                             : QList<TimelineView *>{m_timeline};
    };
    on(a->fit, [views] {
        for (TimelineView *v : views())
            v->fitToWindow();
    });
    on(a->zoomIn, [views] {
        for (TimelineView *v : views())
            v->zoomBy(1.5);
    });
    on(a->zoomOut, [views] {
        for (TimelineView *v : views())
            v->zoomBy(1 / 1.5);
    });
    on(a->open, [this] { openDialog(); });
    on(a->loadTasks, [this] { loadTasksDialog(); });
    on(a->save, [this] { saveDialog(); });
    on(a->exportImage, [this] { exportDialog(); });
    on(a->exportPython, [this] { exportPythonDialog(); });
    on(a->dark, [this](bool checked) { setDarkPalette(checked); });
    on(a->help, [this] { HelpDialogs::showHelp(this); });
    on(a->about, [this] { HelpDialogs::showAbout(this); });
    on(a->aboutQt, [] { QApplication::aboutQt(); });
    on(a->quit, [this] { close(); });
    m_actions->addMenus(this);
}

void MainWindow::buildUi()
{
    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_actions->run);
    bar->addAction(m_actions->stop);
    bar->addAction(m_actions->compare);
    m_comparing->addChoosers(bar);
    connect(m_comparing, &CompareController::choiceChanged, this, [this] {
        if (m_compareMode)
            updateFollowed(); // before a run, the recipe shows the chosen scenario
    });
    bar->addSeparator();
    bar->addAction(m_actions->prev);
    bar->addAction(m_actions->play);
    bar->addAction(m_actions->next);
    m_playControls = new PlaybackControls(this);
    connect(m_playControls, &PlaybackControls::speedChanged, m_playback, &Playback::setSpeed);
    connect(m_playControls, &PlaybackControls::scrubbedTo, this, [this](double fraction) {
        m_playback->pause();
        m_playback->seek(qint64(fraction * double(playDuration())));
    });
    m_playControls->addTo(bar);
    bar->addSeparator();
    bar->addAction(m_actions->fit);

    // Left: scenarios, what the selected one teaches, and the clicked call's details.
    m_scenarios = new ScenarioPanel(this);
    connect(m_scenarios, &ScenarioPanel::entrySelected, this, &MainWindow::onEntrySelected);
    connect(m_scenarios, &ScenarioPanel::entryActivated, this, &MainWindow::run);
    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setHtml(callDetailsHtml(TimelineModel(), -1));
    m_sideSplit = new QSplitter(Qt::Vertical, this);
    m_sideSplit->addWidget(m_scenarios);
    m_sideSplit->addWidget(m_details);
    m_sideSplit->setStretchFactor(0, 3);
    m_sideSplit->setStretchFactor(1, 2);

    m_timeline = new TimelineView(this);
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_timeline);
    m_stack->addWidget(m_compare);
    m_foreign = new ForeignTraceView(this);
    m_foreign->setObjectName(QStringLiteral("foreignTrace"));
    m_stack->addWidget(m_foreign);
    // The stack is as small as the page shown, not as its largest page (the compare view's
    // two timelines): with QT_SCALE_FACTOR=2 a 1000 px high screen is 500 px, and the
    // window's minimum height was 617.
    auto fitPage = [this](int current) {
        for (int i = 0; i < m_stack->count(); ++i)
            m_stack->widget(i)->setSizePolicy(
                i == current ? QSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred)
                             : QSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored));
    };
    connect(m_stack, &QStackedWidget::currentChanged, this, fitPage);
    fitPage(m_stack->currentIndex());
    connect(m_foreign, &ForeignTraceView::sliceSelected, this,
            [this](const QString &html) { m_details->setHtml(html); });
    connect(m_foreign, &ForeignTraceView::playRequested, m_playback, &Playback::togglePlay);
    for (TimelineView *v : {m_timeline, m_compare->first(), m_compare->second()}) {
        connect(v, &TimelineView::callClicked, this,
                [this, v](qsizetype call) { onCallClicked(v, call); });
        connect(v, &TimelineView::scrubbed, this, [this](qint64 t) {
            m_playback->pause();
            m_playback->seek(t);
        });
    }
    connect(m_compare->first(), &TimelineView::engaged, this, [this] {
        if (m_compareMode)
            setFollowedSide(0);
    });
    connect(m_compare->second(), &TimelineView::engaged, this, [this] {
        if (m_compareMode)
            setFollowedSide(1);
    });

    m_panes = new RunPanes(this);
    m_console = m_panes->console();
    m_code = m_panes->code();

    m_centerSplit = new QSplitter(Qt::Vertical, this);
    m_centerSplit->setObjectName(QStringLiteral("centerSplit"));
    m_centerSplit->addWidget(m_stack);
    m_centerSplit->addWidget(m_panes);
    m_centerSplit->setStretchFactor(0, 3);
    m_centerSplit->setStretchFactor(1, 1);

    m_mainSplit = new QSplitter(Qt::Horizontal, this);
    m_mainSplit->setObjectName(QStringLiteral("mainSplit"));
    m_mainSplit->addWidget(m_sideSplit);
    m_mainSplit->addWidget(m_centerSplit);
    m_mainSplit->setStretchFactor(0, 0);
    m_mainSplit->setStretchFactor(1, 1);
    m_mainSplit->setSizes({280, 1100});
    m_centerSplit->setSizes({560, 200});
    m_panes->setSizes({550, 550});
    m_sideSplit->setSizes({545, 225}); // room for a clicked call's four times and their gaps
    setCentralWidget(m_mainSplit);
    statusBar()->showMessage(tr("Pick a scenario and press F5."));
    // Range zoom by right-drag is not something one finds by trying: say it, quietly.
    auto *hint = new QLabel(tr("right-drag: zoom to a range · Ctrl+wheel: zoom"), this);
    hint->setObjectName(QStringLiteral("zoomHint"));
    hint->setToolTip(TimelineView::navigationHint());
    statusBar()->addPermanentWidget(hint);
    resize(1400, 860);
}

void MainWindow::addEntry(const ScenarioEntry &entry, bool select)
{
    if (!m_scenarios->addEntry(entry, select))
        return; // a file opened again: its line, read anew
    if (!entry.isTrace())
        m_comparing->addScenario(entry.scenario.id);
}

// ---- scenarios and files ----------------------------------------------------------------

const Scenario *MainWindow::scenarioById(const QString &id) const
{
    return m_scenarios->scenarioById(id);
}

bool MainWindow::selectScenario(const QString &id)
{
    return m_scenarios->selectScenario(id);
}

QString MainWindow::selectedScenarioId() const
{
    const ScenarioEntry *e = m_scenarios->current();
    return e ? e->scenario.id : QString();
}

void MainWindow::onEntrySelected()
{
    const ScenarioEntry *current = m_scenarios->current();
    if (!current)
        return;
    const ScenarioEntry &e = *current;
    if (e.timeline) {
        if (m_compareMode) {
            setCompareMode(false); // comes back here in single mode
            return;
        }
        m_scenarios->setDescription(
            tr("Another tool's trace, from <i>%1</i>. Space replays it; Ctrl+wheel zooms; "
               "hover a slice for its args.")
                .arg(e.path.toHtmlEscaped()));
        m_foreign->setTheme(Theme::forPalette(qApp->palette()));
        m_foreign->setTrace(e.timeline, QFileInfo(e.path).fileName());
        m_stack->setCurrentWidget(m_foreign);
        m_foreign->setFocus();
        // The run panes belong to Procession's runs: another tool's trace has no recipe and
        // printed nothing we saw.
        m_code->setLines({tr("# another tool's trace: no recipe")});
        m_console->setModel(nullptr);
        m_details->setHtml(callDetailsHtml(TimelineModel(), -1));
        m_playback->stopLive(m_foreign->span()); // the whole trace shown, ready to replay
        updateActions();
        return;
    }
    if (showingForeignTrace()) {
        // Back from another tool's trace: the run panes and the playhead are the run's again.
        m_stack->setCurrentIndex(m_compareMode ? 1 : 0);
        m_console->setModel(&m_single->model());
        m_playback->stopLive(playDuration());
    }
    if (e.isTrace()) {
        m_scenarios->setDescription(
            tr("A saved run, replayed from <i>%1</i>.").arg(e.path.toHtmlEscaped()));
        if (m_compareMode) {
            setCompareMode(false); // comes back here in single mode
            return;
        }
        if (!m_single->isRunning()) {
            m_single->load(e.run, e.path, e.recorded);
            const Scenario *s = m_single->shownScenario();
            m_code->setLines(s ? s->recipeLines() : QStringList());
            m_timeline->setModel(&m_single->model());
            m_timeline->setTitle(viewTitle(m_single->model(), nullptr) + tr("  (saved run)"));
            m_console->setModel(&m_single->model());
            m_playback->stopLive(m_single->model().duration());
        }
        return;
    }
    m_scenarios->setDescription(
        QStringLiteral("<b>%1</b><br>%2")
            .arg(e.scenario.title.toHtmlEscaped(), e.scenario.description.toHtmlEscaped()));
    if (!m_compareMode) {
        m_code->setLines(e.scenario.recipeLines());
        if (!m_single->isRunning() && m_single->scenario().id != e.scenario.id) {
            m_single->load(nullptr, QString()); // a fresh, empty timeline for the new choice
            m_timeline->setModel(&m_single->model());
            m_console->setModel(&m_single->model());
            m_timeline->setTitle(viewTitle(m_single->model(), &e.scenario));
            m_playback->stopLive(0);
        }
    }
    updateActions();
}

int MainWindow::followedSide() const
{
    return m_comparing->followedSide();
}

RunController *MainWindow::compareController(int side) const
{
    return m_comparing->controller(side);
}

// ---- running ----------------------------------------------------------------------------

void MainWindow::setCompareScenarios(const QString &first, const QString &second)
{
    m_comparing->setScenarios(first, second);
}

void MainWindow::setCompareMode(bool on)
{
    if (isRunning())
        return;
    m_compareMode = on;
    m_actions->compare->setChecked(on);
    // The details shown were of a call in the other mode's timeline: they no longer apply.
    for (TimelineView *v : {m_timeline, m_compare->first(), m_compare->second()})
        v->setSelectedCall(-1);
    showDetails(nullptr, -1);
    m_stack->setCurrentIndex(on ? 1 : 0);
    m_comparing->setChoosersVisible(on);
    const TimelineModel &m = activeModel();
    m_console->setModel(&m);
    if (on) {
        m_compare->first()->setModel(&m_left->model());
        m_compare->second()->setModel(&m_right->model());
        m_compare->refresh();
        updateFollowed();
        m_playback->stopLive(playDuration());
    } else {
        updateFollowed();
        onEntrySelected();
        m_playback->stopLive(playDuration());
    }
    updateActions();
}

void MainWindow::setFollowedSide(int side)
{
    if (!m_comparing->setFollowedSide(side))
        return;
    updateFollowed();
    updateActions();
}

void MainWindow::updateFollowed()
{
    m_compare->first()->setFollowed(m_compareMode && followedSide() == 0);
    m_compare->second()->setFollowed(m_compareMode && followedSide() == 1);
    if (!m_compareMode) {
        m_panes->showSingleTitles();
        return;
    }
    m_panes->showFollowedTitles(m_comparing->scenarioId(followedSide()), followedSide() == 0);
    m_console->setModel(&activeModel());
    const Scenario *s = scenarioById(m_comparing->scenarioId(followedSide()));
    m_code->setLines(s ? s->recipeLines() : QStringList());
    const TimelineModel &m = activeModel();
    const qint64 t = m_playback->playhead();
    m_console->setPlayhead(t);
    m_code->setCurrentStep(m.isEmpty() ? -1 : m.trace().stepAt(m.t0() + t));
}

QString MainWindow::consoleTitle() const
{
    return m_panes->consoleTitle();
}

QString MainWindow::codeTitle() const
{
    return m_panes->codeTitle();
}

void MainWindow::run()
{
    if (isRunning())
        return;
    m_stopping = false;
    if (m_compareMode) {
        m_comparing->takeChoice();
        const Scenario *a = scenarioById(m_comparing->chosenId(0));
        const Scenario *b = scenarioById(m_comparing->chosenId(1));
        if (!a || !b) {
            statusBar()->showMessage(tr("Pick two scenarios to compare."));
            return;
        }
        const Scenario *followed = followedSide() == 0 ? a : b;
        m_code->setLines(followed->recipeLines());
        m_compare->first()->setTitle(viewTitle(m_left->model(), a));
        m_compare->second()->setTitle(viewTitle(m_right->model(), b));
        // Both at once: greet sleeps, so the two runs barely disturb each other.
        m_left->start(*a);
        m_right->start(*b);
        m_playback->startLive(std::min(m_left->startedAtNs(), m_right->startedAtNs()));
        statusBar()->showMessage(tr("Running %1 and %2 side by side…").arg(a->id, b->id));
    } else {
        const ScenarioEntry *e = m_scenarios->current();
        if (!e || e->isTrace()) {
            statusBar()->showMessage(
                tr("Pick a scenario to run (a saved run can only be replayed)."));
            return;
        }
        const Scenario s = e->scenario;
        m_timeline->setTitle(viewTitle(m_single->model(), &s));
        m_code->setLines(s.recipeLines());
        m_single->start(s);
        m_playback->startLive(m_single->startedAtNs());
        statusBar()->showMessage(tr("Running %1…").arg(s.id));
    }
    updateActions();
}

void MainWindow::onCallClicked(TimelineView *view, qsizetype call)
{
    for (TimelineView *v : {m_timeline, m_compare->first(), m_compare->second()})
        if (v != view)
            v->setSelectedCall(-1);
    showDetails(view->model(), call);
}

void MainWindow::showDetails(const TimelineModel *model, qsizetype call)
{
    m_details->setHtml(model ? callDetailsHtml(*model, call)
                             : callDetailsHtml(TimelineModel(), -1));
}

void MainWindow::updateActions()
{
    const bool running = isRunning();
    const ScenarioEntry *e = m_scenarios->current();
    const bool runnable = m_compareMode || (e && !e->isTrace());
    m_actions->run->setEnabled(!running && runnable);
    m_actions->stop->setEnabled(running && !m_stopping);
    m_actions->compare->setEnabled(!running);
    m_actions->loadTasks->setEnabled(!running);
    m_scenarios->list()->setEnabled(!running);
    m_comparing->setChoosersEnabled(!running);
    const bool replayable = !running && playDuration() > 0;
    for (QAction *a :
         {m_actions->play, m_actions->prev, m_actions->next, m_actions->toStart, m_actions->toEnd})
        a->setEnabled(replayable);
    m_playControls->setScrubEnabled(replayable);
    m_actions->save->setEnabled(!running && !activeModel().isEmpty());
    m_actions->play->setText(m_playback->isPlaying() && !m_playback->isLive() ? tr("Pause")
                                                                              : tr("Play"));
    m_actions->play->setToolTip(tr("Replay the run / pause (Space)"));
}

} // namespace procession::gui
