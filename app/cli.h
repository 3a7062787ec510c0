#pragma once

#include <QtGlobal>

namespace procession {

// The command line front end: `list`, `run`, `bench`, `--help`, `--version`; anything
// else is handed to the window (loaded lazily from the GUI library).
int runCommandLine(int argc, char **argv);

} // namespace procession

// What app/main.cpp looks up after loading lib procession_cli.
extern "C" Q_DECL_EXPORT int procession_cli_main(int argc, char **argv);
