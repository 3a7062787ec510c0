#include "cli.h"

#include "chrometrace.h"
#include "commandoptions.h"
#include "entrypoint.h"
#include "inputfile.h"
#include "interruptwatcher.h"
#include "outputfile.h"
#include "pythonprogram.h"
#include "registry.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "tasklibraries.h"
#include "trace.h"
#include "tracemodel.h"
#include "tracesummary.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace procession {

int runBench(const CommandLine &line); // bench.cpp

namespace {

// The first error met writing standard output (a closed pipe, a full disk, /dev/full);
// after one, nothing more is written there, and the run ends with status 1 and one line.
int g_stdoutError = 0;

bool printOut(const QString &text)
{
    if (g_stdoutError)
        return false;
    const QByteArray bytes = text.toUtf8();
    errno = 0;
    if (std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) != size_t(bytes.size()) ||
        std::fflush(stdout) != 0) {
        g_stdoutError = errno ? errno : EIO;
        return false;
    }
    return true;
}

void printErr(const QString &text)
{
    // (standard error has nowhere to report its own failure)
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

int usageError(const QString &message, const QString &command = QString())
{
    printErr(QStringLiteral("procession: %1\nTry 'procession %2--help'.\n")
                 .arg(message, command.isEmpty() ? QString() : command + QLatin1Char(' ')));
    return 2;
}

int stdoutFailed(const QString &what)
{
    printErr(QStringLiteral("procession: could not write %1 to standard output: %2\n")
                 .arg(what, QString::fromLocal8Bit(std::strerror(g_stdoutError))));
    return 1;
}

int cmdPython(const CommandLine &line)
{
    if (line.positional().size() != 1)
        return usageError(QStringLiteral("python takes one scenario id or file"),
                          QStringLiteral("python"));
    Scenario scenario;
    QString error;
    if (!findScenario(line.positional().constFirst(), &scenario, &error)) {
        printErr(QStringLiteral("procession: %1\n").arg(error));
        return 2;
    }
    printOut(pythonProgram(scenario).text);
    return g_stdoutError ? stdoutFailed(QStringLiteral("the program")) : 0;
}

int cmdList()
{
    for (const Scenario &s : bundledScenarios())
        printOut(s.id + QLatin1Char('\t') + s.title + QLatin1Char('\n'));
    return g_stdoutError ? stdoutFailed(QStringLiteral("the list")) : 0;
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

int cmdRun(const CommandLine &arguments)
{
    const QList<QByteArray> &given = arguments.positional(); // any bytes, not only UTF-8
    if (given.isEmpty())
        return usageError(
            QStringLiteral("run needs a scenario id or file; 'procession list' shows the ids"),
            QStringLiteral("run"));
    if (given.size() > 1)
        return usageError(
            QStringLiteral("run takes one scenario, got %1 and %2")
                .arg(InputFile::displayName(given.at(0)), InputFile::displayName(given.at(1))),
            QStringLiteral("run"));
    const QByteArray target = given.constFirst();
    const bool json = arguments.isSet(QStringLiteral("json"));
    const QString tracePath =
        QFile::decodeName(encodeArgument(arguments.value(QStringLiteral("trace"))));

    Scenario scenario;
    QString error;
    if (!findScenario(target, &scenario, &error)) {
        printErr(QStringLiteral("procession: %1\n").arg(error));
        return 2;
    }
    // The trace's destination is checked (and a temporary file made beside it) before
    // anything starts: a run is not spent on a trace that cannot be written.
    std::unique_ptr<OutputFile> traceFile;
    if (!tracePath.isEmpty()) {
        traceFile = std::make_unique<OutputFile>(tracePath);
        if (!traceFile->open()) {
            printErr(QStringLiteral("procession: cannot write the trace to %1: %2\n")
                         .arg(tracePath, traceFile->errorString()));
            return 2;
        }
    }

    SessionOptions options;
    options.onOutput = [json](int, const QString &line, bool isStderr) {
        if (json || isStderr)
            printErr(line + QLatin1Char('\n'));
        else
            printOut(line + QLatin1Char('\n'));
    };
    Trace trace;
    Runner runner(scenario, &trace, options);
    runner.setKeepValues(json);

#if defined(Q_OS_UNIX)
    // A reader that went away (procession run … | head -1) is a write error, handled
    // where the write is, not a silent death; so is a file larger than ulimit -f allows.
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);
#endif
    // Ctrl-C and SIGTERM (Ctrl-Break on Windows) stop the run in order, from the event loop.
    InterruptWatcher interrupts;
    QObject::connect(
        &interrupts, &InterruptWatcher::requested, &interrupts,
        [&runner, &interrupts](InterruptWatcher::Request request) {
            runner.interrupt(
                interrupts.exitStatusOf(request),
                QStringLiteral("the run was interrupted by %1; every worker was stopped")
                    .arg(interrupts.requestName(request)));
        });

    const RunResult result = runner.run();

    if (result.notStarted) { // e.g. a TMPDIR that cannot be used: one line, nothing ran
        printErr(QStringLiteral("procession: %1\n").arg(result.message));
        return 1;
    }
    // The run's one copy of its events: the report reads it, the trace is streamed from it.
    const EventStore events = trace.take();
    TraceModel model;
    for (qsizetype i = 0; i < events.size(); ++i)
        model.apply(events.at(i));
    const bool ok = result.exitCode == 0;
    const bool interrupted = result.exitCode > 128;
    int status = result.exitCode;

    if (traceFile) {
        // Streamed into the file a megabyte at a time: a 1,000,000-call run's trace is
        // 1.47 GB, and building it in memory first doubled the run's peak (2.63 GB).
        OutputFileDevice device(traceFile.get());
        QString why;
        if (!writeChromeTrace(&device, events, model, &why, scenario.text) ||
            !traceFile->commit()) {
            printErr(QStringLiteral("procession: cannot write the trace to %1: %2\n")
                         .arg(tracePath, why.isEmpty() ? traceFile->errorString() : why));
            if (status == 0)
                status = 1;
        }
    }
    if (interrupted)
        printErr(QStringLiteral("procession: %1\n").arg(result.message)); // one line
    if (json)
        printOut(
            QString::fromUtf8(QJsonDocument(runReportJson(model, ok && !interrupted, result,
                                                          scenario.compareFrom, scenario.compareTo))
                                  .toJson(QJsonDocument::Indented)));
    else if (!interrupted)
        printOut(
            runReportText(model, ok, result.message, scenario.compareFrom, scenario.compareTo));
    if (g_stdoutError) {
        stdoutFailed(QStringLiteral("the report"));
        if (status == 0)
            status = 1;
    }
    if (!json && !interrupted) {
        // The other problems, those of one cause folded into one line: a crash that fails
        // 2,000 calls is not 2,000 lines. The first is the report's own last line.
        const QStringList summary = summarizedProblems(result.problems);
        for (qsizetype i = 1; i < summary.size(); ++i)
            printErr(QStringLiteral("procession: also: %1\n").arg(summary.at(i)));
    }
    return status;
}

int cmdSummary(const CommandLine &line)
{
    const QList<QByteArray> &given = line.positional();
    const QString path = given.isEmpty() ? QString() : QFile::decodeName(given.constFirst());
    if (given.size() > 1)
        return usageError(QStringLiteral("summary takes one trace, got %1 and %2")
                              .arg(path, QFile::decodeName(given.at(1))),
                          QStringLiteral("summary"));
    if (path.isEmpty())
        return usageError(QStringLiteral("summary needs a trace file"), QStringLiteral("summary"));
    const bool json = line.isSet(QStringLiteral("json"));
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

// The window, or bench-paint, from the window's library: loaded only now, so worker
// processes and the command line never pay for Qt's GUI libraries.
int callWindowLibrary(const char *entry, int argc, char **argv, const QString &unavailable)
{
    QString errors;
    const int status =
        callLibraryEntry(QStringLiteral("procession_gui"), entry, argc, argv, &errors);
    if (status >= 0)
        return status;
    printErr(QStringLiteral("procession: %1%2\n").arg(unavailable, errors));
    return 2;
}

int openWindow(int argc, char **argv)
{
    return callWindowLibrary(
        "procession_gui_main", argc, argv,
        QStringLiteral("the window is not available; the command line still works "
                       "(procession --help)."));
}

// One command, its arguments read (`argv`: the program, the command, its arguments).
int runCommand(const Command &command, const CommandLine &line, int argc, char **argv)
{
    const QList<QByteArray> &given = line.positional();
    // For `bench` (paint_ms_100k, open_trace_s), each in a process of its own.
    if (command.name == QLatin1String("bench-paint") || command.name == QLatin1String("bench-open"))
        return callWindowLibrary(
            command.name == QLatin1String("bench-paint") ? "procession_gui_paint_bench"
                                                         : "procession_gui_open_bench",
            argc, argv, QStringLiteral("the window's library is not available."));
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("procession"));
    if (command.name == QLatin1String("list")) {
        if (!given.isEmpty())
            return usageError(QStringLiteral("list takes no arguments but --functions"),
                              command.name);
        return line.isSet(QStringLiteral("functions")) ? cmdListFunctions() : cmdList();
    }
    if (command.name == QLatin1String("bench")) {
        if (!given.isEmpty())
            return usageError(QStringLiteral("bench takes no arguments, got %1")
                                  .arg(InputFile::displayName(given.constFirst())),
                              command.name);
        for (const QString &part : line.value(QStringLiteral("only")).split(QLatin1Char(',')))
            if (line.isSet(QStringLiteral("only")) && !benchParts().contains(part))
                return usageError(QStringLiteral("--only takes parts from %1; got '%2'")
                                      .arg(benchParts().join(QLatin1Char(',')), part.left(40)),
                                  command.name);
        return runBench(line);
    }
    if (command.name == QLatin1String("python"))
        return cmdPython(line);
    if (command.name == QLatin1String("summary"))
        return cmdSummary(line);
    return cmdRun(line);
}

} // namespace

int runCommandLine(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << decodeArgument(QByteArray(argv[i]));
    // The options before the command (commandoptions.h); from the first other word on,
    // everything is the command's.
    QCommandLineParser leading;
    leading.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    leading.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    leading.addOptions(leadingOptions());
    if (!leading.parse(args)) {
        if (leading.unknownOptionNames().isEmpty()) // --tasks with nothing after it
            return usageError(optionError(leading, args, leadingOptions()));
        return openWindow(argc, argv); // the window's options: it reads its own
    }
    const QStringList libraries = leading.values(QStringLiteral("tasks"));
    if (libraries.contains(QString()))
        return usageError(needsValue(leadingOptions().constFirst()));
    const QStringList words = leading.positionalArguments();
    const QString word = words.value(0);
    if (leading.isSet(QStringLiteral("help")) || word == QLatin1String("help")) {
        printOut(QStringLiteral("procession %1 — see process-based concurrency happen.\n\n")
                     .arg(QStringLiteral(PROCESSION_VERSION)) +
                 commandLineHelp());
        return g_stdoutError ? stdoutFailed(QStringLiteral("the help")) : 0;
    }
    if (leading.isSet(QStringLiteral("version"))) {
        printOut(QStringLiteral("procession %1 (Qt %2)\n")
                     .arg(QStringLiteral(PROCESSION_VERSION), QString::fromLatin1(qVersion())));
        return g_stdoutError ? stdoutFailed(QStringLiteral("the version")) : 0;
    }
    const Command *command = findCommand(word);
    if (!command) {
        if (!word.isEmpty() && !word.startsWith(QLatin1Char('-')) &&
            !QFileInfo::exists(QFile::decodeName(encodeArgument(word))))
            return usageError(QStringLiteral("unknown command or file '%1'").arg(word));
        return openWindow(argc, argv); // with the window's --tasks, if any
    }
    // The command's own arguments are the last ones, exactly as given (any bytes).
    const int first = argc - int(words.size()) + 1;
    QList<QByteArray> raw;
    for (int i = first; i < argc; ++i)
        raw << QByteArray(argv[i]);
    CommandLine line;
    QString error;
    if (!line.parse(*command, raw, &error))
        return usageError(error, command->name);
    if (line.help()) {
        printOut(commandHelp(*command));
        return g_stdoutError ? stdoutFailed(QStringLiteral("the help")) : 0;
    }
    for (const QString &library : libraries) {
        if (!TaskLibraries::load(QFile::decodeName(encodeArgument(library)), &error)) {
            printErr(QStringLiteral("procession: %1\n").arg(error));
            return 2;
        }
    }
    std::vector<char *> commandArgv{argv[0]};
    for (int i = first - 1; i <= argc; ++i) // argv[argc] is the terminating null
        commandArgv.push_back(argv[i]);
    return runCommand(*command, line, int(commandArgv.size()) - 1, commandArgv.data());
}

} // namespace procession

extern "C" Q_DECL_EXPORT int procession_cli_main(int argc, char **argv)
{
    return procession::runCommandLine(argc, argv);
}
