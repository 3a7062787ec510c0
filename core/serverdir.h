#pragma once

#include <QByteArray>
#include <QString>

namespace procession {

// The private directory that holds a session's socket: user-only, with a short random name
// that also carries the owner's pid (procession-PID-XXXXXX), removed when the session
// ends. Where it goes: $XDG_RUNTIME_DIR when that is ours and short, else $TMPDIR, else
// /tmp; a TMPDIR so long that the socket's path would not fit in sun_path (108 bytes)
// falls back to /tmp without a word. A TMPDIR that is missing, not a directory,
// unwritable or full is one sentence that names it. Making one also removes this user's
// stale directories whose owner process is gone (a run that was SIGKILLed).
class ServerDir
{
public:
    ServerDir() = default;
    ~ServerDir(); // removes the directory and what is left in it
    ServerDir(const ServerDir &) = delete;
    ServerDir &operator=(const ServerDir &) = delete;

    bool create(QString *error);
    bool isValid() const { return !m_path.isEmpty(); }
    QString path() const;
    QString filePath(const QString &name) const;

    // Where a directory would go now, or an empty string with `error` set.
    static QByteArray base(QString *error);
    // Removes this user's procession-PID-* directories in `base` whose PID is gone;
    // returns how many.
    static int removeStale(const QByteArray &base);

private:
    QByteArray m_path;
};

} // namespace procession
