#pragma once

#include "chrometimeline.h"
#include "eventstore.h"
#include "tracereader.h"

namespace procession {

enum class TraceLoadMode : quint8
{
    Replay,   // an own trace gives its recorded run (events); another tool's, a timeline
    Timeline, // always the timeline of the trace's events (own traces too: `summary`)
};

// A trace file read once by the one reader, whoever wrote it.
struct LoadedTrace
{
    TraceReadStatus status = TraceReadStatus::Ok;
    QString error; // one sentence for anything but Ok
    TraceReadResult read;
    bool own = false; // Procession's own trace: events holds the run
    // The run, for replay (own traces in Replay mode), kept compactly as it is read: the one
    // copy that the window's model then takes over.
    EventStore events;
    ChromeTimeline timeline;  // the trace's events as lanes (other tools' traces, Timeline mode)
    double seconds = 0;       // time spent reading and building
};

LoadedTrace loadTrace(const QString &path, TraceLoadMode mode,
                      const TraceReader::Progress &progress = {},
                      const std::atomic<bool> *cancel = nullptr);
// The same from bytes in memory (tests, the fuzzer).
LoadedTrace loadTraceData(const QByteArray &bytes, TraceLoadMode mode);

} // namespace procession
