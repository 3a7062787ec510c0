#include "benchtrace.h"

#include "traceloader.h"
#include "tracesummary.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace procession {

bool writeBenchTrace(const QString &path, qint64 events, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = f.errorString();
        return false;
    }
    QByteArray out;
    out.reserve(1 << 20);
    out += "{\"traceEvents\":[\n";
    for (int node = 1; node <= 2; ++node) {
        out += QByteArrayLiteral("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":\"10.0.0.") +
               QByteArray::number(node) + "\",\"tid\":\"\",\"args\":{\"name\":\"node " +
               QByteArray::number(node) + "\"}},\n";
    }
    const qint64 t0 = Q_INT64_C(1700000000000000);
    for (qint64 i = 0; i < events; ++i) {
        const int node = 1 + int(i % 2);
        const int worker = int((i / 2) % 8);
        const qint64 ts = t0 + i * 4;
        const char *ph = "X";
        if (i % 50 == 7)
            ph = "i";
        else if (i % 100 == 13)
            ph = "C";
        out += "{\"name\":\"sq";
        out += QByteArray::number(i % 97);
        out += "\",\"ph\":\"";
        out += ph;
        out += "\",\"ts\":";
        out += QByteArray::number(ts);
        out += ".5,\"dur\":";
        out += QByteArray::number(5 + (i * 7919) % 60);
        out += ",\"pid\":\"10.0.0.";
        out += QByteArray::number(node);
        out += "\",\"tid\":\"worker:0";
        out += QByteArray::number(worker);
        out += "\",\"args\":{\"i\":";
        out += QByteArray::number(i % 1000);
        out += "}}";
        out += i + 1 < events ? ",\n" : "\n";
        if (out.size() > (1 << 20) - 256) {
            if (f.write(out) != out.size()) {
                *error = f.errorString();
                return false;
            }
            out.clear();
        }
    }
    out += "],\"displayTimeUnit\":\"ms\"}\n";
    if (f.write(out) != out.size()) {
        *error = f.errorString();
        return false;
    }
    return true;
}

TraceParseFigures measureTraceParse(qint64 events, int reps)
{
    TraceParseFigures figures;
    figures.events = events;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench-trace.json"));
    QString error;
    if (!dir.isValid() || !writeBenchTrace(path, events, &error)) {
        figures.problem = QStringLiteral("cannot write the bench trace: %1").arg(error);
        return figures;
    }
    figures.fileMb = double(QFile(path).size()) / 1e6;
    QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
#if defined(Q_OS_WIN)
    if (python.isEmpty()) // python.org's installer names it python.exe
        python = QStandardPaths::findExecutable(QStringLiteral("python"));
#endif
    for (int r = 0; r < reps; ++r) {
        QElapsedTimer clock;
        clock.start();
        const LoadedTrace trace = loadTrace(path, TraceLoadMode::Timeline);
        const TraceSummary summary = TraceSummary::of(trace, path);
        const double s = double(clock.nsecsElapsed()) / 1e9;
        if (trace.status != TraceReadStatus::Ok || summary.slices == 0) {
            figures.problem = QStringLiteral("the bench trace did not read: %1").arg(trace.error);
            return figures;
        }
        figures.summaryS.append(s);
        if (python.isEmpty())
            continue;
        // json.load alone, timed inside Python: the interpreter's start is not counted.
        QProcess p;
        p.start(python, {QStringLiteral("-c"),
                         QStringLiteral("import json, sys, time\n"
                                        "t = time.perf_counter()\n"
                                        "with open(sys.argv[1]) as f: json.load(f)\n"
                                        "print(time.perf_counter() - t)\n"),
                         path});
        if (!p.waitForFinished(600000) || p.exitCode() != 0) {
            p.kill();
            p.waitForFinished();
            figures.problem = QStringLiteral("python3 could not json.load the bench trace");
            continue;
        }
        bool ok = false;
        const double py = p.readAllStandardOutput().trimmed().toDouble(&ok);
        if (ok)
            figures.pythonS.append(py);
    }
    if (python.isEmpty())
        figures.problem = QStringLiteral("python3 is not installed: json.load not measured");
    return figures;
}

} // namespace procession
