#include "codeview.h"

#include <QFontDatabase>

namespace procession::gui {

CodeView::CodeView(QWidget *parent) : QListWidget(parent)
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    setFont(mono);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setFocusPolicy(Qt::NoFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setResizeMode(QListView::Adjust);
    setWordWrap(true); // a long argument list wraps rather than hides
}

void CodeView::setLines(const QStringList &lines)
{
    clear();
    m_step = -1;
    for (int i = 0; i < lines.size(); ++i) {
        auto *item =
            new QListWidgetItem(QStringLiteral("%1  %2").arg(i + 1, 2).arg(lines.at(i)), this);
        if (lines.at(i).startsWith(QLatin1Char('#')))
            item->setForeground(palette().color(QPalette::PlaceholderText));
        item->setToolTip(lines.at(i));
    }
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
    scrollToItem(item(step));
}

} // namespace procession::gui
