// The window's entry point. app/main.cpp loads this library only when the window is
// wanted, so worker processes and the command line never load Qt's GUI libraries.
#include "compareview.h"
#include "interruptwatcher.h"
#include "mainwindow.h"
#include "paintthreads.h"
#include "tasklibraries.h"
#include "theme.h"
#include "timelineview.h"
#include "windowoptions.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QStyleFactory>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

namespace {

using procession::gui::MainWindow;
using procession::gui::WindowOptions;

void printErr(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

bool saveScreenshot(MainWindow &window, const QString &path)
{
    const QPixmap shot = window.grab();
    if (shot.isNull() || !shot.save(path)) {
        printErr(QStringLiteral("procession: could not write the screenshot %1\n").arg(path));
        return false;
    }
    std::printf("procession: wrote %s (%dx%d)\n", qPrintable(path), shot.width(), shot.height());
    return std::fflush(stdout) == 0;
}

// While the QApplication is being made, a display that cannot be reached ends in Qt's
// qFatal (an abort, exit 134, after a page about platform plugins). Say it in one line.
QtMessageHandler g_qtHandler = nullptr;
bool g_startingDisplay = false;

void displayStartHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (g_startingDisplay) {
        if (type == QtFatalMsg) {
            const QString display = qEnvironmentVariable("DISPLAY");
            const QString platform = qEnvironmentVariable("QT_QPA_PLATFORM");
            const QString where =
                !platform.isEmpty()
                    ? QStringLiteral("the platform '%1' cannot be used").arg(platform)
                : display.isEmpty() && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
                    ? QStringLiteral("there is no display (DISPLAY is not set)")
                    : QStringLiteral("the display '%1' cannot be opened").arg(display);
            printErr(QStringLiteral(
                         "procession: cannot open the window: %1; the command line works without "
                         "one (procession run ID, procession --help), and screenshots can be "
                         "drawn offscreen: QT_QPA_PLATFORM=offscreen procession ... --screenshot "
                         "FILE.png\n")
                         .arg(where));
#if defined(Q_OS_UNIX)
            ::_exit(2);
#else
            std::_Exit(2);
#endif
        }
        if (context.category && qstrncmp(context.category, "qt.qpa", 6) == 0)
            return; // the one line above says it
    }
    if (g_qtHandler)
        g_qtHandler(type, context, message);
}

} // namespace

extern "C" Q_DECL_EXPORT int procession_gui_main(int argc, char **argv)
{
    // Everything the command line asks for is checked before a display is needed.
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    WindowOptions opt;
    QString error;
    if (!opt.parse(args, &error)) {
        printErr(QStringLiteral("procession: %1\nTry 'procession --help'.\n").arg(error));
        return 2;
    }
    if (opt.help) {
        std::fputs(WindowOptions::helpText().toLocal8Bit().constData(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }

    // A screenshot needs no screen: without a display, draw offscreen.
    const bool shotMode = !opt.screenshot.isEmpty();
    if (shotMode && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    g_qtHandler = qInstallMessageHandler(displayStartHandler);
    g_startingDisplay = true;
    QApplication app(argc, argv);
    g_startingDisplay = false;
    qInstallMessageHandler(g_qtHandler);

    QApplication::setApplicationName(QStringLiteral("Procession"));
    QApplication::setOrganizationName(QStringLiteral("Procession"));
    QApplication::setDesktopFileName(QStringLiteral("procession"));
    if (QApplication::applicationVersion().isEmpty())
        QApplication::setApplicationVersion(QStringLiteral(PROCESSION_GUI_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/procession.svg")));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (!procession::gui::reservePaintThreads()) {
        printErr(QStringLiteral("procession: the system gave the window no threads to draw with "
                                "(the limit on processes, ulimit -u, is reached)\n"));
        std::fflush(stderr);
        std::_Exit(1); // the pool waits for the thread it was refused, even at exit
    }

    // Task libraries first: scenario files opened below may call their functions.
    for (const QString &library : std::as_const(opt.taskLibraries)) {
        if (!procession::TaskLibraries::load(library, &error)) {
            printErr(QStringLiteral("procession: %1\n").arg(error));
            return 2;
        }
    }

    MainWindow window;
    if (!shotMode)
        window.restoreSettings();
    if (opt.dark)
        window.setDarkPalette(true);
    else if (opt.light || shotMode)
        window.setDarkPalette(false);
    if (opt.width > 0)
        window.resize(opt.width, opt.height);

    int status = 0;
    QStringList unopened; // from the desktop: said in the window once it shows
    for (const QString &file : std::as_const(opt.files)) {
        if (!window.openFile(file, &error)) {
            printErr(QStringLiteral("procession: %1\n").arg(error));
            if (!opt.fromDesktop)
                return 2;
            unopened << error;
        }
    }
    // --scenario names a bundled id, or a file (a path with a '/' or ending in .json is
    // always a file; another name is a file only when no bundled scenario has it as id).
    for (const QString &s : std::as_const(opt.scenarios)) {
        const bool path = s.contains(QLatin1Char('/')) || s.endsWith(QLatin1String(".json"));
        if (!path && window.selectScenario(s))
            continue;
        if (path || QFileInfo::exists(s)) {
            if (!window.openFile(s, &error)) {
                printErr(QStringLiteral("procession: %1\n").arg(error));
                return 2;
            }
            continue;
        }
        printErr(QStringLiteral("procession: --scenario %1: no bundled scenario has this id and "
                                "no such file exists\n")
                     .arg(s));
        return 2;
    }
    if (!opt.compareIds.isEmpty()) {
        for (const QString &id : std::as_const(opt.compareIds)) {
            if (!window.selectScenario(id)) {
                printErr(QStringLiteral("procession: no scenario named %1\n").arg(id));
                return 2;
            }
        }
        window.setCompareScenarios(opt.compareIds[0], opt.compareIds[1]);
        window.setCompareMode(true);
    }
    window.show();
    if (!unopened.isEmpty()) {
        // A double-click on a file that cannot be opened: no terminal shows stderr, so the
        // window says it, without blocking (a screenshot or a test can still go on).
        window.showOpenErrors(unopened);
    }

    // Zoom and selection asked for on the command line apply once there is a run to show;
    // a call the run does not have is one line and status 2.
    auto arrange = [&]() -> bool {
        if (opt.selectCall && !window.selectCall(opt.selectCall)) {
            printErr(
                QStringLiteral("procession: --select-call %1: the run shown has no such call\n")
                    .arg(opt.selectCall));
            status = 2;
            window.close();
            app.exit(2);
            return false;
        }
        if (opt.zoomToCall)
            window.zoomToCall(opt.selectCall);
        else if (opt.zoomFromMs >= 0)
            window.zoomTo(qint64(opt.zoomFromMs * 1e6), qint64(opt.zoomToMs * 1e6));
        return true;
    };
    const bool arrangeNow = !opt.autorun && (opt.selectCall || opt.zoomFromMs >= 0);
    if (arrangeNow && !shotMode)
        QTimer::singleShot(0, &window, arrange);
    else if (opt.autorun && !shotMode)
        QObject::connect(&window, &MainWindow::runFinished, &window, arrange);

    if (shotMode) {
        auto shoot = [&] {
            if (!arrange())
                return;
            if (!saveScreenshot(window, opt.screenshot))
                status = 1;
            window.close(); // a live run is stopped, its workers with it
            app.quit();
        };
        if (opt.autorun && opt.screenshotAfterMs >= 0)
            QTimer::singleShot(opt.screenshotAfterMs, &app, shoot);
        else if (opt.autorun)
            QObject::connect(&window, &MainWindow::runFinished, &app,
                             [shoot] { QTimer::singleShot(300, shoot); });
        else
            QTimer::singleShot(500, &app, shoot);
    }
    if (opt.autorun)
        QTimer::singleShot(0, &window, [&window] { window.run(); });

    // SIGTERM, SIGHUP, SIGINT, ... to the window's process: the run and its workers stop as
    // when the window is closed (its server directory goes with it), one line says why, and
    // the status is 128 + the signal. Their default action left the directory behind.
    procession::InterruptWatcher interrupts;
    QObject::connect(&interrupts, &procession::InterruptWatcher::requested, &app,
                     [&](procession::InterruptWatcher::Request request) {
                         if (status > 128)
                             return; // already ending
                         status = interrupts.exitStatusOf(request);
                         printErr(QStringLiteral("procession: the window was ended by %1; every "
                                                 "worker was stopped\n")
                                      .arg(interrupts.requestName(request)));
                         window.close();
                         app.exit(status);
                     });

    const int code = app.exec();
    return status ? status : code;
}
