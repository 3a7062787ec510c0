// An example task library: three functions Procession's workers can run by name.
//   procession --tasks ./libcollatz_tasks.so run collatz.json
#include <procession/task.h>

#include <QCborValue>

using procession::ParamType;
using procession::TaskContext;
using procession::TaskError;

namespace {

// The longest Collatz chain among `count` numbers from `start`: plain CPU work.
QCborValue longestChain(const QList<QCborValue> &args, TaskContext &ctx)
{
    const qint64 start = args[0].toInteger();
    const qint64 count = args[1].toInteger();
    qint64 best = start, bestSteps = 0;
    for (qint64 n = start; n < start + count; ++n) {
        qint64 steps = 0;
        for (quint64 x = quint64(n); x != 1; ++steps)
            x = x % 2 ? 3 * x + 1 : x / 2;
        if (steps > bestSteps) {
            best = n;
            bestSteps = steps;
        }
    }
    ctx.print(QStringLiteral("from %1: %2 takes %3 steps").arg(start).arg(best).arg(bestSteps));
    return QCborValue(best);
}

} // namespace

PROCESSION_TASKS(tasks)
{
    tasks.append({QStringLiteral("collatz"),
                  QStringLiteral("The number with the longest Collatz chain among count numbers "
                                 "from start."),
                  {{QStringLiteral("start"), ParamType::Integer, {}, 1, Q_INT64_C(1000000000000)},
                   {QStringLiteral("count"), ParamType::Integer, 100000, 1, 100000000}},
                  longestChain});
    tasks.append({QStringLiteral("refuse"),
                  QStringLiteral("Fails with a sentence, as a task that finds bad input does."),
                  {{QStringLiteral("reason"), ParamType::String}},
                  [](const QList<QCborValue> &args, TaskContext &) -> QCborValue {
                      throw TaskError{QStringLiteral("refused"), args[0].toString()};
                  }});
    tasks.append({QStringLiteral("null_write"),
                  QStringLiteral("Writes through a null pointer: the worker dies of SIGSEGV."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) -> QCborValue {
                      volatile int *nowhere = nullptr;
                      *nowhere = 1;
                      return {};
                  }});
}
