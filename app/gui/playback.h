#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace procession::gui {

// The playhead: follows the real clock during a live run, and plays a finished run
// back at 0.1× to 10×, paused, stepped or scrubbed. Times are ns from the run's start.
class Playback : public QObject
{
    Q_OBJECT

public:
    explicit Playback(QObject *parent = nullptr);

    qint64 playhead() const { return m_playhead; }
    qint64 duration() const { return m_duration; }
    double speed() const { return m_speed; }
    bool isPlaying() const { return m_playing; }
    bool isLive() const { return m_live; }

    // Live: the playhead is the time since `startNs` on the monotonic clock.
    void startLive(qint64 startNs);
    // The run is over but its last events are still being drawn: the playhead stops
    // following the clock and waits, live, for stopLive().
    void holdLive();
    // The newest moment the window knows whole, while it is behind the run (-1: it is not):
    // the live playhead does not pass it, so nothing is drawn as running that has ended in
    // events not yet drawn. When the window falls behind, the playhead goes back to it.
    void setLiveLimit(qint64 t);
    qint64 liveStart() const { return m_liveStart; }
    // Live: how far the playhead is behind the clock (0 when it follows it).
    qint64 liveLag() const;
    // The run ended: rest at its end.
    void stopLive(qint64 duration);
    void setDuration(qint64 duration);

    void play(); // from the start again when at the end
    void pause();
    void togglePlay();
    void seek(qint64 t);
    void setSpeed(double speed); // clamped to [0.1, 10]

    static constexpr double MinSpeed = 0.1;
    static constexpr double MaxSpeed = 10;

signals:
    void playheadChanged(qint64 t);
    void stateChanged();

private:
    void tick();
    void moveLive(bool always = false);

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_liveStart = 0;
    qint64 m_liveEnd = -1;   // when holdLive() stopped the clock
    qint64 m_liveLimit = -1; // setLiveLimit()
    qint64 m_playhead = 0;
    qint64 m_duration = 0;
    double m_speed = 1;
    bool m_playing = false;
    bool m_live = false;
};

} // namespace procession::gui
