#pragma once

#include "theme.h"

#include <QPlainTextEdit>

namespace procession::gui {

class TimelineModel;

// What the workers printed, in the order it arrived, each line coloured by its lane and
// shown once the playhead has reached it.
class ConsoleView : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit ConsoleView(QWidget *parent = nullptr);
    void setModel(const TimelineModel *model);
    void setPlayhead(qint64 t);
    void setTheme(const Theme &theme);
    int shownLines() const { return m_shown; }

private:
    void sync(bool rebuild);
    static QString formatTime(qint64 ns);

    const TimelineModel *m_model = nullptr;
    Theme m_theme = Theme::light();
    qint64 m_playhead = 0;
    int m_shown = 0;
};

} // namespace procession::gui
