#pragma once

#include <QString>

namespace procession::gui {

class TimelineModel;

// The details of one call as HTML: function, arguments, result or error, worker, pid,
// its four times (dispatch, begin, end, result) and the gaps between them.
QString callDetailsHtml(const TimelineModel &model, qsizetype callIndex);

} // namespace procession::gui
