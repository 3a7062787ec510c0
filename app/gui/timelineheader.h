#pragma once

#include "timelineframe.h"

#include <QCoreApplication>
#include <QFont>
#include <QList>
#include <QRectF>
#include <QString>

class QColor;
class QPainter;

namespace procession {
struct RunSummary;
}

namespace procession::gui {

// One figure of the header: a muted name and a bold value ("wall 1.03 s"), and its tooltip:
// what it is and how it is worked out.
struct HeaderFigure
{
    QString name;
    QString value;
    QString tip; // rich text
};

// Figures drawn together; a bracketed group reads as the breakdown of the figure before it
// ("overhead 0.12 s (start-up …, dispatch …, return …)").
struct HeaderGroup
{
    QList<HeaderFigure> figures;
    bool bracketed = false;
};

// The figures placed in the header: each one's box (name and value, with a bracket before
// the first of a bracketed group or after its last), line after line when they do not fit.
struct HeaderLayout
{
    struct Placed
    {
        HeaderFigure figure;
        QRectF box;
        double nameX = 0;
        double valueX = 0;
        double baseline = 0;
        bool open = false;  // "(" before the name
        bool close = false; // ")" after the value
    };
    QList<Placed> figures;
    QFont name;
    QFont value;
    QString problems; // "1 failed call, 1 crash", in the failure colour
    QPointF problemsAt;
    double bottom = 0; // under the last line
    int lines = 0;
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
    // Where the figures go in a header `width` wide, from y = top.
    static HeaderLayout layout(const QList<HeaderGroup> &groups, const RunSummary &s,
                               const QFont &font, int width, double top);
    // The header's height for this frame: HeaderHeight, or taller when the figures wrap.
    static int height(const TimelineFrame &frame);
    // The figures as painted in this frame (the header's own summary unless frame.summary).
    static HeaderLayout layout(const TimelineFrame &frame);
    static double figuresTop(const QFont &font); // y of the figures' first line
    // The scenario's lesson in the title's place, once both its phases have been played.
    QString lessonText() const;
    // The figures as one line of text ("wall 1.03 s · work 4.00 s · speedup 3.88× ...").
    static QString summaryText(const RunSummary &s);
    // "4.00 s" (two decimals from a second up, so two runs' figures line up), else ms/µs.
    static QString secondsText(double s);

private:
    QString status(QColor *color) const;
    void paintFigures(QPainter &p) const;

    const TimelineFrame &m_f;
    bool m_arrowsHidden = false;
};

} // namespace procession::gui
