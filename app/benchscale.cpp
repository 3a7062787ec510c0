// `procession bench`'s figures of the window, each measured in a child process of this
// executable: painting a 100,000-call timeline and a live run (bench-paint), and opening a
// saved trace of a real run (bench-open) against Python's json.load of the same file.
#include "benchfigure.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QTemporaryDir>

namespace procession::bench {

// paint_ms_100k: a widget needs a QApplication and this process has a QCoreApplication, so
// `procession bench-paint` (the window's library, offscreen) records a real run of 100,000
// calls and times frames of its timeline; this reads the JSON it prints.
void measurePaint(const Options &opt, Figure *zoomedOut, Figure *window, Figure *stall,
                  Figure *livePaint, QStringList *problems)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    QStringList args = {QStringLiteral("bench-paint")};
    if (opt.quick)
        args << QStringLiteral("--quick");
    child.start(QCoreApplication::applicationFilePath(), args);
    if (!child.waitForFinished(120000)) {
        child.kill();
        child.waitForFinished();
        *problems << QStringLiteral("paint: bench-paint did not finish within 2 minutes");
        return;
    }
    const QByteArray out = child.readAllStandardOutput();
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    if (child.exitStatus() == QProcess::NormalExit && child.exitCode() == 2) {
        // Built without the window (no Qt Widgets): nothing to paint with, nothing broken.
        zoomedOut->note = window->note = stall->note = livePaint->note =
            QStringLiteral("not measured: this build has no window library");
        return;
    }
    if (child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0 || o.isEmpty()) {
        const QString why = QString::fromLocal8Bit(child.readAllStandardError()).trimmed();
        *problems
            << QStringLiteral("paint: %1").arg(why.isEmpty() ? QStringLiteral("no result") : why);
        return;
    }
    for (const QJsonValue &v : o.value(QLatin1String("zoomed_out_ms")).toArray())
        zoomedOut->samples << v.toDouble();
    for (const QJsonValue &v : o.value(QLatin1String("window_1pct_ms")).toArray())
        window->samples << v.toDouble();
    const int calls = o.value(QLatin1String("calls")).toInt();
    zoomedOut->baseline = QStringLiteral("%1 calls").arg(calls);
    if (o.contains(QLatin1String("live_stall_ms"))) {
        stall->samples << o.value(QLatin1String("live_stall_ms")).toDouble();
        stall->baseline = QStringLiteral("run took %1 s")
                              .arg(o.value(QLatin1String("live_wall_s")).toDouble(), 0, 'f', 2);
    }
    for (const QJsonValue &v : o.value(QLatin1String("live_paint_ms")).toArray())
        livePaint->samples << v.toDouble();
}

namespace {

// What a child process did until its first line on standard output.
struct FirstLine
{
    double seconds = -1; // from its start to that line; -1: no line
    double peakMb = -1;  // its peak resident memory then (MB = 10^6 bytes), -1: unknown
    QByteArray line;
    QString error; // why there is no line
};

// Starts `program args`, waits up to `timeoutS` for its first line, reads its peak memory,
// then closes its standard input (which ends it) and waits for it.
FirstLine untilFirstLine(const QString &program, const QStringList &args,
                         const QProcessEnvironment &env, int timeoutS)
{
    FirstLine r;
    QProcess child;
    child.setProcessEnvironment(env);
    QElapsedTimer clock;
    clock.start();
    child.start(program, args);
    const qint64 limitMs = qint64(timeoutS) * 1000;
    while (!child.canReadLine() && child.state() != QProcess::NotRunning &&
           clock.elapsed() < limitMs)
        child.waitForReadyRead(int(std::max<qint64>(1, limitMs - clock.elapsed())));
    if (child.canReadLine()) {
        r.seconds = double(clock.nsecsElapsed()) / 1e9;
        const qint64 kb = peakResidentKb(child.processId());
        r.peakMb = kb < 0 ? -1 : double(kb) * 1024 / 1e6;
        r.line = child.readLine().trimmed();
    }
    child.closeWriteChannel();
    if (!child.waitForFinished(120000)) {
        child.kill();
        child.waitForFinished();
    }
    if (r.seconds < 0) {
        const QString why = QString::fromLocal8Bit(child.readAllStandardError()).trimmed();
        r.error =
            !why.isEmpty()                             ? why
            : child.error() == QProcess::FailedToStart ? child.errorString()
            : child.state() == QProcess::NotRunning && clock.elapsed() < limitMs
                ? QStringLiteral("it ended (status %1) without an answer").arg(child.exitCode())
                : QStringLiteral("no answer within %1 s").arg(timeoutS);
    }
    return r;
}

// A saved trace of a real run: `calls` square(i) calls on four workers, written by
// `procession run SCENARIO --trace FILE` as anyone would.
bool writeRunTrace(const QString &dir, int calls, const QString &path, QString *error)
{
    const QString scenario = dir + QStringLiteral("/open-bench.json");
    QFile f(scenario);
    const QByteArray json = QStringLiteral(
                                R"({"id": "open-bench", "title": "Open bench",
        "description": "four workers square %1 numbers",
        "steps": [{"fork": 4}, {"call_async": "square", "range": %1},
                  {"call_await": "all"}, {"join": "all"}]})")
                                .arg(calls)
                                .toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(json) != json.size() || !f.flush()) {
        *error = f.errorString();
        return false;
    }
    f.close();
    QProcess run;
    run.setStandardOutputFile(QProcess::nullDevice()); // the report: not needed
    run.start(QCoreApplication::applicationFilePath(),
              {QStringLiteral("run"), scenario, QStringLiteral("--trace"), path});
    if (!run.waitForFinished(600000)) {
        run.kill();
        run.waitForFinished();
        *error = QStringLiteral("the run did not finish within 10 minutes");
        return false;
    }
    if (run.exitStatus() != QProcess::NormalExit || run.exitCode() != 0) {
        *error = QString::fromLocal8Bit(run.readAllStandardError()).trimmed();
        if (error->isEmpty())
            *error = QStringLiteral("the run failed (status %1)").arg(run.exitCode());
        return false;
    }
    return true;
}

} // namespace

void measureOpenTrace(const Options &opt, OpenTraceFigures *f, QStringList *problems)
{
    const int calls = opt.quick ? 20000 : 1000000;
    const int timeoutS = opt.quick ? 120 : 1200;
    f->open->what = QStringLiteral("the window's first frame of a saved %1-call trace, from its "
                                   "process's start")
                        .arg(calls);
    const auto noteAll = [f](const QString &why) {
        for (Figure *g : {f->open, f->peak, f->stall, f->fileMb, f->python, f->pythonPeak})
            g->note = why;
    };
    QTemporaryDir dir;
    // The trace takes ~1.5 KB a call; the run needs room for it and for its temporary file.
    const qint64 needed = qint64(calls) * 2000;
    const qint64 free = dir.isValid() ? QStorageInfo(dir.path()).bytesAvailable() : -1;
    if (free >= 0 && free < needed) {
        const QString why = QStringLiteral("not measured: %1 MB free in %2, about %3 MB needed")
                                .arg(free / 1000000)
                                .arg(dir.path())
                                .arg(needed / 1000000);
        noteAll(why);
        *problems << QStringLiteral("open_trace: %1").arg(why);
        return;
    }
    const QString path = dir.filePath(QStringLiteral("open-bench-trace.json"));
    QString error;
    if (!dir.isValid() || !writeRunTrace(dir.path(), calls, path, &error)) {
        *problems << QStringLiteral("open_trace: cannot write the trace: %1")
                         .arg(dir.isValid() ? error : dir.errorString());
        return;
    }
    const double fileMb = double(QFile(path).size()) / 1e6;
    f->fileMb->samples << fileMb;
    f->fileMb->what = QStringLiteral("its size (%1 calls of square on 4 workers, procession run "
                                     "--trace)")
                          .arg(calls);

    // Each opening and each json.load in a process of its own, three times (once with
    // --quick): the spread says how much one reading can be trusted.
    const int repeats = opt.quick ? 1 : 3;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    for (int r = 0; r < repeats; ++r) {
        const FirstLine window = untilFirstLine(QCoreApplication::applicationFilePath(),
                                                {QStringLiteral("bench-open"), path}, env, timeoutS);
        const QJsonObject shown = QJsonDocument::fromJson(window.line).object();
        if (window.seconds < 0 && window.error.contains(QLatin1String("library is not available"))) {
            f->open->note = f->peak->note = f->stall->note =
                QStringLiteral("not measured: this build has no window");
            break;
        }
        if (window.seconds < 0 || shown.value(QLatin1String("calls")).toInt() != calls) {
            *problems << QStringLiteral("open_trace: the window %1")
                             .arg(window.seconds < 0
                                      ? QStringLiteral("did not show the trace: %1").arg(window.error)
                                      : QStringLiteral("showed %1 calls, not %2")
                                            .arg(shown.value(QLatin1String("calls")).toInt())
                                            .arg(calls));
            break;
        }
        f->open->samples << window.seconds;
        f->stall->samples << shown.value(QLatin1String("stall_ms")).toDouble();
        if (window.peakMb >= 0)
            f->peak->samples << window.peakMb;
        else
            f->peak->note = QStringLiteral("not measurable here: no peak memory of a process");
    }
    // A click waits no longer than a tenth of a second while the trace opens (the window's
    // own first frame, fonts and glyphs, is before the opening and not counted).
    f->stall->goal = Figure::Goal::AtMost;
    f->stall->target = 100;
    f->stall->targetText = QStringLiteral("≤ 100");
    f->peak->goal = Figure::Goal::AtMost;
    f->peak->target = 2 * fileMb + 400;
    f->peak->targetText = QStringLiteral("≤ 2 × file + 400");
    f->peak->baseline = QStringLiteral("≤ %1 MB").arg(f->peak->target, 0, 'f', 0);

    QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
#if defined(Q_OS_WIN)
    if (python.isEmpty()) // python.org's installer names it python.exe
        python = QStandardPaths::findExecutable(QStringLiteral("python"));
#endif
    if (python.isEmpty()) {
        f->python->note = f->pythonPeak->note =
            QStringLiteral("not measured: python3 is not installed");
        return;
    }
    // The interpreter's start counts, as the window's does.
    for (int r = 0; r < repeats; ++r) {
        const FirstLine py = untilFirstLine(
            python,
            {QStringLiteral("-c"),
             QStringLiteral("import json, sys\n"
                            "with open(sys.argv[1], encoding='utf-8') as f: json.load(f)\n"
                            "print('loaded', flush=True)\n"
                            "sys.stdin.read()\n"),
             path},
            QProcessEnvironment::systemEnvironment(), timeoutS);
        if (py.seconds < 0 || py.line != "loaded") {
            *problems << QStringLiteral("open_trace: python3 could not json.load the trace: %1")
                             .arg(py.error);
            return;
        }
        f->python->samples << py.seconds;
        if (py.peakMb >= 0)
            f->pythonPeak->samples << py.peakMb;
    }
    const double pySeconds = median(f->python->samples);
    if (f->open->measured()) {
        f->open->goal = Figure::Goal::AtMost;
        f->open->target = pySeconds;
        f->open->targetText = QStringLiteral("< open_trace_python_s");
        f->open->baseline = QStringLiteral("python %1 s").arg(pySeconds, 0, 'f', 2);
    }
}

} // namespace procession::bench
