#pragma once

#include <QCborArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace procession {

// A scenario is a small program in the recipe's vocabulary, read from JSON:
//   fork       start `count` worker processes ahead of time (they join the pool)
//   call_async send calls without waiting: to the pool (call i goes to worker i mod n,
//              like zip(handles, ...)), to chosen pool workers, or to a new process each
//   call_await wait for every outstanding call, in the order they were made
//   call       run calls one after another in the main process (the sequential baseline)
//   join       ask every pool worker to exit and wait for it
//   phase      name the part of the run that follows (reported separately)
//   sleep      let the parent idle for `ms` milliseconds
struct Step
{
    enum class Kind
    {
        Phase,
        Fork,
        CallAsync,
        CallAwait,
        Call,
        Join,
        Sleep
    };
    enum class Target
    {
        Pool,
        NewProcess
    };

    Kind kind = Kind::Phase;
    QString name;            // phase
    int count = 0;           // fork
    int ms = 0;              // sleep
    QString function;        // call_async, call
    QList<QCborArray> calls; // call_async, call: one argument list per call
    Target target = Target::Pool;
    QList<int> workers;       // call_async on chosen pool workers (1-based), empty = round robin
    bool expectError = false; // the calls of this step are meant to fail
    int timeoutMs = 0;        // call_await: 0 = the run's default
};

struct Scenario
{
    QString id;
    QString title;
    QString description;
    QString source;  // the file it came from, for messages
    QByteArray text; // the JSON it was read from: a saved trace keeps it, for the recipe
    QList<Step> steps;
    int timeoutMs = 30000; // default await timeout
    // Two phase names whose wall times are the scenario's lesson ("compare": [from, to]);
    // empty when it has none.
    QString compareFrom;
    QString compareTo;

    // The scenario as recipe code, one entry per step (for the code panel and --help).
    QStringList recipeLines() const;
    int totalCalls() const;
};

QString stepKindName(Step::Kind kind);

// Parses and validates a scenario. On failure `error` names the file, the field
// and what is wrong, e.g. `greet.json: steps[2].count: must be between 1 and 64, got -1`.
bool parseScenario(const QByteArray &json, const QString &source, Scenario *scenario,
                   QString *error);
bool loadScenarioFile(const QString &path, Scenario *scenario, QString *error);
// The same for a path as the operating system spells it (any bytes, not only UTF-8).
bool loadScenarioFile(const QByteArray &nativePath, Scenario *scenario, QString *error);
// A name with a '/' in it, or ending in .json, is a file, never a bundled id.
bool looksLikeScenarioPath(const QString &name);

// The scenarios compiled into the program (resources/scenarios/*.json), in display order.
QList<Scenario> bundledScenarios();
// Finds a bundled scenario by id, or loads a file; `error` says why neither worked.
bool findScenario(const QString &idOrFile, Scenario *scenario, QString *error);
bool findScenario(const QByteArray &nativeIdOrFile, Scenario *scenario, QString *error);

} // namespace procession
