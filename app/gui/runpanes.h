#pragma once

#include <QSplitter>

class QLabel;

namespace procession::gui {

class CodeView;
class ConsoleView;

// Under the timeline, side by side: the console (what the workers printed) and the recipe
// (the scenario's code, the step being played highlighted), each under a title that says
// which run they follow.
class RunPanes : public QSplitter
{
    Q_OBJECT

public:
    explicit RunPanes(QWidget *parent = nullptr);

    ConsoleView *console() const { return m_console; }
    CodeView *code() const { return m_code; }

    void showSingleTitles();
    // Compare mode: the panes follow the run of `scenarioId` on the top or bottom timeline.
    void showFollowedTitles(const QString &scenarioId, bool top);
    QString consoleTitle() const; // as plain text
    QString codeTitle() const;

private:
    QWidget *titled(QLabel *label, QWidget *pane);

    ConsoleView *m_console;
    CodeView *m_code;
    QLabel *m_consoleTitle;
    QLabel *m_codeTitle;
};

} // namespace procession::gui
