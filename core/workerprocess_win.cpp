#include "workerprocess.h"

#include <QProcess>

namespace procession {

void WorkerProcess::prepare() {}

} // namespace procession
