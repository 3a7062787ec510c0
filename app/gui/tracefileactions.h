#pragma once

#include <QCoreApplication>
#include <QString>

class QColor;
class QWidget;

namespace procession {
struct Scenario;
}

namespace procession::gui {

class TimelineModel;
struct ScenarioEntry;

// The window's File menu, apart from the window: reading a saved run or a scenario file,
// saving a run's trace, exporting the timeline as PNG or SVG, and the dialogs that ask
// for the paths. Each returns false with one sentence in *error when it cannot.
class TraceFileActions
{
    Q_DECLARE_TR_FUNCTIONS(TraceFileActions)

public:
    // A Chrome trace Procession saved becomes a saved run; anything else must be a scenario.
    // Traces (ours or another tool's) are read on a worker thread with a progress dialog;
    // *cancelled says whether the person cancelled it there.
    static bool read(const QString &path, ScenarioEntry *entry, QString *error,
                     QWidget *progressParent = nullptr, bool *cancelled = nullptr);
    // `scenarioText`: the scenario's JSON, kept in the trace for its recipe (may be empty).
    static bool save(const TimelineModel &model, const QString &path, QString *error,
                     const QByteArray &scenarioText = {});
    static bool exportImage(QWidget *widget, const QString &path, const QString &title,
                            const QColor &background, QString *error);

    // Empty when the person cancels.
    static QString askOpenPath(QWidget *parent);
    static QString askSavePath(QWidget *parent, const QString &title, const QString &scenarioId);
    static QString askExportPath(QWidget *parent, const QString &scenarioId);
    static QString askPythonPath(QWidget *parent, const QString &scenarioId);
    // The scenario as a Python program (pythonprogram.h).
    static bool savePython(const Scenario &scenario, const QString &path, QString *error);
};

} // namespace procession::gui
