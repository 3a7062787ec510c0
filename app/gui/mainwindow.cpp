#include "mainwindow.h"

#include "calldetails.h"
#include "chrometrace.h"
#include "codeview.h"
#include "compareview.h"
#include "consoleview.h"
#include "inputfile.h"
#include "playback.h"
#include "runcontroller.h"
#include "scenariodelegate.h"
#include "theme.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSvgGenerator>
#include <QTextBrowser>
#include <QTextDocumentFragment>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace procession::gui {

namespace {

// A saved trace or a scenario opened in the window is read whole: at most this much.
constexpr qint64 kMaxOpenBytes = qint64(1) << 30;

const double kSpeeds[] = {0.1, 0.25, 0.5, 1, 2, 5, 10};

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
      m_left(new RunController(this)), m_right(new RunController(this)),
      m_playback(new Playback(this))
{
    setWindowTitle(tr("Procession"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/procession.svg")));
    for (RunController *c : {m_single, m_left, m_right}) {
        if (!workerProgram.isEmpty())
            c->setWorkerProgram(workerProgram);
        connect(c, &RunController::started, this, [this, c] { onStarted(c); });
        connect(c, &RunController::eventsArrived, this, [this, c] { onEvents(c); });
        connect(c, &RunController::finished, this, [this, c] { onFinished(c); });
    }
    connect(m_playback, &Playback::playheadChanged, this, &MainWindow::onPlayhead);
    connect(m_playback, &Playback::stateChanged, this, &MainWindow::updateActions);

    buildActions();
    buildUi();

    for (const Scenario &s : bundledScenarios()) {
        Entry e;
        e.scenario = s;
        addEntry(e, false);
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0); // the first bundled scenario
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
    auto make = [this](const QString &text, const QKeySequence &key, auto slot) {
        auto *a = new QAction(text, this);
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    m_runAction = make(tr("&Run"), QKeySequence(Qt::Key_F5), [this] { run(); });
    m_runAction->setToolTip(tr("Run the selected scenario (F5)"));
    m_stopAction = make(tr("&Stop"), QKeySequence(Qt::SHIFT | Qt::Key_F5), [this] { stop(); });
    m_stopAction->setToolTip(
        tr("Stop the run: interrupt the calls and stop every worker (Shift+F5)"));
    m_compareAction = make(tr("&Compare"), QKeySequence(Qt::CTRL | Qt::Key_K),
                           [this](bool on) { setCompareMode(on); });
    m_compareAction->setCheckable(true);
    m_compareAction->setToolTip(tr("Two runs on one time axis (Ctrl+K)"));
    m_playAction =
        make(tr("&Play"), QKeySequence(Qt::Key_Space), [this] { m_playback->togglePlay(); });
    m_prevAction =
        make(tr("Previous event"), QKeySequence(Qt::Key_Comma), [this] { stepEvent(false); });
    m_prevAction->setShortcuts(
        {QKeySequence(Qt::Key_Comma), QKeySequence(Qt::CTRL | Qt::Key_Left)});
    m_prevAction->setToolTip(tr("Step to the previous event (, or Ctrl+Left)"));
    m_nextAction =
        make(tr("Next event"), QKeySequence(Qt::Key_Period), [this] { stepEvent(true); });
    m_nextAction->setShortcuts(
        {QKeySequence(Qt::Key_Period), QKeySequence(Qt::CTRL | Qt::Key_Right)});
    m_nextAction->setToolTip(tr("Step to the next event (. or Ctrl+Right)"));
    m_slowerAction = make(tr("Slower"), QKeySequence(Qt::Key_BracketLeft), [this] {
        m_speed->setCurrentIndex(std::max(0, m_speed->currentIndex() - 1));
    });
    m_fasterAction = make(tr("Faster"), QKeySequence(Qt::Key_BracketRight), [this] {
        m_speed->setCurrentIndex(std::min(m_speed->count() - 1, m_speed->currentIndex() + 1));
    });
    auto views = [this] {
        return m_compareMode ? QList<TimelineView *>{m_compare->first(), m_compare->second()}
                             : QList<TimelineView *>{m_timeline};
    };
    m_fitAction = make(tr("&Fit to window"), QKeySequence(Qt::CTRL | Qt::Key_0), [views] {
        for (TimelineView *v : views())
            v->fitToWindow();
    });
    m_zoomInAction = make(tr("Zoom &in"), QKeySequence::ZoomIn, [views] {
        for (TimelineView *v : views())
            v->zoomBy(1.5);
    });
    m_zoomOutAction = make(tr("Zoom &out"), QKeySequence::ZoomOut, [views] {
        for (TimelineView *v : views())
            v->zoomBy(1 / 1.5);
    });
    m_openAction = make(tr("&Open…"), QKeySequence::Open, [this] { openDialog(); });
    m_saveAction = make(tr("&Save trace…"), QKeySequence::Save, [this] { saveDialog(); });
    m_exportAction =
        make(tr("&Export image…"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] { exportDialog(); });
    m_darkAction =
        make(tr("&Dark palette"), QKeySequence(), [this](bool on) { setDarkPalette(on); });
    m_darkAction->setCheckable(true);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addAction(m_saveAction);
    file->addAction(m_exportAction);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *runMenu = menuBar()->addMenu(tr("&Run"));
    runMenu->addAction(m_runAction);
    runMenu->addAction(m_stopAction);
    runMenu->addAction(m_compareAction);
    QMenu *play = menuBar()->addMenu(tr("&Playback"));
    play->addAction(m_playAction);
    play->addAction(m_prevAction);
    play->addAction(m_nextAction);
    play->addAction(m_slowerAction);
    play->addAction(m_fasterAction);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_fitAction);
    view->addAction(m_zoomInAction);
    view->addAction(m_zoomOutAction);
    view->addSeparator();
    view->addAction(m_darkAction);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *helpAction = help->addAction(tr("Procession &help"), this, &MainWindow::showHelp);
    helpAction->setShortcut(QKeySequence::HelpContents);
    addAction(helpAction);
    help->addAction(tr("&About Procession"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildUi()
{
    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    bar->addAction(m_compareAction);
    m_compareA = new QComboBox(this);
    m_compareB = new QComboBox(this);
    m_compareA->setToolTip(tr("Top timeline"));
    m_compareB->setToolTip(tr("Bottom timeline"));
    for (QComboBox *box : {m_compareA, m_compareB})
        connect(box, &QComboBox::currentTextChanged, this, [this] {
            if (m_compareMode)
                updateFollowed(); // before a run, the recipe shows the chosen scenario
        });
    m_compareBarActions << bar->addWidget(m_compareA)
                        << bar->addWidget(new QLabel(tr(" vs "), this))
                        << bar->addWidget(m_compareB);
    bar->addSeparator();
    bar->addAction(m_prevAction);
    bar->addAction(m_playAction);
    bar->addAction(m_nextAction);
    m_speed = new QComboBox(this);
    for (double s : kSpeeds)
        m_speed->addItem(QString::number(s) + QStringLiteral("×"), s);
    m_speed->setCurrentIndex(3);
    m_speed->setToolTip(tr("Replay speed ([ slower, ] faster)"));
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_playback->setSpeed(m_speed->itemData(i).toDouble()); });
    bar->addWidget(m_speed);
    m_scrub = new QSlider(Qt::Horizontal, this);
    m_scrub->setRange(0, 1000);
    m_scrub->setMinimumWidth(160);
    m_scrub->setToolTip(tr("Scrub through the run"));
    connect(m_scrub, &QSlider::sliderMoved, this, [this](int v) {
        m_playback->pause();
        m_playback->seek(qint64(double(v) / 1000.0 * double(playDuration())));
    });
    bar->addWidget(m_scrub);
    m_time = new QLabel(this);
    m_time->setMinimumWidth(130);
    m_time->setAlignment(Qt::AlignCenter);
    bar->addWidget(m_time);
    bar->addSeparator();
    bar->addAction(m_fitAction);

    // Left: scenarios, what the selected one teaches, and the clicked call's details.
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("scenarios"));
    m_list->setItemDelegate(new ScenarioDelegate(m_list));
    m_list->setSpacing(2);
    m_list->setResizeMode(QListView::Adjust); // titles re-wrap when the pane is resized
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_list, &QListWidget::currentRowChanged, this, &MainWindow::onEntrySelected);
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (item->data(ScenarioDelegate::EntryRole).toInt() >= 0)
            run();
    });
    m_description = new QLabel(this);
    m_description->setWordWrap(true);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setTextFormat(Qt::RichText);
    m_description->setMargin(6);
    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setHtml(callDetailsHtml(TimelineModel(), -1));
    m_sideSplit = new QSplitter(Qt::Vertical, this);
    auto *listBox = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listBox);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->setSpacing(2);
    auto *listTitle = new QLabel(tr("<b>Scenarios</b>"), this);
    listTitle->setMargin(4);
    listLayout->addWidget(listTitle);
    listLayout->addWidget(m_list, 1);
    listLayout->addWidget(m_description);
    m_sideSplit->addWidget(listBox);
    m_sideSplit->addWidget(m_details);
    m_sideSplit->setStretchFactor(0, 3);
    m_sideSplit->setStretchFactor(1, 2);

    m_timeline = new TimelineView(this);
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_compare = new CompareView(this);
    m_compare->setObjectName(QStringLiteral("compare"));
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_timeline);
    m_stack->addWidget(m_compare);
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

    m_console = new ConsoleView(this);
    m_console->setObjectName(QStringLiteral("console"));
    m_code = new CodeView(this);
    m_code->setObjectName(QStringLiteral("code"));
    auto titled = [this](QLabel *label, QWidget *w) {
        auto *box = new QWidget(this);
        auto *l = new QVBoxLayout(box);
        l->setContentsMargins(0, 0, 0, 0);
        l->setSpacing(2);
        label->setMargin(3);
        label->setTextFormat(Qt::RichText);
        // A long header is cut, it never widens its pane.
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        l->addWidget(label);
        l->addWidget(w, 1);
        return box;
    };
    m_consoleTitle = new QLabel(this);
    m_consoleTitle->setObjectName(QStringLiteral("consoleTitle"));
    m_codeTitle = new QLabel(this);
    m_codeTitle->setObjectName(QStringLiteral("codeTitle"));
    m_bottomSplit = new QSplitter(Qt::Horizontal, this);
    m_bottomSplit->addWidget(titled(m_consoleTitle, m_console));
    m_bottomSplit->addWidget(titled(m_codeTitle, m_code));
    m_bottomSplit->setStretchFactor(0, 1);
    m_bottomSplit->setStretchFactor(1, 1);

    m_centerSplit = new QSplitter(Qt::Vertical, this);
    m_centerSplit->setObjectName(QStringLiteral("centerSplit"));
    m_centerSplit->addWidget(m_stack);
    m_centerSplit->addWidget(m_bottomSplit);
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
    m_bottomSplit->setSizes({550, 550});
    m_sideSplit->setSizes({545, 225}); // room for a clicked call's four times and their gaps
    setCentralWidget(m_mainSplit);
    statusBar()->showMessage(tr("Pick a scenario and press F5."));
    resize(1400, 860);
}

void MainWindow::addEntry(const Entry &entry, bool select)
{
    m_entries.append(entry);
    if (!entry.path.isEmpty() && !m_openedHeading) {
        // Files the person opened go under their own heading, after the bundled scenarios.
        m_openedHeading = new QListWidgetItem(tr("Opened"), m_list);
        m_openedHeading->setFlags(Qt::NoItemFlags);
        m_openedHeading->setData(ScenarioDelegate::HeadingRole, true);
        m_openedHeading->setData(ScenarioDelegate::EntryRole, -1);
    }
    auto *item = new QListWidgetItem(m_list);
    item->setData(ScenarioDelegate::EntryRole, int(m_entries.size() - 1));
    if (entry.isTrace()) {
        TimelineModel m;
        m.setEvents(entry.events);
        item->setText(tr("Saved run: %1").arg(QFileInfo(entry.path).fileName()));
        item->setData(ScenarioDelegate::SubtitleRole, m.trace().scenarioId());
        item->setToolTip(entry.path);
    } else {
        item->setText(entry.scenario.title);
        item->setData(ScenarioDelegate::SubtitleRole, entry.scenario.id);
        item->setToolTip(entry.path.isEmpty()
                             ? entry.scenario.description
                             : entry.scenario.description + QStringLiteral("\n\n") + entry.path);
        for (QComboBox *box : {m_compareA, m_compareB})
            box->addItem(entry.scenario.id);
        m_compareA->setCurrentText(m_compareIds[0]);
        m_compareB->setCurrentText(m_compareIds[1]);
    }
    if (select)
        m_list->setCurrentItem(item);
}

// ---- scenarios and files ----------------------------------------------------------------

const Scenario *MainWindow::scenarioById(const QString &id) const
{
    for (const Entry &e : m_entries)
        if (!e.isTrace() && e.scenario.id == id)
            return &e.scenario;
    return nullptr;
}

bool MainWindow::selectScenario(const QString &id)
{
    for (int i = 0; i < m_list->count(); ++i) {
        const int e = m_list->item(i)->data(ScenarioDelegate::EntryRole).toInt();
        if (e >= 0 && e < m_entries.size() && !m_entries[e].isTrace() &&
            m_entries[e].scenario.id == id) {
            m_list->setCurrentRow(i);
            return true;
        }
    }
    return false;
}

int MainWindow::currentEntry() const
{
    const QListWidgetItem *item = m_list->currentItem();
    const int e = item ? item->data(ScenarioDelegate::EntryRole).toInt() : -1;
    return e >= 0 && e < m_entries.size() ? e : -1;
}

QString MainWindow::selectedScenarioId() const
{
    const int row = currentEntry();
    return row >= 0 ? m_entries[row].scenario.id : QString();
}

void MainWindow::onEntrySelected()
{
    const int row = currentEntry();
    if (row < 0)
        return;
    const Entry &e = m_entries[row];
    if (e.isTrace()) {
        m_description->setText(
            tr("A saved run, replayed from <i>%1</i>.").arg(e.path.toHtmlEscaped()));
        if (m_compareMode) {
            setCompareMode(false); // comes back here in single mode
            return;
        }
        if (!m_single->isRunning()) {
            m_single->load(e.events, e.path);
            const Scenario *s = scenarioById(m_single->model().trace().scenarioId());
            m_code->setLines(s ? s->recipeLines() : QStringList());
            m_timeline->setModel(&m_single->model());
            m_timeline->setTitle(viewTitle(m_single->model(), nullptr) + tr("  (saved run)"));
            m_console->setModel(&m_single->model());
            m_playback->stopLive(m_single->model().duration());
        }
        return;
    }
    m_description->setText(
        QStringLiteral("<b>%1</b><br>%2")
            .arg(e.scenario.title.toHtmlEscaped(), e.scenario.description.toHtmlEscaped()));
    if (!m_compareMode) {
        m_code->setLines(e.scenario.recipeLines());
        if (!m_single->isRunning() && m_single->scenario().id != e.scenario.id) {
            m_single->load({}, QString()); // a fresh, empty timeline for the new choice
            m_timeline->setModel(&m_single->model());
            m_console->setModel(&m_single->model());
            m_timeline->setTitle(viewTitle(m_single->model(), &e.scenario));
            m_playback->stopLive(0);
        }
    }
    updateActions();
}

bool MainWindow::openFile(const QString &path, QString *error)
{
    // Only a regular file, read with a bound: a device or a FIFO named here would be read
    // until memory ran out, or wait forever for a writer.
    QByteArray data;
    QString why;
    if (!InputFile::read(path, kMaxOpenBytes, &data, &why)) {
        if (error)
            *error = tr("%1: %2").arg(path, why);
        return false;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(data);
    if (doc.isObject() && doc.object().contains(QStringLiteral("traceEvents"))) {
        Entry e;
        e.path = path;
        QString why;
        if (!fromChromeTrace(data, &e.events, &why)) {
            if (error)
                *error = tr("%1: %2").arg(path, why);
            return false;
        }
        addEntry(e, true);
        statusBar()->showMessage(tr("Opened the saved run %1 — Space replays it.").arg(path));
        return true;
    }
    Entry e;
    if (!parseScenario(data, path, &e.scenario, &why)) {
        if (error)
            *error = why;
        return false;
    }
    e.path = path;
    addEntry(e, true);
    statusBar()->showMessage(tr("Opened the scenario %1 — F5 runs it.").arg(e.scenario.id));
    return true;
}

bool MainWindow::saveTrace(const QString &path, QString *error)
{
    const RunController *c = activeController();
    if (c->model().isEmpty()) {
        if (error)
            *error = tr("There is no run to save yet.");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toChromeTrace(c->model().events())) < 0 ||
        !file.commit()) {
        if (error)
            *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    statusBar()->showMessage(
        tr("Saved %1 (opens in Procession, Perfetto and chrome://tracing).").arg(path));
    return true;
}

bool MainWindow::exportImage(const QString &path, QString *error)
{
    QWidget *w = m_compareMode ? static_cast<QWidget *>(m_compare) : m_timeline;
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(w->size());
        svg.setViewBox(QRect(QPoint(0, 0), w->size()));
        svg.setTitle(windowTitle());
        svg.setDescription(tr("A Procession timeline"));
        QPainter p(&svg);
        w->render(&p);
        p.end();
        if (!QFileInfo(path).size()) {
            if (error)
                *error = tr("%1: could not write the SVG file.").arg(path);
            return false;
        }
    } else {
        const qreal dpr = std::max<qreal>(2, w->devicePixelRatioF());
        QImage image(w->size() * dpr, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(dpr);
        image.fill(palette().color(QPalette::Window));
        w->render(&image);
        if (!image.save(path)) {
            if (error)
                *error = tr("%1: could not write the image.").arg(path);
            return false;
        }
    }
    statusBar()->showMessage(tr("Exported %1").arg(path));
    return true;
}

// ---- running ----------------------------------------------------------------------------

void MainWindow::setCompareScenarios(const QString &first, const QString &second)
{
    m_compareIds[0] = first;
    m_compareIds[1] = second;
    m_compareA->setCurrentText(first);
    m_compareB->setCurrentText(second);
}

void MainWindow::setCompareMode(bool on)
{
    if (isRunning())
        return;
    m_compareMode = on;
    m_compareAction->setChecked(on);
    m_stack->setCurrentIndex(on ? 1 : 0);
    for (QAction *a : std::as_const(m_compareBarActions)) // the two choosers and " vs "
        a->setVisible(on);
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
    side = side == 0 ? 0 : 1;
    if (side == m_followSide)
        return;
    m_followSide = side;
    updateFollowed();
    updateActions();
}

QString MainWindow::compareScenarioId(int side) const
{
    const RunController *c = side == 0 ? m_left : m_right;
    if (!c->model().isEmpty() && !c->model().trace().scenarioId().isEmpty())
        return c->model().trace().scenarioId();
    const QComboBox *box = side == 0 ? m_compareA : m_compareB;
    return box && !box->currentText().isEmpty() ? box->currentText() : m_compareIds[side];
}

void MainWindow::updateFollowed()
{
    m_compare->first()->setFollowed(m_compareMode && m_followSide == 0);
    m_compare->second()->setFollowed(m_compareMode && m_followSide == 1);
    if (!m_compareMode) {
        m_consoleTitle->setToolTip(QString());
        m_codeTitle->setToolTip(QString());
        m_consoleTitle->setText(tr("<b>Console</b> — what the workers printed"));
        m_codeTitle->setText(tr("<b>Recipe</b> — the step being played is highlighted"));
        return;
    }
    const QString id = compareScenarioId(m_followSide).toHtmlEscaped();
    const QString where = m_followSide == 0 ? tr("top") : tr("bottom");
    const QString muted = palette().color(QPalette::PlaceholderText).name();
    m_consoleTitle->setText(tr("<b>Console</b> — %1 <span style='color:%3'>(%2 timeline)</span>")
                                .arg(id, where, muted));
    m_codeTitle->setText(
        tr("<b>Recipe</b> — %1 <span style='color:%3'>(%2 timeline)</span>").arg(id, where, muted));
    const QString hint = tr("The console and the recipe follow the timeline you last clicked "
                            "or rested the pointer on; Ctrl+S saves that run.");
    m_consoleTitle->setToolTip(hint);
    m_codeTitle->setToolTip(hint);
    m_console->setModel(&activeModel());
    const Scenario *s = scenarioById(compareScenarioId(m_followSide));
    m_code->setLines(s ? s->recipeLines() : QStringList());
    const TimelineModel &m = activeModel();
    const qint64 t = m_playback->playhead();
    m_console->setPlayhead(t);
    m_code->setCurrentStep(m.isEmpty() ? -1 : m.trace().stepAt(m.t0() + t));
}

QString MainWindow::consoleTitle() const
{
    return QTextDocumentFragment::fromHtml(m_consoleTitle->text()).toPlainText();
}

QString MainWindow::codeTitle() const
{
    return QTextDocumentFragment::fromHtml(m_codeTitle->text()).toPlainText();
}

void MainWindow::run()
{
    if (isRunning())
        return;
    if (m_compareMode) {
        m_compareIds[0] = m_compareA->currentText();
        m_compareIds[1] = m_compareB->currentText();
        const Scenario *a = scenarioById(m_compareIds[0]);
        const Scenario *b = scenarioById(m_compareIds[1]);
        if (!a || !b) {
            statusBar()->showMessage(tr("Pick two scenarios to compare."));
            return;
        }
        const Scenario *followed = m_followSide == 0 ? a : b;
        m_code->setLines(followed->recipeLines());
        m_compare->first()->setTitle(viewTitle(m_left->model(), a));
        m_compare->second()->setTitle(viewTitle(m_right->model(), b));
        // Both at once: greet sleeps, so the two runs barely disturb each other.
        m_left->start(*a);
        m_right->start(*b);
        m_playback->startLive(std::min(m_left->startedAtNs(), m_right->startedAtNs()));
        statusBar()->showMessage(tr("Running %1 and %2 side by side…").arg(a->id, b->id));
    } else {
        const int row = currentEntry();
        if (row < 0 || m_entries[row].isTrace()) {
            statusBar()->showMessage(
                tr("Pick a scenario to run (a saved run can only be replayed)."));
            return;
        }
        const Scenario s = m_entries[row].scenario;
        m_timeline->setTitle(viewTitle(m_single->model(), &s));
        m_code->setLines(s.recipeLines());
        m_single->start(s);
        m_playback->startLive(m_single->startedAtNs());
        statusBar()->showMessage(tr("Running %1…").arg(s.id));
    }
    updateActions();
}

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
    TimelineView *v =
        m_compareMode ? (m_followSide == 0 ? m_compare->first() : m_compare->second()) : m_timeline;
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
    for (RunController *c : {m_single, m_left, m_right})
        if (c->isRunning())
            c->stop(tr("stopped by the user"));
}

bool MainWindow::isRunning() const
{
    return m_single->isRunning() || m_left->isRunning() || m_right->isRunning();
}

RunController *MainWindow::activeController() const
{
    if (!m_compareMode)
        return m_single;
    return m_followSide == 0 ? m_left : m_right;
}

const TimelineModel &MainWindow::activeModel() const
{
    return activeController()->model();
}

qint64 MainWindow::playDuration() const
{
    if (m_compareMode)
        return std::max(m_left->model().duration(), m_right->model().duration());
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
    m_console->setPlayhead(m_playback->playhead());
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
    if (m_compareMode) {
        m_compare->first()->setPlayhead(t);
        m_compare->second()->setPlayhead(t);
        if (m_playback->isLive())
            m_compare->refresh();
    } else {
        m_timeline->setPlayhead(t);
    }
    const TimelineModel &m = activeModel();
    m_console->setPlayhead(t);
    m_code->setCurrentStep(m.isEmpty() ? -1 : m.trace().stepAt(m.t0() + t));
    const qint64 d = m_playback->isLive() ? t : playDuration();
    m_scrub->blockSignals(true);
    m_scrub->setValue(d > 0 ? int(1000.0 * double(t) / double(d)) : 0);
    m_scrub->blockSignals(false);
    m_time->setText(
        tr("%1 / %2").arg(QString::number(double(t) / 1e9, 'f', 3),
                          QString::number(double(d) / 1e9, 'f', 3) + QStringLiteral(" s")));
}

void MainWindow::stepEvent(bool forward)
{
    m_playback->pause();
    const qint64 now = m_playback->playhead();
    qint64 best = -1;
    const QList<const TimelineModel *> models =
        m_compareMode ? QList<const TimelineModel *>{&m_left->model(), &m_right->model()}
                      : QList<const TimelineModel *>{&m_single->model()};
    for (const TimelineModel *m : models) {
        const qint64 t = forward ? m->nextEventAfter(now) : m->prevEventBefore(now);
        if (t >= 0 && (best < 0 || (forward ? t < best : t > best)))
            best = t;
    }
    if (best >= 0)
        m_playback->seek(best);
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
    const int row = currentEntry();
    const bool runnable = m_compareMode || (row >= 0 && !m_entries[row].isTrace());
    m_runAction->setEnabled(!running && runnable);
    m_stopAction->setEnabled(running);
    m_compareAction->setEnabled(!running);
    m_list->setEnabled(!running);
    m_compareA->setEnabled(!running);
    m_compareB->setEnabled(!running);
    const bool replayable = !running && playDuration() > 0;
    for (QAction *a : {m_playAction, m_prevAction, m_nextAction})
        a->setEnabled(replayable);
    m_scrub->setEnabled(replayable);
    m_saveAction->setEnabled(!running && !activeModel().isEmpty());
    m_playAction->setText(m_playback->isPlaying() && !m_playback->isLive() ? tr("Pause")
                                                                           : tr("Play"));
    m_playAction->setToolTip(tr("Replay the run / pause (Space)"));
}

// ---- dialogs ----------------------------------------------------------------------------

void MainWindow::openDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a saved run or a scenario"), QString(),
                                     tr("Traces and scenarios (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openFile(path, &error))
        QMessageBox::warning(this, tr("Cannot open"), error);
}

void MainWindow::saveDialog()
{
    const QString id = activeModel().trace().scenarioId();
    // In compare mode the run saved is the followed one: the title says which.
    const QString title = m_compareMode ? tr("Save the trace of %1 (the %2 timeline)")
                                              .arg(id, m_followSide == 0 ? tr("top") : tr("bottom"))
                                        : tr("Save the run's trace");
    const QString path = QFileDialog::getSaveFileName(
        this, title, id + QStringLiteral(".trace.json"), tr("Chrome trace (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTrace(path, &error))
        QMessageBox::warning(this, tr("Cannot save"), error);
}

void MainWindow::exportDialog()
{
    QString filter;
    const QString id = activeModel().trace().scenarioId();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the timeline"),
        (id.isEmpty() ? QStringLiteral("timeline") : id) + QStringLiteral(".png"),
        tr("PNG image (*.png);;SVG drawing (*.svg)"), &filter);
    if (path.isEmpty())
        return;
    QString error;
    if (!exportImage(path, &error))
        QMessageBox::warning(this, tr("Cannot export"), error);
}

void MainWindow::showHelp()
{
    QMessageBox box(this);
    box.setWindowTitle(tr("Procession help"));
    box.setTextFormat(Qt::RichText);
    box.setText(tr(
        "<h3>What you see</h3>"
        "<p>One lane per process: <b>main</b> on top, then one per worker. A hatched span is a "
        "worker <b>starting up</b> (fork → ready). A coloured bar is a <b>call</b> running in the "
        "worker, from the worker's own begin to end stamps; red means it failed. Dark arrows "
        "<b>dispatch</b> a call, green arrows bring its <b>result</b> back. On the main lane, the "
        "grey lower bars are <b>awaits</b>. ⊣ marks a <b>join</b>, ○ an exit, a red ✕ a "
        "<b>crash</b>.</p>"
        "<p>The header adds it up: <b>wall</b> time, total <b>work</b>, <b>speedup</b> = work / "
        "wall, and the <b>overhead</b> of starting processes, dispatching and returning.</p>"
        "<h3>Keys and mouse</h3><table>"
        "<tr><td>F5 / Shift+F5</td><td>run / stop</td></tr>"
        "<tr><td>Ctrl+K</td><td>compare two scenarios on one time axis</td></tr>"
        "<tr><td>Space</td><td>replay / pause</td></tr>"
        "<tr><td>, and .</td><td>previous / next event</td></tr>"
        "<tr><td>[ and ]</td><td>slower / faster (0.1× – 10×)</td></tr>"
        "<tr><td>click or drag on the axis</td><td>scrub</td></tr>"
        "<tr><td>Ctrl+wheel, right-drag</td><td>zoom; Ctrl+0 fits</td></tr>"
        "<tr><td>drag, wheel</td><td>pan</td></tr>"
        "<tr><td>click a call</td><td>details: its four times and the gaps</td></tr>"
        "<tr><td>Ctrl+O / Ctrl+S / Ctrl+E</td><td>open / save trace / export PNG or SVG</td></tr>"
        "</table>"));
    box.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Procession"),
        tr("<h3>Procession %1</h3><p>See process-based concurrency happen.</p>"
           "<p>Procession starts copies of itself as worker processes, sends them calls by "
           "name, and draws every step: fork, call_async, call_await, join.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

// ---- look and settings ------------------------------------------------------------------

void MainWindow::setDarkPalette(bool dark)
{
    m_dark = dark;
    m_darkAction->setChecked(dark);
    qApp->setPalette(dark ? darkPalette() : lightPalette());
    applyTheme();
}

void MainWindow::applyTheme()
{
    const Theme theme = Theme::forPalette(qApp->palette());
    for (TimelineView *v : {m_timeline, m_compare->first(), m_compare->second()})
        v->setTheme(theme);
    m_console->setTheme(theme);
    m_compare->refresh();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange && m_console)
        applyTheme();
    QMainWindow::changeEvent(event);
}

void MainWindow::restoreSettings()
{
    m_useSettings = true;
    QSettings s;
    if (s.value(QStringLiteral("look/dark")).toBool())
        setDarkPalette(true);
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_mainSplit->restoreState(s.value(QStringLiteral("window/mainSplit")).toByteArray());
    m_centerSplit->restoreState(s.value(QStringLiteral("window/centerSplit")).toByteArray());
    m_bottomSplit->restoreState(s.value(QStringLiteral("window/bottomSplit")).toByteArray());
    m_sideSplit->restoreState(s.value(QStringLiteral("window/sideSplit")).toByteArray());
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/mainSplit"), m_mainSplit->saveState());
    s.setValue(QStringLiteral("window/centerSplit"), m_centerSplit->saveState());
    s.setValue(QStringLiteral("window/bottomSplit"), m_bottomSplit->saveState());
    s.setValue(QStringLiteral("window/sideSplit"), m_sideSplit->saveState());
    s.setValue(QStringLiteral("look/dark"), m_dark);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (isRunning())
        statusBar()->showMessage(tr("Stopping the workers…"));
    // Nothing may outlive the window: interrupt the runs and wait for every worker.
    for (RunController *c : {m_single, m_left, m_right})
        c->stopAndWait(tr("the window was closed"));
    m_playback->pause();
    if (m_useSettings)
        saveSettings();
    event->accept();
}

} // namespace procession::gui
