#include "workerprocess.h"

#include <QProcess>

#if defined(Q_OS_LINUX)
#include <csignal>
#include <sys/prctl.h>
#endif

namespace procession {

void WorkerProcess::prepare()
{
#if defined(Q_OS_LINUX)
    // The worker dies with the thread that started it, even if the parent is SIGKILLed.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
}

} // namespace procession
