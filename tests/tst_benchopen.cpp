// `procession bench --quick --only=open`: a saved trace of a real 20,000-call run, opened by
// the window until its first frame and by Python's json.load, each in a process of its own.
// Timings are not judged here (the bench is for that); only that every figure is a real
// measurement of the right thing.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

class tst_BenchOpen : public QObject
{
    Q_OBJECT

private slots:
    void quickOpenFigures();
};

void tst_BenchOpen::quickOpenFigures()
{
    if (qEnvironmentVariableIsSet("PROCESSION_TEST_EMULATOR"))
        QSKIP("not tried under Wine yet: this part of the bench starts the window offscreen and "
              "a 20,000-call run; checked on Linux");
    QProcess p;
    p.start(QStringLiteral(PROCESSION_EXE),
            {QStringLiteral("bench"), QStringLiteral("--quick"), QStringLiteral("--only=open"),
             QStringLiteral("--json")});
    QVERIFY(p.waitForFinished(150000));
    const QByteArray err = p.readAllStandardError();
    QCOMPARE(p.exitCode(), 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY2(o.value(QLatin1String("problems")).toArray().isEmpty(), err.constData());
    const QJsonObject figures = o.value(QLatin1String("figures")).toObject();
    for (const char *name :
         {"open_trace_s", "open_trace_peak_mb", "open_trace_stall_ms", "open_trace_file_mb"})
        QVERIFY2(figures.value(QLatin1String(name)).toObject().value(QLatin1String("n")).toInt() ==
                     1,
                 name);
    auto median = [&](const char *name) {
        return figures.value(QLatin1String(name))
            .toObject()
            .value(QLatin1String("median"))
            .toDouble();
    };
    // 20,000 calls of square on four workers, as `procession run --trace` writes them:
    // ~1.4 KB a call.
    const double file = median("open_trace_file_mb");
    QVERIFY2(file > 10 && file < 100, qPrintable(QString::number(file)));
    // From the window process's start to its first frame of the trace: more than a process
    // start, and the window (Qt's widgets, offscreen) takes more memory than a worker.
    QVERIFY(median("open_trace_s") > 0.02 && median("open_trace_s") < 120);
    QVERIFY(median("open_trace_peak_mb") > 20 && median("open_trace_peak_mb") < 4000);
    // Reading and drawing 20,000 calls keeps the GUI thread away from its loop for a while:
    // more than the 1 ms between the watch's ticks, less than the whole opening.
    QVERIFY(median("open_trace_stall_ms") > 1 &&
            median("open_trace_stall_ms") < median("open_trace_s") * 1000);
    // The peak memory target carries a verdict, from the file's size.
    const QJsonObject peak = figures.value(QLatin1String("open_trace_peak_mb")).toObject();
    QVERIFY(peak.value(QLatin1String("met")).isBool());
    QCOMPARE(peak.value(QLatin1String("target")).toString(), QStringLiteral("≤ 2 × file + 400"));
    const QJsonObject open = figures.value(QLatin1String("open_trace_s")).toObject();
    if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty()) {
        QVERIFY(figures.value(QLatin1String("open_trace_python_s"))
                    .toObject()
                    .value(QLatin1String("note"))
                    .toString()
                    .contains(QLatin1String("python3 is not installed")));
        QVERIFY(!open.contains(QLatin1String("met")));
        return;
    }
    for (const char *name : {"open_trace_python_s", "open_trace_python_peak_mb"})
        QVERIFY2(figures.value(QLatin1String(name)).toObject().value(QLatin1String("n")).toInt() ==
                     1,
                 name);
    QVERIFY(median("open_trace_python_s") > 0.02 && median("open_trace_python_s") < 120);
    // Its peak, not its memory after json.load has let go of the document: at least the
    // file's text was held at once.
    QVERIFY2(median("open_trace_python_peak_mb") > file,
             qPrintable(QString::number(median("open_trace_python_peak_mb"))));
    QVERIFY(open.value(QLatin1String("met")).isBool());
    QCOMPARE(open.value(QLatin1String("target")).toString(),
             QStringLiteral("< open_trace_python_s"));
}

QTEST_GUILESS_MAIN(tst_BenchOpen)
#include "tst_benchopen.moc"
