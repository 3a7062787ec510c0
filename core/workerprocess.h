#pragma once

#include "exitdescription.h"

#include <QByteArray>
#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>

class QProcess;

namespace procession {

// One worker's operating-system process: started with its environment, its output cut
// into lines, its end told as a ProcessEnd. What differs per platform (dying with the
// parent, process groups) lives in workerprocess_posix.cpp and workerprocess_win.cpp.
class WorkerProcess : public QObject
{
    Q_OBJECT

public:
    explicit WorkerProcess(QObject *parent = nullptr);

    void start(const QString &program, const QStringList &arguments,
               const QProcessEnvironment &environment);
    qint64 pid() const;
    bool isRunning() const;
    QString errorString() const;
    // How it ended; meaningful once it has finished. Per platform.
    ProcessEnd end() const;

    // Asks the process to stop (POSIX: SIGTERM; Windows: Ctrl-Break to its own process
    // group, which a console worker cannot ignore).
    void terminate();
    void kill();
    void closeWriteChannel();
    bool waitForFinished(int timeoutMs);
    // Emits every line still buffered, a last line without its newline too.
    void drainOutput();

signals:
    void outputLine(const QString &line, bool isStderr);
    void finished(procession::ProcessEnd end);
    void failedToStart();

private:
    void beforeStart(); // per platform
    void afterStart();  // per platform
    void readOutput(bool isStderr);

    QProcess *m_process;
    QByteArray m_stdoutTail;
    QByteArray m_stderrTail;
};

} // namespace procession
