#pragma once

#include <QObject>

class QComboBox;
class QLabel;
class QSlider;
class QToolBar;

namespace procession::gui {

// The toolbar's replay controls: the speed (0.1× to 10×), a scrub slider over the run and
// the time shown, in the header's units ("450 ms / 1.2 s").
class PlaybackControls : public QObject
{
    Q_OBJECT

public:
    explicit PlaybackControls(QWidget *parent);

    void addTo(QToolBar *bar);
    void slower();
    void faster();
    double speed() const;
    // Where the playhead is, out of how long (live: the run so far).
    void showPosition(qint64 t, qint64 duration);
    void setScrubEnabled(bool enabled);

signals:
    void speedChanged(double speed);
    void scrubbedTo(double fraction); // 0 to 1 of the run

private:
    QComboBox *m_speed;
    QSlider *m_scrub;
    QLabel *m_time;
};

} // namespace procession::gui
