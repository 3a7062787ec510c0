#pragma once

#include <QWidget>

class QLabel;

namespace procession::gui {

class TimelineView;

// Two runs on two timelines that share one time axis, under the one sentence that
// matters: "4.00 s → 1.01 s, 3.96× faster".
class CompareView : public QWidget
{
    Q_OBJECT

public:
    explicit CompareView(QWidget *parent = nullptr);

    TimelineView *first() const { return m_first; }
    TimelineView *second() const { return m_second; }
    // Recomputes the headline and the shared length after new events.
    void refresh();
    QString headline() const; // plain text of the big line
    // first / second wall time; 0 while unknown.
    double ratio() const;

private:
    TimelineView *m_first;
    TimelineView *m_second;
    QLabel *m_headline;
    QLabel *m_subline;
};

} // namespace procession::gui
