// `procession bench-open FILE`: the open_trace_s part of `procession bench`, run by the bench
// in a process of its own. Opens FILE the way `procession FILE` does (MainWindow::openFile),
// shows the window (offscreen unless told otherwise), and once the timeline has painted the
// loaded trace prints one JSON line: the calls shown, and the longest time the GUI thread
// was away from its event loop meanwhile. Then it waits for its standard input to close (the
// bench reads this process's peak memory meanwhile) and exits.
#include "commandoptions.h"
#include "mainwindow.h"
#include "paintthreads.h"
#include "stallwatch.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QApplication>
#include <QEvent>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStyleFactory>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <utility>
#include <cstdlib>

namespace {

using namespace procession::gui;

// Notes the first paint of a timeline that shows events; the line is printed once that
// paint has been delivered, on the event loop's next turn.
class FirstFrame : public QObject
{
public:
    FirstFrame(TimelineView *view, StallWatch *stalls) : m_view(view), m_stalls(stalls)
    {
        view->installEventFilter(this);
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (!m_seen && watched == m_view && event->type() == QEvent::Paint && m_view->model() &&
            !m_view->model()->isEmpty()) {
            m_seen = true;
            QTimer::singleShot(0, this, [this] { report(); });
        }
        return false;
    }

private:
    void report() const
    {
        QJsonObject out;
        out.insert(QStringLiteral("stall_ms"), m_stalls->worstMs());
        m_stalls->stop();
        out.insert(QStringLiteral("calls"), m_view->model()->countCalls());
        out.insert(QStringLiteral("events"), qint64(m_view->model()->store().size()));
        std::fputs(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputs("\n", stdout);
        std::fflush(stdout);
    }

    TimelineView *m_view;
    StallWatch *m_stalls;
    bool m_seen = false;
};

// Calls `then` once, on the event loop's turn after the first paint of `view`.
class AfterFirstPaint : public QObject
{
public:
    AfterFirstPaint(QWidget *view, std::function<void()> then) : m_then(std::move(then))
    {
        view->installEventFilter(this);
    }
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (m_then && event->type() == QEvent::Paint) {
            watched->removeEventFilter(this);
            QTimer::singleShot(0, this, std::exchange(m_then, {}));
        }
        return false;
    }

private:
    std::function<void()> m_then;
};

} // namespace

extern "C" Q_DECL_EXPORT int procession_gui_open_bench(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // no screen needed, none used
    QApplication app(argc, argv);
    // `procession bench-open FILE`, read with its definition (commandoptions.cpp).
    procession::CommandLine line;
    QString error;
    if (!line.parse(argc, argv, &error) || line.positional().size() != 1) {
        std::fputs("procession bench-open: give one trace file\n", stderr);
        return 2;
    }
    // As the window sets itself up in guimain.cpp: the same style, the same drawing threads.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (!reservePaintThreads()) {
        std::fputs("procession bench-open: the system gave the window no threads to draw with\n",
                   stderr);
        std::fflush(stderr);
        std::_Exit(1); // the pool waits for the thread it was refused, even at exit
    }
    MainWindow window;
    window.setDarkPalette(false);
    window.resize(1600, 1000);
    // The window is shown first, and its first (empty) frame drawn: loading fonts and glyphs
    // for it is the window's start, not the opening. From the opening on, how long the GUI
    // thread left its event loop at a time, until the first frame of the trace.
    StallWatch stalls;
    FirstFrame first(window.timeline(), &stalls);
    const QString file = QFile::decodeName(line.positional().constFirst());
    int failed = 0;
    AfterFirstPaint shown(window.timeline(), [&] {
        stalls.start();
        QString why;
        if (!window.openFile(file, &why)) {
            std::fprintf(stderr, "procession bench-open: %s\n", qPrintable(why));
            failed = 1;
            QCoreApplication::exit(1);
        }
    });
    window.show();
    // Standard input closed (by the bench, or because it has gone): the window closes.
    QThread *stdinWatch = QThread::create([] {
        char buffer[256];
        while (std::fread(buffer, 1, sizeof buffer, stdin) > 0) {
        }
    });
    QObject::connect(stdinWatch, &QThread::finished, &app, &QApplication::quit);
    stdinWatch->start();
    const int code = app.exec();
    if (failed) {
        std::fflush(stderr);
        std::_Exit(1); // the thread reading standard input is still in fread()
    }
    stdinWatch->wait();
    delete stdinWatch;
    return code;
}
