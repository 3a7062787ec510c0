// procession: one executable, three faces. `--worker` runs a worker process (decided on
// the raw argv, before any Qt application object exists, and with nothing but QtCore
// loaded); everything else (the command line, and through it the window) lives in
// libraries loaded only now, so worker processes never pay for QtNetwork or QtWidgets.
#include "entrypoint.h"
#include "worker.h"

#include <cstdio>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>

namespace {
// Started with standard input, output or error closed (`procession run … <&- >&- 2>&-`),
// the first descriptors this process makes would become 0, 1 and 2: the signal socket
// would be written to by every print. Point any closed one at /dev/null first.
void openStandardDescriptors()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1)
            continue;
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0 && null != fd) { // open() takes the lowest free number: fd itself
            ::dup2(null, fd);
            ::close(null);
        }
    }
}
} // namespace
#else
#include <fcntl.h>
#include <io.h>
namespace {
void openStandardDescriptors() {}
} // namespace
#endif

int main(int argc, char **argv)
{
    openStandardDescriptors();
#if defined(_WIN32)
    // The C runtime writes "\r\n" for "\n" in text mode: output would differ by platform,
    // and a JSON document or a trace written to stdout would change on its way out.
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
#endif
    if (procession::isWorkerInvocation(argc, argv))
        return procession::runWorker(argc, argv);
    QString errors;
    const int status = procession::callLibraryEntry(QStringLiteral("procession_cli"),
                                                    "procession_cli_main", argc, argv, &errors);
    if (status >= 0)
        return status;
    std::fprintf(stderr,
                 "procession: the command line library is missing; reinstall procession.%s\n",
                 errors.toLocal8Bit().constData());
    return 2;
}
