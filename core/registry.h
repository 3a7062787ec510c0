#pragma once

#include <procession/task.h>

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QList>
#include <QString>

#include <functional>

namespace procession {

// The functions a worker can run by name: the C++ counterpart of the recipe's
// globals()[name](*args, **kwargs). Arguments are checked against each task's
// parameter list before it runs, so a wrong call is an error result, not a crash.
class Registry
{
public:
    // The public header's types (procession/task.h): task libraries declare their
    // tasks exactly as the bundled ones are declared here.
    using Type = ParamType;
    using Param = TaskParam;
    using Function = TaskFunction;
    using Task = procession::Task;

    // "greet(i: integer, name: text)", with defaults and ranges.
    static QString signature(const Task &task);

    struct Outcome
    {
        bool ok = false;
        QCborValue value;
        QString errorKind; // "unknown-function", "bad-arguments", "task-error", ...
        QString errorMessage;
    };

    void add(Task task);
    const Task *find(const QString &name) const;
    const QList<Task> &tasks() const { return m_tasks; }

    // Checks the arguments and binds them to parameters; on failure says which and why.
    bool bind(const Task &task, const QCborArray &args, const QCborMap &kwargs,
              QList<QCborValue> *bound, QString *error) const;
    // Looks the function up, checks the arguments and runs it. Never throws.
    Outcome call(const QString &name, const QCborArray &args, const QCborMap &kwargs,
                 TaskContext &ctx) const;

    // The bundled tasks: greet, square, sleep, spin, fail, crash, echo, add, noop, exec.
    static const Registry &bundled();
    // The bundled tasks and those of every task library loaded into this process
    // (TaskLibraries). Load libraries before a run starts, never during one.
    static const Registry &available();

private:
    friend class TaskLibraries;
    static Registry &loaded(); // what available() returns, for TaskLibraries to add to

    QList<Task> m_tasks;
};

QString typeName(Registry::Type type);

} // namespace procession
