#pragma once

#include <QList>
#include <QObject>

class QAction;
class QComboBox;
class QToolBar;

namespace procession::gui {

class CompareView;
class RunController;
class TimelineView;

// Compare mode's state: the two runs (top and bottom timeline), the two scenario choosers
// in the toolbar, and which side the console, the recipe and Ctrl+S follow.
class CompareController : public QObject
{
    Q_OBJECT

public:
    CompareController(CompareView *view, QWidget *parent);

    CompareView *view() const { return m_view; }
    RunController *controller(int side) const { return side == 0 ? m_left : m_right; }
    TimelineView *timeline(int side) const;
    // The side (0 top, 1 bottom) showing this run, or -1 when it is not a compared run.
    int sideOf(const RunController *c) const;

    // Puts "A vs B" choosers into the toolbar; shown only in compare mode.
    void addChoosers(QToolBar *bar);
    void setChoosersVisible(bool visible);
    void setChoosersEnabled(bool enabled);
    void addScenario(const QString &id); // a scenario that may be compared
    void setScenarios(const QString &first, const QString &second);
    // Takes the choosers' current choice as the scenarios to run next.
    void takeChoice();
    QString chosenId(int side) const { return m_ids[side == 0 ? 0 : 1]; }
    // The scenario shown on a side: the run's, or else the one chosen.
    QString scenarioId(int side) const;

    int followedSide() const { return m_followSide; }
    bool setFollowedSide(int side); // false when it was already followed
    RunController *followed() const { return controller(m_followSide); }

    bool isRunning() const;
    qint64 duration() const; // the longer run's length

signals:
    void choiceChanged(); // the person picked another scenario in a chooser

private:
    CompareView *m_view;
    RunController *m_left;
    RunController *m_right;
    QComboBox *m_boxes[2] = {nullptr, nullptr};
    QList<QAction *> m_chooserActions;
    QString m_ids[2];
    int m_followSide = 1;
};

} // namespace procession::gui
