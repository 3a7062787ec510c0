// Hostile bytes on the wire: the frame reader and decoder must turn every malformed
// input into a sentence, never a crash, a hang, or an allocation of what a header claims.
#include "heapusage.h"
#include "protocol.h"

#include <QTest>
#include <QtEndian>

using namespace procession;
using namespace procession::protocol;

Q_DECLARE_METATYPE(procession::protocol::Message)

namespace {

QByteArray header(quint32 length)
{
    QByteArray h(4, '\0');
    qToBigEndian<quint32>(length, h.data());
    return h;
}

QByteArray frameOf(const QByteArray &payload)
{
    return header(quint32(payload.size())) + payload;
}

QByteArray cbor(const QCborValue &v)
{
    return v.toCbor();
}

QCborMap map(std::initializer_list<std::pair<const char *, QCborValue>> entries)
{
    QCborMap m;
    for (const auto &e : entries)
        m.insert(QString::fromLatin1(e.first), e.second);
    return m;
}

QList<Message> validMessages()
{
    QCborMap nested;
    nested.insert(QStringLiteral("list"),
                  QCborArray{1, 2.5, QStringLiteral("x"), QByteArray("\0\1", 2)});
    return {Message::hello(4812, QByteArray(32, '\x5a')),
            Message::call(1, QStringLiteral("greet"), {0, QStringLiteral("Dan")}),
            Message::call(2, QStringLiteral("echo"), {nested}, {{QStringLiteral("k"), true}}),
            Message::result(3, nested, 100, 200, 50),
            Message::error(4, QStringLiteral("task-error"), QStringLiteral("boom"), 1, 2, 3),
            Message::exit()};
}

// Everything the reader says about `bytes`, fed in one piece.
QString readAll(const QByteArray &bytes, int *frames, quint32 limit = DefaultMaxFrame)
{
    FrameReader reader(limit);
    reader.feed(bytes);
    Message m;
    *frames = 0;
    for (;;) {
        switch (reader.next(&m)) {
        case FrameReader::Status::Frame:
            ++*frames;
            continue;
        case FrameReader::Status::NeedMore:
            return {};
        case FrameReader::Status::Error:
            return reader.errorString();
        }
    }
}

} // namespace

class tst_FaultFrames : public QObject
{
    Q_OBJECT

private slots:
    void everyTruncationPointWaits();
    void byteByByteFeedingFindsEveryFrame();
    void truncatedPayloadIsAnError();
    void wrongLengths();
    void lengthPastTheLimitIsRefusedAtOnce_data();
    void lengthPastTheLimitIsRefusedAtOnce();
    void announcedSizeIsNeverAllocated();
    void badPayloads_data();
    void badPayloads();
    void deepNesting_data();
    void deepNesting();
    void readerStaysInError();
};

// A frame cut anywhere is not a frame yet: the reader waits, and the rest completes it.
void tst_FaultFrames::everyTruncationPointWaits()
{
    for (const Message &message : validMessages()) {
        const QByteArray frame = encode(message);
        for (qsizetype cut = 0; cut < frame.size(); ++cut) {
            FrameReader reader;
            reader.feed(frame.left(cut));
            Message m;
            QCOMPARE(reader.next(&m), FrameReader::Status::NeedMore);
            QVERIFY(!reader.hasError());
            reader.feed(frame.mid(cut));
            QCOMPARE(reader.next(&m), FrameReader::Status::Frame);
            QCOMPARE(m.kind, message.kind);
            QCOMPARE(encode(m), frame);
        }
    }
}

void tst_FaultFrames::byteByByteFeedingFindsEveryFrame()
{
    QByteArray stream;
    const QList<Message> messages = validMessages();
    for (const Message &m : messages)
        stream += encode(m);
    FrameReader reader;
    QList<Message> got;
    for (char byte : std::as_const(stream)) {
        reader.feed(&byte, 1);
        Message m;
        while (reader.next(&m) == FrameReader::Status::Frame)
            got << m;
        QVERIFY(!reader.hasError());
    }
    QCOMPARE(got.size(), messages.size());
    for (qsizetype i = 0; i < got.size(); ++i)
        QCOMPARE(encode(got.at(i)), encode(messages.at(i)));
    QCOMPARE(reader.buffered(), 0);
}

// The payload of a frame cut short but framed as complete is refused with a sentence.
void tst_FaultFrames::truncatedPayloadIsAnError()
{
    for (const Message &message : validMessages()) {
        const QByteArray payload = encode(message).mid(HeaderSize);
        for (qsizetype cut = 0; cut < payload.size(); ++cut) {
            Message m;
            QString error;
            QVERIFY2(!decodePayload(payload.left(cut), &m, &error),
                     qPrintable(QStringLiteral("%1 of %2 bytes of a %3 decoded")
                                    .arg(cut)
                                    .arg(payload.size())
                                    .arg(kindName(message.kind))));
            QVERIFY(!error.isEmpty());
        }
    }
}

void tst_FaultFrames::wrongLengths()
{
    const QByteArray payload =
        encode(Message::call(7, QStringLiteral("square"), {3})).mid(HeaderSize);
    int frames = 0;
    // Announces one byte less: the value is cut, the frame is refused.
    QString error = readAll(header(quint32(payload.size() - 1)) + payload, &frames);
    QCOMPARE(frames, 0);
    QVERIFY2(error.contains(QLatin1String("not valid CBOR")), qPrintable(error));
    // Announces one byte more: the reader waits for it...
    error = readAll(header(quint32(payload.size() + 1)) + payload, &frames);
    QCOMPARE(frames, 0);
    QVERIFY(error.isEmpty());
    // ...and a byte more that arrives is not a silently ignored tail.
    error = readAll(header(quint32(payload.size() + 1)) + payload + '\0', &frames);
    QCOMPARE(frames, 0);
    QVERIFY2(error.contains(QLatin1String("after its CBOR value")), qPrintable(error));
    // Two values in one frame are no better.
    error = readAll(frameOf(payload + payload), &frames);
    QCOMPARE(frames, 0);
    QVERIFY2(error.contains(QLatin1String("after its CBOR value")), qPrintable(error));
    // An empty frame.
    error = readAll(header(0), &frames);
    QCOMPARE(error, QStringLiteral("an empty frame arrived"));
}

void tst_FaultFrames::lengthPastTheLimitIsRefusedAtOnce_data()
{
    QTest::addColumn<quint32>("limit");
    QTest::addColumn<quint32>("announced");
    QTest::newRow("4 GiB - 1") << DefaultMaxFrame << 0xffffffffu;
    QTest::newRow("limit + 1") << DefaultMaxFrame << DefaultMaxFrame + 1;
    QTest::newRow("small limit") << 4096u << 4097u;
    QTest::newRow("ASCII 'GET '") << DefaultMaxFrame << qFromBigEndian<quint32>("GET ");
}

// Only the four header bytes have arrived, and the reader already says no.
void tst_FaultFrames::lengthPastTheLimitIsRefusedAtOnce()
{
    QFETCH(quint32, limit);
    QFETCH(quint32, announced);
    int frames = 0;
    const QString error = readAll(header(announced), &frames, limit);
    QCOMPARE(error, QStringLiteral("a frame announced %1 bytes, more than the limit of %2 bytes")
                        .arg(announced)
                        .arg(limit));
}

// A header announcing 60 MiB (under the limit) makes the reader wait, not reserve.
void tst_FaultFrames::announcedSizeIsNeverAllocated()
{
    const qint64 before = heapInUse();
    if (before < 0)
        QSKIP("no way to read the heap's use on this platform");
    {
        FrameReader reader;
        reader.feed(header(60u * 1024 * 1024) + QByteArray(100, 'x'));
        Message m;
        QCOMPARE(reader.next(&m), FrameReader::Status::NeedMore);
        const qint64 during = heapInUse();
        QVERIFY2(during < before + 1024 * 1024,
                 qPrintable(QStringLiteral("%1 bytes allocated").arg(during - before)));
    }
}

void tst_FaultFrames::badPayloads_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("says");
    const QByteArray token(32, 't');
    auto row = [](const char *name, const QByteArray &payload, const char *says) {
        QTest::newRow(name) << payload << QString::fromLatin1(says);
    };
    row("not CBOR", QByteArray("\xff\xfe\xfd", 3), "not valid CBOR");
    row("break byte only", QByteArray("\xff", 1), "not valid CBOR");
    row("integer", cbor(42), "not a map");
    row("text", cbor(QStringLiteral("hello")), "not a map");
    row("bytes", cbor(QByteArray("x")), "not a map");
    row("array", cbor(QCborArray{1, 2}), "not a map");
    row("null", cbor(QCborValue(nullptr)), "not a map");
    row("tagged map", cbor(QCborValue(QCborKnownTags::Signature, QCborMap{})), "not a map");
    row("huge array count", QByteArray("\x9b\xff\xff\xff\xff\xff\xff\xff\xff", 9),
        "not valid CBOR");
    row("huge map count", QByteArray("\xbb\x7f\xff\xff\xff\xff\xff\xff\xff", 9), "not valid CBOR");
    row("huge byte string", QByteArray("\x5b\x7f\xff\xff\xff\xff\xff\xff\xff", 9),
        "not valid CBOR");
    row("huge text in a map", QByteArray("\xa1\x64type\x7a\xff\xff\xff\xf0", 10), "not valid CBOR");
    row("invalid UTF-8 key", QByteArray("\xa1\x62\xc3\x28\x01", 5), "not valid CBOR");
    row("empty map", cbor(QCborMap{}), "no text \"type\"");
    row("type not text", cbor(map({{"type", 1}})), "no text \"type\"");
    row("unknown type", cbor(map({{"type", QStringLiteral("gossip")}})),
        "unknown message type \"gossip\"");
    row("type with different case", cbor(map({{"type", QStringLiteral("CALL")}})),
        "unknown message type");
    row("empty type", cbor(map({{"type", QStringLiteral("")}})), "unknown message type");
    row("hello without token",
        cbor(map({{"type", QStringLiteral("hello")}, {"protocol", 1}, {"pid", 1}})),
        "needs a byte-string \"token\"");
    row("hello with text token",
        cbor(map({{"type", QStringLiteral("hello")},
                  {"protocol", 1},
                  {"pid", 1},
                  {"token", QStringLiteral("t")}})),
        "needs a byte-string \"token\"");
    row("hello without pid",
        cbor(map({{"type", QStringLiteral("hello")}, {"protocol", 1}, {"token", token}})),
        "needs an integer \"pid\"");
    row("hello with text protocol",
        cbor(map({{"type", QStringLiteral("hello")},
                  {"protocol", QStringLiteral("1")},
                  {"pid", 1},
                  {"token", token}})),
        "needs an integer \"protocol\"");
    row("call without id",
        cbor(map({{"type", QStringLiteral("call")},
                  {"fn", QStringLiteral("f")},
                  {"args", QCborArray{}}})),
        "needs an integer \"id\"");
    row("call with float id",
        cbor(map({{"type", QStringLiteral("call")},
                  {"id", 1.5},
                  {"fn", QStringLiteral("f")},
                  {"args", QCborArray{}}})),
        "needs an integer \"id\"");
    row("call with bytes fn",
        cbor(map({{"type", QStringLiteral("call")},
                  {"id", 1},
                  {"fn", QByteArray("f")},
                  {"args", QCborArray{}}})),
        "needs a text \"fn\"");
    row("call without args",
        cbor(map({{"type", QStringLiteral("call")}, {"id", 1}, {"fn", QStringLiteral("f")}})),
        "needs an array \"args\"");
    row("call with map args",
        cbor(map({{"type", QStringLiteral("call")},
                  {"id", 1},
                  {"fn", QStringLiteral("f")},
                  {"args", QCborMap{}}})),
        "needs an array \"args\"");
    row("call with list kwargs",
        cbor(map({{"type", QStringLiteral("call")},
                  {"id", 1},
                  {"fn", QStringLiteral("f")},
                  {"args", QCborArray{}},
                  {"kwargs", QCborArray{}}})),
        "\"kwargs\" must be a map");
    row("result without value",
        cbor(map({{"type", QStringLiteral("result")}, {"id", 1}, {"begin", 1}, {"end", 2}})),
        "needs a \"value\"");
    row("result without begin",
        cbor(map({{"type", QStringLiteral("result")}, {"id", 1}, {"value", 1}, {"end", 2}})),
        "needs an integer \"begin\"");
    row("result with text end",
        cbor(map({{"type", QStringLiteral("result")},
                  {"id", 1},
                  {"value", 1},
                  {"begin", 1},
                  {"end", QStringLiteral("2")}})),
        "needs an integer \"end\"");
    row("error without message",
        cbor(map({{"type", QStringLiteral("error")},
                  {"id", 1},
                  {"begin", 1},
                  {"end", 2},
                  {"kind", QStringLiteral("k")}})),
        "needs a text \"message\"");
    row("error with integer kind",
        cbor(map({{"type", QStringLiteral("error")},
                  {"id", 1},
                  {"begin", 1},
                  {"end", 2},
                  {"kind", 3},
                  {"message", QStringLiteral("m")}})),
        "needs a text \"kind\"");
    row("trailing bytes", cbor(map({{"type", QStringLiteral("exit")}})) + "junk",
        "after its CBOR value");
}

void tst_FaultFrames::badPayloads()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, says);
    Message m;
    QString error;
    QVERIFY(!decodePayload(payload, &m, &error));
    QVERIFY2(error.contains(says), qPrintable(error));
    QVERIFY2(error.size() < 200, qPrintable(error));
    int frames = 0;
    const QString viaReader = readAll(frameOf(payload), &frames);
    QCOMPARE(frames, 0);
    QCOMPARE(viaReader, error);
}

void tst_FaultFrames::deepNesting_data()
{
    QTest::addColumn<QByteArray>("open"); // one level of nesting
    QTest::addColumn<int>("depth");
    QTest::newRow("arrays, 100 deep") << QByteArray("\x81") << 100;
    QTest::newRow("arrays, 100000 deep") << QByteArray("\x81") << 100000;
    QTest::newRow("maps, 100000 deep") << QByteArray("\xa1\x00") << 100000;
    QTest::newRow("tags, 100000 deep") << QByteArray("\xd8\x80") << 100000;
    QTest::newRow("indefinite arrays, 100000 deep") << QByteArray("\x9f") << 100000;
}

// A call whose argument is nested absurdly deep neither overflows the stack nor hangs:
// it is refused, or decoded and shown without recursing without bound.
void tst_FaultFrames::deepNesting()
{
    QFETCH(QByteArray, open);
    QFETCH(int, depth);
    const QByteArray head =
        cbor(map({{"type", QStringLiteral("call")}, {"id", 1}, {"fn", QStringLiteral("echo")}}));
    // Replace the 3-entry map header (0xa3) by a 4-entry one and append "args": [deep].
    QByteArray payload = head;
    payload[0] = char(0xa4);
    payload += cbor(QStringLiteral("args")) + QByteArray("\x81") + open.repeated(depth) +
               QByteArray("\x00");
    if (open == "\x9f")
        payload += QByteArray(depth, '\xff');
    Message m;
    QString error;
    if (decodePayload(payload, &m, &error)) {
        QVERIFY(depth <= 1024);
        QVERIFY(displayArgs(m.args, m.kwargs).size() <= 200);
        QVERIFY(!encode(m).isEmpty());
    } else {
        QVERIFY2(error.contains(QLatin1String("not valid CBOR")), qPrintable(error));
    }
}

void tst_FaultFrames::readerStaysInError()
{
    FrameReader reader;
    reader.feed(frameOf(cbor(42)));
    reader.feed(encode(Message::exit()));
    Message m;
    QCOMPARE(reader.next(&m), FrameReader::Status::Error);
    QCOMPARE(reader.next(&m), FrameReader::Status::Error);
    reader.feed(encode(Message::exit()));
    QCOMPARE(reader.next(&m), FrameReader::Status::Error);
}

QTEST_GUILESS_MAIN(tst_FaultFrames)
#include "tst_faultframes.moc"
