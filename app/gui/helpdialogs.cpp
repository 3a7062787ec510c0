#include "helpdialogs.h"

#include <QMessageBox>

namespace procession::gui {

QString HelpDialogs::helpHtml()
{
    return tr(
        "<h3>What you see</h3>"
        "<p>One lane per process: <b>main</b> on top, then one per worker. A hatched span is a "
        "worker <b>starting up</b> (fork → ready). A coloured bar is a <b>call</b> running in the "
        "worker, from the worker's own begin to end stamps; red means it failed. Dark arrows "
        "<b>dispatch</b> a call, green arrows bring its <b>result</b> back. On the main lane, the "
        "grey lower bars are <b>awaits</b>. ⊣ marks a <b>join</b>, ○ an exit, a red ✕ a "
        "<b>crash</b>.</p>"
        "<p>The header adds it up: <b>wall</b> time, total <b>work</b>, <b>speedup</b> = work / "
        "wall, and the <b>overhead</b> of starting processes, dispatching and returning.</p>"
        "<h3>Keys and mouse</h3><table>"
        "<tr><td>F5 / Shift+F5</td><td>run / stop</td></tr>"
        "<tr><td>Ctrl+K</td><td>compare two scenarios on one time axis</td></tr>"
        "<tr><td>Space</td><td>replay / pause</td></tr>"
        "<tr><td>, and .</td><td>previous / next event</td></tr>"
        "<tr><td>[ and ]</td><td>slower / faster (0.1× – 10×)</td></tr>"
        "<tr><td>click or drag on the axis</td><td>scrub</td></tr>"
        "<tr><td>Ctrl+wheel, right-drag</td><td>zoom; Ctrl+0 fits</td></tr>"
        "<tr><td>drag, wheel</td><td>pan</td></tr>"
        "<tr><td>click a call</td><td>details: its four times and the gaps</td></tr>"
        "<tr><td>Ctrl+O / Ctrl+S / Ctrl+E</td><td>open / save trace / export PNG or SVG</td></tr>"
        "</table>");
}

void HelpDialogs::showHelp(QWidget *parent)
{
    QMessageBox box(parent);
    box.setWindowTitle(tr("Procession help"));
    box.setTextFormat(Qt::RichText);
    box.setText(helpHtml());
    box.exec();
}

void HelpDialogs::showAbout(QWidget *parent)
{
    QMessageBox::about(
        parent, tr("About Procession"),
        tr("<h3>Procession %1</h3><p>See process-based concurrency happen.</p>"
           "<p>Procession starts copies of itself as worker processes, sends them calls by "
           "name, and draws every step: fork, call_async, call_await, join.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace procession::gui
