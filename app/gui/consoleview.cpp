#include "consoleview.h"

#include "timelinemodel.h"

#include <QFontDatabase>

namespace procession::gui {

ConsoleView::ConsoleView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(
        tr("Worker output appears here, coloured by lane, in the order it arrives."));
    setMaximumBlockCount(20000);
}

void ConsoleView::setModel(const TimelineModel *model)
{
    m_model = model;
    sync(true);
}

void ConsoleView::setTheme(const Theme &theme)
{
    m_theme = theme;
    sync(true);
}

void ConsoleView::setPlayhead(qint64 t)
{
    const bool back = t < m_playhead;
    m_playhead = t;
    sync(back);
}

void ConsoleView::sync(bool rebuild)
{
    if (rebuild) {
        clear();
        m_shown = 0;
    }
    if (!m_model)
        return;
    const QList<OutputLine> &lines = m_model->trace().outputs();
    QString html;
    int n = m_shown;
    for (; n < lines.size(); ++n) {
        const OutputLine &o = lines.at(n);
        if (m_model->relative(o.t) > m_playhead)
            break; // arrival order: the rest came later
        const TimelineLane *lane = nullptr;
        const int row = m_model->rowOfLane(o.lane);
        if (row >= 0)
            lane = &m_model->lanes().at(row);
        const QString who = lane ? lane->name : QStringLiteral("lane %1").arg(o.lane);
        if (!html.isEmpty())
            html += QStringLiteral("<br>");
        html += QStringLiteral("<span style='color:%1'>%2</span> <span style='color:%3'>%4</span>")
                    .arg(m_theme.mutedText.name(),
                         QStringLiteral("[%1 %2]").arg(who.toHtmlEscaped(),
                                                       formatTime(m_model->relative(o.t))),
                         m_theme.laneColor(o.lane).name(), o.text.toHtmlEscaped());
    }
    if (n > m_shown) {
        appendHtml(html);
        m_shown = n;
    }
}

QString ConsoleView::formatTime(qint64 ns)
{
    return QString::number(double(ns) / 1e9, 'f', 3) + QStringLiteral(" s");
}

} // namespace procession::gui
