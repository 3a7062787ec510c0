// The window's entry point. app/main.cpp loads this library only when the window is
// wanted, so worker processes and the command line never load Qt's GUI libraries.
#include "compareview.h"
#include "mainwindow.h"
#include "tasklibraries.h"
#include "theme.h"
#include "timelineview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStyleFactory>
#include <QTimer>

#include <cstdio>

namespace {

using procession::gui::MainWindow;

bool saveScreenshot(MainWindow &window, const QString &path)
{
    const QPixmap shot = window.grab();
    if (shot.isNull() || !shot.save(path)) {
        std::fprintf(stderr, "procession: could not write the screenshot %s\n", qPrintable(path));
        return false;
    }
    std::printf("procession: wrote %s (%dx%d)\n", qPrintable(path), shot.width(), shot.height());
    return true;
}

} // namespace

extern "C" Q_DECL_EXPORT int procession_gui_main(int argc, char **argv)
{
    // A screenshot needs no screen: without a display, draw offscreen.
    bool wantsShot = false;
    for (int i = 1; i < argc; ++i)
        wantsShot = wantsShot || qstrcmp(argv[i], "--screenshot") == 0;
    if (wantsShot && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Procession"));
    QApplication::setOrganizationName(QStringLiteral("Procession"));
    QApplication::setDesktopFileName(QStringLiteral("procession"));
    if (QApplication::applicationVersion().isEmpty())
        QApplication::setApplicationVersion(QStringLiteral(PROCESSION_GUI_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/procession.svg")));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("See process-based concurrency happen."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("FILE"),
        QStringLiteral("A saved trace (.json) to replay, or a scenario file."),
        QStringLiteral("[FILE]"));
    const QCommandLineOption scenario(QStringLiteral("scenario"),
                                      QStringLiteral("Select the scenario ID."),
                                      QStringLiteral("ID"));
    const QCommandLineOption autorun(
        QStringLiteral("autorun"),
        QStringLiteral("Run the selected scenario (or the comparison) at once."));
    const QCommandLineOption compare(
        QStringLiteral("compare"),
        QStringLiteral("Compare two scenarios: --compare A --compare B, or --compare A B."),
        QStringLiteral("ID"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save the window as PNG when the run has ended (or at once), then quit."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("Use the dark palette."));
    const QCommandLineOption light(QStringLiteral("light"),
                                   QStringLiteral("Use the light palette."));
    const QCommandLineOption after(QStringLiteral("screenshot-after"),
                                   QStringLiteral("With --autorun: take the screenshot MS after "
                                                  "the run starts (a live run), not at its end."),
                                   QStringLiteral("MS"));
    const QCommandLineOption zoom(
        QStringLiteral("zoom"),
        QStringLiteral("Show only FROM-TO milliseconds of the run, e.g. 0-120; or 'call': "
                       "the --select-call call from its dispatch to its result."),
        QStringLiteral("FROM-TO"));
    const QCommandLineOption select(
        QStringLiteral("select-call"),
        QStringLiteral("Select the call with this id and show its details."), QStringLiteral("ID"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Window size, e.g. 1400x860."),
                                  QStringLiteral("WxH"));
    const QCommandLineOption tasks(
        QStringLiteral("tasks"),
        QStringLiteral("Load a task library: its functions join the bundled ones (repeatable)."),
        QStringLiteral("LIB"));
    parser.addOptions(
        {scenario, autorun, compare, screenshot, after, zoom, select, dark, light, size, tasks});
    parser.process(app);
    // Task libraries first: scenario files opened below may call their functions.
    for (const QString &library : parser.values(tasks)) {
        QString error;
        if (!procession::TaskLibraries::load(library, &error)) {
            std::fprintf(stderr, "procession: %s\n", qPrintable(error));
            return 2;
        }
    }

    QStringList positional = parser.positionalArguments();
    QStringList compareIds = parser.values(compare);
    if (compareIds.size() == 1 && !positional.isEmpty())
        compareIds << positional.takeFirst(); // --compare A B
    if (!compareIds.isEmpty() && compareIds.size() != 2) {
        std::fprintf(stderr, "procession: --compare takes two scenario ids\n");
        return 2;
    }

    MainWindow window;
    const bool shotMode = parser.isSet(screenshot);
    if (!shotMode)
        window.restoreSettings();
    if (parser.isSet(dark))
        window.setDarkPalette(true);
    else if (parser.isSet(light) || shotMode)
        window.setDarkPalette(false);
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }

    for (const QString &file : std::as_const(positional)) {
        QString error;
        if (!window.openFile(file, &error)) {
            std::fprintf(stderr, "procession: %s\n", qPrintable(error));
            return 2;
        }
    }
    if (parser.isSet(scenario) && !window.selectScenario(parser.value(scenario))) {
        std::fprintf(stderr, "procession: no scenario named %s\n",
                     qPrintable(parser.value(scenario)));
        return 2;
    }
    if (!compareIds.isEmpty()) {
        for (const QString &id : std::as_const(compareIds)) {
            if (!window.selectScenario(id)) {
                std::fprintf(stderr, "procession: no scenario named %s\n", qPrintable(id));
                return 2;
            }
        }
        window.setCompareScenarios(compareIds[0], compareIds[1]);
        window.setCompareMode(true);
    }
    window.show();

    // Zoom and selection asked for on the command line apply once there is a run to show.
    auto arrange = [&] {
        if (parser.value(zoom) == QLatin1String("call") && parser.isSet(select)) {
            window.zoomToCall(parser.value(select).toLongLong());
        } else if (parser.isSet(zoom)) {
            const QStringList r = parser.value(zoom).split(QLatin1Char('-'));
            if (r.size() == 2)
                window.zoomTo(qint64(r[0].toDouble() * 1e6), qint64(r[1].toDouble() * 1e6));
        }
        if (parser.isSet(select))
            window.selectCall(parser.value(select).toLongLong());
    };
    if (!parser.isSet(autorun))
        QTimer::singleShot(0, &window, arrange);
    else
        QObject::connect(&window, &MainWindow::runFinished, &window, arrange);

    int status = 0;
    if (shotMode) {
        const QString path = parser.value(screenshot);
        auto shoot = [&] {
            arrange();
            if (!saveScreenshot(window, path))
                status = 1;
            window.close(); // a live run is stopped, its workers with it
            app.quit();
        };
        if (parser.isSet(autorun) && parser.isSet(after))
            QTimer::singleShot(parser.value(after).toInt(), &app, shoot);
        else if (parser.isSet(autorun))
            QObject::connect(&window, &MainWindow::runFinished, &app,
                             [shoot] { QTimer::singleShot(300, shoot); });
        else
            QTimer::singleShot(500, &app, shoot);
    }
    if (parser.isSet(autorun))
        QTimer::singleShot(0, &window, [&window] { window.run(); });

    const int code = app.exec();
    return status ? status : code;
}
