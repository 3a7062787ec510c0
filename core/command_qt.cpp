// The `exec` task's command runner where there are no process groups (Windows): QProcess.
// The command itself is killed when the call is cancelled or the worker exits; what it
// started may outlive it (a Job object would stop those too: not done yet).
#include "command.h"

#include "exitdescription.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace procession {

CommandResult runCommand(const QString &program, const QStringList &arguments,
                         const std::function<void(const QString &line, bool isStderr)> &onLine,
                         const std::function<bool()> &cancelled)
{
    CommandResult result;
    const bool hasDir = program.contains(QLatin1Char('/')) || program.contains(QLatin1Char('\\'));
    const QString path = hasDir ? (QFileInfo(program).isFile() ? program : QString())
                                : QStandardPaths::findExecutable(program);
    if (path.isEmpty()) {
        result.end = CommandResult::End::NotFound;
        result.error = hasDir ? QStringLiteral("there is no file %1").arg(program)
                              : QStringLiteral("it is not on PATH");
        return result;
    }
    QProcess process;
    process.setProgram(path);
    process.setArguments(arguments);
    process.setStandardInputFile(QProcess::nullDevice());
    QByteArray pending[2];
    QString lastError;
    auto drain = [&](bool isStderr, bool final) {
        QByteArray &buf = pending[isStderr ? 1 : 0];
        buf += isStderr ? process.readAllStandardError() : process.readAllStandardOutput();
        if (final && !buf.isEmpty() && !buf.endsWith('\n'))
            buf.append('\n');
        qsizetype start = 0;
        for (qsizetype nl; (nl = buf.indexOf('\n', start)) >= 0; start = nl + 1) {
            QByteArray line = buf.mid(start, nl - start);
            if (line.endsWith('\r'))
                line.chop(1);
            const QString text = QString::fromUtf8(line);
            if (isStderr && !text.trimmed().isEmpty())
                lastError = text;
            if (onLine)
                onLine(text, isStderr);
        }
        buf.remove(0, start);
    };
    process.start();
    if (!process.waitForStarted(-1)) {
        result.end = CommandResult::End::NotStarted;
        result.error = process.errorString();
        return result;
    }
    bool wasCancelled = false;
    while (process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        drain(false, false);
        drain(true, false);
        if (!wasCancelled && cancelled && cancelled()) {
            wasCancelled = true;
            process.kill();
        }
    }
    process.waitForFinished(-1);
    drain(false, true);
    drain(true, true);
    result.lastErrorLine = lastError;
    if (wasCancelled) {
        result.end = CommandResult::End::Cancelled;
    } else if (process.exitStatus() == QProcess::CrashExit) {
        result.end = CommandResult::End::Signalled;
        result.code = process.exitCode();
        result.signal = crashName(process.exitCode());
    } else {
        result.end = CommandResult::End::Exited;
        result.code = process.exitCode();
    }
    return result;
}

} // namespace procession
