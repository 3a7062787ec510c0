// The window's process as a hostile environment treats it, against the real executable
// (offscreen): SIGTERM, SIGHUP and SIGINT in the middle of a run end it cleanly (workers
// gone, server directory removed, one line, 128 + the signal), and a FIFO with no writer
// given as the scenario is refused in bounded time instead of hanging the window.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "../faultutil.h"

#include <csignal>

#include <sys/stat.h>

namespace {

QStringList processionLines(const QByteArray &err)
{
    QStringList out = QString::fromUtf8(err).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    // The offscreen platform's own remarks, not procession's.
    out.removeIf([](const QString &line) { return !line.startsWith(QLatin1String("procession")); });
    return out;
}

} // namespace

class TestWindowSignals : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void signalEndsTheWindowCleanly_data();
    void signalEndsTheWindowCleanly();
    void fifoScenarioIsRefused();

private:
    void start(QProcess &p, const QStringList &args, const QString &runtime);
    QTemporaryDir m_dir;
    QString m_long;
};

void TestWindowSignals::initTestCase()
{
    faultutil::becomeSubreaper();
    QVERIFY(m_dir.isValid());
    m_long = m_dir.filePath(QStringLiteral("long.json"));
    QFile f(m_long);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "long", "title": "Two long sleeps", "steps": [{"fork": 2},
        {"call_async": "sleep", "args": [[20000]], "repeat": 2}, {"call_await": "all"},
        {"join": "all"}]})");
}

void TestWindowSignals::start(QProcess &p, const QStringList &args, const QString &runtime)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    env.insert(QStringLiteral("TMPDIR"), runtime);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PROCESSION_EXE), args);
}

void TestWindowSignals::signalEndsTheWindowCleanly_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("name");
    QTest::newRow("SIGTERM") << int(SIGTERM) << "SIGTERM";
    QTest::newRow("SIGHUP") << int(SIGHUP) << "SIGHUP";
    QTest::newRow("SIGINT") << int(SIGINT) << "SIGINT";
}

// Their default action ended the window at once and left procession-XXXXXX/ behind.
void TestWindowSignals::signalEndsTheWindowCleanly()
{
    QFETCH(int, signal);
    QFETCH(QString, name);
    QTemporaryDir runtime(QStringLiteral("/tmp/tws-XXXXXX"));
    QVERIFY(runtime.isValid());
    QProcess p;
    start(p, {QStringLiteral("--scenario"), m_long, QStringLiteral("--autorun")}, runtime.path());
    QVERIFY(p.waitForStarted(10000));
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = faultutil::workersOf(p.processId())).size() == 2, 20000);
    // Both workers are sleeping once they have printed nothing and the directory is there.
    QTRY_VERIFY_WITH_TIMEOUT(
        !QDir(runtime.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty(), 10000);
    QElapsedTimer clock;
    clock.start();
    ::kill(pid_t(p.processId()), signal);
    QVERIFY(p.waitForFinished(15000));
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 128 + signal);
    QCOMPARE(processionLines(p.readAllStandardError()),
             QStringList{QStringLiteral("procession: the window was ended by %1; every worker "
                                        "was stopped")
                             .arg(name)});
    for (qint64 pid : std::as_const(workers))
        QTRY_VERIFY2_WITH_TIMEOUT(faultutil::processState(pid) == 0,
                                  qPrintable(QString::number(pid)), 5000);
    faultutil::reapAdopted(workers);
    const QStringList left =
        QDir(runtime.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
}

// A FIFO nobody writes to, given as the scenario (or opened with File → Open, the same
// path): refused at once with one line, never a window waiting forever for its first byte.
void TestWindowSignals::fifoScenarioIsRefused()
{
    const QString fifo = m_dir.filePath(QStringLiteral("no-writer.json"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QTemporaryDir runtime(QStringLiteral("/tmp/tws-XXXXXX"));
    for (const QStringList &args :
         {QStringList{QStringLiteral("--scenario"), fifo}, QStringList{fifo}}) {
        QProcess p;
        QElapsedTimer clock;
        clock.start();
        start(p, args, runtime.path());
        const bool ended = p.waitForFinished(10000);
        if (!ended) {
            p.kill();
            p.waitForFinished();
        }
        QVERIFY2(ended, "the window waited for the FIFO");
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(p.exitCode(), 2);
        QCOMPARE(
            processionLines(p.readAllStandardError()),
            QStringList{QStringLiteral("procession: %1: is a FIFO (a pipe), not a regular file")
                            .arg(fifo)});
    }
}

QTEST_MAIN(TestWindowSignals)
#include "tst_windowsignals.moc"
