#pragma once

namespace procession {

// How many more worker processes the parent's descriptor limit (ulimit -n) leaves room for,
// counted from the descriptors open now: each worker costs the parent about five (three
// pipes, its socket, a process descriptor), and some are kept for the parent's own files.
// A very large number where there is no such limit.
int processesTheDescriptorLimitAllows();

} // namespace procession
