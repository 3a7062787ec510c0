#pragma once

#include <QString>

namespace procession::gui {

class TimelineModel;

// What happened at instant t (ns from the run's start), in words, for the status bar when
// `,` and `.` step between events: "worker 2 began square(3)", "main printed "hello"".
// Several events at one instant: the first, and how many more. Empty: nothing happened at t.
QString eventsAt(const TimelineModel &model, qint64 t);

} // namespace procession::gui
