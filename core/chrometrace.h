#pragma once

#include "traceevent.h"

#include <QByteArray>
#include <QList>

namespace procession {

// Writes a run as Chrome Trace Event JSON ({"traceEvents": [...]}) that Perfetto and
// chrome://tracing open: one process per lane, X slices for start-up and calls, b/e
// async slices for the main lane's awaits, s/f flows for dispatch->begin and
// end->result, i instants for fork, join, exit and crash. The raw events ride along
// under "procession", so fromChromeTrace() restores the run exactly for replay.
QByteArray toChromeTrace(const QList<TraceEvent> &events);

bool fromChromeTrace(const QByteArray &json, QList<TraceEvent> *events, QString *error);

} // namespace procession
