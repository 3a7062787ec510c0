#pragma once

#include "timelineframe.h"

#include <QCoreApplication>
#include <QPointF>
#include <QString>

namespace procession {
struct RunSummary;
}

namespace procession::gui {

// The timeline's tooltips, as rich text, from the same const view the renderer paints.
class TimelineTips
{
    Q_DECLARE_TR_FUNCTIONS(TimelineTips)

public:
    explicit TimelineTips(const TimelineFrame &frame) : m_f(frame) {}

    QString at(QPointF pos) const; // empty: nothing to say there

private:
    QString phaseTip(QPointF pos) const;
    QString busyTip(QPointF pos) const;
    QString headerTip(QPointF pos) const;
    static QString phaseFiguresText(const RunSummary &figures);

    const TimelineFrame &m_f;
};

} // namespace procession::gui
