#pragma once

// Finds one of procession's own libraries next to the executable (build tree, Windows) or
// in the installed library directory, found from the executable's own directory by the
// relative path baked in at configure time (PROCESSION_LIBDIR_FROM_BINDIR, e.g.
// "../lib/x86_64-linux-gnu/procession"), and calls its entry point. Shared by the
// executable (which loads the command line) and the command line (which loads the window).

#include <QFileInfo>
#include <QLibrary>
#include <QString>
#include <QStringList>

#include <string>

#if defined(Q_OS_WIN)
#include <windows.h>
#elif defined(Q_OS_MACOS)
#include <mach-o/dyld.h>
#endif

#if !defined(PROCESSION_LIBDIR_FROM_BINDIR)
#define PROCESSION_LIBDIR_FROM_BINDIR "../lib/procession"
#endif

namespace procession {

// The directory of the running executable, from the system: argv[0] has no directory in it
// when the program was found through PATH.
inline QString executableDir(char **argv)
{
    QString exe;
#if defined(Q_OS_WIN)
    std::wstring buf(32768, L'\0');
    const DWORD n = ::GetModuleFileNameW(nullptr, buf.data(), DWORD(buf.size()));
    if (n > 0 && n < buf.size())
        exe = QString::fromWCharArray(buf.data(), int(n));
#elif defined(Q_OS_MACOS)
    char buf[4096];
    uint32_t size = sizeof buf;
    if (_NSGetExecutablePath(buf, &size) == 0)
        exe = QFileInfo(QString::fromLocal8Bit(buf)).canonicalFilePath();
#elif defined(Q_OS_LINUX)
    exe = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
#endif
    if (exe.isEmpty())
        exe = QFileInfo(QString::fromLocal8Bit(argv[0])).canonicalFilePath();
    return QFileInfo(exe).absolutePath();
}

// Returns the entry point's exit status, or -1 with `errors` saying what was tried.
inline int callLibraryEntry(const QString &library, const char *entryName, int argc, char **argv,
                            QString *errors)
{
    const QString dir = executableDir(argv);
    const QStringList candidates = {
        dir + QLatin1Char('/') + library,
        dir + QLatin1Char('/') + QLatin1String(PROCESSION_LIBDIR_FROM_BINDIR) + QLatin1Char('/') +
            library};
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
