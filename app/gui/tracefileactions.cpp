#include "tracefileactions.h"

#include "chrometrace.h"
#include "inputfile.h"
#include "outputfile.h"
#include "pythonprogram.h"
#include "scenariopanel.h"
#include "timelinemodel.h"
#include "traceopener.h"

#include <QBuffer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#if defined(PROCESSION_HAVE_SVG)
#include <QSvgGenerator>
#endif
#include <QWidget>

#include <algorithm>

namespace procession::gui {

bool TraceFileActions::read(const QString &path, ScenarioEntry *entry, QString *error,
                            QWidget *progressParent, bool *cancelled)
{
    if (cancelled)
        *cancelled = false;
    if (!QFileInfo(path).isFile()) {
        // Says what it is instead (a FIFO, a device, a directory), without reading from it.
        QByteArray nothing;
        QString why;
        InputFile::read(path, 0, &nothing, &why);
        if (error)
            *error = tr("%1: %2").arg(path, why.isEmpty() ? tr("not a regular file") : why);
        return false;
    }
    ScenarioEntry e;
    e.path = path;
    if (looksLikeTrace(path)) {
        // Our own trace or another tool's: the one reader, on a worker thread, and a saved
        // run's model built there too.
        OpenedTrace t = openTraceWithProgress(progressParent, path);
        if (cancelled)
            *cancelled = t.loaded.status == TraceReadStatus::Cancelled;
        if (t.loaded.status != TraceReadStatus::Ok) {
            if (error)
                *error = tr("%1: %2").arg(path, t.loaded.error);
            return false;
        }
        if (t.loaded.own) {
            e.run = std::move(t.run);
            e.recorded = std::move(t.recorded);
        } else {
            e.timeline = std::make_shared<const ChromeTimeline>(std::move(t.loaded.timeline));
        }
        *entry = std::move(e);
        return true;
    }
    QString why;
    if (!loadScenarioFile(path, &e.scenario, &why)) {
        if (error)
            *error = why;
        return false;
    }
    *entry = e;
    return true;
}

bool TraceFileActions::save(const TimelineModel &model, const QString &path, QString *error,
                            const QByteArray &scenarioText)
{
    if (model.isEmpty()) {
        if (error)
            *error = tr("There is no run to save yet.");
        return false;
    }
    // Written beside and renamed over a regular file; a FIFO or a device stays what it is.
    // Streamed from the model's events a megabyte at a time, as the command line does: a
    // 1,000,000-call run's trace is 1.5 GB, and its text is never whole in memory.
    QString why;
    OutputFile file(path);
    OutputFileDevice device(&file);
    if (!file.open() ||
        !writeChromeTrace(&device, model.store(), model.trace(), &why, scenarioText) ||
        !file.commit()) {
        if (error)
            *error = tr("%1: %2").arg(path, why.isEmpty() ? file.errorString() : why);
        return false;
    }
    return true;
}

bool TraceFileActions::exportImage(QWidget *w, const QString &path, const QString &title,
                                   const QColor &background, QString *error)
{
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
#if !defined(PROCESSION_HAVE_SVG)
        Q_UNUSED(title);
        if (error)
            *error = tr("%1: SVG export is not available in this build (it was built without "
                        "Qt Svg); export a PNG image instead.")
                         .arg(path);
        return false;
#else
        // Drawn in the font the screen really uses, named as such ("DejaVu Sans", not the
        // alias "Sans Serif" that other programs may not know), at the screen's resolution:
        // the generator writes a 9 pt font as font-size 9 at its default 72 dpi, while the
        // widget measured its text (and the box behind a crash message) at 12 px.
        const bool ownFont = w->testAttribute(Qt::WA_SetFont);
        const QFont original = w->font();
        QFont real = original;
        real.setFamily(QFontInfo(original).family());
        w->setFont(real);
        QByteArray bytes;
        QBuffer buffer(&bytes);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setResolution(w->logicalDpiX());
        svg.setSize(w->size());
        svg.setViewBox(QRect(QPoint(0, 0), w->size()));
        svg.setTitle(title);
        svg.setDescription(tr("A Procession timeline"));
        QPainter p(&svg);
        w->render(&p);
        p.end();
        w->setFont(ownFont ? original : QFont());
        // Fallbacks for a viewer without that font: widths stay close among these.
        QStringList families{real.family()};
        for (const char *f : {"DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"})
            if (!families.contains(QLatin1String(f)))
                families << QLatin1String(f);
        const QByteArray withFallbacks = QByteArrayLiteral("font-family=\"") +
                                         families.join(QStringLiteral(", ")).toUtf8() + '"';
        // The painter's first state, before the widget sets its font, names the alias too.
        for (const QString &name : {real.family(), QFont().family(), original.family()})
            bytes.replace(QByteArray(QByteArrayLiteral("font-family=\"") + name.toUtf8() + '"'),
                          withFallbacks);
        OutputFile file(path);
        if (bytes.isEmpty() || !file.open() || !file.write(bytes) || !file.commit()) {
            if (error)
                *error = tr("%1: could not write the SVG file.").arg(path);
            return false;
        }
        return true;
#endif
    }
    const qreal dpr = std::max<qreal>(2, w->devicePixelRatioF());
    QImage image(w->size() * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(background);
    w->render(&image);
    if (!image.save(path)) {
        if (error)
            *error = tr("%1: could not write the image.").arg(path);
        return false;
    }
    return true;
}

QString TraceFileActions::askOpenPath(QWidget *parent)
{
    return QFileDialog::getOpenFileName(parent, tr("Open a saved run or a scenario"), QString(),
                                        tr("Traces and scenarios (*.json);;All files (*)"));
}

QString TraceFileActions::askSavePath(QWidget *parent, const QString &title,
                                      const QString &scenarioId)
{
    return QFileDialog::getSaveFileName(parent, title, scenarioId + QStringLiteral(".trace.json"),
                                        tr("Chrome trace (*.json)"));
}

QString TraceFileActions::askExportPath(QWidget *parent, const QString &scenarioId)
{
    QString filter;
    return QFileDialog::getSaveFileName(
        parent, tr("Export the timeline"),
        (scenarioId.isEmpty() ? QStringLiteral("timeline") : scenarioId) + QStringLiteral(".png"),
        tr("PNG image (*.png);;SVG drawing (*.svg)"), &filter);
}

QString TraceFileActions::askPythonPath(QWidget *parent, const QString &scenarioId)
{
    QString name = scenarioId.isEmpty() ? QStringLiteral("scenario") : scenarioId;
    name.replace(QLatin1Char('-'), QLatin1Char('_')); // a module name Python can import
    return QFileDialog::getSaveFileName(parent, tr("Export the scenario as a Python program"),
                                        name + QStringLiteral(".py"), tr("Python program (*.py)"));
}

bool TraceFileActions::savePython(const Scenario &scenario, const QString &path, QString *error)
{
    OutputFile file(path);
    if (!file.open() || !file.write(pythonProgram(scenario).text.toUtf8()) || !file.commit()) {
        if (error)
            *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace procession::gui
