#pragma once

#include <QListWidget>

namespace procession::gui {

// The scenario as recipe code, one line per step, with the step being played highlighted.
class CodeView : public QListWidget
{
    Q_OBJECT

public:
    explicit CodeView(QWidget *parent = nullptr);
    void setLines(const QStringList &lines);
    void setCurrentStep(int step); // -1: none yet
    int currentStep() const { return m_step; }
    bool isComment(int row) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void colourComments();

    int m_step = -1;
};

} // namespace procession::gui
