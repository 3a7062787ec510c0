#pragma once

#include "registry.h"

namespace procession {

// The bundled task exec(program, args…): runs a command (runCommand) and turns how it
// ended into a result (status 0) or a one-sentence task error.
Registry::Task execTask();

// `gzip -k 'big file.log'`: a command line as a person would type it (for messages).
QString commandLineText(const QString &program, const QStringList &arguments);

} // namespace procession
