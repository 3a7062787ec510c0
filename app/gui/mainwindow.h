#pragma once

#include "scenario.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTextBrowser;

namespace procession::gui {

class CodeView;
class CompareController;
class CompareView;
class ConsoleView;
class ForeignTraceView;
class Playback;
class PlaybackControls;
class RunController;
class RunPanes;
class ScenarioPanel;
struct ScenarioEntry;
class TimelineModel;
class TimelineView;
class WindowActions;

// The window: scenarios on the left (ScenarioPanel), the timeline (or two, in compare
// mode: CompareController) in the middle, the console and the recipe code below, the
// selected call's details on the left. Files through TraceFileActions, help HelpDialogs.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // workerProgram: the executable to start in worker mode (empty: this program).
    explicit MainWindow(const QString &workerProgram = QString(), QWidget *parent = nullptr);
    ~MainWindow() override;

    bool selectScenario(const QString &id);
    QString selectedScenarioId() const;
    // *cancelled: the person cancelled the opening of a trace (the window is as it was).
    bool openFile(const QString &path, QString *error = nullptr, bool *cancelled = nullptr);
    // Files that could not be opened, said in the window (a message box that does not block,
    // and the status bar): for a start from the desktop, where no terminal shows stderr.
    void showOpenErrors(const QStringList &errors);
    // Loads a task library: its functions join the bundled ones (not while a run goes on).
    bool loadTaskLibrary(const QString &path, QString *error = nullptr);
    bool saveTrace(const QString &path, QString *error = nullptr);
    bool exportImage(const QString &path, QString *error = nullptr);
    // The scenario shown (selected, or the saved run's) as a Python program.
    bool exportPython(const QString &path, QString *error = nullptr);
    void setCompareScenarios(const QString &first, const QString &second);
    void setCompareMode(bool on);
    bool inCompareMode() const { return m_compareMode; }
    // Compare mode: which timeline (0 top, 1 bottom) the console, the recipe and Ctrl+S
    // follow: the one last clicked or hovered; the bottom one at first.
    void setFollowedSide(int side);
    int followedSide() const;
    void setDarkPalette(bool dark);
    // Window geometry, pane sizes and palette from the last launch; saved again on close.
    void restoreSettings();

    // Shows [from, to] (ns from the run's start) on the visible timeline(s).
    void zoomTo(qint64 from, qint64 to);
    // Shows the call with this id from its dispatch to its result, with a margin either side.
    bool zoomToCall(qint64 id);
    // Selects the call with this id on the followed (in compare mode, at first the bottom)
    // timeline and shows its details.
    bool selectCall(qint64 id);

    void run(); // the selected scenario, or both in compare mode
    void stop();
    bool isRunning() const;

    RunController *controller() const { return m_single; }
    RunController *compareController(int side) const;
    TimelineView *timeline() const { return m_timeline; }
    CompareView *compareView() const { return m_compare; }
    ConsoleView *console() const { return m_console; }
    CodeView *codeView() const { return m_code; }
    Playback *playback() const { return m_playback; }
    QTextBrowser *details() const { return m_details; }
    QString consoleTitle() const; // the headers above the console and the recipe, as text
    QString codeTitle() const;

signals:
    void runFinished(); // the run (or both compared runs) ended

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildActions();
    void buildUi();
    void fitToScreen();
    void addEntry(const ScenarioEntry &entry, bool select);
    void onEntrySelected();
    void onStarted(RunController *c);
    void onEvents(RunController *c);
    void onRunnerEnded(); // a run is over; its last events are being drawn
    void updateLiveLimit(); // the live playhead waits for the events not yet drawn
    void onFinished(RunController *c);
    void onPlayhead(qint64 t);
    void onCallClicked(TimelineView *view, qsizetype call);
    void updateActions();
    void showDetails(const TimelineModel *model, qsizetype call);
    void stepEvent(bool forward);
    const Scenario *scenarioById(const QString &id) const;
    const TimelineModel &activeModel() const; // the one the console and code panel follow
    RunController *activeController() const;
    void updateFollowed(); // console, recipe and headers to the followed run
    bool showingForeignTrace() const;
    qint64 playDuration() const;
    void applyTheme();
    void saveSettings() const;
    void openDialog();
    void loadTasksDialog();
    void saveDialog();
    void exportDialog();
    void exportPythonDialog();

    QString m_workerProgram;
    bool m_compareMode = false;
    bool m_dark = false;
    bool m_useSettings = false;
    bool m_stopping = false; // Stop was pressed; the run ends once its events are drawn

    RunController *m_single;
    RunController *m_left = nullptr; // owned by the window, run by m_comparing
    RunController *m_right = nullptr;
    Playback *m_playback;
    CompareController *m_comparing = nullptr;

    QSplitter *m_mainSplit = nullptr;
    QSplitter *m_centerSplit = nullptr;
    RunPanes *m_panes = nullptr;
    QSplitter *m_sideSplit = nullptr;
    ScenarioPanel *m_scenarios = nullptr;
    QTextBrowser *m_details = nullptr;
    QStackedWidget *m_stack = nullptr;
    ForeignTraceView *m_foreign = nullptr; // another tool's trace
    TimelineView *m_timeline = nullptr;
    CompareView *m_compare = nullptr;
    ConsoleView *m_console = nullptr;
    CodeView *m_code = nullptr;
    PlaybackControls *m_playControls = nullptr;
    WindowActions *m_actions = nullptr;
};

} // namespace procession::gui
