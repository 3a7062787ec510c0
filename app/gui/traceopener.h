#pragma once

#include "traceloader.h"

class QWidget;

namespace procession::gui {

// Reads a trace file on a worker thread while a progress dialog with Cancel shows how far
// it got; the window keeps painting and answering meanwhile. Returns when the reading is
// done or cancelled (status Cancelled).
LoadedTrace openTraceWithProgress(QWidget *parent, const QString &path);

// True when a file is a trace rather than a scenario: gzip, a JSON list, or an object
// whose first 64 KiB name "traceEvents" or "procession".
bool looksLikeTrace(const QString &path);

} // namespace procession::gui
