// `procession bench-paint`: the paint_ms_100k part of `procession bench`, run by the bench
// in a process of its own (the bench's process already has a QCoreApplication, and a
// widget needs a QApplication). Records a real run of 100,000 square() calls on two
// workers, then renders its timeline offscreen at 1600×500, zoomed out and in a 1 %
// window, and prints one JSON object with the time of each frame.
#include "commandoptions.h"
#include "runcontroller.h"
#include "scenario.h"
#include "session.h"
#include "stallwatch.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "trace.h"

#include <QApplication>
#include <QCborArray>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

namespace {

using namespace procession;

// A real run: `calls` square(i) calls shared by two workers, sent in batches.
bool recordRun(int calls, QList<TraceEvent> *events, QString *error)
{
    Trace trace;
    Session session(&trace);
    if (!session.listen(error))
        return false;
    const int workers[2] = {session.fork(), session.fork()};
    if (!session.waitAllReady(30000, error))
        return false;
    const QString square = QStringLiteral("square");
    constexpr int kBatch = 1000;
    for (int sent = 0; sent < calls;) {
        QList<qint64> ids;
        for (int w : workers) {
            QList<QCborArray> args;
            for (int i = 0; i < kBatch / 2 && sent < calls; ++i, ++sent)
                args << QCborArray{sent};
            ids << session.callAsyncMany(w, square, args);
        }
        for (qint64 id : std::as_const(ids)) {
            const CallOutcome r = session.awaitCall(id);
            if (!r.ok) {
                *error = r.error;
                return false;
            }
        }
    }
    for (int w : workers)
        session.join(w);
    *events = trace.events();
    return true;
}

// Frame times in ms of the run's timeline, `fraction` of it in view.
QJsonArray frameTimes(const gui::TimelineModel &model, double fraction, int frames)
{
    gui::TimelineView view;
    view.resize(1600, 500);
    view.setModel(&model);
    view.setPlayhead(model.duration());
    view.showMiddleFraction(fraction);
    QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
    view.render(&image); // warm: fonts, glyph caches
    QJsonArray ms;
    for (int i = 0; i < frames; ++i) {
        QElapsedTimer timer;
        timer.start();
        view.render(&image);
        ms.append(double(timer.nsecsElapsed()) / 1e6);
    }
    return ms;
}

// A timeline that notes how long each of its frames took to paint.
class TimedView : public gui::TimelineView
{
public:
    QList<double> paintMs;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QElapsedTimer timer;
        timer.start();
        gui::TimelineView::paintEvent(event);
        paintMs.append(double(timer.nsecsElapsed()) / 1e6);
    }
};

// live_stall_ms: a live run of `calls` square() calls on four workers, drawn as it grows in
// a shown (offscreen) timeline that follows it, as the window does, and the longest stretch
// the GUI thread spent away from its event loop meanwhile (StallWatch): a click on Stop would
// have waited that long. live_paint_ms: each frame it painted.
bool liveStall(int calls, double *stallMs, double *wallS, QList<double> *paintMs, QString *error)
{
    const QByteArray json = QStringLiteral(
                                R"({"id": "live-squares", "title": "Live squares",
        "description": "four workers square %1 numbers",
        "steps": [{"fork": 4}, {"call_async": "square", "range": %1},
                  {"call_await": "all"}, {"join": "all"}]})")
                                .arg(calls)
                                .toUtf8();
    Scenario scenario;
    if (!parseScenario(json, QStringLiteral("bench"), &scenario, error))
        return false;
    gui::RunController controller;
    TimedView view;
    view.resize(1600, 500);
    view.show();
    QObject::connect(&controller, &gui::RunController::eventsArrived, &view, [&] {
        view.modelChanged();
        view.setPlayhead(controller.model().duration());
    });
    gui::StallWatch stalls;
    QEventLoop loop;
    QObject::connect(&controller, &gui::RunController::finished, &loop, &QEventLoop::quit);
    stalls.start();
    if (!controller.start(scenario)) {
        *error = QStringLiteral("the live run did not start");
        return false;
    }
    view.setModel(&controller.model());
    view.setLive(true);
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    loop.exec();
    stalls.stop();
    if (controller.isRunning()) {
        controller.stopAndWait();
        *error = QStringLiteral("the live run did not finish within 2 minutes");
        return false;
    }
    if (controller.model().countCalls() != calls) {
        *error = QStringLiteral("the live run made %1 calls, not %2")
                     .arg(controller.model().countCalls())
                     .arg(calls);
        return false;
    }
    *stallMs = stalls.worstMs();
    *paintMs = view.paintMs;
    *wallS = stalls.elapsedS();
    return true;
}

} // namespace

extern "C" Q_DECL_EXPORT int procession_gui_paint_bench(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // no screen needed, none used
    QApplication app(argc, argv);
    // `procession bench-paint [--quick] [--no-live]`, read with its definition
    // (commandoptions.cpp); the command line has refused anything else already.
    CommandLine line;
    QString error;
    if (!line.parse(argc, argv, &error)) {
        std::fprintf(stderr, "procession: %s\n", qPrintable(error));
        return 2;
    }
    const bool quick = line.isSet(QStringLiteral("quick"));
    const int calls = 100000;
    const int frames = quick ? 5 : 15;

    QList<TraceEvent> events;
    if (!recordRun(calls, &events, &error)) {
        std::fprintf(stderr, "procession bench-paint: %s\n", qPrintable(error));
        return 1;
    }
    gui::TimelineModel model;
    model.setEvents(events);
    QJsonObject out;
    out.insert(QStringLiteral("calls"), model.countCalls());
    out.insert(QStringLiteral("zoomed_out_ms"), frameTimes(model, 1.0, frames));
    out.insert(QStringLiteral("window_1pct_ms"), frameTimes(model, 0.01, frames));
    if (!line.isSet(QStringLiteral("no-live"))) {
        double stall = 0, wall = 0;
        QList<double> paints;
        if (!liveStall(200000, &stall, &wall, &paints, &error)) {
            std::fprintf(stderr, "procession bench-paint: %s\n", qPrintable(error));
            return 1;
        }
        out.insert(QStringLiteral("live_stall_ms"), stall);
        out.insert(QStringLiteral("live_wall_s"), wall);
        QJsonArray frames;
        for (double ms : std::as_const(paints))
            frames.append(ms);
        out.insert(QStringLiteral("live_paint_ms"), frames);
    }
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputs("\n", stdout);
    return 0;
}
