#include "chrometrace.h"
#include "eventstore.h"
#include "trace.h"
#include "tracemodel.h"

#include <QBuffer>
#include <QRandomGenerator>
#include <QTest>

using namespace procession;

// The compact store the report, the window and the trace writer share.
class tst_EventStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsEveryField();
    void namesAreInterned();
    void longTextsAreClipped();
    void fewBytesPerEvent();
    void streamedTraceReadsBack();
    void writeFailureIsReported();
    void traceTakeHandsOverTheEvents();
};

namespace {

QString randomText(QRandomGenerator &rng, int maxLength)
{
    const int n = int(rng.bounded(maxLength + 1));
    QString s;
    for (int i = 0; i < n; ++i) {
        const quint32 r = rng.bounded(100);
        // ASCII mostly, some accents, CJK, an emoji (a surrogate pair), control characters.
        if (r < 80)
            s += QChar(char16_t(0x20 + rng.bounded(0x5f)));
        else if (r < 88)
            s += QChar(char16_t(0xe0 + rng.bounded(0x1f)));
        else if (r < 94)
            s += QChar(char16_t(0x4e00 + rng.bounded(0x100)));
        else if (r < 97)
            s += QString::fromUtf8("\xF0\x9F\x98\x80");
        else
            s += QChar(char16_t(rng.bounded(0x20)));
    }
    return s;
}

TraceEvent randomEvent(QRandomGenerator &rng)
{
    TraceEvent e;
    e.t = qint64(rng.generate64() >> 2);
    e.type = EventType(rng.bounded(int(EventType::Unsent) + 1));
    e.lane = int(rng.bounded(100000));
    e.pid = qint64(rng.bounded(4000000));
    e.call = qint64(rng.bounded(2000000)) - 1;
    e.code = qint64(rng.generate64());
    e.text = randomText(rng, 40);
    e.detail = rng.bounded(2) ? randomText(rng, 20) : QString();
    return e;
}

void compareEvents(const TraceEvent &a, const TraceEvent &b)
{
    QCOMPARE(a.t, b.t);
    QCOMPARE(a.type, b.type);
    QCOMPARE(a.lane, b.lane);
    QCOMPARE(a.pid, b.pid);
    QCOMPARE(a.call, b.call);
    QCOMPARE(a.code, b.code);
    QCOMPARE(a.text, b.text);
    QCOMPARE(a.detail, b.detail);
}

// What a real square(i) call leaves in the trace, call after call.
QList<TraceEvent> squareRun(int calls)
{
    QList<TraceEvent> out;
    qint64 t = 1000000;
    auto ev = [&](EventType type, int lane, qint64 call, const QString &text,
                  const QString &detail = QString(), qint64 code = 0) {
        TraceEvent e;
        e.t = t += 700;
        e.type = type;
        e.lane = lane;
        e.pid = 4000 + lane;
        e.call = call;
        e.code = code;
        e.text = text;
        e.detail = detail;
        out.append(e);
    };
    ev(EventType::RunBegin, 0, -1, QStringLiteral("square-many"), QStringLiteral("Squares"));
    for (int w = 1; w <= 4; ++w) {
        ev(EventType::Fork, w, -1, QStringLiteral("worker %1").arg(w));
        ev(EventType::Ready, w, -1, QString());
    }
    for (int i = 0; i < calls; ++i) {
        const int lane = 1 + i % 4;
        ev(EventType::Dispatch, lane, i, QStringLiteral("square"), QString::number(i));
        ev(EventType::Begin, lane, i, QString());
        ev(EventType::End, lane, i, QString(), QString(), 900);
        ev(EventType::Result, lane, i, QString::number(qint64(i) * i));
    }
    ev(EventType::RunEnd, 0, -1, QString());
    return out;
}

} // namespace

void tst_EventStore::roundTripsEveryField()
{
    QRandomGenerator rng(11);
    QList<TraceEvent> events;
    EventStore store;
    for (int i = 0; i < 20000; ++i) { // several blocks of events and of strings
        events.append(randomEvent(rng));
        store.append(events.last());
    }
    QCOMPARE(store.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        compareEvents(store.at(i), events.at(i));
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("event %1").arg(i)));
    }
    const QList<TraceEvent> tail = store.toList(19990);
    QCOMPARE(tail.size(), 10);
    compareEvents(tail.first(), events.at(19990));
    store.clear();
    QCOMPARE(store.size(), 0);
    QVERIFY(store.toList().isEmpty());
}

void tst_EventStore::namesAreInterned()
{
    StringPool pool;
    const StringId a = pool.intern(QStringLiteral("square"));
    QCOMPARE(pool.intern(QStringLiteral("square")), a);
    QVERIFY(pool.intern(QStringLiteral("greet")) != a);
    QCOMPARE(pool.string(a), QStringLiteral("square"));
    QCOMPARE(pool.intern(QString()), StringId(0));
    QCOMPARE(pool.string(0), QString());
    // Texts are not: two results "4" are two strings.
    QVERIFY(pool.add(QStringLiteral("4")) != pool.add(QStringLiteral("4")));
}

void tst_EventStore::longTextsAreClipped()
{
    StringPool pool;
    const QString big(100000, QLatin1Char('x'));
    const QString kept = pool.string(pool.add(big));
    QCOMPARE(kept.size(), StringPool::TextLimit);
    QVERIFY(kept.endsWith(QChar(0x2026)));
    QCOMPARE(pool.string(pool.intern(big)).size(), StringPool::TextLimit);
    // A text just at the limit is kept whole.
    const QString edge(StringPool::TextLimit, QLatin1Char('y'));
    QCOMPARE(pool.string(pool.add(edge)), edge);
    QVERIFY(pool.memoryBytes() < 1024 * 1024);
}

void tst_EventStore::fewBytesPerEvent()
{
    const QList<TraceEvent> events = squareRun(100000);
    EventStore store;
    store.append(events);
    const double perEvent = double(store.memoryBytes()) / double(store.size());
    qInfo("%.1f bytes per event over %lld events", perEvent, qlonglong(store.size()));
    QVERIFY2(perEvent <= 64, qPrintable(QString::number(perEvent)));
}

void tst_EventStore::streamedTraceReadsBack()
{
    QList<TraceEvent> events = squareRun(3000);
    // Results with quotes, backslashes, control characters, accents and emoji.
    QRandomGenerator rng(5);
    for (TraceEvent &e : events)
        if (e.type == EventType::Result)
            e.text = randomText(rng, 30);
    EventStore store;
    store.append(events);
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QString error;
    QVERIFY2(writeChromeTrace(&buffer, store, &error), qPrintable(error));
    QVERIFY(buffer.data().size() > 1 << 20); // more than one flush
    QList<TraceEvent> back;
    QVERIFY2(fromChromeTrace(buffer.data(), &back, &error), qPrintable(error));
    QCOMPARE(back.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i)
        compareEvents(back.at(i), events.at(i));
    // The same bytes as the in-memory form.
    QCOMPARE(toChromeTrace(events), buffer.data());
}

namespace {

// A device that takes `room` bytes, then fails like a full disk.
class FullDevice : public QIODevice
{
public:
    explicit FullDevice(qint64 room) : m_room(room) { open(QIODevice::WriteOnly); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 len) override
    {
        if (len > m_room) {
            setErrorString(QStringLiteral("No space left on device"));
            return -1;
        }
        m_room -= len;
        return len;
    }

private:
    qint64 m_room;
};

} // namespace

void tst_EventStore::writeFailureIsReported()
{
    EventStore store;
    store.append(squareRun(5000));
    FullDevice full(100000);
    QString error;
    QVERIFY(!writeChromeTrace(&full, store, &error));
    QCOMPARE(error, QStringLiteral("No space left on device"));
}

void tst_EventStore::traceTakeHandsOverTheEvents()
{
    Trace trace;
    const QList<TraceEvent> events = squareRun(10);
    trace.append(events.constData(), events.size());
    QCOMPARE(trace.size(), events.size());
    QCOMPARE(trace.eventsFrom(events.size() - 1).size(), 1);
    const EventStore store = trace.take();
    QCOMPARE(store.size(), events.size());
    QCOMPARE(trace.size(), 0);
    trace.append(events.first());
    QCOMPARE(trace.size(), 1);
    compareEvents(store.at(5), events.at(5));
}

QTEST_GUILESS_MAIN(tst_EventStore)
#include "tst_eventstore.moc"
