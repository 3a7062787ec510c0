#include "windowoptionlist.h"

#include "commandoptions.h"

namespace procession {

const QList<QCommandLineOption> &windowOptionList()
{
    static const QList<QCommandLineOption> list = {
        commandOption("scenario", "ID|FILE", "select a bundled scenario, or open a scenario file"),
        commandOption("autorun", nullptr, "run it (or the comparison) at once"),
        commandOption("compare", "ID ID",
                      "two runs on one time axis (e.g. greet-sequential greet-spawn)"),
        commandOption("screenshot", "FILE.png",
                      "save the window when the run ends (or at once), then quit"),
        commandOption("screenshot-after", "MS",
                      "with --autorun: MS milliseconds into a live run instead"),
        commandOption("zoom", "FROM-TO|call",
                      "show FROM-TO milliseconds (0 <= FROM < TO), or the --select-call call"),
        commandOption("select-call", "ID", "select the call with this id and show its details"),
        commandOption("dark", nullptr, "dark palette"),
        commandOption("light", nullptr, "light palette"),
        commandOption("size", "WxH", "window size, e.g. 1400x860"),
        commandOption("tasks", "LIB", "load a task library (repeatable)"),
        commandOption(
            "from-desktop", nullptr,
            "a FILE that cannot be opened is said in the window (the .desktop file's Exec "
            "line uses it)"),
    };
    return list;
}

QString windowOptionHelp()
{
    return optionHelp(windowOptionList(), 2, 26);
}

} // namespace procession
