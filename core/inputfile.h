#pragma once

#include <QByteArray>
#include <QString>

namespace procession {

// Reads a whole file a person named (a scenario, a saved trace): only a regular file, and
// at most `limit` bytes however large the file system says it is (a device says 0, /proc
// files say 0 and are endless). A FIFO, a device, a directory or a socket is refused at
// once, without blocking on it. On failure `error` is the reason alone, e.g. "is a FIFO,
// not a regular file"; the caller puts the name in front.
class InputFile
{
public:
    // `path` as the operating system spells it (raw bytes: a name that is not valid
    // UTF-8 still opens).
    static bool read(const QByteArray &path, qint64 limit, QByteArray *out, QString *error);
    static bool read(const QString &path, qint64 limit, QByteArray *out, QString *error);
    // Names a path for messages: UTF-8 as it is, other bytes as \xNN.
    static QString displayName(const QByteArray &path);
};

} // namespace procession
