#pragma once

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QList>
#include <QString>

#include <functional>

namespace procession {

// What a task may use besides its arguments: a way to print a line that reaches
// the parent (the worker's stdout, or the main lane's console for in-process calls).
struct TaskContext
{
    std::function<void(const QString &line)> print;
};

// A task reports its own failure by throwing this: the kind and message travel
// back to the caller as an error result.
struct TaskError
{
    QString kind;
    QString message;
};

// The functions a worker can run by name: the C++ counterpart of the recipe's
// globals()[name](*args, **kwargs). Arguments are checked against each task's
// parameter list before it runs, so a wrong call is an error result, not a crash.
class Registry
{
public:
    enum class Type
    {
        Integer,
        Number,
        String,
        Bytes,
        Any
    };

    struct Param
    {
        QString name;
        Type type = Type::Any;
        QCborValue defaultValue = QCborValue(QCborValue::Undefined); // undefined = required
    };

    using Function = std::function<QCborValue(const QList<QCborValue> &args, TaskContext &ctx)>;

    struct Task
    {
        QString name;
        QString summary;
        QList<Param> params;
        Function function;
        QString signature() const; // "greet(i: int, name: str)"
    };

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

    // The bundled tasks: greet, square, sleep, spin, fail, crash, echo, add, noop.
    static const Registry &bundled();

private:
    QList<Task> m_tasks;
};

QString typeName(Registry::Type type);

} // namespace procession
