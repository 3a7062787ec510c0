#include "scenariodelegate.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QListView>
#include <QPainter>
#include <QScrollBar>

namespace procession::gui {

namespace {

QFont smallerFont(QFont f)
{
    f.setPointSizeF(f.pointSizeF() * 0.86);
    return f;
}

QFont headingFont(QFont f)
{
    f = smallerFont(f);
    f.setBold(true);
    return f;
}

// Between the text and the background: readable, but clearly second to the title.
QColor greyed(const QColor &text, const QColor &background)
{
    const double k = 0.42;
    return QColor::fromRgbF(text.redF() * (1 - k) + background.redF() * k,
                            text.greenF() * (1 - k) + background.greenF() * k,
                            text.blueF() * (1 - k) + background.blueF() * k);
}

constexpr auto TitleFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;

} // namespace

int ScenarioDelegate::textWidth(const QStyleOptionViewItem &option) const
{
    // The view's width, not option.rect's: a list asks for size hints before laying out.
    // Room for the scroll bar is kept even while it is hidden: when it appears the list does
    // not ask again, and titles wrapped for the wider row would overlap the next one.
    const auto *view = qobject_cast<const QAbstractItemView *>(option.widget);
    int w = view ? view->viewport()->width() : option.rect.width();
    if (view && !view->verticalScrollBar()->isVisible())
        w -= view->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, view);
    if (const auto *list = qobject_cast<const QListView *>(view))
        w -= 2 * list->spacing();
    return std::max(60, w - 2 * PadX);
}

QSize ScenarioDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int w = textWidth(option);
    if (index.data(HeadingRole).toBool()) {
        const QFontMetrics hfm(headingFont(option.font));
        return {w + 2 * PadX, hfm.height() + 2 * PadY + 6};
    }
    const QFontMetrics fm(option.font);
    const QFontMetrics sfm(smallerFont(option.font));
    const QRect title =
        fm.boundingRect(QRect(0, 0, w, 10000), TitleFlags, index.data(Qt::DisplayRole).toString());
    const QString sub = index.data(SubtitleRole).toString();
    const int h = title.height() + (sub.isEmpty() ? 0 : 1 + sfm.height());
    return {w + 2 * PadX, h + 2 * PadY};
}

void ScenarioDelegate::paint(QPainter *p, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QPalette &pal = opt.palette;
    const QRect r = opt.rect;
    p->save();
    if (index.data(HeadingRole).toBool()) {
        // A caption over a line: "OPENED ─────────".
        const QFont hf = headingFont(opt.font);
        const QFontMetrics hfm(hf);
        const QColor muted = greyed(pal.color(QPalette::Text), pal.color(QPalette::Base));
        const QString text = opt.text.toUpper();
        const int y = r.top() + PadY + 6;
        p->setFont(hf);
        p->setPen(muted);
        p->drawText(QRect(r.left() + PadX, y, r.width() - 2 * PadX, hfm.height()),
                    Qt::AlignLeft | Qt::AlignVCenter, text);
        const int lineX = r.left() + PadX + hfm.horizontalAdvance(text) + 8;
        const int lineY = y + hfm.height() / 2;
        p->setPen(QPen(greyed(muted, pal.color(QPalette::Base)), 1));
        p->drawLine(lineX, lineY, r.right() - PadX, lineY);
        p->restore();
        return;
    }

    // Background: selection and hover as the style draws them.
    opt.text.clear();
    const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, p, opt.widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const bool enabled = opt.state & QStyle::State_Enabled;
    // The group the style painted with: an inactive window's selection has colours of its
    // own on some systems (a pale one on Windows), and the active text colour on it is unreadable.
    const QPalette::ColorGroup group = !enabled                           ? QPalette::Disabled
                                       : opt.state & QStyle::State_Active ? QPalette::Active
                                                                          : QPalette::Inactive;
    const QColor text = pal.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor back = pal.color(group, selected ? QPalette::Highlight : QPalette::Base);

    // Wrapped as wide as sizeHint() assumed, so the title takes the lines it was given.
    QRect box = r.adjusted(PadX, PadY, -PadX, -PadY);
    box.setWidth(std::min(box.width(), textWidth(opt)));
    const QFontMetrics fm(opt.font);
    const QString title = index.data(Qt::DisplayRole).toString();
    const QRect titleRect =
        fm.boundingRect(QRect(box.left(), box.top(), box.width(), 10000), TitleFlags, title);
    p->setFont(opt.font);
    p->setPen(text);
    p->drawText(QRect(box.left(), box.top(), box.width(), titleRect.height()), TitleFlags, title);

    const QString sub = index.data(SubtitleRole).toString();
    if (!sub.isEmpty()) {
        const QFont sf = smallerFont(opt.font);
        const QFontMetrics sfm(sf);
        p->setFont(sf);
        p->setPen(greyed(text, back));
        p->drawText(
            QRect(box.left(), box.top() + titleRect.height() + 1, box.width(), sfm.height()),
            Qt::AlignLeft | Qt::AlignVCenter, sfm.elidedText(sub, Qt::ElideMiddle, box.width()));
    }
    p->restore();
}

} // namespace procession::gui
