#pragma once
// Session options whose workers are the real `procession` executable in worker mode
// (PROCESSION_EXE is defined for every test by procession_test() in CMakeLists.txt).

#include "session.h"

inline procession::SessionOptions realWorkers()
{
    procession::SessionOptions o;
    o.program = QStringLiteral(PROCESSION_EXE);
    return o;
}
