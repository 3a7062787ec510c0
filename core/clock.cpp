#include "clock.h"

#include <chrono>
#include <ctime>

#if defined(Q_OS_WIN)
#include <windows.h>
#endif

namespace procession {

qint64 nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

qint64 threadCpuNs()
{
#if defined(Q_OS_WIN)
    // std::clock() is the process's wall time on Windows; this is the thread's CPU time
    // (in 100 ns units, advancing by the scheduler's tick).
    FILETIME creation, exit, kernel, user;
    if (!::GetThreadTimes(::GetCurrentThread(), &creation, &exit, &kernel, &user))
        return 0;
    auto ns = [](const FILETIME &f) {
        return qint64((quint64(f.dwHighDateTime) << 32) | f.dwLowDateTime) * 100;
    };
    return ns(kernel) + ns(user);
#elif defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
#else
    using namespace std::chrono;
    return duration_cast<nanoseconds>(std::clock() * 1.0s / CLOCKS_PER_SEC).count();
#endif
}

} // namespace procession
