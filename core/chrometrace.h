#pragma once

#include "traceevent.h"

#include <QByteArray>
#include <QList>

class QIODevice;

namespace procession {

class EventStore;
class TraceModel;

// Writes a run as Chrome Trace Event JSON ({"traceEvents": [...]}) that Perfetto and
// chrome://tracing open: one process per lane, X slices for start-up and calls, b/e
// async slices for the main lane's awaits, s/f flows for dispatch->begin and
// end->result, i instants for fork, join, exit and crash. The raw events ride along
// under "procession", so fromChromeTrace() restores the run exactly for replay.
// Streams to `out` (a file, a pipe, a socket: whatever the caller opened), a megabyte at a
// time; false with the device's error when a write fails. `model` is the events applied to
// a TraceModel (the report's, when the caller has one). `scenarioText`, the scenario's JSON,
// rides along too, so that a run of a scenario from a file shows its recipe when replayed.
bool writeChromeTrace(QIODevice *out, const EventStore &store, const TraceModel &model,
                      QString *error, const QByteArray &scenarioText = {});
bool writeChromeTrace(QIODevice *out, const EventStore &store, QString *error);
// The same in memory, for small runs and tests.
QByteArray toChromeTrace(const QList<TraceEvent> &events);

bool fromChromeTrace(const QByteArray &json, QList<TraceEvent> *events, QString *error);

} // namespace procession
