#pragma once

// What the parts of `procession bench` share: a figure (samples, target, verdict), the
// options, and the measurements each part makes (bench.cpp runs them and prints the table).
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace procession {

struct TraceEvent;

namespace bench {

double quantile(QList<double> v, double q);
double median(const QList<double> &v);

// One row of the table: the samples (one per repetition), and what it must reach.
struct Figure
{
    enum class Goal
    {
        None,
        AtMost,
        AtLeast
    };

    QString name;
    QString unit;
    QString what;
    // Figures are made naming only the first three: every later member has an initializer
    // (-Wmissing-field-initializers).
    QList<double> samples{};
    Goal goal = Goal::None;
    double target = 0;    // absolute bound (already scaled when relative to a baseline)
    QString targetText{}; // "≤ 1.3 × raw_rtt_us"
    QString baseline{};   // "raw_rtt_us 7.9" or ""
    QString note{};       // "not measured yet: ..."
    int decimals = 1;

    bool measured() const { return !samples.isEmpty(); }
    double value() const { return median(samples); }
    double min() const
    {
        return samples.isEmpty() ? 0 : *std::min_element(samples.cbegin(), samples.cend());
    }
    double max() const
    {
        return samples.isEmpty() ? 0 : *std::max_element(samples.cbegin(), samples.cend());
    }
    bool met() const
    {
        switch (goal) {
        case Goal::AtMost:
            return value() <= target;
        case Goal::AtLeast:
            return value() >= target;
        case Goal::None:
            return true;
        }
        return true;
    }
    QString verdict() const
    {
        if (!measured())
            return QStringLiteral("—");
        if (goal == Goal::None)
            return QString();
        return met() ? QStringLiteral("met") : QStringLiteral("MISSED");
    }
    QString number(double v) const { return QString::number(v, 'f', decimals); }
};

struct Options
{
    bool json = false;
    bool quick = false;
    bool markdown = false; // the table as Markdown, for docs/performance.md
    QStringList only;      // --only rtt,calls,...: measure a part (for profiling)

    bool wants(const char *part) const
    {
        return only.isEmpty() || only.contains(QLatin1String(part));
    }
};

// benchcalls.cpp: calls on real workers of this executable.
void measureRoundTrip(const Options &opt, Figure *rtt, Figure *raw, Figure *rawSpin, Figure *ratio,
                      QStringList *problems);
void measurePinnedRoundTrip(const Options &opt, Figure *rtt, Figure *raw, Figure *ratio,
                            QStringList *problems);
void measureReady(const Options &opt, Figure *ready, Figure *rss, QStringList *problems);
void measureSpawnCall(const Options &opt, Figure *spawn, QStringList *problems);
// `sample`, when given, gets the events of one repetition (for measureTrace).
void measureThroughput(const Options &opt, int workers, Figure *figure, QList<TraceEvent> *sample,
                       QStringList *problems);
void measurePayload(const Options &opt, Figure *figure, QStringList *problems);
void measureTrace(const Options &opt, const QList<TraceEvent> &sample, Figure *ns, Figure *bytes);
void measureScenario(const Options &opt, const QString &id, const QString &phase, Figure *figure,
                     QStringList *problems);

// benchscale.cpp: the window's figures, each from a child process of this executable.
void measurePaint(const Options &opt, Figure *zoomedOut, Figure *window, Figure *stall,
                  Figure *livePaint, QStringList *problems);
// open_trace_*: a saved trace of a real run (1,000,000 calls, --quick 20,000) opened by the
// window until its first frame, and by Python's json.load, each in a process of its own.
struct OpenTraceFigures
{
    Figure *open;       // open_trace_s, its target set when Python was measured
    Figure *peak;       // open_trace_peak_mb
    Figure *stall;      // open_trace_stall_ms
    Figure *fileMb;     // open_trace_file_mb
    Figure *python;     // open_trace_python_s
    Figure *pythonPeak; // open_trace_python_peak_mb
};
void measureOpenTrace(const Options &opt, OpenTraceFigures *figures, QStringList *problems);

// benchproc.cpp: what the bench reads about a process and the machine.
qint64 residentKb(qint64 pid);     // KiB, -1 when it cannot be read
qint64 peakResidentKb(qint64 pid); // the most it has had resident (VmHWM), KiB
qint64 minorFaults(qint64 pid);
QString loadAverage();
QString cpuModel();

} // namespace bench
} // namespace procession
