#pragma once

#include <QString>
#include <QStringList>

namespace procession {

// Task libraries (procession/task.h) loaded into this process. The parent loads them to
// check scenarios and to show their functions; every worker loads the same paths, given
// on its command line (Session adds them). Load before a run starts, never during one.
class TaskLibraries
{
public:
    // Loads the library at `path` and adds its tasks to Registry::available(). On failure
    // `error` is one sentence naming the file and nothing is added.
    static bool load(const QString &path, QString *error);
    // The absolute paths loaded so far, in order.
    static QStringList paths();
    // Which library a task came from; empty for bundled tasks.
    static QString libraryOf(const QString &taskName);
};

} // namespace procession
