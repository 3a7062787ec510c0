#include "codeview.h"

#include <QEvent>
#include <QFontDatabase>
#include <QScrollBar>

namespace procession::gui {

namespace {
constexpr int CommentRole = Qt::UserRole + 1;
}

CodeView::CodeView(QWidget *parent) : QListWidget(parent)
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    setFont(mono);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setFocusPolicy(Qt::NoFocus);
    // Code does not wrap: a long argument list scrolls sideways (its tooltip has it all),
    // so each step stays one line and the line numbers stay in their column.
    setWordWrap(false);
    setTextElideMode(Qt::ElideNone);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
}

void CodeView::setLines(const QStringList &lines)
{
    clear();
    m_step = -1;
    for (int i = 0; i < lines.size(); ++i) {
        auto *item =
            new QListWidgetItem(QStringLiteral("%1  %2").arg(i + 1, 2).arg(lines.at(i)), this);
        item->setData(CommentRole, lines.at(i).trimmed().startsWith(QLatin1Char('#')));
        item->setToolTip(lines.at(i));
    }
    colourComments();
}

bool CodeView::isComment(int row) const
{
    const QListWidgetItem *it = item(row);
    return it && it->data(CommentRole).toBool();
}

// Comments are muted; the colour comes from the palette in force, so it is set again
// whenever the palette changes (the dark palette toggled while a recipe is shown).
void CodeView::colourComments()
{
    const QColor muted = palette().color(QPalette::PlaceholderText);
    for (int i = 0; i < count(); ++i)
        if (isComment(i))
            item(i)->setForeground(muted);
}

void CodeView::changeEvent(QEvent *event)
{
    QListWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        colourComments();
}

void CodeView::setCurrentStep(int step)
{
    if (step == m_step)
        return;
    m_step = step;
    if (step < 0 || step >= count()) {
        clearSelection();
        setCurrentRow(-1);
        return;
    }
    setCurrentRow(step);
    // Keep the highlighted line in sight vertically without jumping sideways.
    const int x = horizontalScrollBar()->value();
    scrollToItem(item(step));
    horizontalScrollBar()->setValue(x);
}

} // namespace procession::gui
