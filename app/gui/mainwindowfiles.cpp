// MainWindow, continued: files (open, save, export), their dialogs, and the look and the
// settings. The window itself is built in mainwindow.cpp, and runs in mainwindowrun.cpp.
#include "mainwindow.h"

#include "calldetails.h"
#include "codeview.h"
#include "compareview.h"
#include "consoleview.h"
#include "foreigntraceview.h"
#include "helpdialogs.h"
#include "playback.h"
#include "registry.h"
#include "runcontroller.h"
#include "runpanes.h"
#include "scenariopanel.h"
#include "tasklibraries.h"
#include "theme.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "tracefileactions.h"
#include "windowactions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

#include <algorithm>

namespace procession::gui {

bool MainWindow::openFile(const QString &path, QString *error, bool *cancelled)
{
    ScenarioEntry e;
    bool stopped = false;
    const bool read = TraceFileActions::read(path, &e, error, this, &stopped);
    if (cancelled)
        *cancelled = stopped;
    if (stopped)
        statusBar()->showMessage(tr("Opening %1 was cancelled.").arg(path));
    if (!read)
        return false;
    addEntry(e, true);
    statusBar()->showMessage(
        e.timeline    ? tr("Opened %1, another tool's trace — Space replays it.").arg(path)
        : e.isTrace() ? tr("Opened the saved run %1 — Space replays it.").arg(path)
                      : tr("Opened the scenario %1 — F5 runs it.").arg(e.scenario.id));
    return true;
}

void MainWindow::showOpenErrors(const QStringList &errors)
{
    if (errors.isEmpty())
        return;
    statusBar()->showMessage(errors.first());
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Open"),
                                errors.size() == 1
                                    ? tr("Procession could not open the file.")
                                    : tr("Procession could not open %1 files.").arg(errors.size()),
                                QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("openErrors"));
    box->setInformativeText(errors.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::loadTaskLibrary(const QString &path, QString *error)
{
    QString why;
    if (isRunning())
        why = tr("cannot load task library %1 while a run goes on; stop it first").arg(path);
    else if (TaskLibraries::load(path, &why)) {
        int count = 0;
        for (const Registry::Task &t : Registry::available().tasks())
            count += TaskLibraries::libraryOf(t.name) == QFileInfo(path).canonicalFilePath();
        statusBar()->showMessage(
            (count == 1
                 ? tr("Loaded 1 function from %1; scenarios can call it now.")
                 : tr("Loaded %1 functions from %2; scenarios can call them now.").arg(count))
                .arg(QFileInfo(path).fileName()));
        return true;
    }
    if (error)
        *error = why;
    return false;
}

void MainWindow::loadTasksDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load tasks"), QString(),
                                     tr("Task libraries (*.so *.dylib *.dll);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!loadTaskLibrary(path, &error))
        QMessageBox::warning(this, tr("Load tasks"), error);
}

bool MainWindow::saveTrace(const QString &path, QString *error)
{
    const Scenario *s = activeController()->shownScenario();
    if (!TraceFileActions::save(activeModel(), path, error, s ? s->text : QByteArray()))
        return false;
    statusBar()->showMessage(
        tr("Saved %1 (opens in Procession, Perfetto and chrome://tracing).").arg(path));
    return true;
}

bool MainWindow::exportImage(const QString &path, QString *error)
{
    QWidget *w = m_compareMode ? static_cast<QWidget *>(m_compare) : m_timeline;
    if (m_stack->currentWidget() == m_foreign)
        w = m_foreign;
    if (!TraceFileActions::exportImage(w, path, windowTitle(), palette().color(QPalette::Window),
                                       error))
        return false;
    statusBar()->showMessage(tr("Exported %1").arg(path));
    return true;
}

// ---- dialogs ----------------------------------------------------------------------------

void MainWindow::openDialog()
{
    const QString path = TraceFileActions::askOpenPath(this);
    if (path.isEmpty())
        return;
    QString error;
    bool cancelled = false;
    if (!openFile(path, &error, &cancelled) && !cancelled)
        QMessageBox::warning(this, tr("Cannot open"), error);
}

void MainWindow::saveDialog()
{
    const QString id = activeModel().trace().scenarioId();
    // In compare mode the run saved is the followed one: the title says which.
    const QString title = m_compareMode
                              ? tr("Save the trace of %1 (the %2 timeline)")
                                    .arg(id, followedSide() == 0 ? tr("top") : tr("bottom"))
                              : tr("Save the run's trace");
    const QString path = TraceFileActions::askSavePath(this, title, id);
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTrace(path, &error))
        QMessageBox::warning(this, tr("Cannot save"), error);
}

void MainWindow::exportDialog()
{
    const QString path = TraceFileActions::askExportPath(this, activeModel().trace().scenarioId());
    if (path.isEmpty())
        return;
    QString error;
    if (!exportImage(path, &error))
        QMessageBox::warning(this, tr("Cannot export"), error);
}

bool MainWindow::exportPython(const QString &path, QString *error)
{
    const ScenarioEntry *e = m_scenarios->current();
    const Scenario *s = e && !e->isTrace() ? &e->scenario : activeController()->shownScenario();
    if (!s) {
        if (error)
            *error = tr("This run's scenario is not known here, so there is no program to write.");
        return false;
    }
    return TraceFileActions::savePython(*s, path, error);
}

void MainWindow::exportPythonDialog()
{
    const ScenarioEntry *e = m_scenarios->current();
    const QString id = e && !e->isTrace() ? e->scenario.id : activeModel().trace().scenarioId();
    const QString path = TraceFileActions::askPythonPath(this, id);
    if (path.isEmpty())
        return;
    QString error;
    if (!exportPython(path, &error))
        QMessageBox::warning(this, tr("Cannot export"), error);
}

// ---- look and settings ------------------------------------------------------------------

void MainWindow::setDarkPalette(bool dark)
{
    m_dark = dark;
    m_actions->dark->setChecked(dark);
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
    const QByteArray geometry = s.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        fitToScreen();
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_mainSplit->restoreState(s.value(QStringLiteral("window/mainSplit")).toByteArray());
    m_centerSplit->restoreState(s.value(QStringLiteral("window/centerSplit")).toByteArray());
    m_panes->restoreState(s.value(QStringLiteral("window/bottomSplit")).toByteArray());
    m_sideSplit->restoreState(s.value(QStringLiteral("window/sideSplit")).toByteArray());
}

// The first start (nothing saved): the default size, but never larger than the screen. With
// QT_SCALE_FACTOR=2 a 1600×1000 screen is 800×500 logical pixels, and 1400×860 would open
// half off it.
void MainWindow::fitToScreen()
{
    const QScreen *sc = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!sc)
        return;
    const QRect avail = sc->availableGeometry();
    // Room for the frame and title bar the window manager adds around the window.
    const QSize room(std::max(200, avail.width() - 16), std::max(150, avail.height() - 48));
    resize(size().boundedTo(room));
    move(avail.topLeft() + QPoint(std::max(0, (avail.width() - width()) / 2),
                                  std::max(0, (avail.height() - height() - 32) / 2)));
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/mainSplit"), m_mainSplit->saveState());
    s.setValue(QStringLiteral("window/centerSplit"), m_centerSplit->saveState());
    s.setValue(QStringLiteral("window/bottomSplit"), m_panes->saveState());
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
