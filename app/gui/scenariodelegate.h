#pragma once

#include <QStyledItemDelegate>

namespace procession::gui {

// Draws an entry of the scenario list as two lines: the title in the normal font (wrapped
// when long), the id below it smaller and greyed; a heading row ("Opened") as a small
// caption over a separator line.
class ScenarioDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    enum Role
    {
        EntryRole = Qt::UserRole, // int: index into the window's entries; -1 for a heading
        SubtitleRole,             // QString: the line under the title (the scenario's id)
        HeadingRole,              // bool: a heading, not an entry
    };

    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static constexpr int PadX = 8;
    static constexpr int PadY = 5;

private:
    int textWidth(const QStyleOptionViewItem &option) const;
};

} // namespace procession::gui
