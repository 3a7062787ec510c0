#include "runpanes.h"

#include "codeview.h"
#include "consoleview.h"

#include <QLabel>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

namespace procession::gui {

RunPanes::RunPanes(QWidget *parent)
    : QSplitter(Qt::Horizontal, parent), m_console(new ConsoleView(this)),
      m_code(new CodeView(this)), m_consoleTitle(new QLabel(this)), m_codeTitle(new QLabel(this))
{
    m_console->setObjectName(QStringLiteral("console"));
    m_code->setObjectName(QStringLiteral("code"));
    m_consoleTitle->setObjectName(QStringLiteral("consoleTitle"));
    m_codeTitle->setObjectName(QStringLiteral("codeTitle"));
    addWidget(titled(m_consoleTitle, m_console));
    addWidget(titled(m_codeTitle, m_code));
    setStretchFactor(0, 1);
    setStretchFactor(1, 1);
}

QWidget *RunPanes::titled(QLabel *label, QWidget *pane)
{
    auto *box = new QWidget(this);
    auto *l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    label->setMargin(3);
    label->setTextFormat(Qt::RichText);
    // A long header is cut, it never widens its pane.
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    l->addWidget(label);
    l->addWidget(pane, 1);
    return box;
}

void RunPanes::showSingleTitles()
{
    m_consoleTitle->setToolTip(QString());
    m_codeTitle->setToolTip(QString());
    m_consoleTitle->setText(tr("<b>Console</b> — what the workers printed"));
    m_codeTitle->setText(tr("<b>Recipe</b> — the step being played is highlighted"));
}

void RunPanes::showFollowedTitles(const QString &scenarioId, bool top)
{
    const QString id = scenarioId.toHtmlEscaped();
    const QString where = top ? tr("top") : tr("bottom");
    const QString muted = palette().color(QPalette::PlaceholderText).name();
    m_consoleTitle->setText(tr("<b>Console</b> — %1 <span style='color:%3'>(%2 timeline)</span>")
                                .arg(id, where, muted));
    m_codeTitle->setText(
        tr("<b>Recipe</b> — %1 <span style='color:%3'>(%2 timeline)</span>").arg(id, where, muted));
    const QString hint = tr("The console and the recipe follow the timeline you last clicked "
                            "or rested the pointer on; Ctrl+S saves that run.");
    m_consoleTitle->setToolTip(hint);
    m_codeTitle->setToolTip(hint);
}

QString RunPanes::consoleTitle() const
{
    return QTextDocumentFragment::fromHtml(m_consoleTitle->text()).toPlainText();
}

QString RunPanes::codeTitle() const
{
    return QTextDocumentFragment::fromHtml(m_codeTitle->text()).toPlainText();
}

} // namespace procession::gui
