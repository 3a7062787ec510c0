#pragma once

#include <QObject>

class QAction;
class QMainWindow;
class QToolBar;

namespace procession::gui {

// The window's commands, each with its text, keys and tooltip, and the menus that hold
// them. What they do is connected by the window.
class WindowActions : public QObject
{
    Q_OBJECT

public:
    explicit WindowActions(QMainWindow *window);

    // File, Run, Playback, View and Help, into the window's menu bar.
    void addMenus(QMainWindow *window);

    QAction *run = nullptr;
    QAction *stop = nullptr;
    QAction *compare = nullptr;
    QAction *play = nullptr;
    QAction *prev = nullptr;
    QAction *next = nullptr;
    QAction *toStart = nullptr; // Home
    QAction *toEnd = nullptr;   // End
    QAction *slower = nullptr;
    QAction *faster = nullptr;
    QAction *fit = nullptr;
    QAction *zoomIn = nullptr;
    QAction *zoomOut = nullptr;
    QAction *open = nullptr;
    QAction *loadTasks = nullptr; // File → Load tasks… (a task library)
    QAction *save = nullptr;
    QAction *exportImage = nullptr;
    QAction *exportPython = nullptr;
    QAction *dark = nullptr;
    QAction *help = nullptr;
    QAction *about = nullptr;
    QAction *aboutQt = nullptr;
    QAction *quit = nullptr;
};

} // namespace procession::gui
