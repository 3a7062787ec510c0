#pragma once

// Finds one of procession's own libraries next to the executable (build tree) or in
// ../lib/procession (installed), and calls its entry point. Shared by the executable
// (which loads the command line) and the command line (which loads the window).

#include <QFileInfo>
#include <QLibrary>
#include <QString>
#include <QStringList>

namespace procession {

inline QString executableDir(char **argv)
{
#if defined(Q_OS_LINUX)
    const QString exe = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    if (!exe.isEmpty())
        return QFileInfo(exe).absolutePath();
#endif
    return QFileInfo(QString::fromLocal8Bit(argv[0])).absolutePath();
}

// Returns the entry point's exit status, or -1 with `errors` saying what was tried.
inline int callLibraryEntry(const QString &library, const char *entryName, int argc, char **argv,
                            QString *errors)
{
    const QString dir = executableDir(argv);
    const QStringList candidates = {dir + QLatin1Char('/') + library,
                                    dir + QStringLiteral("/../lib/procession/") + library};
    for (const QString &candidate : candidates) {
        QLibrary lib(candidate);
        if (!lib.load()) {
            *errors += QStringLiteral("\n  ") + lib.errorString();
            continue;
        }
        using Entry = int (*)(int, char **);
        if (auto entry = reinterpret_cast<Entry>(lib.resolve(entryName)))
            return entry(argc, argv);
        *errors += QStringLiteral("\n  %1 has no %2").arg(lib.fileName(), QLatin1String(entryName));
    }
    return -1;
}

} // namespace procession
