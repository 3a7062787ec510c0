#pragma once

#include <QString>

namespace procession {

class TraceModel;

// A scenario's lesson as one figure: how much faster one of its phases ran than another
// (wall time against wall time), said only when both phases make the same calls.
struct PhaseComparison
{
    QString from;
    QString to;
    double fromWallS = 0;
    double toWallS = 0;
    double speedup = 0;    // fromWallS / toWallS
    bool found = false;    // both phases exist and have finished
    bool sameWork = false; // both make the same calls (function and arguments, any order)

    // "pool of four: 10.4× faster than one process per call", or why there is no figure.
    QString sentence() const;
};

PhaseComparison comparePhases(const TraceModel &model, const QString &from, const QString &to);

// Whether two runs make the same calls: the same functions with the same arguments, in any
// order. Comparing the wall times of runs that do different work is no speedup.
bool sameCalls(const TraceModel &a, const TraceModel &b);

// "2.49× faster" between two finished runs, or, when they do not make the same calls, a
// sentence saying so.
QString compareRunsSentence(const TraceModel &first, const QString &firstName,
                            const TraceModel &second, const QString &secondName);

} // namespace procession
