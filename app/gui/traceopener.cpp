#include "traceopener.h"

#include <QApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProgressDialog>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace procession::gui {

bool looksLikeTrace(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = f.read(64 * 1024);
    if (head.startsWith("\x1f\x8b"))
        return true;
    const QByteArray trimmed = head.trimmed();
    if (trimmed.startsWith('[') || trimmed.startsWith("\xEF\xBB\xBF"))
        return true;
    return head.contains("\"traceEvents\"") || head.contains("\"procession\"");
}

LoadedTrace openTraceWithProgress(QWidget *parent, const QString &path)
{
    std::atomic<bool> cancel{false};
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};
    LoadedTrace result;
    const auto read = [&] {
        result = loadTrace(
            path, TraceLoadMode::Replay,
            [&](qint64 d, qint64 t) {
                done = d;
                total = t;
            },
            &cancel);
    };
    QThread *worker = QThread::create(read);
    QProgressDialog dialog(QObject::tr("Reading %1…").arg(QFileInfo(path).fileName()),
                           QObject::tr("Cancel"), 0, 1000, parent);
    dialog.setWindowTitle(QObject::tr("Opening a trace"));
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(300); // small files open without a flash of a dialog
    QObject::connect(&dialog, &QProgressDialog::canceled, &dialog, [&cancel] { cancel = true; });
    QEventLoop loop;
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &dialog, [&] {
        if (total > 0)
            dialog.setValue(int(1000 * done / total));
    });
    tick.start(50);
    worker->start();
    if (!worker->isRunning() && !worker->isFinished()) {
        // The system gave no thread (ulimit -u reached): read here, the window waits.
        read();
    } else {
        loop.exec(); // the window keeps painting and answering while the file is read
        worker->wait();
    }
    delete worker;
    dialog.reset();
    return result;
}

} // namespace procession::gui
