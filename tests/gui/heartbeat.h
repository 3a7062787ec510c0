#pragma once
// Notes the longest stretch between two turns of the GUI thread's event loop (nested loops
// count: a timer fires in whichever loop is running).

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>

class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setInterval(2);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            if (now - m_last > m_worst)
                m_worstAt = now;
            m_worst = std::max(m_worst, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 worstMs() const { return m_worst; }
    qint64 worstAtMs() const { return m_worstAt; } // when the longest gap ended

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
    qint64 m_worstAt = 0;
};
