#pragma once
// Bytes the C heap has handed out and not yet taken back, for tests that bound what a piece
// of code allocates: glibc's mallinfo2 (large blocks it took straight from mmap included),
// or on Windows every busy block of every heap of the process (HeapWalk). -1 elsewhere.

#include <QtGlobal>

#if defined(__GLIBC__)
#include <malloc.h>
#elif defined(Q_OS_WIN)
#include <vector>
#include <windows.h>
#endif

inline qint64 heapInUse()
{
#if defined(__GLIBC__)
    const struct mallinfo2 mi = mallinfo2();
    return qint64(mi.uordblks + mi.hblkhd);
#elif defined(Q_OS_WIN)
    std::vector<HANDLE> heaps(64);
    DWORD count = ::GetProcessHeaps(DWORD(heaps.size()), heaps.data());
    if (count > heaps.size()) {
        heaps.resize(count);
        count = ::GetProcessHeaps(DWORD(heaps.size()), heaps.data());
    }
    qint64 total = 0;
    for (DWORD i = 0; i < count && i < heaps.size(); ++i) {
        if (!::HeapLock(heaps[i]))
            continue;
        PROCESS_HEAP_ENTRY entry{};
        while (::HeapWalk(heaps[i], &entry))
            if (entry.wFlags & PROCESS_HEAP_ENTRY_BUSY)
                total += qint64(entry.cbData);
        ::HeapUnlock(heaps[i]);
    }
    return total;
#else
    return -1;
#endif
}
