#include <cstdio>

namespace procession {

// Placeholder until the benchmark command lands (issue 5).
int runBench(int, char **)
{
    std::fputs("procession: bench is not built yet\n", stderr);
    return 2;
}

} // namespace procession
