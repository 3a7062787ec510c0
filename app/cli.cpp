#include "cli.h"

#include "chrometrace.h"
#include "entrypoint.h"
#include "interruptwatcher.h"
#include "pythonprogram.h"
#include "registry.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "tasklibraries.h"
#include "trace.h"
#include "tracemodel.h"
#include "tracesummary.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLibrary>
#include <QSaveFile>

#include <cstdio>
#include <cstring>
#include <vector>

namespace procession {

int runBench(int argc, char **argv); // bench.cpp

namespace {

void printOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

int usageError(const QString &message)
{
    printErr(QStringLiteral("procession: %1\nTry 'procession --help'.\n").arg(message));
    return 2;
}

QString helpText()
{
    return QStringLiteral(
        "Usage:\n"
        "  procession                         open the window\n"
        "  procession FILE                    open the window with a saved trace or a scenario "
        "file\n"
        "  procession list                    list the bundled scenarios (id, tab, title)\n"
        "  procession list --functions        list the functions scenarios can call\n"
        "  procession run ID|FILE [options]   run a scenario headless and print a report\n"
        "      --json          print one JSON document on stdout (workers' prints go to stderr)\n"
        "      --trace FILE    write the run as a Chrome trace (opens in Perfetto or the window)\n"
        "  procession python ID|FILE          print the scenario as a Python 3 program (standard\n"
        "                                     library only) that does the same steps\n"
        "  procession summary FILE [--json]   what a trace holds: Procession's own or another\n"
        "                                     tool's (Chrome trace events: Ray, VizTracer,\n"
        "                                     chrome://tracing, Perfetto JSON; .json.gz too)\n"
        "  procession bench [--json] [--quick]   measure Procession's own costs\n"
        "  procession --help | --version\n"
        "  procession --tasks LIB.so ...      add the functions of a task library (before the\n"
        "                                     command; also for the window; repeatable)\n"
        "\n"
        "Window options:\n"
        "  --scenario ID           select a bundled scenario (or give a scenario FILE)\n"
        "  --autorun               run it at once\n"
        "  --compare ID ID         two runs on one time axis (default greet-sequential, "
        "greet-spawn)\n"
        "  --screenshot FILE.png   save the window when the run ends, then quit\n"
        "  --screenshot-after MS   ... or this many ms into a live run\n"
        "  --zoom FROM-TO|call     show this time range (ms), or the selected call\n"
        "  --select-call ID        show a call's details\n"
        "  --dark | --light        palette; --size WxH window size\n"
        "\n"
        "Exit status of run: 0 when every call went as the scenario expects, 1 when a call\n"
        "failed unexpectedly, 2 for bad usage or an invalid scenario, 130/143 when\n"
        "interrupted by SIGINT/SIGTERM.\n");
}

int cmdPython(const QStringList &args)
{
    if (args.size() != 1 || (args.first().startsWith(QLatin1Char('-')) && args.first().size() > 1))
        return usageError(QStringLiteral("python takes one scenario id or file"));
    Scenario scenario;
    QString error;
    if (!findScenario(args.first(), &scenario, &error)) {
        printErr(QStringLiteral("procession: %1\n").arg(error));
        return 2;
    }
    printOut(pythonProgram(scenario).text);
    return 0;
}

int cmdList()
{
    for (const Scenario &s : bundledScenarios())
        printOut(s.id + QLatin1Char('\t') + s.title + QLatin1Char('\n'));
    return 0;
}

// `list --functions`: every task a scenario can call, bundled and from --tasks libraries.
int cmdListFunctions()
{
    for (const Registry::Task &t : Registry::available().tasks()) {
        const QString library = TaskLibraries::libraryOf(t.name);
        printOut(Registry::signature(t) + QLatin1Char('\t') + t.summary +
                 (library.isEmpty() ? QString() : QLatin1Char('\t') + library) + QLatin1Char('\n'));
    }
    return 0;
}

// Leading `--tasks LIB` options (before the command): returns how many argv entries they
// took, with the paths in `libraries`; -1 after printing a usage error.
int takeTaskOptions(int argc, char **argv, QStringList *libraries)
{
    int i = 1;
    while (i < argc) {
        const QByteArray a(argv[i]);
        if (a == "--tasks") {
            if (i + 1 >= argc || argv[i + 1][0] == '\0') {
                usageError(QStringLiteral("--tasks needs a task library file (LIB.so)"));
                return -1;
            }
            *libraries << QString::fromLocal8Bit(argv[i + 1]);
            i += 2;
        } else if (a.startsWith("--tasks=")) {
            if (a.size() == 8) {
                usageError(QStringLiteral("--tasks needs a task library file (LIB.so)"));
                return -1;
            }
            *libraries << QString::fromLocal8Bit(a.mid(8));
            ++i;
        } else {
            break;
        }
    }
    return i - 1;
}

int cmdRun(const QStringList &args)
{
    QString target;
    QString tracePath;
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--json"))
            json = true;
        else if (a == QLatin1String("--trace")) {
            if (i + 1 >= args.size())
                return usageError(QStringLiteral("--trace needs a file name"));
            tracePath = args.at(++i);
        } else if (a.startsWith(QLatin1String("--trace=")))
            tracePath = a.mid(8);
        else if (a.startsWith(QLatin1Char('-')) && a.size() > 1)
            return usageError(QStringLiteral("run: unknown option %1").arg(a));
        else if (target.isEmpty())
            target = a;
        else
            return usageError(
                QStringLiteral("run takes one scenario, got %1 and %2").arg(target, a));
    }
    if (target.isEmpty())
        return usageError(
            QStringLiteral("run needs a scenario id or file; 'procession list' shows the ids"));

    Scenario scenario;
    QString error;
    if (!findScenario(target, &scenario, &error)) {
        printErr(QStringLiteral("procession: %1\n").arg(error));
        return 2;
    }

    SessionOptions options;
    options.onOutput = [json](int, const QString &line, bool isStderr) {
        (json || isStderr ? printErr : printOut)(line + QLatin1Char('\n'));
    };
    Trace trace;
    Runner runner(scenario, &trace, options);

    // Ctrl-C and SIGTERM (Ctrl-Break on Windows) stop the run in order, from the event loop.
    InterruptWatcher interrupts;
    QObject::connect(
        &interrupts, &InterruptWatcher::requested, &interrupts,
        [&runner, &interrupts](InterruptWatcher::Request request) {
            runner.interrupt(
                InterruptWatcher::exitStatus(request),
                QStringLiteral("the run was interrupted by %1; every worker was stopped")
                    .arg(interrupts.requestName(request)));
        });

    const RunResult result = runner.run();

    // The run's one copy of its events: the report reads it, the trace is streamed from it.
    const EventStore events = trace.take();
    TraceModel model;
    for (qsizetype i = 0; i < events.size(); ++i)
        model.apply(events.at(i));
    const bool ok = result.exitCode == 0;

    if (!tracePath.isEmpty()) {
        QSaveFile file(tracePath);
        QString why;
        if (!file.open(QIODevice::WriteOnly) || !writeChromeTrace(&file, events, model, &why) ||
            !file.commit())
            printErr(QStringLiteral("procession: cannot write the trace to %1: %2\n")
                         .arg(tracePath, why.isEmpty() ? file.errorString() : why));
    }
    if (result.exitCode == 130 || result.exitCode == 143) {
        // One line, not a wall of tracebacks.
        printErr(QStringLiteral("procession: %1\n").arg(result.message));
        if (json)
            printOut(QString::fromUtf8(
                QJsonDocument(runReportJson(model, false, result.message, scenario.compareFrom,
                                            scenario.compareTo))
                    .toJson(QJsonDocument::Indented)));
        return result.exitCode;
    }
    if (json)
        printOut(
            QString::fromUtf8(QJsonDocument(runReportJson(model, ok, result.message,
                                                          scenario.compareFrom, scenario.compareTo))
                                  .toJson(QJsonDocument::Indented)));
    else
        printOut(
            runReportText(model, ok, result.message, scenario.compareFrom, scenario.compareTo));
    for (qsizetype i = 1; !json && i < result.problems.size(); ++i)
        printErr(QStringLiteral("procession: also: %1\n").arg(result.problems.at(i)));
    return result.exitCode;
}

int cmdSummary(const QStringList &args)
{
    QString path;
    bool json = false;
    for (const QString &a : args) {
        if (a == QLatin1String("--json"))
            json = true;
        else if (a.startsWith(QLatin1Char('-')) && a.size() > 1)
            return usageError(QStringLiteral("summary: unknown option %1").arg(a));
        else if (path.isEmpty())
            path = a;
        else
            return usageError(
                QStringLiteral("summary takes one trace, got %1 and %2").arg(path, a));
    }
    if (path.isEmpty())
        return usageError(QStringLiteral("summary needs a trace file"));
    const LoadedTrace trace = loadTrace(path, TraceLoadMode::Timeline);
    if (trace.status != TraceReadStatus::Ok) {
        printErr(QStringLiteral("procession: %1: %2\n").arg(path, trace.error));
        return 2;
    }
    const TraceSummary summary = TraceSummary::of(trace, path);
    if (json)
        printOut(
            QString::fromUtf8(QJsonDocument(summary.toJson()).toJson(QJsonDocument::Indented)));
    else
        printOut(summary.toText());
    return 0;
}

int openWindow(int argc, char **argv)
{
    // The window lives in a library of its own, loaded only now: worker processes and
    // the command line never pay for Qt's GUI libraries.
    QString errors;
    const int status = callLibraryEntry(QStringLiteral("procession_gui"), "procession_gui_main",
                                        argc, argv, &errors);
    if (status >= 0)
        return status;
    printErr(QStringLiteral("procession: the window is not available; the command line still works "
                            "(procession --help).%1\n")
                 .arg(errors));
    return 2;
}

} // namespace

int runCommandLine(int argc, char **argv)
{
    QStringList libraries;
    const int taken = takeTaskOptions(argc, argv, &libraries);
    if (taken < 0)
        return 2;
    const QByteArray command = argc > taken + 1 ? QByteArray(argv[taken + 1]) : QByteArray();
    std::vector<char *> shifted;
    if (taken > 0 && (command == "list" || command == "run" || command == "bench")) {
        // The command line loads them here; the window (any other command) reads its own.
        shifted.push_back(argv[0]);
        for (int i = taken + 1; i <= argc; ++i)
            shifted.push_back(argv[i]); // argv[argc] is the terminating null
        argc -= taken;
        argv = shifted.data();
        for (const QString &library : std::as_const(libraries)) {
            QString error;
            if (!TaskLibraries::load(library, &error)) {
                printErr(QStringLiteral("procession: %1\n").arg(error));
                return 2;
            }
        }
    }
    const QByteArray first = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    if (first == "--help" || first == "-h" || first == "help") {
        printOut(QStringLiteral("procession %1 — see process-based concurrency happen.\n\n")
                     .arg(QStringLiteral(PROCESSION_VERSION)) +
                 helpText());
        return 0;
    }
    if (first == "--version" || first == "-v") {
        printOut(QStringLiteral("procession %1 (Qt %2)\n")
                     .arg(QStringLiteral(PROCESSION_VERSION), QString::fromLatin1(qVersion())));
        return 0;
    }
    if (first == "bench-paint") {
        // Not for people: `procession bench` runs it in a child process for paint_ms_100k.
        QString errors;
        const int status = callLibraryEntry(QStringLiteral("procession_gui"),
                                            "procession_gui_paint_bench", argc, argv, &errors);
        if (status >= 0)
            return status;
        printErr(
            QStringLiteral("procession: the window's library is not available.%1\n").arg(errors));
        return 2;
    }
    if (first == "list" || first == "run" || first == "bench" || first == "summary" ||
        first == "python") {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("procession"));
        QStringList rest = app.arguments().mid(2);
        if (first == "list")
            return rest.isEmpty() ? cmdList()
                   : rest == QStringList(QStringLiteral("--functions"))
                       ? cmdListFunctions()
                       : usageError(QStringLiteral("list takes no arguments but --functions"));
        if (first == "bench")
            return runBench(argc, argv);
        if (first == "python")
            return cmdPython(rest);
        if (first == "summary")
            return cmdSummary(rest);
        return cmdRun(rest);
    }
    if (!first.isEmpty() && !first.startsWith('-') &&
        !QFileInfo::exists(QString::fromLocal8Bit(first)))
        return usageError(
            QStringLiteral("unknown command or file '%1'").arg(QString::fromLocal8Bit(first)));
    return openWindow(argc, argv);
}

} // namespace procession

extern "C" Q_DECL_EXPORT int procession_cli_main(int argc, char **argv)
{
    return procession::runCommandLine(argc, argv);
}
