// procession: one executable, three faces. `--worker` runs a worker process (decided on
// the raw argv, before any Qt application object exists, and with nothing but QtCore
// loaded); everything else (the command line, and through it the window) lives in
// libraries loaded only now, so worker processes never pay for QtNetwork or QtWidgets.
#include "worker.h"

#include <QFileInfo>
#include <QLibrary>
#include <QStringList>

#include <cstdio>

namespace {

QString selfDir(char **argv)
{
#if defined(Q_OS_LINUX)
    const QString exe = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    if (!exe.isEmpty())
        return QFileInfo(exe).absolutePath();
#endif
    return QFileInfo(QString::fromLocal8Bit(argv[0])).absolutePath();
}

int runCommandLine(int argc, char **argv)
{
    const QString dir = selfDir(argv);
    const QStringList candidates = {dir + QStringLiteral("/procession_cli"),
                                    dir + QStringLiteral("/../lib/procession/procession_cli")};
    QString errors;
    for (const QString &candidate : candidates) {
        QLibrary library(candidate);
        if (!library.load()) {
            errors += QStringLiteral("\n  ") + library.errorString();
            continue;
        }
        using Entry = int (*)(int, char **);
        if (auto entry = reinterpret_cast<Entry>(library.resolve("procession_cli_main")))
            return entry(argc, argv);
        errors += QStringLiteral("\n  %1 has no procession_cli_main").arg(library.fileName());
    }
    std::fprintf(stderr, "procession: the command line library is missing; reinstall procession.%s\n",
                 errors.toLocal8Bit().constData());
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    if (procession::isWorkerInvocation(argc, argv))
        return procession::runWorker(argc, argv);
    return runCommandLine(argc, argv);
}
