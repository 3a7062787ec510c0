#pragma once

#include "scenario.h"
#include "traceloader.h"

#include <memory>

class QWidget;

namespace procession::gui {

class TimelineModel;

// A trace file opened for the window: what reading it gave (its status, its error, another
// tool's timeline) and, for a saved run, the finished model to show, its lesson set.
struct OpenedTrace
{
    LoadedTrace loaded; // a saved run's events have moved into `run`
    std::shared_ptr<const TimelineModel> run;
    Scenario recorded; // the scenario a saved run played, when the trace kept it
};

// Reads a trace file and builds everything shown from it on a worker thread, while a
// progress dialog with Cancel shows how far it got; the window keeps painting and answering
// meanwhile and only takes the finished result. Cancel stops it at once, at any stage: the
// status is then Cancelled and nothing read is kept. Without a thread (the system refused
// one) the work runs here and the window waits.
OpenedTrace openTraceWithProgress(QWidget *parent, const QString &path);

// True when a file is a trace rather than a scenario: gzip, a JSON list, or an object
// whose first 64 KiB name "traceEvents" or "procession".
bool looksLikeTrace(const QString &path);

} // namespace procession::gui
