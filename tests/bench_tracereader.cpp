// QBENCHMARK of the trace reader: 100,000 Ray-style events (string pids and tids, nested
// B/E, flows, counters) read from a file into the timeline. Run as a test once; measure
// with `bench_tracereader -iterations 10`. `procession bench` reports the 1,000,000-event
// figure against Python's json.load.
#include "traceloader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace procession;

class bench_TraceReader : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void readTimeline();
    void readOwnTraceForReplay();

private:
    QTemporaryDir m_dir;
    QString m_foreign;
    QString m_own;
};

void bench_TraceReader::initTestCase()
{
    QByteArray out = "[";
    for (int i = 0; i < 100000; ++i) {
        const QByteArray pid = "\"10.0.0." + QByteArray::number(1 + i % 2) + '"';
        const QByteArray tid = "\"worker:" + QByteArray::number(i / 2 % 8, 16) + '"';
        const QByteArray ts = QByteArray::number(1700000000000000LL + i * 10) + ".25";
        switch (i % 10) {
        case 0:
            out += "{\"ph\":\"B\",\"name\":\"outer\",\"pid\":" + pid + ",\"tid\":" + tid +
                   ",\"ts\":" + ts + "},";
            break;
        case 5:
            out += "{\"ph\":\"E\",\"pid\":" + pid + ",\"tid\":" + tid + ",\"ts\":" + ts + "},";
            break;
        case 7:
            out += "{\"ph\":\"s\",\"cat\":\"f\",\"name\":\"m\",\"id\":" + QByteArray::number(i) +
                   ",\"pid\":" + pid + ",\"tid\":" + tid + ",\"ts\":" + ts + "},";
            break;
        case 9:
            out += "{\"ph\":\"C\",\"name\":\"queue\",\"pid\":" + pid + ",\"ts\":" + ts +
                   ",\"args\":{\"depth\":" + QByteArray::number(i % 17) + "}},";
            break;
        default:
            out += "{\"ph\":\"X\",\"cat\":\"task\",\"name\":\"square\",\"pid\":" + pid +
                   ",\"tid\":" + tid + ",\"ts\":" + ts +
                   ",\"dur\":3,\"args\":{\"i\":" + QByteArray::number(i) + "}},";
            break;
        }
    }
    out.chop(1);
    out += "]";
    m_foreign = m_dir.filePath(QStringLiteral("foreign.json"));
    QFile f(m_foreign);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(out);
    f.close();

    QByteArray own = R"({"procession":{"version":1,"scenario":"bench","events":[)";
    for (int i = 0; i < 100000; ++i)
        own += "[\"" + QByteArray::number(1000000 + i * 100) +
               "\",\"output\",1,\"42\",\"-1\",\"0\",\"line " + QByteArray::number(i) + "\"],";
    own.chop(1);
    own += "]},\"traceEvents\":[]}";
    m_own = m_dir.filePath(QStringLiteral("own.json"));
    QFile g(m_own);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(own);
}

void bench_TraceReader::readTimeline()
{
    QBENCHMARK
    {
        const LoadedTrace t = loadTrace(m_foreign, TraceLoadMode::Timeline);
        QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
        QCOMPARE(t.timeline.events(), 100000);
    }
}

void bench_TraceReader::readOwnTraceForReplay()
{
    QBENCHMARK
    {
        const LoadedTrace t = loadTrace(m_own, TraceLoadMode::Replay);
        QVERIFY2(t.status == TraceReadStatus::Ok, qPrintable(t.error));
        QCOMPARE(t.events.size(), 100000);
    }
}

QTEST_GUILESS_MAIN(bench_TraceReader)
#include "bench_tracereader.moc"
