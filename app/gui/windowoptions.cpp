#include "windowoptions.h"

#include "commandoptions.h"
#include "windowoptionlist.h"

#include <QCommandLineParser>
#include <QRegularExpression>

#include <cmath>

namespace procession::gui {

namespace {

// The longest time a window option may name: a day, in milliseconds.
constexpr double kMaxMs = 24.0 * 3600 * 1000;

bool readMs(const QString &text, double *out)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < 0 || v > kMaxMs)
        return false;
    *out = v;
    return true;
}

} // namespace

QString WindowOptions::helpText()
{
    return QStringLiteral("Usage: procession [FILE] [options]\n"
                          "  FILE                    a saved trace (.json) to replay, or a "
                          "scenario file\n") +
           windowOptionHelp() +
           QStringLiteral("The command line (procession run, list, bench) needs no display: "
                          "procession --help.\n");
}

bool WindowOptions::parse(const QStringList &args, QString *error)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption helpOption(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    parser.addOption(helpOption);
    parser.addOptions(windowOptionList()); // the one list --help shows (windowoptionlist.h)
    const QString scenario = QStringLiteral("scenario"), autorunOption = QStringLiteral("autorun"),
                  compare = QStringLiteral("compare"), shot = QStringLiteral("screenshot"),
                  after = QStringLiteral("screenshot-after"), zoom = QStringLiteral("zoom"),
                  select = QStringLiteral("select-call"), darkOption = QStringLiteral("dark"),
                  lightOption = QStringLiteral("light"), size = QStringLiteral("size"),
                  tasks = QStringLiteral("tasks"), desktop = QStringLiteral("from-desktop");
    if (!parser.parse(args)) {
        *error = optionError(parser, args, windowOptionList());
        return false;
    }
    help = parser.isSet(helpOption);
    fromDesktop = parser.isSet(desktop);
    taskLibraries = parser.values(tasks);
    files = parser.positionalArguments();
    scenarios = parser.values(scenario);
    compareIds = parser.values(compare);
    if (compareIds.size() == 1 && !files.isEmpty())
        compareIds << files.takeFirst(); // --compare A B
    if (!compareIds.isEmpty() && compareIds.size() != 2) {
        *error = QStringLiteral("--compare takes two scenario ids");
        return false;
    }
    autorun = parser.isSet(autorunOption);
    dark = parser.isSet(darkOption);
    light = parser.isSet(lightOption);
    if (dark && light) {
        *error = QStringLiteral("--dark and --light cannot both be given");
        return false;
    }
    if (parser.isSet(shot)) {
        screenshot = parser.value(shot);
        if (screenshot.isEmpty()) {
            *error = QStringLiteral("--screenshot needs a file name");
            return false;
        }
    }
    if (parser.isSet(after)) {
        const QString v = parser.value(after);
        bool ok = false;
        const qint64 ms = v.toLongLong(&ok);
        if (!ok || ms < 0 || ms > qint64(kMaxMs)) {
            *error =
                QStringLiteral("--screenshot-after takes milliseconds between 0 and %1, got '%2'")
                    .arg(qint64(kMaxMs))
                    .arg(v.left(40));
            return false;
        }
        if (!autorun || screenshot.isEmpty()) {
            *error = QStringLiteral("--screenshot-after needs --autorun and --screenshot");
            return false;
        }
        screenshotAfterMs = int(ms);
    }
    if (parser.isSet(select)) {
        const QString v = parser.value(select);
        bool ok = false;
        selectCall = v.toLongLong(&ok);
        if (!ok || selectCall < 1) {
            *error = QStringLiteral("--select-call takes a call id (1, 2, ...), got '%1'")
                         .arg(v.left(40));
            return false;
        }
    }
    if (parser.isSet(zoom)) {
        const QString v = parser.value(zoom);
        if (v == QLatin1String("call")) {
            if (!selectCall) {
                *error = QStringLiteral("--zoom call needs --select-call ID");
                return false;
            }
            zoomToCall = true;
        } else {
            const QStringList r = v.split(QLatin1Char('-'));
            if (r.size() != 2 || !readMs(r[0], &zoomFromMs) || !readMs(r[1], &zoomToMs) ||
                zoomFromMs >= zoomToMs) {
                *error = QStringLiteral("--zoom takes FROM-TO in milliseconds with 0 <= FROM < "
                                        "TO <= %1 (e.g. 0-120), or 'call'; got '%2'")
                             .arg(qint64(kMaxMs))
                             .arg(v.left(40));
                zoomFromMs = zoomToMs = -1;
                return false;
            }
        }
    }
    if (parser.isSet(size)) {
        const QString v = parser.value(size);
        static const QRegularExpression wh(QStringLiteral("^(\\d{1,5})x(\\d{1,5})$"));
        const QRegularExpressionMatch m = wh.match(v);
        width = m.hasMatch() ? m.captured(1).toInt() : 0;
        height = m.hasMatch() ? m.captured(2).toInt() : 0;
        if (width < 200 || height < 150 || width > 16384 || height > 16384) {
            *error = QStringLiteral("--size takes WIDTHxHEIGHT in pixels, from 200x150 to "
                                    "16384x16384 (e.g. 1400x860), got '%1'")
                         .arg(v.left(40));
            width = height = 0;
            return false;
        }
    }
    return true;
}

} // namespace procession::gui
