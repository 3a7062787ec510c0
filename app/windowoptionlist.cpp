#include "windowoptionlist.h"

#include <QStringList>

namespace procession {

namespace {

QCommandLineOption option(const char *name, const char *valueName, const char *help)
{
    QCommandLineOption o(QString::fromLatin1(name), QString::fromUtf8(help));
    if (valueName)
        o.setValueName(QString::fromLatin1(valueName));
    return o;
}

} // namespace

const QList<QCommandLineOption> &windowOptionList()
{
    static const QList<QCommandLineOption> list = {
        option("scenario", "ID|FILE", "select a bundled scenario, or open a scenario file"),
        option("autorun", nullptr, "run it (or the comparison) at once"),
        option("compare", "ID ID",
               "two runs on one time axis (e.g. greet-sequential greet-spawn)"),
        option("screenshot", "FILE.png",
               "save the window when the run ends (or at once), then quit"),
        option("screenshot-after", "MS", "with --autorun: MS milliseconds into a live run instead"),
        option("zoom", "FROM-TO|call",
               "show FROM-TO milliseconds (0 <= FROM < TO), or the --select-call call"),
        option("select-call", "ID", "select the call with this id and show its details"),
        option("dark", nullptr, "dark palette"),
        option("light", nullptr, "light palette"),
        option("size", "WxH", "window size, e.g. 1400x860"),
        option("tasks", "LIB", "load a task library (repeatable)"),
        option("from-desktop", nullptr,
               "a FILE that cannot be opened is said in the window (the .desktop file's Exec "
               "line uses it)"),
    };
    return list;
}

QString windowOptionHelp()
{
    constexpr int kColumn = 26; // where the descriptions start
    constexpr int kWidth = 90;  // and where they wrap
    const QString indent(kColumn, QLatin1Char(' '));
    QString out;
    for (const QCommandLineOption &o : windowOptionList()) {
        QString head = QStringLiteral("  --") + o.names().constFirst();
        if (!o.valueName().isEmpty())
            head += QLatin1Char(' ') + o.valueName();
        QString line = head.size() < kColumn ? head.leftJustified(kColumn)
                                             : head + QLatin1Char('\n') + indent;
        qsizetype used = kColumn;
        bool first = true;
        for (const QString &word : o.description().split(QLatin1Char(' '))) {
            if (!first && used + 1 + word.size() > kWidth) {
                line += QLatin1Char('\n') + indent;
                used = kColumn;
            } else if (!first) {
                line += QLatin1Char(' ');
                ++used;
            }
            line += word;
            used += word.size();
            first = false;
        }
        out += line + QLatin1Char('\n');
    }
    return out;
}

} // namespace procession
