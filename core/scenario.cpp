#include "scenario.h"

#include "inputfile.h"
#include "protocol.h"
#include "pythonprogram.h"
#include "registry.h"
#include "strictjson.h"

#include <QCborValue>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <qplatformdefs.h>

#include <algorithm>
#include <cmath>

namespace procession {

namespace {

// Lower-case letters, digits and dashes, not starting with a dash. A loop, not a
// QRegularExpression: scenarios are also parsed on the thread that opens a trace, and in
// the MinGW build of Qt 6.4 a thread that matched a QRegularExpression crashed (or, as a
// QThread, hung the process at exit) when its PCRE2 thread-local stack was freed.
bool isScenarioId(const QString &id)
{
    if (id.isEmpty() || id.front() == QLatin1Char('-'))
        return false;
    return std::all_of(id.cbegin(), id.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-';
    });
}

constexpr int kMaxForkPerStep = 64;
constexpr int kMaxWorkers = 256;
constexpr int kMaxCallsPerStep = 1000000;
constexpr int kMaxProcessesPerStep = 1000;
constexpr int kMaxSleepMs = 60000;
constexpr int kMaxTimeoutMs = 3600000;
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;

const QStringList kVerbs = {QStringLiteral("phase"),      QStringLiteral("fork"),
                            QStringLiteral("call_async"), QStringLiteral("call_await"),
                            QStringLiteral("call"),       QStringLiteral("join"),
                            QStringLiteral("sleep")};

// Collects the location of a problem so every message names file, field and reason.
struct Problem
{
    QString source;
    QString *error;
    bool fail(const QString &field, const QString &what) const
    {
        *error = field.isEmpty() ? QStringLiteral("%1: %2").arg(source, what)
                                 : QStringLiteral("%1: %2: %3").arg(source, field, what);
        return false;
    }
};

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("text");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        return QStringLiteral("nothing");
    }
    return {};
}

bool readInt(const QJsonValue &v, const QString &field, int min, int max, int *out,
             const Problem &p)
{
    const double d = v.toDouble(qQNaN());
    if (!v.isDouble() || d != std::floor(d))
        return p.fail(field, QStringLiteral("must be a whole number, got %1")
                                 .arg(v.isDouble() ? QString::number(d) : jsonTypeName(v)));
    if (d < min || d > max)
        return p.fail(field, QStringLiteral("must be between %1 and %2, got %3")
                                 .arg(min)
                                 .arg(max)
                                 .arg(QString::number(d, 'g', 15)));
    *out = int(d);
    return true;
}

bool readText(const QJsonValue &v, const QString &field, QString *out, const Problem &p,
              int maxLength = 2000)
{
    if (!v.isString())
        return p.fail(field, QStringLiteral("must be text, got %1").arg(jsonTypeName(v)));
    if (v.toString().size() > maxLength)
        return p.fail(field, QStringLiteral("is longer than %1 characters").arg(maxLength));
    *out = v.toString();
    return true;
}

// JSON numbers that are whole become CBOR integers, so greet(1, "x") gets an integer.
QCborValue toCbor(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d == std::floor(d) && std::abs(d) < 9.0e15)
            return QCborValue(qint64(d));
        return QCborValue(d);
    }
    if (v.isArray()) {
        QCborArray a;
        for (const QJsonValue &x : v.toArray())
            a.append(toCbor(x));
        return a;
    }
    if (v.isObject()) {
        QCborMap m;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            m.insert(it.key(), toCbor(it.value()));
        return m;
    }
    return QCborValue::fromJsonValue(v);
}

bool parseCalls(const QJsonObject &o, const QString &field, const QString &fn, bool expectError,
                QList<QCborArray> *calls, const Problem &p)
{
    const bool hasArgs = o.contains(QLatin1String("args"));
    const bool hasRange = o.contains(QLatin1String("range"));
    if (hasArgs && hasRange)
        return p.fail(field, QStringLiteral("give either \"args\" or \"range\", not both"));
    if (hasRange) {
        int n = 0;
        if (!readInt(o.value(QLatin1String("range")), field + QStringLiteral(".range"), 1,
                     kMaxCallsPerStep, &n, p))
            return false;
        calls->reserve(n);
        for (int i = 0; i < n; ++i)
            calls->append(QCborArray{i});
    } else if (hasArgs) {
        const QJsonValue args = o.value(QLatin1String("args"));
        if (!args.isArray() || args.toArray().isEmpty())
            return p.fail(field + QStringLiteral(".args"),
                          QStringLiteral("must be a non-empty list of argument lists, e.g. [[0, "
                                         "\"Dan\"], [1, \"Chess\"]]"));
        const QJsonArray list = args.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (!list.at(i).isArray())
                return p.fail(QStringLiteral("%1.args[%2]").arg(field).arg(i),
                              QStringLiteral("must be a list of arguments, got %1")
                                  .arg(jsonTypeName(list.at(i))));
            calls->append(toCbor(list.at(i)).toArray());
        }
    } else {
        calls->append(QCborArray{});
    }
    if (o.contains(QLatin1String("repeat"))) {
        int repeat = 1;
        if (!readInt(o.value(QLatin1String("repeat")), field + QStringLiteral(".repeat"), 1,
                     kMaxCallsPerStep, &repeat, p))
            return false;
        if (qint64(repeat) * calls->size() > kMaxCallsPerStep)
            return p.fail(field + QStringLiteral(".repeat"),
                          QStringLiteral("makes %1 calls, more than the limit of %2")
                              .arg(qint64(repeat) * calls->size())
                              .arg(kMaxCallsPerStep));
        const QList<QCborArray> once = *calls;
        for (int r = 1; r < repeat; ++r)
            calls->append(once);
    }
    const Registry::Task *task = Registry::available().find(fn);
    if (!task) {
        QStringList names;
        for (const Registry::Task &t : Registry::available().tasks())
            names << t.name;
        return p.fail(field, QStringLiteral("unknown function \"%1\"; known: %2")
                                 .arg(fn.left(60), names.join(QStringLiteral(", "))));
    }
    if (!expectError) {
        // Wrong arguments are found now, before any process starts.
        QList<QCborValue> bound;
        QString why;
        for (qsizetype i = 0; i < calls->size(); ++i) {
            if (!Registry::available().bind(*task, calls->at(i), {}, &bound, &why))
                return p.fail(
                    hasArgs ? QStringLiteral("%1.args[%2]")
                                  .arg(field)
                                  .arg(i % std::max<qsizetype>(
                                               1, o.value(QLatin1String("args")).toArray().size()))
                            : field,
                    why);
            if (i > 64 && hasRange)
                break; // a range only varies one integer: the first ones prove the rest
        }
    }
    return true;
}

bool parseStep(const QJsonValue &value, int index, int *poolSize, Step *step, const Problem &p)
{
    const QString field = QStringLiteral("steps[%1]").arg(index);
    if (!value.isObject())
        return p.fail(field, QStringLiteral("must be an object such as {\"fork\": 4}, got %1")
                                 .arg(jsonTypeName(value)));
    const QJsonObject o = value.toObject();
    QString verb;
    for (const QString &v : kVerbs) {
        if (o.contains(v)) {
            if (!verb.isEmpty())
                return p.fail(field,
                              QStringLiteral("has both \"%1\" and \"%2\"; one step does one thing")
                                  .arg(verb, v));
            verb = v;
        }
    }
    if (verb.isEmpty())
        return p.fail(
            field,
            QStringLiteral("names no step; use one of %1").arg(kVerbs.join(QStringLiteral(", "))));

    QStringList allowed{verb, QStringLiteral("comment")};
    const QString vfield = field + QLatin1Char('.') + verb;
    const QJsonValue arg = o.value(verb);
    if (verb == QLatin1String("phase")) {
        step->kind = Step::Kind::Phase;
        if (!readText(arg, vfield, &step->name, p, 200))
            return false;
    } else if (verb == QLatin1String("fork")) {
        step->kind = Step::Kind::Fork;
        if (!readInt(arg, vfield, 1, kMaxForkPerStep, &step->count, p))
            return false;
        *poolSize += step->count;
        if (*poolSize > kMaxWorkers)
            return p.fail(
                vfield, QStringLiteral("would make the pool %1 workers, more than the limit of %2")
                            .arg(*poolSize)
                            .arg(kMaxWorkers));
    } else if (verb == QLatin1String("sleep")) {
        step->kind = Step::Kind::Sleep;
        if (!readInt(arg, vfield, 0, kMaxSleepMs, &step->ms, p))
            return false;
    } else if (verb == QLatin1String("join")) {
        step->kind = Step::Kind::Join;
        if (arg != QJsonValue(QStringLiteral("all")) && arg != QJsonValue(true))
            return p.fail(vfield, QStringLiteral("must be \"all\" (every pool worker is joined)"));
        *poolSize = 0;
    } else if (verb == QLatin1String("call_await")) {
        step->kind = Step::Kind::CallAwait;
        if (arg != QJsonValue(QStringLiteral("all")) && arg != QJsonValue(true))
            return p.fail(
                vfield,
                QStringLiteral("must be \"all\" (every outstanding call is awaited, in order)"));
        allowed << QStringLiteral("timeout_ms");
        if (o.contains(QLatin1String("timeout_ms")) &&
            !readInt(o.value(QLatin1String("timeout_ms")), field + QStringLiteral(".timeout_ms"), 1,
                     kMaxTimeoutMs, &step->timeoutMs, p))
            return false;
    } else { // call_async, call
        step->kind = verb == QLatin1String("call") ? Step::Kind::Call : Step::Kind::CallAsync;
        if (!readText(arg, vfield, &step->function, p, 100))
            return false;
        allowed << QStringLiteral("args") << QStringLiteral("range") << QStringLiteral("repeat")
                << QStringLiteral("expect");
        if (o.contains(QLatin1String("expect"))) {
            const QString e = o.value(QLatin1String("expect")).toString();
            if (e != QLatin1String("error") && e != QLatin1String("ok"))
                return p.fail(field + QStringLiteral(".expect"),
                              QStringLiteral("must be \"ok\" or \"error\""));
            step->expectError = e == QLatin1String("error");
        }
        if (!parseCalls(o, field, step->function, step->expectError, &step->calls, p))
            return false;
        if (step->kind == Step::Kind::CallAsync) {
            allowed << QStringLiteral("on") << QStringLiteral("workers");
            const QString on = o.value(QLatin1String("on")).toString(QStringLiteral("pool"));
            if (o.contains(QLatin1String("on")) && on != QLatin1String("pool") &&
                on != QLatin1String("new"))
                return p.fail(
                    field + QStringLiteral(".on"),
                    QStringLiteral(
                        "must be \"pool\" (pre-forked workers) or \"new\" (one process per call)"));
            step->target =
                on == QLatin1String("new") ? Step::Target::NewProcess : Step::Target::Pool;
            if (step->target == Step::Target::NewProcess &&
                step->calls.size() > kMaxProcessesPerStep)
                return p.fail(field,
                              QStringLiteral("would start %1 processes; the limit is %2 per step")
                                  .arg(step->calls.size())
                                  .arg(kMaxProcessesPerStep));
            if (step->target == Step::Target::Pool && *poolSize == 0)
                return p.fail(
                    field,
                    QStringLiteral("sends calls to the pool, but no worker is forked at this "
                                   "point; add {\"fork\": N} before it or use \"on\": \"new\""));
            if (o.contains(QLatin1String("workers"))) {
                if (step->target != Step::Target::Pool)
                    return p.fail(field + QStringLiteral(".workers"),
                                  QStringLiteral("only applies to calls on the pool"));
                const QJsonValue ws = o.value(QLatin1String("workers"));
                if (!ws.isArray() || ws.toArray().isEmpty())
                    return p.fail(field + QStringLiteral(".workers"),
                                  QStringLiteral("must be a non-empty list of worker numbers"));
                const QJsonArray list = ws.toArray();
                for (qsizetype i = 0; i < list.size(); ++i) {
                    int n = 0;
                    if (!readInt(list.at(i), QStringLiteral("%1.workers[%2]").arg(field).arg(i), 1,
                                 *poolSize, &n, p))
                        return false;
                    step->workers << n;
                }
            }
        }
    }
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!allowed.contains(it.key()))
            return p.fail(field + QLatin1Char('.') + it.key().left(40),
                          QStringLiteral("is not a field of a %1 step").arg(verb));
    return true;
}

} // namespace

QString stepKindName(Step::Kind kind)
{
    switch (kind) {
    case Step::Kind::Phase:
        return QStringLiteral("phase");
    case Step::Kind::Fork:
        return QStringLiteral("fork");
    case Step::Kind::CallAsync:
        return QStringLiteral("call_async");
    case Step::Kind::CallAwait:
        return QStringLiteral("call_await");
    case Step::Kind::Call:
        return QStringLiteral("call");
    case Step::Kind::Join:
        return QStringLiteral("join");
    case Step::Kind::Sleep:
        return QStringLiteral("sleep");
    }
    return {};
}

bool parseScenario(const QByteArray &json, const QString &source, Scenario *scenario,
                   QString *error)
{
    const Problem p{source, error};
    if (json.size() > kMaxFileBytes)
        return p.fail({}, QStringLiteral("the file is %1 bytes, more than the limit of %2")
                              .arg(json.size())
                              .arg(kMaxFileBytes));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArray before = json.left(parseError.offset);
        const int line = int(before.count('\n')) + 1;
        const int column = int(parseError.offset - (before.lastIndexOf('\n') + 1)) + 1;
        return p.fail({}, QStringLiteral("line %1, column %2: invalid JSON: %3")
                              .arg(line)
                              .arg(column)
                              .arg(parseError.errorString()));
    }
    QString where;
    QString what;
    if (!StrictJson::check(json, &where, &what))
        return p.fail(where, what);
    if (!doc.isObject())
        return p.fail({},
                      QStringLiteral(
                          "a scenario must be a JSON object with \"id\", \"title\" and \"steps\""));
    const QJsonObject o = doc.object();
    // An object that shares no field with a scenario is some other JSON document (a Cloud
    // Trace "spans" file, a package.json): say so instead of blaming its first key.
    static const QStringList known = {QStringLiteral("id"),          QStringLiteral("title"),
                                      QStringLiteral("description"), QStringLiteral("steps"),
                                      QStringLiteral("timeout_ms"),  QStringLiteral("comment"),
                                      QStringLiteral("compare")};
    const QStringList keys = o.keys();
    if (std::none_of(keys.begin(), keys.end(), [](const QString &k) { return known.contains(k); })) {
        QStringList shown;
        for (const QString &k : keys.mid(0, 3))
            shown.append(QStringLiteral("\"%1\"").arg(k.left(40)));
        if (keys.size() > 3)
            shown.append(QStringLiteral("…"));
        return p.fail({}, keys.isEmpty()
                              ? QStringLiteral("JSON, but neither a scenario nor a trace: an "
                                               "empty object")
                              : QStringLiteral("JSON, but neither a scenario (no \"steps\") nor a "
                                               "trace (no \"traceEvents\"): it has %1")
                                    .arg(shown.join(QStringLiteral(", "))));
    }
    Scenario s;
    s.source = source;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            return p.fail(it.key().left(40),
                          QStringLiteral("is not a scenario field; known fields: %1")
                              .arg(known.join(QStringLiteral(", "))));
    }
    if (!readText(o.value(QLatin1String("id")), QStringLiteral("id"), &s.id, p, 64))
        return false;
    if (!isScenarioId(s.id))
        return p.fail(
            QStringLiteral("id"),
            QStringLiteral("must be lower-case letters, digits and dashes, got \"%1\"").arg(s.id));
    if (!readText(o.value(QLatin1String("title")), QStringLiteral("title"), &s.title, p, 200))
        return false;
    if (o.contains(QLatin1String("description")) &&
        !readText(o.value(QLatin1String("description")), QStringLiteral("description"),
                  &s.description, p, 4000))
        return false;
    if (o.contains(QLatin1String("timeout_ms")) &&
        !readInt(o.value(QLatin1String("timeout_ms")), QStringLiteral("timeout_ms"), 1,
                 kMaxTimeoutMs, &s.timeoutMs, p))
        return false;
    const QJsonValue steps = o.value(QLatin1String("steps"));
    if (!steps.isArray() || steps.toArray().isEmpty())
        return p.fail(QStringLiteral("steps"), QStringLiteral("must be a non-empty list of steps"));
    int poolSize = 0;
    qint64 total = 0;
    const QJsonArray list = steps.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        Step step;
        if (!parseStep(list.at(i), int(i), &poolSize, &step, p))
            return false;
        total += step.calls.size();
        if (total > kMaxCallsPerStep)
            return p.fail(
                QStringLiteral("steps[%1]").arg(i),
                QStringLiteral("brings the scenario to %1 calls, more than the limit of %2")
                    .arg(total)
                    .arg(kMaxCallsPerStep));
        s.steps.append(std::move(step));
    }
    if (o.contains(QLatin1String("compare"))) {
        const QJsonValue c = o.value(QLatin1String("compare"));
        const QJsonArray pair = c.toArray();
        if (!c.isArray() || pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isString())
            return p.fail(QStringLiteral("compare"),
                          QStringLiteral("must name two phases, e.g. [\"one process per call\", "
                                         "\"pool of four\"]"));
        QStringList phases;
        for (const Step &step : std::as_const(s.steps))
            if (step.kind == Step::Kind::Phase)
                phases << step.name;
        for (int i = 0; i < 2; ++i)
            if (!phases.contains(pair.at(i).toString()))
                return p.fail(QStringLiteral("compare[%1]").arg(i),
                              QStringLiteral("\"%1\" is not the name of a phase of this scenario")
                                  .arg(pair.at(i).toString().left(60)));
        if (pair.at(0) == pair.at(1))
            return p.fail(QStringLiteral("compare"),
                          QStringLiteral("names the same phase twice; compare two phases"));
        if (phases.count(pair.at(0).toString()) > 1 || phases.count(pair.at(1).toString()) > 1)
            return p.fail(QStringLiteral("compare"),
                          QStringLiteral("names a phase that occurs more than once"));
        s.compareFrom = pair.at(0).toString();
        s.compareTo = pair.at(1).toString();
    }
    s.text = json;
    *scenario = std::move(s);
    return true;
}

bool loadScenarioFile(const QString &path, Scenario *scenario, QString *error)
{
    if (path.startsWith(QLatin1Char(':'))) {
        const QString name = QFileInfo(path).fileName();
        QByteArray json;
        if (!InputFile::read(path, kMaxFileBytes, &json, error)) {
            *error = QStringLiteral("%1: %2").arg(name, *error);
            return false;
        }
        return parseScenario(json, name, scenario, error);
    }
    return loadScenarioFile(QFile::encodeName(path), scenario, error);
}

bool loadScenarioFile(const QByteArray &nativePath, Scenario *scenario, QString *error)
{
    const QString name = InputFile::displayName(nativePath);
    QByteArray json;
    if (!InputFile::read(nativePath, kMaxFileBytes, &json, error)) {
        *error = QStringLiteral("%1: %2").arg(name, *error);
        return false;
    }
    return parseScenario(json, name, scenario, error);
}

QList<Scenario> bundledScenarios()
{
    static const QStringList order = {
        QStringLiteral("greet-sequential"),  QStringLiteral("greet-spawn"),
        QStringLiteral("greet-square-pool"), QStringLiteral("spawn-vs-pool"),
        QStringLiteral("cpu-bound"),         QStringLiteral("worker-crash"),
        QStringLiteral("task-error"),        QStringLiteral("commands-pool")};
    QList<Scenario> out;
    for (const QString &id : order) {
        Scenario s;
        QString error;
        if (loadScenarioFile(QStringLiteral(":/scenarios/%1.json").arg(id), &s, &error))
            out.append(s);
        else
            qWarning("bundled scenario broken: %s", qPrintable(error));
    }
    return out;
}

bool looksLikeScenarioPath(const QString &name)
{
    return name.contains(QLatin1Char('/')) || name.endsWith(QLatin1String(".json"));
}

bool findScenario(const QString &idOrFile, Scenario *scenario, QString *error)
{
    return findScenario(QFile::encodeName(idOrFile), scenario, error);
}

bool findScenario(const QByteArray &nativeIdOrFile, Scenario *scenario, QString *error)
{
    // A path (a '/' in it, or a name ending in .json) is always a file, so a file named
    // like a bundled id is reachable as ./ID; any other name is an id first.
    const QString name = InputFile::displayName(nativeIdOrFile);
    const bool path = looksLikeScenarioPath(name);
    if (!path) {
        for (const Scenario &s : bundledScenarios()) {
            if (s.id == name) {
                *scenario = s;
                return true;
            }
        }
    }
    QT_STATBUF st;
    if (path || QT_STAT(nativeIdOrFile.constData(), &st) == 0)
        return loadScenarioFile(nativeIdOrFile, scenario, error);
    QStringList ids;
    for (const Scenario &s : bundledScenarios())
        ids << s.id;
    *error =
        QStringLiteral("%1: no bundled scenario has this id and no such file exists; bundled: %2")
            .arg(name, ids.join(QStringLiteral(", ")));
    return false;
}

int Scenario::totalCalls() const
{
    int n = 0;
    for (const Step &s : steps)
        n += int(s.calls.size());
    return n;
}

QStringList Scenario::recipeLines() const
{
    return pythonProgram(*this).scenarioPart;
}

} // namespace procession
