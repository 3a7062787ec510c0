#include "playbackcontrols.h"

#include "timescale.h"

#include <QComboBox>
#include <QLabel>
#include <QSlider>
#include <QToolBar>

#include <algorithm>

namespace procession::gui {

namespace {

const double kSpeeds[] = {0.1, 0.25, 0.5, 1, 2, 5, 10};
constexpr int ScrubSteps = 1000;

} // namespace

PlaybackControls::PlaybackControls(QWidget *parent)
    : QObject(parent), m_speed(new QComboBox(parent)), m_scrub(new QSlider(Qt::Horizontal, parent)),
      m_time(new QLabel(parent))
{
    for (double s : kSpeeds)
        m_speed->addItem(QString::number(s) + QStringLiteral("×"), s);
    m_speed->setCurrentIndex(3);
    m_speed->setToolTip(tr("Replay speed ([ slower, ] faster)"));
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int i) { emit speedChanged(m_speed->itemData(i).toDouble()); });
    m_scrub->setRange(0, ScrubSteps);
    m_scrub->setMinimumWidth(160);
    m_scrub->setToolTip(tr("Scrub through the run"));
    connect(m_scrub, &QSlider::sliderMoved, this,
            [this](int v) { emit scrubbedTo(double(v) / ScrubSteps); });
    m_time->setObjectName(QStringLiteral("playTime"));
    m_time->setMinimumWidth(130);
    m_time->setAlignment(Qt::AlignCenter);
}

void PlaybackControls::addTo(QToolBar *bar)
{
    bar->addWidget(m_speed);
    bar->addWidget(m_scrub);
    bar->addWidget(m_time);
}

void PlaybackControls::slower()
{
    m_speed->setCurrentIndex(std::max(0, m_speed->currentIndex() - 1));
}

void PlaybackControls::faster()
{
    m_speed->setCurrentIndex(std::min(m_speed->count() - 1, m_speed->currentIndex() + 1));
}

double PlaybackControls::speed() const
{
    return m_speed->currentData().toDouble();
}

void PlaybackControls::showPosition(qint64 t, qint64 d)
{
    m_scrub->blockSignals(true);
    m_scrub->setValue(d > 0 ? int(ScrubSteps * double(t) / double(d)) : 0);
    m_scrub->blockSignals(false);
    // The header's units ("replay 450 ms / 1.2 s"): the two read the same.
    m_time->setText(tr("%1 / %2").arg(formatDuration(double(t)), formatDuration(double(d))));
}

void PlaybackControls::setScrubEnabled(bool enabled)
{
    m_scrub->setEnabled(enabled);
}

} // namespace procession::gui
