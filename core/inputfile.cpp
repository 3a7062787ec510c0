#include "inputfile.h"

#include <QFile>

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace procession {

namespace {

QString tooLarge(qint64 limit)
{
    return QStringLiteral("the file is more than the limit of %1 bytes").arg(limit);
}

#if defined(Q_OS_UNIX)
QString kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("is a directory");
    if (S_ISFIFO(mode))
        return QStringLiteral("is a FIFO (a pipe)");
    if (S_ISCHR(mode))
        return QStringLiteral("is a character device");
    if (S_ISBLK(mode))
        return QStringLiteral("is a block device");
    if (S_ISSOCK(mode))
        return QStringLiteral("is a socket");
    return QStringLiteral("is not a regular file");
}
#endif

} // namespace

QString InputFile::displayName(const QByteArray &path)
{
    const QString text = QString::fromUtf8(path);
    if (text.toUtf8() == path)
        return text;
    QString out;
    for (char c : path) {
        const uchar u = uchar(c);
        out += u < 0x80 ? QString(QLatin1Char(c))
                        : QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    return out;
}

bool InputFile::read(const QString &path, qint64 limit, QByteArray *out, QString *error)
{
    if (path.startsWith(QLatin1Char(':'))) { // compiled-in resources
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot open: %1").arg(file.errorString());
            return false;
        }
        *out = file.read(limit + 1);
        if (out->size() > limit) {
            *error = tooLarge(limit);
            return false;
        }
        return true;
    }
    return read(QFile::encodeName(path), limit, out, error);
}

bool InputFile::read(const QByteArray &path, qint64 limit, QByteArray *out, QString *error)
{
    out->clear();
#if defined(Q_OS_UNIX)
    // O_NONBLOCK: opening a FIFO with no writer would wait forever; a regular file
    // ignores the flag. O_NOCTTY: a terminal named here never becomes ours.
    const int fd = ::open(path.constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        *error =
            e == ENOENT
                ? QStringLiteral("no such file")
                : QStringLiteral("cannot open: %1").arg(QString::fromLocal8Bit(std::strerror(e)));
        return false;
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *error = QStringLiteral("%1, not a regular file").arg(kindOf(st.st_mode));
        ::close(fd);
        return false;
    }
    if (st.st_size > limit) {
        *error = QStringLiteral("the file is %1 bytes, more than the limit of %2")
                     .arg(qint64(st.st_size))
                     .arg(limit);
        ::close(fd);
        return false;
    }
    // The size is a hint only (files in /proc say 0): read until end of file, or one
    // byte past the limit.
    QByteArray data(qsizetype(std::min<qint64>(limit + 1, std::max<qint64>(st.st_size, 0) + 1)),
                    Qt::Uninitialized);
    qint64 have = 0;
    for (;;) {
        if (have == data.size()) {
            if (have > limit)
                break;
            data.resize(qsizetype(std::min<qint64>(limit + 1, std::max<qint64>(have * 2, 65536))));
        }
        const ssize_t n = ::read(fd, data.data() + have, size_t(data.size() - have));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *error =
                QStringLiteral("cannot read: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            ::close(fd);
            return false;
        }
        if (n == 0)
            break;
        have += n;
    }
    ::close(fd);
    if (have > limit) {
        *error = tooLarge(limit);
        return false;
    }
    data.truncate(qsizetype(have));
    *out = std::move(data);
    return true;
#else
    QFile file(QFile::decodeName(path));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open: %1").arg(file.errorString());
        return false;
    }
    if (file.isSequential()) {
        *error = QStringLiteral("is not a regular file");
        return false;
    }
    *out = file.read(limit + 1);
    if (out->size() > limit) {
        *error = tooLarge(limit);
        return false;
    }
    return true;
#endif
}

} // namespace procession
