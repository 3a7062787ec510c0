#pragma once

#include <QList>
#include <QString>

namespace procession {

// The trace reader's figures for `procession bench`: a Ray-style file of `events` events
// (two nodes, eight workers each, string pids and tids, nested slices, flows, counters) is
// written once, summarized `reps` times by the one reader, and read by Python's json.load
// in the same run when python3 is there.
struct TraceParseFigures
{
    QList<double> summaryS; // loadTrace (Timeline) + TraceSummary, per repetition
    QList<double> pythonS;  // json.load alone, per repetition (empty without python3)
    double fileMb = 0;
    qint64 events = 0;
    QString problem; // why a figure is missing
};

TraceParseFigures measureTraceParse(qint64 events, int reps);

// Writes the bench's trace (also used by tests/bench_tracereader.cpp).
bool writeBenchTrace(const QString &path, qint64 events, QString *error);

} // namespace procession
