// The window's command line against the real executable: every numeric option is checked
// (one line, status 2, before any window exists), values that crashed the window do not,
// --scenario takes a file, and a missing display is one sentence instead of Qt's abort.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

QStringList words(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *w : list)
        out << QString::fromUtf8(w);
    return out;
}

struct Outcome
{
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QStringList err;
    QByteArray out;
};

Outcome runProcession(const QStringList &args, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PROCESSION_EXE), args);
    Outcome o;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        o.err << QStringLiteral("(did not finish within 60 s)");
        return o;
    }
    o.exitCode = p.exitCode();
    o.status = p.exitStatus();
    o.out = p.readAllStandardOutput();
    o.err =
        QString::fromUtf8(p.readAllStandardError()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    // The offscreen platform's own remark on every window it shows, not procession's.
    o.err.removeIf([](const QString &line) {
        return line.startsWith(QLatin1String("This plugin does not support"));
    });
    return o;
}

} // namespace

class TestWindowOptions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void badValueIsOneLine_data();
    void badValueIsOneLine();
    void goodValuesStillWork_data();
    void goodValuesStillWork();
    void noDisplayIsOneLine_data();
    void noDisplayIsOneLine();
    void unopenableFileFromTerminalOrDesktop();
    void desktopFileDeclaresOurType();

private:
    QTemporaryDir m_dir;
    QString m_trace;
    QString m_scenario;
    QProcessEnvironment m_env;
};

void TestWindowOptions::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    m_env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.path());
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    // A short saved run: two workers, eight calls.
    m_scenario = m_dir.filePath(QStringLiteral("small.json"));
    QFile f(m_scenario);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "small", "title": "Small", "steps": [{"fork": 2},
        {"call_async": "sleep", "args": [[30]], "repeat": 8}, {"call_await": "all"},
        {"join": "all"}]})");
    f.close();
    m_trace = m_dir.filePath(QStringLiteral("small-trace.json"));
    QProcess run;
    run.setProcessEnvironment(m_env);
    run.start(QStringLiteral(PROCESSION_EXE),
              {QStringLiteral("run"), m_scenario, QStringLiteral("--trace"), m_trace});
    QVERIFY(run.waitForFinished(30000));
    QCOMPARE(run.exitCode(), 0);
}

void TestWindowOptions::badValueIsOneLine_data()
{
    QTest::addColumn<QStringList>("args"); // after the saved trace; TRACE/SHOT are replaced
    QTest::addColumn<QString>("says");
    const QString zoom = QStringLiteral("procession: --zoom takes FROM-TO in milliseconds");
    const QString size = QStringLiteral("procession: --size takes WIDTHxHEIGHT");
    // These two crashed the window (SIGSEGV in TimelineView::paintMarkers).
    QTest::newRow("zoom nan-5") << words({"--zoom", "nan-5"}) << zoom;
    QTest::newRow("zoom inf-inf") << words({"--zoom", "inf-inf"}) << zoom;
    // These were ignored silently.
    QTest::newRow("zoom foo") << words({"--zoom", "foo"}) << zoom;
    QTest::newRow("zoom backwards") << words({"--zoom", "50-10"}) << zoom;
    QTest::newRow("zoom three parts") << words({"--zoom", "1-2-3"}) << zoom;
    QTest::newRow("zoom call without a call")
        << words({"--zoom", "call"}) << "procession: --zoom call needs --select-call ID";
    QTest::newRow("size abc") << words({"--size", "abc"}) << size;
    QTest::newRow("size 0x0") << words({"--size", "0x0"}) << size;
    QTest::newRow("size huge") << words({"--size", "99999x99999"}) << size;
    QTest::newRow("size negative") << words({"--size", "-5x100"}) << size;
    QTest::newRow("select-call abc")
        << words({"--select-call", "abc"}) << "procession: --select-call takes a call id";
    QTest::newRow("select-call 0")
        << words({"--select-call", "0"}) << "procession: --select-call takes a call id";
    QTest::newRow("select-call 999 (no such call)")
        << words({"--select-call", "999", "--screenshot", "SHOT"})
        << "procession: --select-call 999: the run shown has no such call";
    QTest::newRow("screenshot-after xyz")
        << words({"--scenario", "greet-spawn", "--autorun", "--screenshot", "SHOT",
                  "--screenshot-after", "xyz"})
        << "procession: --screenshot-after takes milliseconds";
    QTest::newRow("screenshot-after -1")
        << words({"--autorun", "--screenshot", "SHOT", "--screenshot-after=-1"})
        << "procession: --screenshot-after takes milliseconds";
    QTest::newRow("screenshot-after alone")
        << words({"--screenshot-after", "100"})
        << "procession: --screenshot-after needs --autorun and --screenshot";
    QTest::newRow("unknown option") << words({"--bogus"}) << "procession: unknown option --bogus";
    QTest::newRow("missing value")
        << words({"--zoom"}) << "procession: --zoom needs a value (FROM-TO|call)";
}

// Status 2 and one line (plus the usual hint), never a crash, never ignored, and no
// screenshot written.
void TestWindowOptions::badValueIsOneLine()
{
    QFETCH(QStringList, args);
    QFETCH(QString, says);
    const QString shot = m_dir.filePath(QStringLiteral("bad.png"));
    QFile::remove(shot);
    args.replaceInStrings(QStringLiteral("SHOT"), shot);
    if (!args.contains(QLatin1String("--screenshot")))
        args = QStringList{QStringLiteral("--screenshot"), shot} + args; // else an old window stays
    const Outcome o = runProcession(QStringList{m_trace} + args, m_env);
    QCOMPARE(o.status, QProcess::NormalExit);
    QVERIFY2(o.exitCode == 2, qPrintable(QString::number(o.exitCode) + QLatin1Char(' ') +
                                         o.err.join(QLatin1Char('\n'))));
    QVERIFY2(!o.err.isEmpty() && o.err.first().startsWith(says),
             qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY2(
        o.err.size() == 1 ||
            (o.err.size() == 2 && o.err.at(1).startsWith(QLatin1String("Try 'procession --help'"))),
        qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY(!QFile::exists(shot));
}

void TestWindowOptions::goodValuesStillWork_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("withTrace");
    QTest::newRow("zoom into the later part") << words({"--zoom", "100-200"}) << true;
    QTest::newRow("zoom past the end") << words({"--zoom", "5000-6000"}) << true;
    QTest::newRow("select a call and zoom to it")
        << words({"--select-call", "3", "--zoom", "call", "--size", "900x500"}) << true;
    // --scenario FILE was in --help but said "no scenario named".
    QTest::newRow("scenario file") << words({"--scenario", "SCENARIO"}) << false;
}

void TestWindowOptions::goodValuesStillWork()
{
    QFETCH(QStringList, args);
    QFETCH(bool, withTrace);
    const QString shot = m_dir.filePath(QStringLiteral("good.png"));
    QFile::remove(shot);
    args.replaceInStrings(QStringLiteral("SCENARIO"), m_scenario);
    args << QStringLiteral("--screenshot") << shot;
    const Outcome o = runProcession(withTrace ? QStringList{m_trace} + args : args, m_env);
    QCOMPARE(o.status, QProcess::NormalExit);
    QVERIFY2(o.exitCode == 0, qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY(QFile::exists(shot));
}

void TestWindowOptions::noDisplayIsOneLine_data()
{
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("says");
    QTest::newRow("no DISPLAY") << QString() << "there is no display (DISPLAY is not set)";
    QTest::newRow("DISPLAY nobody serves") << ":97"
                                           << "the display ':97' cannot be opened";
}

// Qt aborted (status 134) after a page about platform plugins.
void TestWindowOptions::noDisplayIsOneLine()
{
    QFETCH(QString, display);
    QFETCH(QString, says);
#if !defined(Q_OS_UNIX) || defined(Q_OS_MACOS)
    QSKIP(
        "DISPLAY is X11's: Windows and macOS have no such variable (under Wine it is Wine's own)");
#endif
    QProcessEnvironment env = m_env;
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("DISPLAY"));
    if (!display.isEmpty())
        env.insert(QStringLiteral("DISPLAY"), display);
    const Outcome o = runProcession({m_trace}, env);
    QCOMPARE(o.status, QProcess::NormalExit);
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.size() == 1, qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY2(
        o.err.first().startsWith(QStringLiteral("procession: cannot open the window: ") + says),
        qPrintable(o.err.first()));
    QVERIFY(o.err.first().contains(QLatin1String("QT_QPA_PLATFORM=offscreen")));
}

// A file that cannot be opened: from a terminal one line and status 2, no window; from the
// desktop (the .desktop file's Exec line) the window opens and says it.
void TestWindowOptions::unopenableFileFromTerminalOrDesktop()
{
    const QString missing = m_dir.filePath(QStringLiteral("missing.trace.json"));
    const QString shot = m_dir.filePath(QStringLiteral("desktop.png"));
    QFile::remove(shot);
    Outcome o = runProcession({missing, QStringLiteral("--screenshot"), shot}, m_env);
    QCOMPARE(o.status, QProcess::NormalExit);
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(!o.err.isEmpty() && o.err.first().contains(missing),
             qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY(!QFile::exists(shot)); // no window was shown

    o = runProcession(
        {QStringLiteral("--from-desktop"), missing, QStringLiteral("--screenshot"), shot}, m_env);
    QCOMPARE(o.status, QProcess::NormalExit);
    QVERIFY2(o.exitCode == 0, qPrintable(o.err.join(QLatin1Char('\n'))));
    QVERIFY(QFile::exists(shot)); // the window opened
}

// The .desktop file starts the window in desktop mode and opens Procession's own traces.
void TestWindowOptions::desktopFileDeclaresOurType()
{
    QFile desktop(QStringLiteral(PROCESSION_SOURCE_DIR "/resources/procession.desktop"));
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    const QString entry = QString::fromUtf8(desktop.readAll());
    QVERIFY2(entry.contains(QStringLiteral("\nExec=procession --from-desktop %f\n")),
             qPrintable(entry));
    QFile mime(QStringLiteral(PROCESSION_SOURCE_DIR "/resources/procession-mime.xml"));
    QVERIFY(mime.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&mime);
    QStringList types;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("mime-type"))
            types << xml.attributes().value(QStringLiteral("type")).toString();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(types, QStringList{QStringLiteral("application/x-procession-trace")});
    QVERIFY2(entry.contains(QStringLiteral("MimeType=application/x-procession-trace;")),
             qPrintable(entry));
}

QTEST_GUILESS_MAIN(TestWindowOptions)
#include "tst_windowoptions.moc"
