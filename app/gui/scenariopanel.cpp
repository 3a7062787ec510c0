#include "scenariopanel.h"

#include "chrometimeline.h"

#include "scenariodelegate.h"
#include "timelinemodel.h"

#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace procession::gui {

ScenarioPanel::ScenarioPanel(QWidget *parent) : QWidget(parent)
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("scenarios"));
    m_list->setItemDelegate(new ScenarioDelegate(m_list));
    m_list->setSpacing(2);
    m_list->setResizeMode(QListView::Adjust); // titles re-wrap when the pane is resized
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_list, &QListWidget::currentRowChanged, this, &ScenarioPanel::entrySelected);
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (item->data(ScenarioDelegate::EntryRole).toInt() >= 0)
            emit entryActivated();
    });
    m_description = new QLabel(this);
    m_description->setWordWrap(true);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setTextFormat(Qt::RichText);
    m_description->setMargin(6);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *title = new QLabel(tr("<b>Scenarios</b>"), this);
    title->setMargin(4);
    layout->addWidget(title);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_description);
}

bool ScenarioPanel::addEntry(const ScenarioEntry &entry, bool select)
{
    const QString canonical =
        entry.path.isEmpty() ? QString() : QFileInfo(entry.path).canonicalFilePath();
    for (int i = 0; i < m_list->count() && !canonical.isEmpty(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        const int e = item->data(ScenarioDelegate::EntryRole).toInt();
        if (e < 0 || e >= m_entries.size() || m_entries[e].path.isEmpty() ||
            QFileInfo(m_entries[e].path).canonicalFilePath() != canonical)
            continue;
        m_entries[e] = entry;
        describe(item, entry);
        if (select && m_list->currentItem() == item)
            emit entrySelected(); // shown anew
        else if (select)
            m_list->setCurrentItem(item);
        return false;
    }
    m_entries.append(entry);
    if (!entry.path.isEmpty() && !m_openedHeading) {
        // Files the person opened go under their own heading, after the bundled scenarios.
        m_openedHeading = new QListWidgetItem(tr("Opened"), m_list);
        m_openedHeading->setFlags(Qt::NoItemFlags);
        m_openedHeading->setData(ScenarioDelegate::HeadingRole, true);
        m_openedHeading->setData(ScenarioDelegate::EntryRole, -1);
    }
    auto *item = new QListWidgetItem(m_list);
    item->setData(ScenarioDelegate::EntryRole, int(m_entries.size() - 1));
    describe(item, entry);
    if (select)
        m_list->setCurrentItem(item);
    return true;
}

void ScenarioPanel::describe(QListWidgetItem *item, const ScenarioEntry &entry) const
{
    if (entry.timeline) {
        item->setText(tr("Trace: %1").arg(QFileInfo(entry.path).fileName()));
        item->setData(ScenarioDelegate::SubtitleRole, tr("%1 processes, %2 threads")
                                                          .arg(entry.timeline->processes().size())
                                                          .arg(entry.timeline->threadLanes()));
        item->setToolTip(entry.path);
    } else if (entry.isTrace()) {
        item->setText(tr("Saved run: %1").arg(QFileInfo(entry.path).fileName()));
        item->setData(ScenarioDelegate::SubtitleRole,
                      entry.run ? entry.run->trace().scenarioId() : QString());
        item->setToolTip(entry.path);
    } else {
        item->setText(entry.scenario.title);
        item->setData(ScenarioDelegate::SubtitleRole, entry.scenario.id);
        item->setToolTip(entry.path.isEmpty()
                             ? entry.scenario.description
                             : entry.scenario.description + QStringLiteral("\n\n") + entry.path);
    }
}

const Scenario *ScenarioPanel::scenarioById(const QString &id) const
{
    for (const ScenarioEntry &e : m_entries)
        if (!e.isTrace() && e.scenario.id == id)
            return &e.scenario;
    return nullptr;
}

bool ScenarioPanel::selectScenario(const QString &id)
{
    for (int i = 0; i < m_list->count(); ++i) {
        const int e = m_list->item(i)->data(ScenarioDelegate::EntryRole).toInt();
        if (e >= 0 && e < m_entries.size() && !m_entries[e].isTrace() &&
            m_entries[e].scenario.id == id) {
            m_list->setCurrentRow(i);
            return true;
        }
    }
    return false;
}

void ScenarioPanel::selectFirst()
{
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

int ScenarioPanel::currentEntry() const
{
    const QListWidgetItem *item = m_list->currentItem();
    const int e = item ? item->data(ScenarioDelegate::EntryRole).toInt() : -1;
    return e >= 0 && e < m_entries.size() ? e : -1;
}

const ScenarioEntry *ScenarioPanel::current() const
{
    const int e = currentEntry();
    return e >= 0 ? &m_entries[e] : nullptr;
}

void ScenarioPanel::setDescription(const QString &html)
{
    m_description->setText(html);
}

} // namespace procession::gui
