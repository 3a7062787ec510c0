#pragma once

#include <QCborValue>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace procession {

class TraceModel;
struct Problem;
struct RunResult;

// The report of a finished run, for `procession run`: the --json document and the
// short text a person reads in a terminal.
// compareFrom/compareTo: the scenario's two phases to compare ("compare" in its file), if any.
// run: its problems (one sentence each) and, when kept, each call's arguments and value,
// given as JSON values beside their display text.
QJsonObject runReportJson(const TraceModel &model, bool ok, const RunResult &run,
                          const QString &compareFrom = {}, const QString &compareTo = {});
// A run's problems as a person reads them: calls that failed with the same cause as one
// before them (a crash fails everything queued on the worker: "sleep(1) never ran: worker
// 2 (pid 4812) crashed …") folded into "… and 1,674 more calls failed the same way", and
// at most `shown` distinct problems, then how many more there are.
QStringList summarizedProblems(const QList<Problem> &problems, int shown = 4);
// A call's value as JSON: bytes as {"base64": "…"}, maps as objects, a number JSON cannot
// hold (NaN, infinity) or an undefined value as null.
QJsonValue callValueJson(const QCborValue &value);
QString runReportText(const TraceModel &model, bool ok, const QString &message,
                      const QString &compareFrom = {}, const QString &compareTo = {});

// "start-up 5.41 s summed over 40 processes, 135 ms each": a sum says what it is summed over.
QString summedText(const QString &figure, double seconds, int count, const QString &one,
                   const QString &many);

} // namespace procession
