// Saved runs that are large in odd ways open in linear time: 100,000 lanes (the most a trace
// may have) that appear in
// falling order (each one before all the others), and a printed line of 10 MB, which is
// clipped when it is read for everything that shows it.
#include "chrometrace.h"
#include "eventstore.h"
#include "timelinemodel.h"
#include "traceloader.h"

#include <QElapsedTimer>
#include <QTest>

using namespace procession;
using procession::gui::TimelineModel;

namespace {

TraceEvent makeEvent(qint64 t, EventType type, int lane, const QString &text = {})
{
    TraceEvent e;
    e.t = t;
    e.type = type;
    e.lane = lane;
    e.pid = lane == 0 ? 100 : 1000 + lane;
    e.text = text;
    return e;
}

} // namespace

class tst_TraceScale : public QObject
{
    Q_OBJECT

private slots:
    void lanesInFallingOrder();
    void tenMegabyteLineIsClipped();
};

// Each lane appears before every lane already there: inserting each in place (and
// renumbering the lanes after it) made this quadratic: 29.5 s.
void tst_TraceScale::lanesInFallingOrder()
{
    constexpr int lanes = 100000;
    QList<TraceEvent> events;
    events << makeEvent(1000, EventType::RunBegin, 0, QStringLiteral("lanes"));
    qint64 t = 2000;
    for (int lane = lanes; lane >= 1; --lane)
        events << makeEvent(t++, EventType::Fork, lane, QStringLiteral("worker %1").arg(lane));
    for (int lane = lanes; lane >= 1; --lane)
        events << makeEvent(t++, EventType::Exit, lane);
    events << makeEvent(t, EventType::RunEnd, 0);
    const QByteArray bytes = toChromeTrace(events);

    QElapsedTimer clock;
    clock.start();
    LoadedTrace loaded = loadTraceData(bytes, TraceLoadMode::Replay);
    QVERIFY2(loaded.status == TraceReadStatus::Ok, qPrintable(loaded.error));
    TimelineModel model;
    QVERIFY(model.build(std::move(loaded.events)));
    const qint64 ms = clock.elapsed();
    qInfo("%d lanes in falling order: read and modelled in %lld ms", lanes, ms);
    QCOMPARE(model.trace().lanes().size(), qsizetype(lanes + 1));
    QCOMPARE(model.trace().lanes().at(1).lane, 1); // sorted by number
    QCOMPARE(model.trace().lanes().last().lane, lanes);
    QCOMPARE(model.trace().lane(lanes / 2)->lane, lanes / 2);
    QVERIFY2(ms < 10000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
}

// One printed line of 10 MB: read, modelled and kept as its first 4,096 characters.
// Procession clips what it writes, so the line is put into a saved file by hand.
void tst_TraceScale::tenMegabyteLineIsClipped()
{
    const QString line = QStringLiteral("LONGLINE");
    QList<TraceEvent> events;
    events << makeEvent(1000, EventType::RunBegin, 0, QStringLiteral("long-line"))
           << makeEvent(2000, EventType::Fork, 1, QStringLiteral("worker 1"))
           << makeEvent(3000, EventType::Ready, 1) << makeEvent(4000, EventType::Output, 1, line)
           << makeEvent(5000, EventType::Exit, 1) << makeEvent(6000, EventType::RunEnd, 0);
    QByteArray bytes = toChromeTrace(events);
    QVERIFY(bytes.contains("LONGLINE"));
    const QByteArray longLine = QByteArray("begin ").append(QByteArray(10 * 1000 * 1000, 'x'));
    bytes.replace(QByteArray("LONGLINE"), longLine);

    QElapsedTimer clock;
    clock.start();
    LoadedTrace loaded = loadTraceData(bytes, TraceLoadMode::Replay);
    QVERIFY2(loaded.status == TraceReadStatus::Ok, qPrintable(loaded.error));
    TimelineModel model;
    QVERIFY(model.build(std::move(loaded.events)));
    const qint64 ms = clock.elapsed();
    qInfo("a 10 MB line: read and modelled in %lld ms", ms);

    // Clipped where it is read: the opened run keeps no 10 MB copy of it.
    qsizetype outputs = 0;
    for (qsizetype i = 0; i < model.store().size(); ++i) {
        const TraceEvent e = model.store().at(i);
        if (e.type != EventType::Output)
            continue;
        ++outputs;
        QCOMPARE(e.text.size(), StringPool::TextLimit);
        QVERIFY(e.text.startsWith(QLatin1String("begin xxx")));
        QCOMPARE(e.text.back(), QChar(0x2026));
    }
    QCOMPARE(outputs, 1);
    QCOMPARE(model.trace().outputs().size(), qsizetype(1));
    QCOMPARE(model.trace().outputs().first().text.size(), StringPool::TextLimit);
    QVERIFY2(ms < 10000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
}

QTEST_GUILESS_MAIN(tst_TraceScale)
#include "tst_tracescale.moc"
