#include "paintthreads.h"

#include <QSemaphore>
#include <QThreadPool>

#include <algorithm>
#include <memory>

namespace procession::gui {

bool reservePaintThreads()
{
    QThreadPool *pool = QThreadPool::globalInstance();
    // More parts than this gain little for a timeline; each thread kept costs a stack.
    pool->setMaxThreadCount(std::clamp(pool->maxThreadCount(), 1, 8));
    pool->setExpiryTimeout(-1); // kept: an expired thread would have to be made again
    const int count = pool->maxThreadCount();
    // Shared: on failure the caller exits without waiting for the tasks that did start.
    const auto started = std::make_shared<QSemaphore>();
    const auto release = std::make_shared<QSemaphore>();
    // Each task holds its thread until all have started, so the pool makes `count` threads.
    for (int i = 0; i < count; ++i)
        pool->start([started, release] {
            started->release();
            release->acquire();
        });
    const bool ok = started->tryAcquire(count, 10000);
    release->release(count);
    // Not waitForDone(): it would also end the pool's threads (QThreadPool::reset).
    return ok;
}

} // namespace procession::gui
