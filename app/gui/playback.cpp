#include "playback.h"

#include "clock.h"

#include <algorithm>

namespace procession::gui {

Playback::Playback(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(16);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Playback::tick);
}

void Playback::startLive(qint64 startNs)
{
    m_live = true;
    m_playing = true;
    m_liveStart = startNs;
    m_liveEnd = -1;
    m_liveLimit = -1;
    m_playhead = 0;
    m_timer.start();
    emit stateChanged();
    emit playheadChanged(m_playhead);
}

void Playback::holdLive()
{
    if (!m_live)
        return;
    m_liveEnd = nowNs();
    m_timer.stop(); // the clock is held: only setLiveLimit() moves the playhead now
    moveLive();
}

void Playback::setLiveLimit(qint64 t)
{
    if (!m_live || t == m_liveLimit)
        return;
    m_liveLimit = t;
    moveLive();
}

qint64 Playback::liveLag() const
{
    if (!m_live)
        return 0;
    return std::max<qint64>(0, (m_liveEnd >= 0 ? m_liveEnd : nowNs()) - m_liveStart - m_playhead);
}

void Playback::moveLive(bool always)
{
    qint64 t = (m_liveEnd >= 0 ? m_liveEnd : nowNs()) - m_liveStart;
    if (m_liveLimit >= 0)
        t = std::min(t, m_liveLimit);
    t = std::max<qint64>(t, 0);
    if (t == m_playhead && !always)
        return;
    m_playhead = t;
    emit playheadChanged(m_playhead);
}

void Playback::stopLive(qint64 duration)
{
    m_live = false;
    m_playing = false;
    m_timer.stop();
    m_duration = duration;
    m_playhead = duration;
    emit stateChanged();
    emit playheadChanged(m_playhead);
}

void Playback::setDuration(qint64 duration)
{
    m_duration = duration;
    if (!m_live && m_playhead > duration)
        seek(duration);
}

void Playback::play()
{
    if (m_live || m_duration <= 0)
        return;
    if (m_playhead >= m_duration)
        m_playhead = 0;
    m_playing = true;
    m_clock.start();
    m_timer.start();
    emit stateChanged();
    emit playheadChanged(m_playhead);
}

void Playback::pause()
{
    if (m_live || !m_playing)
        return;
    m_playing = false;
    m_timer.stop();
    emit stateChanged();
}

void Playback::togglePlay()
{
    m_playing ? pause() : play();
}

void Playback::seek(qint64 t)
{
    if (m_live)
        return;
    m_playhead = std::clamp<qint64>(t, 0, m_duration);
    m_clock.restart();
    emit playheadChanged(m_playhead);
}

void Playback::setSpeed(double speed)
{
    m_speed = std::clamp(speed, MinSpeed, MaxSpeed);
    emit stateChanged();
}

void Playback::tick()
{
    if (m_live) {
        moveLive(true); // the clock moved: so did the lag, if the playhead waits
        return;
    }
    const qint64 elapsed = m_clock.nsecsElapsed();
    m_clock.restart();
    m_playhead = std::min(m_duration, m_playhead + qint64(double(elapsed) * m_speed));
    if (m_playhead >= m_duration) {
        m_playing = false;
        m_timer.stop();
        emit stateChanged();
    }
    emit playheadChanged(m_playhead);
}

} // namespace procession::gui
