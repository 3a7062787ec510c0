#include "comparecontroller.h"

#include "compareview.h"
#include "runcontroller.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "tracemodel.h"

#include <QComboBox>
#include <QLabel>
#include <QToolBar>

#include <algorithm>

namespace procession::gui {

CompareController::CompareController(CompareView *view, QWidget *parent)
    : QObject(parent), m_view(view), m_left(new RunController(parent)),
      m_right(new RunController(parent)), m_ids{QStringLiteral("greet-sequential"),
                                                QStringLiteral("greet-spawn")}
{}

TimelineView *CompareController::timeline(int side) const
{
    return side == 0 ? m_view->first() : m_view->second();
}

int CompareController::sideOf(const RunController *c) const
{
    return c == m_left ? 0 : c == m_right ? 1 : -1;
}

void CompareController::addChoosers(QToolBar *bar)
{
    auto *parent = static_cast<QWidget *>(this->parent());
    for (int side : {0, 1}) {
        m_boxes[side] = new QComboBox(parent);
        m_boxes[side]->setToolTip(side == 0 ? tr("Top timeline") : tr("Bottom timeline"));
        connect(m_boxes[side], &QComboBox::currentTextChanged, this,
                &CompareController::choiceChanged);
    }
    m_chooserActions << bar->addWidget(m_boxes[0]) << bar->addWidget(new QLabel(tr(" vs "), parent))
                     << bar->addWidget(m_boxes[1]);
}

void CompareController::setChoosersVisible(bool visible)
{
    for (QAction *a : std::as_const(m_chooserActions)) // the two choosers and " vs "
        a->setVisible(visible);
}

void CompareController::setChoosersEnabled(bool enabled)
{
    for (QComboBox *box : m_boxes)
        box->setEnabled(enabled);
}

void CompareController::addScenario(const QString &id)
{
    for (QComboBox *box : m_boxes)
        box->addItem(id);
    m_boxes[0]->setCurrentText(m_ids[0]);
    m_boxes[1]->setCurrentText(m_ids[1]);
}

void CompareController::setScenarios(const QString &first, const QString &second)
{
    m_ids[0] = first;
    m_ids[1] = second;
    m_boxes[0]->setCurrentText(first);
    m_boxes[1]->setCurrentText(second);
}

void CompareController::takeChoice()
{
    m_ids[0] = m_boxes[0]->currentText();
    m_ids[1] = m_boxes[1]->currentText();
}

QString CompareController::scenarioId(int side) const
{
    side = side == 0 ? 0 : 1;
    const RunController *c = controller(side);
    if (!c->model().isEmpty() && !c->model().trace().scenarioId().isEmpty())
        return c->model().trace().scenarioId();
    const QComboBox *box = m_boxes[side];
    return box && !box->currentText().isEmpty() ? box->currentText() : m_ids[side];
}

bool CompareController::setFollowedSide(int side)
{
    side = side == 0 ? 0 : 1;
    if (side == m_followSide)
        return false;
    m_followSide = side;
    return true;
}

bool CompareController::isRunning() const
{
    return m_left->isRunning() || m_right->isRunning();
}

qint64 CompareController::duration() const
{
    return std::max(m_left->model().duration(), m_right->model().duration());
}

} // namespace procession::gui
