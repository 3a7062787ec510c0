#include "cli.h"

#include "chrometrace.h"
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
#include "windowoptionlist.h"

#include <QIODevice>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLibrary>
#include <qplatformdefs.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace procession {

int runBench(int argc, char **argv); // bench.cpp

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
        "Window options:\n") +
           windowOptionHelp() +
           QStringLiteral(
        "\n"
        "Exit status of run: 0 when every call went as the scenario expects, 1 when a call\n"
        "failed unexpectedly or the report or trace could not be written whole, 2 for bad\n"
        "usage, an invalid scenario or a trace file that cannot be created, 128+N when\n"
        "interrupted by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP).\n");
}

int stdoutFailed(const QString &what)
{
    printErr(QStringLiteral("procession: could not write %1 to standard output: %2\n")
                 .arg(what, QString::fromLocal8Bit(std::strerror(g_stdoutError))));
    return 1;
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

// The trace writer's QIODevice for an OutputFile.
class OutputFileDevice : public QIODevice
{
public:
    explicit OutputFileDevice(OutputFile *file) : m_file(file) { open(QIODevice::WriteOnly); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (m_file->write(QByteArray::fromRawData(data, qsizetype(size))))
            return size;
        setErrorString(m_file->errorString());
        return -1;
    }

private:
    OutputFile *m_file;
};

int cmdRun(const QList<QByteArray> &raw)
{
    QByteArray target; // as the operating system spells it: any bytes, not only UTF-8
    QString tracePath;
    bool json = false;
    bool readingOptions = true;
    auto isFile = [](const QByteArray &a) {
        QT_STATBUF st;
        return QT_STAT(a.constData(), &st) == 0;
    };
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QByteArray &a = raw.at(i);
        if (readingOptions && a == "--") {
            readingOptions = false;
            continue;
        }
        const bool option = readingOptions && a.startsWith('-') && a.size() > 1;
        if (option && a == "--json")
            json = true;
        else if (option && a == "--trace") {
            if (i + 1 >= raw.size())
                return usageError(QStringLiteral("--trace needs a file name"));
            tracePath = QFile::decodeName(raw.at(++i));
            if (tracePath.isEmpty())
                return usageError(QStringLiteral("--trace needs a file name"));
        } else if (option && a.startsWith("--trace=")) {
            tracePath = QFile::decodeName(a.mid(8));
            if (tracePath.isEmpty())
                return usageError(QStringLiteral("--trace needs a file name"));
        } else if (option && !(a.endsWith(".json") && isFile(a)))
            return usageError(
                QStringLiteral("run: unknown option %1 (a file whose name starts with '-': "
                               "./%1 or -- %1)")
                    .arg(InputFile::displayName(a)));
        else if (target.isEmpty())
            target = a;
        else
            return usageError(QStringLiteral("run takes one scenario, got %1 and %2")
                                  .arg(InputFile::displayName(target), InputFile::displayName(a)));
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
    if (first == "bench-paint" || first == "bench-open") {
        // Not for people: `procession bench` runs them in a child process for paint_ms_100k
        // and open_trace_s.
        QString errors;
        const int status = callLibraryEntry(QStringLiteral("procession_gui"),
                                            first == "bench-paint" ? "procession_gui_paint_bench"
                                                                   : "procession_gui_open_bench",
                                            argc, argv, &errors);
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
        const QStringList rest = app.arguments().mid(2);
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
        QList<QByteArray> raw; // file names as given, whatever their bytes
        for (int i = 2; i < argc; ++i)
            raw << QByteArray(argv[i]);
        return cmdRun(raw);
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
