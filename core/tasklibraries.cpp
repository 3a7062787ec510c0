#include "tasklibraries.h"

#include "registry.h"

#include <QFileInfo>
#include <QHash>
#include <QLibrary>

#include <exception>

namespace procession {

namespace {

struct Loaded
{
    QStringList paths;
    QHash<QString, QString> libraryOfTask;
};

Loaded &loaded()
{
    static Loaded state;
    return state;
}

bool fail(QString *error, const QString &path, const QString &why)
{
    *error = QStringLiteral("cannot load task library %1: %2").arg(path, why);
    return false;
}

bool defaultFits(const TaskParam &p)
{
    const QCborValue &v = p.defaultValue;
    switch (p.type) {
    case ParamType::Integer:
        return v.isInteger();
    case ParamType::Number:
        return v.isInteger() || v.isDouble();
    case ParamType::String:
        return v.isString();
    case ParamType::Bytes:
        return v.isByteArray();
    case ParamType::Any:
        return true;
    }
    return false;
}

// One sentence about what is wrong with a declaration, or empty.
QString checkTask(const Task &t)
{
    // A loop, not a QRegularExpression: see isScenarioId in scenario.cpp.
    const auto nameChar = [](QChar c, bool first) {
        const char16_t u = c.unicode();
        return (u >= u'a' && u <= u'z') || u == u'_' || (!first && u >= u'0' && u <= u'9');
    };
    bool goodName = !t.name.isEmpty() && t.name.size() <= 63;
    for (qsizetype i = 0; goodName && i < t.name.size(); ++i)
        goodName = nameChar(t.name.at(i), i == 0);
    if (!goodName)
        return QStringLiteral("it declares a task named \"%1\"; task names are lower-case "
                              "letters, digits and underscores")
            .arg(t.name.left(60));
    if (!t.function)
        return QStringLiteral("its task \"%1\" has no function").arg(t.name);
    QStringList names;
    for (qsizetype i = 0; i < t.params.size(); ++i) {
        const TaskParam &p = t.params.at(i);
        if (p.name.isEmpty() || names.contains(p.name))
            return QStringLiteral("task \"%1\": parameter %2 has an empty or repeated name")
                .arg(t.name)
                .arg(i + 1);
        names << p.name;
        if (p.variadic && i != t.params.size() - 1)
            return QStringLiteral("task \"%1\": only the last parameter can take the rest (%2)")
                .arg(t.name, p.name);
        if (!p.defaultValue.isUndefined() && !defaultFits(p))
            return QStringLiteral("task \"%1\": the default of \"%2\" is not %3")
                .arg(t.name, p.name, typeName(p.type));
        const bool numeric = p.type == ParamType::Integer || p.type == ParamType::Number;
        for (const QCborValue &bound : {p.minimum, p.maximum})
            if (!bound.isUndefined() && (!numeric || !(bound.isInteger() || bound.isDouble())))
                return QStringLiteral("task \"%1\": \"%2\" has a range, but only integer and "
                                      "number parameters can have one")
                    .arg(t.name, p.name);
    }
    return {};
}

} // namespace

bool TaskLibraries::load(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists())
        return fail(error, path, QStringLiteral("no such file"));
    if (!info.isFile())
        return fail(error, path, QStringLiteral("not a file"));
    const QString absolute = info.canonicalFilePath();
    Loaded &state = loaded();
    if (state.paths.contains(absolute))
        return fail(error, path, QStringLiteral("it is already loaded"));

    QLibrary library(absolute);
    if (!library.load())
        return fail(error, path,
                    QStringLiteral("not a shared library this system can load (%1)")
                        .arg(library.errorString()));
    using Entry = const TaskLibraryEntry *(*)();
    const auto entry = reinterpret_cast<Entry>(library.resolve("procession_task_library"));
    const TaskLibraryEntry *declared = entry ? entry() : nullptr;
    if (!declared) {
        library.unload();
        return fail(error, path,
                    QStringLiteral("not a Procession task library (it has no "
                                   "procession_task_library entry point; see procession/task.h)"));
    }
    if (declared->version != PROCESSION_TASK_API_VERSION) {
        const int version = declared->version;
        library.unload();
        return fail(error, path,
                    QStringLiteral("it was built for task library version %1, and this "
                                   "procession loads version %2; rebuild it against this "
                                   "procession's procession/task.h")
                        .arg(version)
                        .arg(PROCESSION_TASK_API_VERSION));
    }
    QList<Task> tasks;
    try {
        if (declared->declare)
            declared->declare(tasks);
    } catch (const std::exception &e) {
        return fail(
            error, path,
            QStringLiteral("declaring its tasks threw: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        return fail(error, path, QStringLiteral("declaring its tasks threw an exception"));
    }
    if (tasks.isEmpty())
        return fail(error, path, QStringLiteral("it declares no tasks"));
    QStringList seen;
    for (const Task &t : std::as_const(tasks)) {
        const QString why = checkTask(t);
        if (!why.isEmpty())
            return fail(error, path, why);
        if (Registry::bundled().find(t.name))
            return fail(
                error, path,
                QStringLiteral("its task \"%1\" has the name of a bundled task").arg(t.name));
        if (state.libraryOfTask.contains(t.name))
            return fail(error, path,
                        QStringLiteral("its task \"%1\" is already declared by %2")
                            .arg(t.name, QFileInfo(state.libraryOfTask.value(t.name)).fileName()));
        if (seen.contains(t.name))
            return fail(error, path,
                        QStringLiteral("it declares the task \"%1\" twice").arg(t.name));
        seen << t.name;
    }
    // Checked whole: only now does anything change. The library stays loaded for good
    // (its functions are called until the process ends).
    for (Task &t : tasks) {
        // One line each in `list --functions`, the details panel and messages.
        t.summary = t.summary.simplified().left(500);
        state.libraryOfTask.insert(t.name, absolute);
        Registry::loaded().add(std::move(t));
    }
    state.paths << absolute;
    return true;
}

QStringList TaskLibraries::paths()
{
    return loaded().paths;
}

QString TaskLibraries::libraryOf(const QString &taskName)
{
    return loaded().libraryOfTask.value(taskName);
}

} // namespace procession
