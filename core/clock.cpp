#include "clock.h"

#include <chrono>
#include <ctime>

namespace procession {

qint64 nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

qint64 threadCpuNs()
{
#if defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
#else
    using namespace std::chrono;
    return duration_cast<nanoseconds>(std::clock() * 1.0s / CLOCKS_PER_SEC).count();
#endif
}

} // namespace procession
