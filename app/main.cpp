// procession: one executable, three faces. `--worker` runs a worker process (decided
// on the raw argv, before any Qt application object exists); a command such as `run`
// or `list` runs the command line; anything else opens the window.
#include "cli.h"
#include "worker.h"

int main(int argc, char **argv)
{
    if (procession::isWorkerInvocation(argc, argv))
        return procession::runWorker(argc, argv);
    return procession::runCommandLine(argc, argv);
}
