#pragma once

#include <memory>

#include "scenario.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;

namespace procession {
class ChromeTimeline;
}

namespace procession::gui {

class TimelineModel;

// One line of the scenario list: a scenario to run, or a saved run to replay.
struct ScenarioEntry
{
    Scenario scenario; // a scenario to run
    // or a saved run to replay: its model, built when the file was opened and shared with
    // the window's timeline and the saver (one copy of the events however often it is shown)
    std::shared_ptr<const TimelineModel> run;
    Scenario recorded; // the scenario a saved run played, when its trace kept it
    std::shared_ptr<const ChromeTimeline> timeline; // or another tool's trace to show
    QString path; // the file it came from; empty for a bundled scenario
    bool isTrace() const { return scenario.id.isEmpty(); }
};

// The left pane's top: the scenarios (bundled first, then files the person opened under
// "Opened") and a few lines on what the selected one teaches.
class ScenarioPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ScenarioPanel(QWidget *parent = nullptr);

    // False when a file already listed was opened again: its line is read anew, not repeated.
    bool addEntry(const ScenarioEntry &entry, bool select);
    const QList<ScenarioEntry> &entries() const { return m_entries; }
    int currentEntry() const; // index into entries() of the selected line, or -1
    const ScenarioEntry *current() const;
    const Scenario *scenarioById(const QString &id) const;
    bool selectScenario(const QString &id);
    void selectFirst();
    void setDescription(const QString &html);
    QListWidget *list() const { return m_list; }

signals:
    void entrySelected();  // the selection moved (to an entry or a heading)
    void entryActivated(); // double-click or Enter on an entry: run it

private:
    void describe(QListWidgetItem *item, const ScenarioEntry &entry) const;

    QList<ScenarioEntry> m_entries;
    QListWidget *m_list = nullptr;
    QListWidgetItem *m_openedHeading = nullptr; // "Opened", over the files opened
    QLabel *m_description = nullptr;
};

} // namespace procession::gui
