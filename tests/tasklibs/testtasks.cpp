// Task libraries for tst_tasklib, one source built several ways (TESTTASKS_VARIANT):
//   1 good     twice, throws, segv, hang: one of each way a task can end
//   2 clash    declares "twice" again (clashes with good)
//   3 bundled  declares "square" (clashes with a bundled task)
//   4 version  an entry point of version 99
//   5 none     a shared library with no entry point at all
//   6 badname  a task named "Bad Name"
#include <procession/task.h>

#include <QThread>

#include <stdexcept>

using procession::ParamType;
using procession::TaskContext;

#if TESTTASKS_VARIANT == 1
PROCESSION_TASKS(tasks)
{
    tasks.append({QStringLiteral("twice"),
                  QStringLiteral("Returns 2 * n."),
                  {{QStringLiteral("n"), ParamType::Integer, {}, 0, 1000}},
                  [](const QList<QCborValue> &a, TaskContext &ctx) {
                      ctx.print(QStringLiteral("twice of %1").arg(a[0].toInteger()));
                      return QCborValue(2 * a[0].toInteger());
                  }});
    tasks.append({QStringLiteral("throws"),
                  QStringLiteral("Throws std::runtime_error."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) -> QCborValue {
                      throw std::runtime_error("the library said no");
                  }});
    tasks.append({QStringLiteral("segv"),
                  QStringLiteral("Writes through a null pointer."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) -> QCborValue {
                      volatile int *nowhere = nullptr;
                      *nowhere = 1;
                      return {};
                  }});
    tasks.append({QStringLiteral("hang"),
                  QStringLiteral("Never\treturns,\nand says so\n on three lines."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) -> QCborValue {
                      for (;;)
                          QThread::sleep(1);
                  }});
}
#elif TESTTASKS_VARIANT == 2
PROCESSION_TASKS(tasks)
{
    tasks.append({QStringLiteral("twice"),
                  QStringLiteral("Again."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) { return QCborValue(0); }});
}
#elif TESTTASKS_VARIANT == 3
PROCESSION_TASKS(tasks)
{
    tasks.append({QStringLiteral("square"),
                  QStringLiteral("Mine."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) { return QCborValue(0); }});
}
#elif TESTTASKS_VARIANT == 4
// What a library built against a future header would export.
extern "C" PROCESSION_TASKS_EXPORT const procession::TaskLibraryEntry *procession_task_library()
{
    static const procession::TaskLibraryEntry entry{99, nullptr};
    return &entry;
}
#elif TESTTASKS_VARIANT == 5
extern "C" PROCESSION_TASKS_EXPORT int not_a_task_library()
{
    return 0;
}
#elif TESTTASKS_VARIANT == 6
PROCESSION_TASKS(tasks)
{
    tasks.append({QStringLiteral("Bad Name"),
                  QStringLiteral("Spaces."),
                  {},
                  [](const QList<QCborValue> &, TaskContext &) { return QCborValue(0); }});
}
#endif
