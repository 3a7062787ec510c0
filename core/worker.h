#pragma once

namespace procession {

// True when argv asks for worker mode: `procession --worker SERVER LANE`. Checked on the
// raw argv before any QCoreApplication exists, so a worker never initialises a GUI.
bool isWorkerInvocation(int argc, char **argv);

// Worker mode: connect to the parent's server, say hello with the token from the
// environment, then run calls until told to exit, the connection closes, or stdin ends.
// Returns the process exit status.
int runWorker(int argc, char **argv);

} // namespace procession
