#include "processbudget.h"

#include <QtGlobal>

#include <climits>

#if defined(Q_OS_UNIX)
#include <QDir>

#include <sys/resource.h>
#include <unistd.h>
#endif

namespace procession {

namespace {
constexpr int kDescriptorsPerWorker = 6; // five measured on Linux, and one to spare
constexpr int kKeptForTheParent = 32;    // the trace, libraries, the server, a terminal
} // namespace

int processesTheDescriptorLimitAllows()
{
#if defined(Q_OS_UNIX)
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return INT_MAX;
    qint64 open = 16; // where the open descriptors cannot be counted
#if defined(Q_OS_LINUX)
    const qsizetype listed = QDir(QStringLiteral("/proc/self/fd"))
                                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System)
                                 .size();
    if (listed > 0)
        open = listed;
#endif
    const qint64 left =
        qint64(std::min<rlim_t>(limit.rlim_cur, INT_MAX)) - open - kKeptForTheParent;
    return int(std::max<qint64>(1, left / kDescriptorsPerWorker));
#else
    return INT_MAX;
#endif
}

} // namespace procession
