#pragma once

#include <QString>
#include <QStringList>

namespace procession::gui {

// The window's command line, read and checked before any window (or display) exists:
// a value that is not what the option takes is one sentence and exit status 2, never
// ignored and never a crash later.
struct WindowOptions
{
    QStringList files;         // saved traces or scenario files to open
    QStringList scenarios;     // --scenario: bundled ids, or files (a path with '/' or '.json')
    QStringList compareIds;    // --compare A B
    QStringList taskLibraries; // --tasks LIB (repeatable)
    bool autorun = false;
    bool dark = false;
    bool light = false;
    QString screenshot;
    int screenshotAfterMs = -1; // -1: at the end of the run
    bool zoomToCall = false;
    double zoomFromMs = -1; // -1: no zoom asked for
    double zoomToMs = -1;
    qint64 selectCall = 0; // 0: none
    int width = 0;         // 0: no size asked for
    int height = 0;
    bool help = false;
    // Started from the desktop (the .desktop file's Exec line): a file that cannot be opened
    // is said in the window, which opens anyway; from a terminal it is one line and status 2.
    bool fromDesktop = false;

    // Reads `args` (argv as text, program name first). False with `error` set to one
    // lower-case sentence (no "procession: " prefix) when something is wrong.
    bool parse(const QStringList &args, QString *error);
    static QString helpText();
};

} // namespace procession::gui
