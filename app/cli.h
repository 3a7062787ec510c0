#pragma once

namespace procession {

// The command line front end: `list`, `run`, `bench`, `--help`, `--version`; anything
// else is handed to the window (loaded lazily from the GUI library).
int runCommandLine(int argc, char **argv);

} // namespace procession
