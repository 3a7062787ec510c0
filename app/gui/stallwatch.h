#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>

namespace procession::gui {

// The longest time the GUI thread went without coming back to its event loop (a click
// would have waited that long): a 1 ms timer on the thread notes the gaps between its ticks.
// For `procession bench`'s live_stall_ms and open_trace_stall_ms.
class StallWatch : public QObject
{
public:
    StallWatch()
    {
        m_tick.setInterval(1);
        connect(&m_tick, &QTimer::timeout, this, [this] { note(); });
    }
    void start()
    {
        m_clock.start();
        m_last = m_worst = 0;
        m_tick.start();
    }
    void stop() { m_tick.stop(); }
    // Counts the time since the last tick too: ask from the event loop, or right after it.
    double worstMs()
    {
        note();
        return double(m_worst) / 1e6;
    }
    double elapsedS() const { return double(m_clock.nsecsElapsed()) / 1e9; }

private:
    void note()
    {
        const qint64 now = m_clock.nsecsElapsed();
        m_worst = std::max(m_worst, now - m_last);
        m_last = now;
    }

    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

} // namespace procession::gui
