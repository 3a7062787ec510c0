#pragma once

#include <QJsonObject>
#include <QString>

namespace procession {

class TraceModel;

// The report of a finished run, for `procession run`: the --json document and the
// short text a person reads in a terminal.
// compareFrom/compareTo: the scenario's two phases to compare ("compare" in its file), if any.
QJsonObject runReportJson(const TraceModel &model, bool ok, const QString &message,
                          const QString &compareFrom = {}, const QString &compareTo = {});
QString runReportText(const TraceModel &model, bool ok, const QString &message,
                      const QString &compareFrom = {}, const QString &compareTo = {});

// "start-up 5.41 s summed over 40 processes, 135 ms each": a sum says what it is summed over.
QString summedText(const QString &figure, double seconds, int count, const QString &one,
                   const QString &many);

} // namespace procession
