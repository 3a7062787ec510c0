#include "windowactions.h"

#include <QAction>
#include <QMainWindow>
#include <QMenuBar>

namespace procession::gui {

WindowActions::WindowActions(QMainWindow *window) : QObject(window)
{
    auto make = [window](const QString &text, const QKeySequence &key) {
        auto *a = new QAction(text, window);
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        window->addAction(a);
        return a;
    };
    run = make(tr("&Run"), QKeySequence(Qt::Key_F5));
    run->setToolTip(tr("Run the selected scenario (F5)"));
    stop = make(tr("&Stop"), QKeySequence(Qt::SHIFT | Qt::Key_F5));
    stop->setToolTip(tr("Stop the run: interrupt the calls and stop every worker (Shift+F5)"));
    compare = make(tr("&Compare"), QKeySequence(Qt::CTRL | Qt::Key_K));
    compare->setCheckable(true);
    compare->setToolTip(tr("Two runs on one time axis (Ctrl+K)"));
    play = make(tr("&Play"), QKeySequence(Qt::Key_Space));
    prev = make(tr("Previous event"), QKeySequence(Qt::Key_Comma));
    prev->setShortcuts({QKeySequence(Qt::Key_Comma), QKeySequence(Qt::CTRL | Qt::Key_Left)});
    prev->setToolTip(tr("Step to the previous event (, or Ctrl+Left)"));
    next = make(tr("Next event"), QKeySequence(Qt::Key_Period));
    next->setShortcuts({QKeySequence(Qt::Key_Period), QKeySequence(Qt::CTRL | Qt::Key_Right)});
    next->setToolTip(tr("Step to the next event (. or Ctrl+Right)"));
    toStart = make(tr("Go to the start"), QKeySequence(Qt::Key_Home));
    toStart->setToolTip(tr("Jump to the run's start (Home)"));
    toEnd = make(tr("Go to the end"), QKeySequence(Qt::Key_End));
    toEnd->setToolTip(tr("Jump to the run's end (End)"));
    slower = make(tr("Slower"), QKeySequence(Qt::Key_BracketLeft));
    faster = make(tr("Faster"), QKeySequence(Qt::Key_BracketRight));
    fit = make(tr("&Fit to window"), QKeySequence(Qt::CTRL | Qt::Key_0));
    zoomIn = make(tr("Zoom &in"), QKeySequence::ZoomIn);
    zoomOut = make(tr("Zoom &out"), QKeySequence::ZoomOut);
    open = make(tr("&Open…"), QKeySequence::Open);
    loadTasks = make(tr("Load &tasks…"), QKeySequence());
    loadTasks->setToolTip(tr("Add the functions of a task library (procession/task.h) for "
                             "scenarios to call"));
    save = make(tr("&Save trace…"), QKeySequence::Save);
    exportImage = make(tr("&Export image…"), QKeySequence(Qt::CTRL | Qt::Key_E));
    exportPython = make(tr("Export as &Python…"), QKeySequence());
    exportPython->setToolTip(
        tr("Save the scenario as a Python 3 program that does the same steps (python3 FILE.py)"));
    dark = make(tr("&Dark palette"), QKeySequence());
    dark->setCheckable(true);
    help = make(tr("Procession &help"), QKeySequence::HelpContents);
    about = new QAction(tr("&About Procession"), window);
    aboutQt = new QAction(tr("About &Qt"), window);
    quit = new QAction(tr("&Quit"), window);
    quit->setShortcut(QKeySequence::Quit);
}

void WindowActions::addMenus(QMainWindow *window)
{
    QMenuBar *bar = window->menuBar();
    QMenu *file = bar->addMenu(tr("&File"));
    file->addAction(open);
    file->addAction(loadTasks);
    file->addAction(save);
    file->addAction(exportImage);
    file->addAction(exportPython);
    file->addSeparator();
    file->addAction(quit);
    QMenu *runMenu = bar->addMenu(tr("&Run"));
    runMenu->addAction(run);
    runMenu->addAction(stop);
    runMenu->addAction(compare);
    QMenu *playMenu = bar->addMenu(tr("&Playback"));
    playMenu->addAction(play);
    playMenu->addAction(prev);
    playMenu->addAction(next);
    playMenu->addAction(toStart);
    playMenu->addAction(toEnd);
    playMenu->addAction(slower);
    playMenu->addAction(faster);
    QMenu *view = bar->addMenu(tr("&View"));
    view->addAction(fit);
    view->addAction(zoomIn);
    view->addAction(zoomOut);
    view->addSeparator();
    view->addAction(dark);
    QMenu *helpMenu = bar->addMenu(tr("&Help"));
    helpMenu->addAction(help);
    helpMenu->addAction(about);
    helpMenu->addAction(aboutQt);
}

} // namespace procession::gui
