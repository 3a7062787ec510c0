#pragma once

// Procession task libraries: your own C++ functions, run by name in Procession's worker
// processes, drawn on the same timeline as the bundled tasks.
//
// A task library is a shared library that includes this header (Qt Core types only; link
// Qt6::Core, nothing of Procession) and declares its tasks once:
//
//     #include <procession/task.h>
//
//     PROCESSION_TASKS(tasks)
//     {
//         using procession::ParamType;
//         tasks.append({QStringLiteral("double_it"), QStringLiteral("Returns 2 * n."),
//                       {{QStringLiteral("n"), ParamType::Integer, {}, 0, 1000}},
//                       [](const QList<QCborValue> &args, procession::TaskContext &) {
//                           return QCborValue(2 * args[0].toInteger());
//                       }});
//     }
//
// Procession checks every call's arguments against the parameter list (type, range,
// defaults) before the function runs, so a function can trust what it gets. A function
// reports a failure by throwing procession::TaskError (or any std::exception); a crash or
// a hang in it is reported like one in a bundled task.

#include <QCborValue>
#include <QList>
#include <QString>

#include <functional>

// The entry point's version. A library built against another version is refused with a
// sentence instead of being called with structures it does not know.
#define PROCESSION_TASK_API_VERSION 1

namespace procession {

// What a task may use besides its arguments.
struct TaskContext
{
    // Prints a line that reaches the parent's console as this worker's output (stdout).
    std::function<void(const QString &line)> print;
    // The same for error output (stderr); may be empty, then print is used.
    std::function<void(const QString &line)> printError;
    // True once the caller gave up on this call (the run was interrupted); may be empty.
    // Long tasks in the parent's own process look at it; workers are simply stopped.
    std::function<bool()> cancelled;
};

// Thrown by a task to fail with a sentence; `kind` is a short tag ("task-error").
struct TaskError
{
    QString kind;
    QString message;
};

enum class ParamType
{
    Integer,
    Number, // integer or floating point
    String,
    Bytes,
    Any
};

struct TaskParam
{
    QString name;
    ParamType type = ParamType::Any;
    QCborValue defaultValue = QCborValue(QCborValue::Undefined); // undefined: required
    // Inclusive bounds for Integer and Number parameters; undefined: unbounded.
    QCborValue minimum = QCborValue(QCborValue::Undefined);
    QCborValue maximum = QCborValue(QCborValue::Undefined);
    // The last parameter only: takes every remaining positional argument, as a list whose
    // items each have `type` (exec(program, args…)).
    bool variadic = false;
};

using TaskFunction = std::function<QCborValue(const QList<QCborValue> &args, TaskContext &ctx)>;

struct Task
{
    QString name; // lower-case letters, digits and underscores, unique among all tasks
    QString summary;
    QList<TaskParam> params;
    TaskFunction function;
};

// What the entry point returns. Only `version` may be read before it has been checked.
struct TaskLibraryEntry
{
    int version;
    void (*declare)(QList<Task> &tasks);
};

} // namespace procession

#if defined(_WIN32)
#define PROCESSION_TASKS_EXPORT __declspec(dllexport)
#else
#define PROCESSION_TASKS_EXPORT __attribute__((visibility("default")))
#endif

// Declares the library's tasks: PROCESSION_TASKS(tasks) { tasks.append({...}); }
#define PROCESSION_TASKS(listName)                                                                 \
    static void procession_declare_tasks(QList<procession::Task> &listName);                       \
    extern "C" PROCESSION_TASKS_EXPORT const procession::TaskLibraryEntry *                        \
    procession_task_library()                                                                      \
    {                                                                                              \
        static const procession::TaskLibraryEntry entry{PROCESSION_TASK_API_VERSION,               \
                                                        &procession_declare_tasks};                \
        return &entry;                                                                             \
    }                                                                                              \
    static void procession_declare_tasks(QList<procession::Task> &listName)
