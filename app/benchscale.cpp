// `procession bench`'s figures of the window, each measured in a child process of this
// executable: painting a 100,000-call timeline and a live run (bench-paint).
#include "benchfigure.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace procession::bench {

// paint_ms_100k: a widget needs a QApplication and this process has a QCoreApplication, so
// `procession bench-paint` (the window's library, offscreen) records a real run of 100,000
// calls and times frames of its timeline; this reads the JSON it prints.
void measurePaint(const Options &opt, Figure *zoomedOut, Figure *window, Figure *stall,
                  Figure *livePaint, QStringList *problems)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    QStringList args = {QStringLiteral("bench-paint")};
    if (opt.quick)
        args << QStringLiteral("--quick");
    child.start(QCoreApplication::applicationFilePath(), args);
    if (!child.waitForFinished(120000)) {
        child.kill();
        child.waitForFinished();
        *problems << QStringLiteral("paint: bench-paint did not finish within 2 minutes");
        return;
    }
    const QByteArray out = child.readAllStandardOutput();
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    if (child.exitStatus() == QProcess::NormalExit && child.exitCode() == 2) {
        // Built without the window (no Qt Widgets): nothing to paint with, nothing broken.
        zoomedOut->note = window->note = stall->note = livePaint->note =
            QStringLiteral("not measured: this build has no window library");
        return;
    }
    if (child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0 || o.isEmpty()) {
        const QString why = QString::fromLocal8Bit(child.readAllStandardError()).trimmed();
        *problems
            << QStringLiteral("paint: %1").arg(why.isEmpty() ? QStringLiteral("no result") : why);
        return;
    }
    for (const QJsonValue &v : o.value(QLatin1String("zoomed_out_ms")).toArray())
        zoomedOut->samples << v.toDouble();
    for (const QJsonValue &v : o.value(QLatin1String("window_1pct_ms")).toArray())
        window->samples << v.toDouble();
    const int calls = o.value(QLatin1String("calls")).toInt();
    zoomedOut->baseline = QStringLiteral("%1 calls").arg(calls);
    if (o.contains(QLatin1String("live_stall_ms"))) {
        stall->samples << o.value(QLatin1String("live_stall_ms")).toDouble();
        stall->baseline = QStringLiteral("run took %1 s")
                              .arg(o.value(QLatin1String("live_wall_s")).toDouble(), 0, 'f', 2);
    }
    for (const QJsonValue &v : o.value(QLatin1String("live_paint_ms")).toArray())
        livePaint->samples << v.toDouble();
}

} // namespace procession::bench
