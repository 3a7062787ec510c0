#pragma once

namespace procession::gui {

// Qt's raster engine (Qt 6.4) splits large fills among the global thread pool's threads and
// waits for every part. When the system refuses the pool a new thread (the limit on
// processes, ulimit -u, reached, often by the run's own workers), that part never runs and
// the window waits forever. So the pool's threads are made once, at start-up, and kept:
// painting then never asks for a new thread. False if the system refused them even then.
bool reservePaintThreads();

} // namespace procession::gui
