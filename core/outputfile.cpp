#include "outputfile.h"

#include <QFile>
#include <QSaveFile>

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace procession {

#if defined(Q_OS_UNIX)
namespace {

QString errnoText(int e)
{
    return QString::fromLocal8Bit(std::strerror(e));
}

// /dev/stdout, /dev/fd/N, /proc/self/fd/N: a descriptor this process already has open,
// whatever it leads to; replacing what it leads to would cut the descriptor off from it.
bool isDescriptorLink(const QByteArray &path)
{
    if (path.startsWith("/proc/") || path.startsWith("/dev/fd/") || path == "/dev/stdout" ||
        path == "/dev/stderr")
        return true;
    char link[PATH_MAX];
    const ssize_t n = ::readlink(path.constData(), link, sizeof link - 1);
    return n > 0 && QByteArray(link, qsizetype(n)).startsWith("/proc/");
}

} // namespace
#endif

OutputFile::OutputFile(QString path) : m_path(std::move(path)) {}

OutputFile::~OutputFile()
{
    discard();
}

bool OutputFile::fail(const QString &why)
{
    if (m_error.isEmpty())
        m_error = why;
    discard();
    return false;
}

void OutputFile::discard()
{
#if defined(Q_OS_UNIX)
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temporary.isEmpty())
        ::unlink(m_temporary.constData());
    m_temporary.clear();
#endif
    if (m_save)
        m_save->cancelWriting();
    m_save.reset();
}

bool OutputFile::open()
{
    m_error.clear();
    if (m_path.isEmpty())
        return fail(QStringLiteral("no file name given"));
#if defined(Q_OS_UNIX)
    const QByteArray native = QFile::encodeName(m_path);
    struct stat st
    {
    };
    if (::lstat(native.constData(), &st) != 0) {
        if (errno != ENOENT)
            return fail(errnoText(errno));
        return openAtomic(native); // a new file
    }
    QByteArray target = native;
    if (S_ISLNK(st.st_mode)) {
        const uid_t me = ::geteuid();
        // Root's links are the system's own (/dev/stdout); another user's may have been
        // planted where this one writes (a sticky /tmp).
        if (st.st_uid != me && st.st_uid != 0)
            return fail(QStringLiteral("is a symbolic link owned by another user (uid %1); "
                                       "it is not followed")
                            .arg(st.st_uid));
        if (::stat(native.constData(), &st) != 0)
            return fail(errno == ENOENT ? QStringLiteral("is a symbolic link that leads nowhere")
                                        : errnoText(errno));
        if (isDescriptorLink(native))
            return S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
                           S_ISSOCK(st.st_mode)
                       ? openStream(native, S_ISREG(st.st_mode))
                       : fail(QStringLiteral("leads to something that cannot be written"));
        char *real = ::realpath(native.constData(), nullptr);
        if (!real)
            return fail(errnoText(errno));
        target = real;
        std::free(real);
        if (S_ISREG(st.st_mode) && st.st_uid != me)
            return fail(QStringLiteral("is a symbolic link to a file owned by another user "
                                       "(uid %1); it is not replaced")
                            .arg(st.st_uid));
    }
    if (S_ISREG(st.st_mode)) {
        m_mode = int(st.st_mode & 07777);
        return openAtomic(target);
    }
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
        return openStream(target, false);
    if (S_ISDIR(st.st_mode))
        return fail(QStringLiteral("is a directory"));
    if (S_ISBLK(st.st_mode))
        return fail(QStringLiteral("is a block device; an output is never written onto one"));
    return fail(QStringLiteral("is a socket, not a file"));
#else
    m_save = std::make_unique<QSaveFile>(m_path);
    if (!m_save->open(QIODevice::WriteOnly))
        return fail(m_save->errorString());
    return true;
#endif
}

bool OutputFile::openStream(const QByteArray &native, bool truncate)
{
#if defined(Q_OS_UNIX)
    // O_NONBLOCK only to open: a FIFO nobody reads is an error now, not a wait forever.
    m_fd = ::open(native.constData(),
                  O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK | (truncate ? O_TRUNC : 0));
    if (m_fd < 0)
        return fail(errno == ENXIO ? QStringLiteral("is a FIFO nobody is reading")
                                   : errnoText(errno));
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
    m_atomic = false;
    return true;
#else
    Q_UNUSED(native);
    Q_UNUSED(truncate);
    return false;
#endif
}

bool OutputFile::openAtomic(const QByteArray &target)
{
#if defined(Q_OS_UNIX)
    const qsizetype slash = target.lastIndexOf('/');
    const QByteArray dir = slash < 0    ? QByteArray(".")
                           : slash == 0 ? QByteArray("/")
                                        : target.left(slash);
    const QByteArray base = target.mid(slash + 1);
    if (base.isEmpty())
        return fail(QStringLiteral("is a directory"));
    QByteArray temporary = dir + "/." + base.left(200) + ".XXXXXX";
    m_fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (m_fd < 0) {
        const int e = errno;
        return fail(
            e == ENOENT
                ? QStringLiteral("the directory %1 does not exist").arg(QFile::decodeName(dir))
                : QStringLiteral("cannot create a file in %1: %2")
                      .arg(QFile::decodeName(dir), errnoText(e)));
    }
    m_temporary = temporary;
    m_target = target;
    m_atomic = true;
    if (m_mode < 0) { // a new file: the mode open() would give it
        const mode_t mask = ::umask(022);
        ::umask(mask);
        m_mode = int(0666 & ~mask);
    }
    return true;
#else
    Q_UNUSED(target);
    return false;
#endif
}

bool OutputFile::write(const QByteArray &bytes)
{
    if (!m_error.isEmpty())
        return false;
#if defined(Q_OS_UNIX)
    if (m_fd < 0)
        return fail(QStringLiteral("the file is not open"));
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(n < 0 ? errnoText(errno) : QStringLiteral("nothing could be written"));
        done += n;
    }
    return true;
#else
    if (!m_save || m_save->write(bytes) != bytes.size() || !m_save->flush())
        return fail(m_save ? m_save->errorString() : QStringLiteral("the file is not open"));
    return true;
#endif
}

bool OutputFile::commit()
{
    if (!m_error.isEmpty())
        return false;
#if defined(Q_OS_UNIX)
    if (m_fd < 0)
        return fail(QStringLiteral("the file is not open"));
    if (m_atomic) {
        ::fchmod(m_fd, mode_t(m_mode));
        // Some file systems report a full disk only when the data reaches it.
        if (::fsync(m_fd) != 0 && errno != EINVAL && errno != EROFS)
            return fail(errnoText(errno));
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0 && errno != EINTR)
        return fail(errnoText(errno));
    if (m_atomic) {
        if (::rename(m_temporary.constData(), m_target.constData()) != 0)
            return fail(errnoText(errno));
        m_temporary.clear();
    }
    return true;
#else
    if (!m_save || !m_save->flush() || !m_save->commit())
        return fail(m_save ? m_save->errorString() : QStringLiteral("the file is not open"));
    m_save.reset();
    return true;
#endif
}

OutputFileDevice::OutputFileDevice(OutputFile *file) : m_file(file)
{
    open(QIODevice::WriteOnly);
}

qint64 OutputFileDevice::writeData(const char *data, qint64 size)
{
    if (m_file->write(QByteArray::fromRawData(data, qsizetype(size))))
        return size;
    setErrorString(m_file->errorString());
    return -1;
}

} // namespace procession
