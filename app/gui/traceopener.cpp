#include "traceopener.h"

#include "runcontroller.h"
#include "timelinemodel.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProgressDialog>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace procession::gui {

bool looksLikeTrace(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = f.read(64 * 1024);
    if (head.startsWith("\x1f\x8b"))
        return true;
    const QByteArray trimmed = head.trimmed();
    if (trimmed.startsWith('[') || trimmed.startsWith("\xEF\xBB\xBF"))
        return true;
    return head.contains("\"traceEvents\"") || head.contains("\"procession\"");
}

namespace {

// How far the opening got, written by the worker thread and shown by the GUI thread.
struct OpenProgress
{
    std::atomic<bool> cancel{false};
    std::atomic<bool> building{false}; // reading is done; the saved run's picture is built
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};

    void set(qint64 d, qint64 t)
    {
        done = d;
        total = t;
    }
};

// Everything opening a trace costs, on whichever thread runs it: the reading, then for a
// saved run its model (records, lanes, spans, arrows) and its lesson.
OpenedTrace openTrace(const QString &path, OpenProgress &progress)
{
    OpenedTrace out;
    out.loaded = loadTrace(
        path, TraceLoadMode::Replay, [&progress](qint64 d, qint64 t) { progress.set(d, t); },
        &progress.cancel);
    if (out.loaded.status != TraceReadStatus::Ok || !out.loaded.own)
        return out;
    // The scenario the run played, when the trace kept it: a scenario from a file shows its
    // recipe on replay too. A copy that does not parse is left out.
    QString why;
    const QByteArray &source = out.loaded.read.processionScenarioSource;
    if (!source.isEmpty() && !parseScenario(source, path, &out.recorded, &why))
        out.recorded = Scenario();
    progress.set(0, 1);
    progress.building = true;
    auto model = std::make_shared<TimelineModel>();
    if (!model->build(
            std::move(out.loaded.events), &progress.cancel,
            [&progress](qint64 d, qint64 t) { progress.set(d, t); })) {
        out.loaded.status = TraceReadStatus::Cancelled;
        out.loaded.error = QStringLiteral("opening the trace was cancelled");
        return out;
    }
    // A saved run keeps its scenario's lesson.
    if (const Scenario *s = RunController::scenarioFor(model->trace().scenarioId(), out.recorded))
        model->setLessonPhases(s->compareFrom, s->compareTo);
    out.run = std::move(model);
    return out;
}

} // namespace

OpenedTrace openTraceWithProgress(QWidget *parent, const QString &path)
{
    OpenProgress progress;
    OpenedTrace result;
    const auto work = [&] { result = openTrace(path, progress); };
    QThread *worker = QThread::create(work);
    const QString name = QFileInfo(path).fileName();
    QProgressDialog dialog(QObject::tr("Reading %1…").arg(name), QObject::tr("Cancel"), 0, 1000,
                           parent);
    dialog.setWindowTitle(QObject::tr("Opening a trace"));
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(300); // small files open without a flash of a dialog
    QObject::connect(&dialog, &QProgressDialog::canceled, &dialog,
                     [&progress] { progress.cancel = true; });
    QEventLoop loop;
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    QTimer tick;
    bool building = false;
    QObject::connect(&tick, &QTimer::timeout, &dialog, [&] {
        if (dialog.wasCanceled())
            progress.cancel = true; // however it was cancelled (button, Escape, cancel())
        if (progress.building && !building) {
            building = true;
            dialog.setLabelText(QObject::tr("Building the timeline of %1…").arg(name));
        }
        // Reading is the first 60 %, building the picture the rest.
        const qint64 d = progress.done, t = progress.total;
        if (t > 0 && !progress.cancel)
            dialog.setValue(int((building ? 600 : 0) + (building ? 400 : 600) * d / t));
    });
    tick.start(50);
    worker->start();
    if (!worker->isRunning() && !worker->isFinished()) {
        // The system gave no thread (ulimit -u reached): the work runs here, the window waits.
        work();
    } else {
        loop.exec(); // the window keeps painting and answering while the work goes on
        worker->wait();
    }
    delete worker;
    tick.stop();
    dialog.reset();
    return result;
}

} // namespace procession::gui
