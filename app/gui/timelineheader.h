#pragma once

#include "timelineframe.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

class QColor;
class QPainter;

namespace procession {
struct RunSummary;
}

namespace procession::gui {

// One figure of the header: a muted name and a bold value ("wall 1.03 s").
struct HeaderFigure
{
    QString name;
    QString value;
};

// Figures drawn together; a bracketed group reads as the breakdown of the figure before it
// ("overhead 0.12 s (start-up …, dispatch …, return …)").
struct HeaderGroup
{
    QList<HeaderFigure> figures;
    bool bracketed = false;
};

// The strip over the timeline: the run's title, its state (live, finished, replay), and
// the figures that matter, computed at the playhead.
class TimelineHeader
{
    Q_DECLARE_TR_FUNCTIONS(TimelineHeader)

public:
    TimelineHeader(const TimelineFrame &frame, bool arrowsHidden)
        : m_f(frame), m_arrowsHidden(arrowsHidden)
    {}

    void paint(QPainter &p) const;

    // The run's figures at the playhead: live, now; in a replay, the trace cut there.
    static RunSummary summary(const TimelineModel *model, qint64 playhead);
    static QList<HeaderGroup> figures(const RunSummary &s);
    // The figures as one line of text ("wall 1.03 s · work 4.00 s · speedup 3.88× ...").
    static QString summaryText(const RunSummary &s);
    // "4.00 s" (two decimals from a second up, so two runs' figures line up), else ms/µs.
    static QString secondsText(double s);

private:
    QString status(QColor *color) const;
    QString lessonText() const; // empty until both phases have been played
    void paintFigures(QPainter &p, double y, const RunSummary &s) const;

    const TimelineFrame &m_f;
    bool m_arrowsHidden = false;
};

} // namespace procession::gui
