#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <memory>

class QSaveFile;

namespace procession {

// One output (a trace, a report) written where a person pointed it, without destroying
// what is there and without losing data silently:
// - a regular file, or a name that does not exist yet, is written to a temporary file
//   beside it and renamed into place when complete, so a reader never sees half a file
//   and a failed write leaves the old file as it was;
// - a FIFO, a character device (/dev/null, /dev/tty) or a descriptor (/dev/stdout,
//   /dev/fd/N) is written directly as a stream: it is never replaced by a regular file;
// - a directory, a block device or a socket is refused, and so is a symbolic link owned
//   by another user (one planted in a shared directory such as /tmp) or one that leads to
//   a file owned by another user;
// - every write, the final flush and the close are checked.
class OutputFile
{
public:
    explicit OutputFile(QString path);
    ~OutputFile(); // discards an output that was opened but never committed
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    // Checks the destination and opens it, before any work is done.
    bool open();
    bool write(const QByteArray &bytes);
    // Finishes: renames the complete file into place, or closes the stream.
    bool commit();
    // One sentence without the path, e.g. "No space left on device".
    QString errorString() const { return m_error; }
    QString path() const { return m_path; }

private:
    bool fail(const QString &why);
    bool openStream(const QByteArray &native, bool truncate);
    bool openAtomic(const QByteArray &target);
    void discard();

    QString m_path;
    QString m_error;
    int m_fd = -1;
    bool m_atomic = false;
    QByteArray m_target;               // where the temporary file is renamed to
    QByteArray m_temporary;            // the temporary file beside it
    int m_mode = -1;                   // the replaced file's permissions, kept
    std::unique_ptr<QSaveFile> m_save; // platforms without POSIX calls
};

// An OutputFile as a write-only QIODevice, for writers that stream to a device (the trace
// writer): every write goes straight to the file, its failure becomes the device's error.
// Commit the OutputFile when the writer is done.
class OutputFileDevice : public QIODevice
{
public:
    explicit OutputFileDevice(OutputFile *file);

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override;

private:
    OutputFile *m_file;
};

} // namespace procession
