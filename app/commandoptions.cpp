#include "commandoptions.h"

#include "windowoptionlist.h"

namespace procession {

namespace {

constexpr int kWidth = 90; // where help text wraps

// `text` from `used` columns on, wrapped at kWidth with `column` spaces before each new line.
QString wrapped(const QString &text, int column, qsizetype used)
{
    const QString indent(column, QLatin1Char(' '));
    QString out;
    bool first = true;
    for (const QString &word : text.split(QLatin1Char(' '))) {
        if (!first && used + 1 + word.size() > kWidth) {
            out += QLatin1Char('\n') + indent;
            used = column;
        } else if (!first) {
            out += QLatin1Char(' ');
            ++used;
        }
        out += word;
        used += word.size();
        first = false;
    }
    return out;
}

// `head` then `text` from `column` on (on the next line when `head` is that long).
QString row(const QString &head, const QString &text, int column)
{
    if (text.isEmpty())
        return head + QLatin1Char('\n');
    const QString start = head.size() < column
                              ? head.leftJustified(column)
                              : head + QLatin1Char('\n') + QString(column, QLatin1Char(' '));
    return start + wrapped(text, column, column) + QLatin1Char('\n');
}

QString usageLine(const Command &c)
{
    QString line = QStringLiteral("procession ") + c.name;
    if (!c.arguments.isEmpty())
        line += QLatin1Char(' ') + c.arguments;
    if (!c.options.isEmpty())
        line += QStringLiteral(" [options]");
    return line;
}

const QString kExitStatus = QStringLiteral(
    "Exit status of run: 0 when every call went as the scenario expects, 1 when a call failed "
    "unexpectedly or the report or trace could not be written whole, 2 for bad usage, an "
    "invalid scenario or a trace file that cannot be created, 128+N when interrupted by signal "
    "N (130 SIGINT, 143 SIGTERM, 129 SIGHUP).");

} // namespace

QCommandLineOption commandOption(const char *name, const char *valueName, const char *help)
{
    QCommandLineOption o(QString::fromLatin1(name), QString::fromUtf8(help));
    if (valueName)
        o.setValueName(QString::fromLatin1(valueName));
    return o;
}

const QList<Command> &commands()
{
    static const QList<Command> list = [] {
        QList<Command> l;
        Command list;
        list.name = QStringLiteral("list");
        list.summary = QStringLiteral("list the bundled scenarios (id, tab, title)");
        list.options = {commandOption("functions", nullptr,
                                      "list the functions scenarios can call instead "
                                      "(signature, summary, the library it comes from)")};
        l << list;

        Command run;
        run.name = QStringLiteral("run");
        run.arguments = QStringLiteral("ID|FILE");
        run.summary = QStringLiteral("run a scenario headless and print a report");
        run.options = {
            commandOption("json", nullptr,
                          "print one JSON document on stdout (workers' prints go to stderr)"),
            commandOption("trace", "FILE",
                          "write the run as a Chrome trace (opens in Perfetto or the window)"),
        };
        run.details = QStringLiteral("ID is a bundled scenario (procession list), FILE a scenario "
                                     "file; a file whose name starts with '-': ./-x.json or "
                                     "-- -x.json.\n") +
                      kExitStatus;
        run.takesFiles = true;
        l << run;

        Command python;
        python.name = QStringLiteral("python");
        python.arguments = QStringLiteral("ID|FILE");
        python.summary = QStringLiteral("print the scenario as a Python 3 program (standard "
                                        "library only) that does the same steps");
        python.takesFiles = true;
        l << python;

        Command summary;
        summary.name = QStringLiteral("summary");
        summary.arguments = QStringLiteral("FILE");
        summary.summary = QStringLiteral(
            "what a trace holds: Procession's own or another tool's (Chrome trace events: Ray, "
            "VizTracer, chrome://tracing, Perfetto JSON; .json.gz too)");
        summary.options = {
            commandOption("json", nullptr, "print the figures as one JSON document")};
        summary.takesFiles = true;
        l << summary;

        Command bench;
        bench.name = QStringLiteral("bench");
        bench.summary = QStringLiteral("measure Procession's own costs on real runs and say "
                                       "whether each meets its target");
        bench.options = {
            commandOption("json", nullptr, "print the figures as one JSON document"),
            commandOption("quick", nullptr, "fewer repetitions: quicker, less steady figures"),
            commandOption("markdown", nullptr, "print the table as Markdown"),
            commandOption("only", "PART,...", ""),
        };
        bench.options.last().setDescription(
            QStringLiteral("measure only these parts: %1 (e.g. --only=rtt,calls)")
                .arg(benchParts().join(QStringLiteral(", "))));
        l << bench;

        Command paint;
        paint.name = QStringLiteral("bench-paint");
        paint.summary = QStringLiteral("the window's part of procession bench, in a process of "
                                       "its own (bench runs it; prints one JSON line)");
        paint.options = {
            commandOption("quick", nullptr, "fewer frames"),
            commandOption("no-live", nullptr, "leave out the live run's stall and paint times"),
        };
        paint.internal = true;
        l << paint;

        Command open;
        open.name = QStringLiteral("bench-open");
        open.arguments = QStringLiteral("FILE");
        open.summary = QStringLiteral("the window's part of open_trace_s in procession bench: "
                                      "opens FILE offscreen until standard input closes");
        open.takesFiles = true;
        open.internal = true;
        l << open;
        return l;
    }();
    return list;
}

const QStringList &benchParts()
{
    static const QStringList parts = {
        QStringLiteral("rtt"),   QStringLiteral("ready"),   QStringLiteral("spawn"),
        QStringLiteral("calls"), QStringLiteral("payload"), QStringLiteral("scenarios"),
        QStringLiteral("paint"), QStringLiteral("traces"),  QStringLiteral("open")};
    return parts;
}

const Command *findCommand(const QString &name)
{
    for (const Command &c : commands())
        if (c.name == name)
            return &c;
    return nullptr;
}

const QList<QCommandLineOption> &leadingOptions()
{
    static const QList<QCommandLineOption> list = {
        commandOption("tasks", "LIB",
                      "add the functions of a task library (LIB.so; repeatable; also for the "
                      "window)"),
        QCommandLineOption(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                           QStringLiteral("this text")),
        QCommandLineOption(QStringList{QStringLiteral("v"), QStringLiteral("version")},
                           QStringLiteral("the version, and Qt's")),
    };
    return list;
}

QString optionHelp(const QList<QCommandLineOption> &options, int indent, int column)
{
    QString out;
    for (const QCommandLineOption &o : options) {
        QString head = QString(indent, QLatin1Char(' '));
        for (const QString &name : o.names())
            head += (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name +
                    QStringLiteral(", ");
        head.chop(2);
        if (!o.valueName().isEmpty())
            head += QLatin1Char(' ') + o.valueName();
        out += row(head, o.description(), column);
    }
    return out;
}

QString commandLineHelp()
{
    constexpr int kColumn = 38;
    QString out =
        QStringLiteral("Usage:\n") +
        row(QStringLiteral("  procession"), QStringLiteral("open the window"), kColumn) +
        row(QStringLiteral("  procession FILE"),
            QStringLiteral("open the window with a saved trace or a scenario file"), kColumn);
    for (const Command &c : commands()) {
        if (c.internal)
            continue;
        out += row(QStringLiteral("  ") + usageLine(c), c.summary, kColumn) +
               optionHelp(c.options, 6, kColumn);
    }
    out += row(QStringLiteral("  procession COMMAND --help"), QStringLiteral("one command's usage"),
               kColumn) +
           row(QStringLiteral("  procession OPTIONS COMMAND ..."),
               QStringLiteral("options before the command (or for the window):"), kColumn) +
           optionHelp(leadingOptions(), 6, kColumn) + QStringLiteral("\nWindow options:\n") +
           windowOptionHelp() + QLatin1Char('\n') + wrapped(kExitStatus, 0, 0) + QLatin1Char('\n');
    return out;
}

QString commandHelp(const Command &command)
{
    constexpr int kColumn = 26;
    QString summary = command.summary;
    summary[0] = summary[0].toUpper(); // a sentence of its own here
    QString out = QStringLiteral("Usage: ") + usageLine(command) + QLatin1Char('\n') +
                  wrapped(summary, 0, 0) + QStringLiteral(".\n\nOptions:\n") +
                  optionHelp(command.options, 2, kColumn) +
                  row(QStringLiteral("  -h, --help"), QStringLiteral("this text"), kColumn);
    if (!command.details.isEmpty()) {
        out += QLatin1Char('\n');
        for (const QString &paragraph : command.details.split(QLatin1Char('\n')))
            out += wrapped(paragraph, 0, 0) + QLatin1Char('\n');
    }
    return out;
}

} // namespace procession
