#pragma once

#include <QJsonObject>
#include <QString>

namespace procession {

class TraceModel;

// The report of a finished run, for `procession run`: the --json document and the
// short text a person reads in a terminal.
QJsonObject runReportJson(const TraceModel &model, bool ok, const QString &message);
QString runReportText(const TraceModel &model, bool ok, const QString &message);

} // namespace procession
