#pragma once

namespace procession {

// What a worker process does differently per operating system (workerplatform_posix.cpp,
// workerplatform_win.cpp).

// Prints "procession worker PID: message" on stderr and ends the process with status.
[[noreturn]] void workerDie(const char *message, int status);

// Called first in worker mode, before the application object exists: ends the process at
// once when its parent is already gone, keeps the terminal's Ctrl-C away (the parent
// decides when its workers stop), turns off crash dialogs, tunes the heap.
void prepareWorkerProcess();

// Stdin is a pipe from the parent: its end means the parent is gone, on every platform,
// even where no parent-death signal exists. Ends the process then. A worker the system
// gives no thread for it (the process limit, ulimit -u) ends with kWorkerExitNoThread.
void exitWhenStdinEnds();

// Gives memory freed after large calls back to the system (glibc's malloc_trim; nothing
// elsewhere, where free() does it by itself or not at all).
void giveMemoryBack();

} // namespace procession
