#pragma once

#include <QtGlobal>

namespace procession {

// Nanoseconds on the machine-wide monotonic clock (CLOCK_MONOTONIC on Linux).
// Every process of a run stamps its events with it, so times from the parent and
// from its workers can be compared directly.
qint64 nowNs();

// CPU time consumed by the calling thread, in nanoseconds.
qint64 threadCpuNs();

} // namespace procession
