#pragma once

#include "scenario.h"
#include "traceevent.h"

#include <QMainWindow>

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QSlider;
class QSplitter;
class QStackedWidget;
class QTextBrowser;

namespace procession::gui {

class CodeView;
class CompareView;
class ConsoleView;
class Playback;
class RunController;
class TimelineModel;
class TimelineView;

// The window: scenarios on the left, the timeline (or two, in compare mode) in the
// middle, the console and the recipe code below, the selected call's details on the left.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // workerProgram: the executable to start in worker mode (empty: this program).
    explicit MainWindow(const QString &workerProgram = QString(), QWidget *parent = nullptr);
    ~MainWindow() override;

    bool selectScenario(const QString &id);
    QString selectedScenarioId() const;
    bool openFile(const QString &path, QString *error = nullptr);
    bool saveTrace(const QString &path, QString *error = nullptr);
    bool exportImage(const QString &path, QString *error = nullptr);
    void setCompareScenarios(const QString &first, const QString &second);
    void setCompareMode(bool on);
    bool inCompareMode() const { return m_compareMode; }
    // Compare mode: which timeline (0 top, 1 bottom) the console, the recipe and Ctrl+S
    // follow: the one last clicked or hovered; the bottom one at first.
    void setFollowedSide(int side);
    int followedSide() const { return m_followSide; }
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
    RunController *compareController(int side) const { return side == 0 ? m_left : m_right; }
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
    struct Entry
    {
        Scenario scenario;        // a scenario to run
        QList<TraceEvent> events; // or a saved run to replay
        QString path;
        bool isTrace() const { return scenario.id.isEmpty(); }
    };

    void buildActions();
    void buildUi();
    void addEntry(const Entry &entry, bool select);
    void onEntrySelected();
    int currentEntry() const; // index into m_entries of the selected list item, or -1
    void onStarted(RunController *c);
    void onEvents(RunController *c);
    void onFinished(RunController *c);
    void onPlayhead(qint64 t);
    void onCallClicked(TimelineView *view, qsizetype call);
    void updateActions();
    void showDetails(const TimelineModel *model, qsizetype call);
    void stepEvent(bool forward);
    const Scenario *scenarioById(const QString &id) const;
    const TimelineModel &activeModel() const; // the one the console and code panel follow
    RunController *activeController() const;
    QString compareScenarioId(int side) const; // the run shown, or else the one chosen
    void updateFollowed();                     // console, recipe and headers to the followed run
    qint64 playDuration() const;
    void applyTheme();
    void saveSettings() const;
    void openDialog();
    void saveDialog();
    void exportDialog();
    void showHelp();
    void showAbout();

    QString m_workerProgram;
    QList<Entry> m_entries;
    QString m_compareIds[2] = {QStringLiteral("greet-sequential"), QStringLiteral("greet-spawn")};
    bool m_compareMode = false;
    int m_followSide = 1;
    bool m_dark = false;
    bool m_useSettings = false;
    QList<QAction *> m_compareBarActions;

    RunController *m_single;
    RunController *m_left;
    RunController *m_right;
    Playback *m_playback;

    QSplitter *m_mainSplit = nullptr;
    QSplitter *m_centerSplit = nullptr;
    QSplitter *m_bottomSplit = nullptr;
    QSplitter *m_sideSplit = nullptr;
    QListWidget *m_list = nullptr;
    QListWidgetItem *m_openedHeading = nullptr; // "Opened", over the files opened
    QLabel *m_description = nullptr;
    QTextBrowser *m_details = nullptr;
    QLabel *m_consoleTitle = nullptr;
    QLabel *m_codeTitle = nullptr;
    QStackedWidget *m_stack = nullptr;
    TimelineView *m_timeline = nullptr;
    CompareView *m_compare = nullptr;
    ConsoleView *m_console = nullptr;
    CodeView *m_code = nullptr;
    QComboBox *m_speed = nullptr;
    QComboBox *m_compareA = nullptr;
    QComboBox *m_compareB = nullptr;
    QSlider *m_scrub = nullptr;
    QLabel *m_time = nullptr;

    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_compareAction = nullptr;
    QAction *m_playAction = nullptr;
    QAction *m_prevAction = nullptr;
    QAction *m_nextAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_darkAction = nullptr;
    QAction *m_slowerAction = nullptr;
    QAction *m_fasterAction = nullptr;
};

} // namespace procession::gui
