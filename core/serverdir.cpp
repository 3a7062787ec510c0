#include "serverdir.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace procession {

namespace {

// "/procession-4194304-XXXXXX/s0123abcd" and the terminating zero must fit in sun_path.
constexpr qsizetype kSunPath = 108;
constexpr qsizetype kInside = 37;

#if defined(Q_OS_UNIX)
QString errnoText(int e)
{
    return QString::fromLocal8Bit(std::strerror(e));
}

bool usableRuntimeDir(const QByteArray &dir)
{
    struct stat st
    {
    };
    return !dir.isEmpty() && dir.size() + kInside < kSunPath && ::stat(dir.constData(), &st) == 0 &&
           S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() &&
           ::access(dir.constData(), W_OK | X_OK) == 0;
}

// Removes what a session leaves in its directory (its socket), then the directory.
void removeDir(const QByteArray &path)
{
    if (DIR *d = ::opendir(path.constData())) {
        while (const dirent *e = ::readdir(d)) {
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                ::unlink(QByteArray(path + '/' + e->d_name).constData());
        }
        ::closedir(d);
    }
    ::rmdir(path.constData());
}
#endif

} // namespace

ServerDir::~ServerDir()
{
#if defined(Q_OS_UNIX)
    if (!m_path.isEmpty())
        removeDir(m_path);
#else
    if (!m_path.isEmpty())
        QDir(QFile::decodeName(m_path)).removeRecursively();
#endif
}

QString ServerDir::path() const
{
    return QFile::decodeName(m_path);
}

QString ServerDir::filePath(const QString &name) const
{
    return path() + QLatin1Char('/') + name;
}

QByteArray ServerDir::base(QString *error)
{
#if defined(Q_OS_UNIX)
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    if (usableRuntimeDir(runtime))
        return runtime;
    QByteArray tmp = qgetenv("TMPDIR");
    if (tmp.isEmpty())
        return "/tmp";
    while (tmp.size() > 1 && tmp.endsWith('/'))
        tmp.chop(1);
    const QString name = QFile::decodeName(tmp);
    struct stat st
    {
    };
    if (::stat(tmp.constData(), &st) != 0) {
        *error = QStringLiteral("TMPDIR (%1) cannot be used: %2").arg(name, errnoText(errno));
        return {};
    }
    if (!S_ISDIR(st.st_mode)) {
        *error = QStringLiteral("TMPDIR (%1) is not a directory").arg(name);
        return {};
    }
    if (::access(tmp.constData(), W_OK | X_OK) != 0) {
        *error = QStringLiteral("TMPDIR (%1) cannot be used: %2").arg(name, errnoText(errno));
        return {};
    }
    if (tmp.size() + kInside >= kSunPath) // a socket path that long cannot exist
        return "/tmp";
    return tmp;
#else
    Q_UNUSED(error);
    return QFile::encodeName(QDir::tempPath());
#endif
}

int ServerDir::removeStale(const QByteArray &base)
{
    int removed = 0;
#if defined(Q_OS_UNIX)
    DIR *d = ::opendir(base.constData());
    if (!d)
        return 0;
    while (const dirent *e = ::readdir(d)) {
        const QByteArray name(e->d_name);
        if (!name.startsWith("procession-"))
            continue;
        const QList<QByteArray> parts = name.split('-');
        bool ok = false;
        const qint64 pid = parts.size() == 3 ? parts.at(1).toLongLong(&ok) : 0;
        if (!ok || pid <= 0 || pid == QCoreApplication::applicationPid())
            continue;
        if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
            continue; // its owner is still there (or is someone we may not signal)
        const QByteArray path = base + '/' + name;
        struct stat st
        {
        };
        if (::lstat(path.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
            continue;
        removeDir(path);
        ++removed;
    }
    ::closedir(d);
#else
    Q_UNUSED(base);
#endif
    return removed;
}

bool ServerDir::create(QString *error)
{
    const QByteArray where = base(error);
    if (where.isEmpty())
        return false;
#if defined(Q_OS_UNIX)
    removeStale(where);
    QByteArray path =
        where + "/procession-" + QByteArray::number(QCoreApplication::applicationPid()) + "-XXXXXX";
    if (!::mkdtemp(path.data())) {
        *error = QStringLiteral("cannot create a private directory for the worker socket in %1: "
                                "%2")
                     .arg(QFile::decodeName(where), errnoText(errno));
        return false;
    }
    ::chmod(path.constData(), 0700);
    m_path = path;
    return true;
#else
    for (int attempt = 0; attempt < 100; ++attempt) {
        const QString candidate =
            QFile::decodeName(where) +
            QStringLiteral("/procession-%1-%2")
                .arg(QCoreApplication::applicationPid())
                .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
        if (QDir().mkdir(candidate)) {
            m_path = QFile::encodeName(candidate);
            return true;
        }
    }
    *error = QStringLiteral("cannot create a private directory for the worker socket in %1")
                 .arg(QFile::decodeName(where));
    return false;
#endif
}

} // namespace procession
