#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace procession {

// One command of the command line (`procession run ...`). Its options are defined here
// once: its parser (CommandLine::parse), its own help (`procession run --help`) and
// `procession --help` are all made from this definition (tst_cli::commandHelpMatchesDefinition).
struct Command
{
    QString name;                      // "run"
    QString arguments;                 // what follows the name in the usage line: "ID|FILE"
    QString summary;                   // one line for `procession --help`
    QList<QCommandLineOption> options; // besides -h/--help, which every command takes
    QString details;                   // more for the command's own --help (may be empty)
    bool takesFiles = false; // an existing FILE.json named "-x.json" is a file, not an option
    bool internal = false;   // not in `procession --help` (bench-paint: for `bench` only)
};

// Every command, in the order `procession --help` lists them.
const QList<Command> &commands();
const Command *findCommand(const QString &name);

// The parts `procession bench --only=PART,...` can measure (its help lists them).
const QStringList &benchParts();

// The options before the command (`--tasks LIB`, `--help`, `--version`).
const QList<QCommandLineOption> &leadingOptions();

// A command's arguments, read with its definition. Positional arguments come back as the
// bytes they were given as: a file name need not be UTF-8.
class CommandLine
{
public:
    // False with `error` set to one lower-case sentence (no "procession: " prefix).
    bool parse(const Command &command, const QList<QByteArray> &raw, QString *error);
    // The same from `argv`: the program, the command's name, its arguments.
    bool parse(int argc, char **argv, QString *error);
    bool help() const { return m_help; }
    bool isSet(const QString &name) const { return m_values.contains(name); }
    QString value(const QString &name) const; // the last one given
    QStringList values(const QString &name) const { return m_values.value(name); }
    const QList<QByteArray> &positional() const { return m_positional; }

private:
    bool m_help = false;
    QHash<QString, QStringList> m_values;
    QList<QByteArray> m_positional;
};

// `procession --help` after its first line; and one command's `procession run --help`.
QString commandLineHelp();
QString commandHelp(const Command &command);

// "  --trace FILE          write ..." lines for `options`, descriptions from `column` on,
// wrapped before column 90.
QString optionHelp(const QList<QCommandLineOption> &options, int indent, int column);

// QCommandLineParser's error after a failed parse(args), in the command line's style: one
// lower-case sentence naming the option as it was typed ("unknown option --fast",
// "--trace needs a file name"). `options` are those the parser was given.
QString optionError(const QCommandLineParser &parser, const QStringList &args,
                    const QList<QCommandLineOption> &options);
// "--trace needs a file name": what a value-taking option says given none, or an empty one.
QString needsValue(const QCommandLineOption &option);

// An argument as the parser's text, and back, losslessly: bytes that are not UTF-8 become
// lone surrogates U+DC80..U+DCFF (as Python's "surrogateescape" does) and come back as
// themselves. On Windows arguments are in the ANSI code page.
QString decodeArgument(const QByteArray &bytes);
QByteArray encodeArgument(const QString &text);

// A QCommandLineOption with a value name (or none) and its help.
QCommandLineOption commandOption(const char *name, const char *valueName, const char *help);

} // namespace procession
