#include "workerprocess.h"

#include <QProcess>

namespace procession {

WorkerProcess::WorkerProcess(QObject *parent) : QObject(parent), m_process(new QProcess(this))
{
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { readOutput(false); });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { readOutput(true); });
    connect(m_process, &QProcess::finished, this, [this] { emit finished(end()); });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            emit failedToStart();
    });
}

void WorkerProcess::start(const QString &program, const QStringList &arguments,
                          const QProcessEnvironment &environment)
{
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setProgram(program);
    m_process->setArguments(arguments);
    beforeStart();
    m_process->start(QIODevice::ReadWrite);
    afterStart();
}

qint64 WorkerProcess::pid() const
{
    return m_process->processId();
}

bool WorkerProcess::isRunning() const
{
    return m_process->state() != QProcess::NotRunning;
}

QString WorkerProcess::errorString() const
{
    return m_process->errorString();
}

void WorkerProcess::kill()
{
    m_process->kill();
}

void WorkerProcess::closeWriteChannel()
{
    m_process->closeWriteChannel();
}

bool WorkerProcess::waitForFinished(int timeoutMs)
{
    return m_process->waitForFinished(timeoutMs);
}

void WorkerProcess::drainOutput()
{
    for (bool err : {false, true}) {
        QByteArray &tail = err ? m_stderrTail : m_stdoutTail;
        tail += err ? m_process->readAllStandardError() : m_process->readAllStandardOutput();
        if (!tail.isEmpty() && !tail.endsWith('\n'))
            tail.append('\n');
        readOutput(err);
    }
}

void WorkerProcess::readOutput(bool isStderr)
{
    QByteArray &tail = isStderr ? m_stderrTail : m_stdoutTail;
    tail += isStderr ? m_process->readAllStandardError() : m_process->readAllStandardOutput();
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = tail.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArray line = tail.mid(start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        start = nl + 1;
        emit outputLine(QString::fromUtf8(line), isStderr);
    }
    tail.remove(0, start);
    // A worker printing without newlines must not grow our memory without bound: past
    // 64 KiB the text is cut into lines of that size, however large the reads come
    // (a pipe on Windows hands over 1 MiB at once).
    constexpr qsizetype kMaxLine = 64 * 1024;
    while (tail.size() > kMaxLine) {
        emit outputLine(QString::fromUtf8(tail.left(kMaxLine)), isStderr);
        tail.remove(0, kMaxLine);
    }
}

} // namespace procession
