// QBENCHMARK for the wire codec: what one call and one result cost to encode and decode,
// and what a burst of results costs to cut out of a byte stream. `procession bench`
// measures the whole path; this isolates the codec's share of it.
#include "protocol.h"

#include <QtTest>

using namespace procession::protocol;

class BenchProtocol : public QObject
{
    Q_OBJECT

private slots:
    void encodeCall();
    void encodeResult();
    void decodeCall();
    void decodeResult();
    void frameReaderBurst();
    void encodeDecodePayload_data();
    void encodeDecodePayload();
};

void BenchProtocol::encodeCall()
{
    const QString fn = QStringLiteral("square");
    QByteArray out;
    qint64 id = 1;
    QBENCHMARK
    {
        out.clear();
        const qint64 callId = id++; // the argument is the call's own id (was unsequenced)
        encodeInto(Message::call(callId, fn, QCborArray{callId}), out);
    }
    QVERIFY(!out.isEmpty());
}

void BenchProtocol::encodeResult()
{
    QByteArray out;
    qint64 id = 1;
    QBENCHMARK
    {
        out.clear();
        encodeInto(Message::result(id, QCborValue(id * id), 1000000000000, 1000000001000, 900),
                   out);
        ++id;
    }
    QVERIFY(!out.isEmpty());
}

void BenchProtocol::decodeCall()
{
    const QByteArray frame = encode(Message::call(12345, QStringLiteral("square"), QCborArray{7}));
    const QByteArray payload = frame.mid(HeaderSize);
    Message m;
    QString error;
    QBENCHMARK
    {
        if (!decodePayload(payload, &m, &error))
            QFAIL(qPrintable(error));
    }
    QCOMPARE(m.function, QStringLiteral("square"));
    QCOMPARE(m.args.at(0).toInteger(), 7);
}

void BenchProtocol::decodeResult()
{
    const QByteArray frame =
        encode(Message::result(12345, QCborValue(49), 1000000000000, 1000000001000, 900));
    const QByteArray payload = frame.mid(HeaderSize);
    Message m;
    QString error;
    QBENCHMARK
    {
        if (!decodePayload(payload, &m, &error))
            QFAIL(qPrintable(error));
    }
    QCOMPARE(m.value.toInteger(), 49);
}

void BenchProtocol::frameReaderBurst()
{
    // 1000 results arriving in one read, as a pipelined worker sends them.
    QByteArray burst;
    for (int i = 0; i < 1000; ++i)
        encodeInto(Message::result(i, QCborValue(qint64(i) * i), 1000000000000 + i,
                                   1000000001000 + i, 900),
                   burst);
    qint64 sum = 0;
    QBENCHMARK
    {
        FrameReader reader;
        reader.feed(burst);
        Message m;
        while (reader.next(&m) == FrameReader::Status::Frame)
            sum += m.value.toInteger();
    }
    QVERIFY(sum > 0);
}

void BenchProtocol::encodeDecodePayload_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("64 KiB") << 64 * 1024;
    QTest::newRow("16 MiB") << 16 * 1024 * 1024;
}

void BenchProtocol::encodeDecodePayload()
{
    QFETCH(int, size);
    const QCborValue value(QByteArray(size, 'x'));
    QBENCHMARK
    {
        const QByteArray frame = encode(Message::result(1, value, 1, 2, 3));
        FrameReader reader;
        reader.feed(frame);
        Message m;
        QCOMPARE(reader.next(&m), FrameReader::Status::Frame);
        QCOMPARE(m.value.toByteArray().size(), size);
    }
}

QTEST_GUILESS_MAIN(BenchProtocol)
#include "bench_protocol.moc"
