#include "comparison.h"

#include "tracemodel.h"

#include <QStringList>

#include <algorithm>

namespace procession {

namespace {

// Every call as "function(args)", sorted: two lists are equal when the work is.
QStringList callLabels(const TraceModel &m, int phase)
{
    QStringList labels;
    for (const CallRecord &c : m.calls())
        if (phase < 0 || c.phase == phase)
            labels << c.label();
    std::sort(labels.begin(), labels.end());
    return labels;
}

QString times(double speedup)
{
    return QString::number(speedup, 'f', speedup >= 10 ? 1 : 2) + QStringLiteral("×");
}

} // namespace

PhaseComparison comparePhases(const TraceModel &model, const QString &from, const QString &to)
{
    PhaseComparison c;
    c.from = from;
    c.to = to;
    const int a = model.phaseIndex(from);
    const int b = model.phaseIndex(to);
    if (a < 0 || b < 0)
        return c;
    const PhaseRecord &pa = model.phases().at(a);
    const PhaseRecord &pb = model.phases().at(b);
    if (pa.end < 0 || pb.end < 0)
        return c;
    c.found = true;
    c.fromWallS = (pa.end - pa.begin) / 1e9;
    c.toWallS = (pb.end - pb.begin) / 1e9;
    c.speedup = c.toWallS > 0 ? c.fromWallS / c.toWallS : 0;
    c.sameWork = callLabels(model, a) == callLabels(model, b);
    return c;
}

QString PhaseComparison::sentence() const
{
    if (!found)
        return QStringLiteral("%1 against %2: not both finished").arg(to, from);
    if (!sameWork)
        return QStringLiteral("%1 and %2 do not make the same calls: their wall times are no "
                              "speedup")
            .arg(to, from);
    if (speedup >= 1)
        return QStringLiteral("%1: %2 faster than %3").arg(to, times(speedup), from);
    return QStringLiteral("%1: %2 slower than %3")
        .arg(to, times(speedup > 0 ? 1 / speedup : 0), from);
}

bool sameCalls(const TraceModel &a, const TraceModel &b)
{
    return callLabels(a, -1) == callLabels(b, -1);
}

QString compareRunsSentence(const TraceModel &first, const QString &firstName,
                            const TraceModel &second, const QString &secondName)
{
    if (!sameCalls(first, second))
        return QStringLiteral("%1 and %2 do not make the same calls: their wall times are no "
                              "speedup")
            .arg(secondName, firstName);
    const double a = first.summary().wallS, b = second.summary().wallS;
    if (a <= 0 || b <= 0)
        return {};
    return a >= b
               ? QStringLiteral("%1: %2 faster than %3").arg(secondName, times(a / b), firstName)
               : QStringLiteral("%1: %2 slower than %3").arg(secondName, times(b / a), firstName);
}

} // namespace procession
