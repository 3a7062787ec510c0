#include "exectask.h"

#include "command.h"

#include <QCborArray>

#include <algorithm>

namespace procession {

QString commandLineText(const QString &program, const QStringList &arguments)
{
    // Words of these characters need no quotes. A loop, not a QRegularExpression: see
    // isScenarioId in scenario.cpp.
    const auto isPlain = [](const QString &word) {
        return !word.isEmpty() && std::all_of(word.cbegin(), word.cend(), [](QChar c) {
            const char16_t u = c.unicode();
            return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') ||
                   (u >= u'0' && u <= u'9') ||
                   QStringView(u"_@%+=:,./-").contains(c);
        });
    };
    QStringList parts;
    for (const QString &word : QStringList(program) + arguments) {
        if (isPlain(word))
            parts << word;
        else
            parts << QLatin1Char('\'') +
                         QString(word).replace(QLatin1Char('\''), QStringLiteral("'\\''")) +
                         QLatin1Char('\'');
    }
    QString text = parts.join(QLatin1Char(' '));
    if (text.size() > 120)
        text = text.left(119) + QChar(0x2026);
    return QLatin1Char('`') + text + QLatin1Char('`');
}

Registry::Task execTask()
{
    using T = Registry::Type;
    Registry::Param args{QStringLiteral("args"), T::String};
    args.variadic = true;
    return {QStringLiteral("exec"),
            QStringLiteral("Runs the command program args… (a list, no shell); its output lines "
                           "are the worker's prints; exit status 0 is the result."),
            {{QStringLiteral("program"), T::String}, args},
            [](const QList<QCborValue> &a, TaskContext &ctx) -> QCborValue {
                const QString program = a[0].toString();
                QStringList arguments;
                for (const QCborValue &v : a[1].toArray())
                    arguments << v.toString();
                const QString shown = commandLineText(program, arguments);
                if (program.isEmpty())
                    throw TaskError{QStringLiteral("bad-arguments"),
                                    QStringLiteral("exec(): program must not be empty")};
                // A command line is C strings: a NUL would silently cut a word short.
                const QStringList all = QStringList(program) + arguments;
                for (qsizetype i = 0; i < all.size(); ++i)
                    if (all.at(i).contains(QChar(0)))
                        throw TaskError{QStringLiteral("bad-arguments"),
                                        QStringLiteral("exec(): argument %1 contains a NUL "
                                                       "character, which no command line can "
                                                       "carry")
                                            .arg(i + 1)};
                const CommandResult r = runCommand(
                    program, arguments,
                    [&ctx](const QString &line, bool isStderr) {
                        if (isStderr && ctx.printError)
                            ctx.printError(line);
                        else if (ctx.print)
                            ctx.print(line);
                    },
                    ctx.cancelled);
                switch (r.end) {
                case CommandResult::End::Exited:
                    if (r.code == 0)
                        return QCborValue(0);
                    throw TaskError{
                        QStringLiteral("command-failed"),
                        r.lastErrorLine.isEmpty()
                            ? QStringLiteral("%1 exited with status %2").arg(shown).arg(r.code)
                            : QStringLiteral("%1 exited with status %2: %3")
                                  .arg(shown)
                                  .arg(r.code)
                                  .arg(r.lastErrorLine.trimmed().left(200))};
                case CommandResult::End::Signalled:
                    throw TaskError{QStringLiteral("command-failed"),
                                    QStringLiteral("%1 was killed by %2").arg(shown, r.signal)};
                case CommandResult::End::NotFound:
                    throw TaskError{QStringLiteral("no-such-program"),
                                    QStringLiteral("no such program: `%1`").arg(program.left(100))};
                case CommandResult::End::NotStarted:
                    throw TaskError{
                        QStringLiteral("command-failed"),
                        QStringLiteral("%1 could not be started: %2").arg(shown, r.error)};
                case CommandResult::End::Cancelled:
                    throw TaskError{
                        QStringLiteral("interrupted"),
                        QStringLiteral("%1 was stopped: the run was interrupted").arg(shown)};
                }
                return {};
            }};
}

} // namespace procession
