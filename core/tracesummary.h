#pragma once

#include "traceloader.h"

#include <QJsonObject>

namespace procession {

// What `procession summary FILE` says about a trace, whoever wrote it.
struct TraceSummary
{
    struct LaneBusy
    {
        QString process;
        QString thread;
        double busyS = 0;
    };
    QString path;
    QString format;   // "procession", "chrome-object" or "chrome-array"
    QString scenario; // own traces
    bool compressed = false;
    bool truncated = false;
    QString displayTimeUnit;
    qint64 bytes = 0;
    qint64 events = 0;
    qint64 processes = 0;
    qint64 threads = 0;
    qint64 slices = 0; // X + matched and unfinished B/E + async spans
    qint64 asyncSpans = 0;
    qint64 instants = 0;
    qint64 flows = 0;
    qint64 counters = 0; // counter tracks
    qint64 counterSamples = 0;
    qint64 metadata = 0;
    qint64 unmatchedEnds = 0;
    qint64 unfinished = 0;
    QMap<QString, qint64> skipped;
    double startUs = 0; // as in the file
    double endUs = 0;
    double spanS = 0;
    QList<LaneBusy> busy; // thread lanes in display order
    int peakParallelism = 0;
    double averageParallelism = 0;
    double readS = 0;

    static TraceSummary of(const LoadedTrace &trace, const QString &path);
    QJsonObject toJson() const;
    QString toText() const;
};

} // namespace procession
