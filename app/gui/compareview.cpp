#include "compareview.h"

#include "comparison.h"

#include "timelinemodel.h"
#include "timelineview.h"
#include "timescale.h"

#include <QLabel>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace procession::gui {

CompareView::CompareView(QWidget *parent)
    : QWidget(parent), m_first(new TimelineView(this)), m_second(new TimelineView(this)),
      m_headline(new QLabel(this)), m_subline(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 2.1);
    big.setBold(true);
    m_headline->setFont(big);
    m_headline->setAlignment(Qt::AlignCenter);
    m_headline->setWordWrap(true); // a long verdict wraps instead of widening the window
    m_headline->setObjectName(QStringLiteral("compareHeadline"));
    m_subline->setAlignment(Qt::AlignCenter);
    m_subline->setWordWrap(true);
    layout->addWidget(m_headline);
    layout->addWidget(m_subline);
    layout->addWidget(m_first, 1);
    layout->addWidget(m_second, 1);

    // One time axis: zooming or panning one view moves the other.
    connect(m_first, &TimelineView::rangeChanged, m_second, &TimelineView::setVisibleRange);
    connect(m_second, &TimelineView::rangeChanged, m_first, &TimelineView::setVisibleRange);
    refresh();
}

double CompareView::ratio() const
{
    const double a = m_first->model() ? m_first->summary().wallS : 0;
    const double b = m_second->model() ? m_second->summary().wallS : 0;
    return a > 0 && b > 0 ? a / b : 0;
}

QString CompareView::headline() const
{
    return m_headline->text().remove(QRegularExpression(QStringLiteral("<[^>]*>")));
}

void CompareView::refresh()
{
    const TimelineModel *a = m_first->model();
    const TimelineModel *b = m_second->model();
    const qint64 longest = std::max(a ? a->duration() : 0, b ? b->duration() : 0);
    m_first->setFitDuration(longest);
    m_second->setFitDuration(longest);
    if (!a || !b || a->isEmpty() || b->isEmpty()) {
        m_headline->setText(tr("Compare two runs on one time axis"));
        m_subline->setText(tr("Press Run (F5) to run both scenarios side by side."));
        return;
    }
    const double wa = m_first->summary().wallS, wb = m_second->summary().wallS;
    const bool done = a->trace().finished() && b->trace().finished();
    const double r = ratio();
    QString verdict;
    // Wall times of two runs that make different calls are no speedup: say so instead.
    const bool same = procession::sameCalls(a->trace(), b->trace());
    if (!done)
        verdict = tr("running…");
    else if (!same)
        verdict = tr("not the same work (different calls): no speedup");
    else if (r >= 1)
        verdict = tr("%1× faster").arg(QString::number(r, 'f', 2));
    else if (r > 0)
        verdict = tr("%1× slower").arg(QString::number(1 / r, 'f', 2));
    const QColor accent = !same ? QColor(0x9a6700) : r >= 1 ? QColor(0x1f8a4c) : QColor(0xd23b2e);
    const QColor color =
        palette().color(QPalette::Window).lightness() < 128 ? accent.lighter(150) : accent;
    auto secs = [](double v) -> QString {
        return QString::number(v, 'f', 2) + QStringLiteral(" s");
    };
    m_headline->setText(QStringLiteral("%1 → %2, <span style='color:%3'>%4</span>")
                            .arg(secs(wa), secs(wb), color.name(), verdict));
    // Each timeline gets room for its lanes: one main lane needs less than five.
    auto *box = static_cast<QVBoxLayout *>(layout());
    box->setStretchFactor(m_first, 3 + int(a->lanes().size()));
    box->setStretchFactor(m_second, 3 + int(b->lanes().size()));
    m_subline->setText(
        tr("<b>%1</b> (top) against <b>%2</b> (bottom): wall time from the first event to the last")
            .arg(a->trace().scenarioId().toHtmlEscaped(), b->trace().scenarioId().toHtmlEscaped()));
}

} // namespace procession::gui
