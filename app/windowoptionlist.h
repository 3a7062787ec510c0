#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>

namespace procession {

// The window's options, one definition: the window's parser (app/gui/windowoptions.cpp)
// is made from this list, and both `procession --help` and the window's own help list
// it, so neither can name an option the other lacks (tst_cli::helpListsTheWindowsOptions).
const QList<QCommandLineOption> &windowOptionList();

// "  --scenario ID|FILE      select ..." lines, one or more per option, in the list's order.
QString windowOptionHelp();

} // namespace procession
