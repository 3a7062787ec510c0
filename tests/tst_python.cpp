// `procession python ID` writes a scenario as a Python 3 program. Each bundled scenario's
// program runs here with python3 and must print the workers' lines, the calls' outcomes and
// the phases that Procession's own run of the scenario has.

#include "scenario.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace procession;

namespace {

struct Output
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Output run(const QString &program, const QStringList &args, int timeoutMs = 90000)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

// A result's text as compact JSON, whether it came as a JSON value or as its display text.
QString canonical(const QJsonValue &v)
{
    if (v.isString()) {
        const QJsonDocument d =
            QJsonDocument::fromJson("[" + v.toString().toUtf8() + "]"); // "9" -> 9
        if (d.isArray() && d.array().size() == 1)
            return canonical(d.array().at(0));
    }
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact));
}

struct PythonRun
{
    QStringList printed;  // the workers' lines
    QStringList outcomes; // "ok <json>" or "error", in the order the calls were made
    QStringList phases;
    double wallS = -1;
};

PythonRun parsePython(const QByteArray &out)
{
    PythonRun r;
    static const QRegularExpression result(QStringLiteral("^result  .*? = (.*)$"));
    static const QRegularExpression phase(QStringLiteral("^phase   (.*): [0-9.]+ s$"));
    static const QRegularExpression wall(QStringLiteral("^wall    ([0-9.]+) s$"));
    for (const QString &line : QString::fromUtf8(out).split(QLatin1Char('\n'))) {
        if (line.isEmpty())
            continue;
        QRegularExpressionMatch m;
        if ((m = result.match(line)).hasMatch()) {
            const QJsonDocument d = QJsonDocument::fromJson("[" + m.captured(1).toUtf8() + "]");
            r.outcomes << QStringLiteral("ok ") + canonical(d.array().at(0));
        } else if (line.startsWith(QLatin1String("error   "))) {
            r.outcomes << QStringLiteral("error");
        } else if ((m = phase.match(line)).hasMatch()) {
            r.phases << m.captured(1);
        } else if ((m = wall.match(line)).hasMatch()) {
            r.wallS = m.captured(1).toDouble();
        } else {
            r.printed << line;
        }
    }
    return r;
}

} // namespace

class tst_Python : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
#if defined(Q_OS_WIN)
        if (m_python.isEmpty()) // python.org's installer names it python.exe
            m_python = QStandardPaths::findExecutable(QStringLiteral("python"));
        if (m_python.isEmpty() && qEnvironmentVariableIsSet("PROCESSION_TEST_EMULATOR"))
            QSKIP("no Python for Windows under Wine: Debian packages none, and a Linux python3 "
                  "started from a Windows program is handed Windows paths it cannot open "
                  "(tests/wine/README.md)");
#endif
        QVERIFY2(!m_python.isEmpty(), "python3 is not installed (see the README's install line)");
        QVERIFY(m_dir.isValid());
    }

    void sameAsProcession_data()
    {
        QTest::addColumn<QString>("id");
        for (const Scenario &s : bundledScenarios())
            QTest::newRow(qPrintable(s.id)) << s.id;
    }
    void sameAsProcession()
    {
        QFETCH(QString, id);
        const Output program = run(QStringLiteral(PROCESSION_EXE), {QStringLiteral("python"), id});
        QCOMPARE(program.code, 0);
        const QString file = m_dir.filePath(id + QStringLiteral(".py"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(program.out);
        }
        const Output py = run(m_python, {file});
        QVERIFY2(py.code == 0, py.err.constData());
        const PythonRun p = parsePython(py.out);

        const Output own = run(QStringLiteral(PROCESSION_EXE),
                               {QStringLiteral("run"), id, QStringLiteral("--json")});
        QCOMPARE(own.code, 0);
        const QJsonObject report = QJsonDocument::fromJson(own.out).object();

        // The same lines printed (in any order: workers print at once).
        QStringList printed;
        for (const QJsonValue &o : report.value(QLatin1String("output")).toArray())
            printed << o.toObject().value(QLatin1String("line")).toString();
        QStringList pyPrinted = p.printed;
        printed.sort();
        pyPrinted.sort();
        QCOMPARE(pyPrinted, printed);

        // The same outcome for every call, in the order they were made; spin's result is a
        // count of rounds, which depends on the machine and the language.
        QStringList outcomes, pyOutcomes = p.outcomes;
        const QJsonArray calls = report.value(QLatin1String("calls")).toArray();
        QCOMPARE(pyOutcomes.size(), calls.size());
        for (qsizetype i = 0; i < calls.size(); ++i) {
            const QJsonObject c = calls.at(i).toObject();
            const bool spin =
                c.value(QLatin1String("function")).toString() == QLatin1String("spin");
            if (!c.value(QLatin1String("ok")).toBool())
                outcomes << QStringLiteral("error");
            else if (spin)
                outcomes << QStringLiteral("ok spin");
            else
                outcomes << QStringLiteral("ok ") + canonical(c.value(QLatin1String("result")));
            if (spin && pyOutcomes.at(i).startsWith(QLatin1String("ok ")))
                pyOutcomes[i] = QStringLiteral("ok spin");
        }
        QCOMPARE(pyOutcomes, outcomes);

        // The same phases, each timed.
        QStringList phases;
        for (const QJsonValue &ph : report.value(QLatin1String("phases")).toArray())
            phases << ph.toObject().value(QLatin1String("name")).toString();
        QCOMPARE(p.phases, phases);
        QVERIFY(p.wallS > 0);
        if (id == QLatin1String("greet-spawn")) // four one-second greets, one process each
            QVERIFY2(p.wallS < 2.0, qPrintable(QStringLiteral("python: %1 s").arg(p.wallS)));
        if (id == QLatin1String("greet-sequential"))
            QVERIFY2(p.wallS >= 4.0, qPrintable(QStringLiteral("python: %1 s").arg(p.wallS)));
    }

    void badScenario()
    {
        const Output o = run(QStringLiteral(PROCESSION_EXE),
                             {QStringLiteral("python"), QStringLiteral("no-such-scenario")});
        QCOMPARE(o.code, 2);
        QVERIFY(o.out.isEmpty());
        QVERIFY(o.err.contains("no bundled scenario"));
    }

private:
    QString m_python;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_Python)
#include "tst_python.moc"
