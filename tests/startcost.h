#pragma once
// How much longer than natively one process takes to start where the tests run.
// Natively that is nothing (a worker is ready in ~12 ms on Linux); under Wine it is
// 300-850 ms on a quiet machine, more under load. A timing bound that holds a process
// start-up inside it adds this, and only such bounds do; so does a join's grace, which
// holds a process end (tst_session::greetInParallelBeatsSequential).
// PROCESSION_TEST_START_MS is set by tests/CMakeLists.txt for tests run through an
// emulator (CMAKE_CROSSCOMPILING_EMULATOR: wine-run for the MinGW build).

#include <QtGlobal>

namespace startcost {
inline int extraMs()
{
    return qEnvironmentVariableIntValue("PROCESSION_TEST_START_MS");
}
inline double extraS()
{
    return extraMs() / 1000.0;
}
} // namespace startcost
