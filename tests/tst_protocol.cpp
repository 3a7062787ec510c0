#include "protocol.h"

#include <QTest>
#include <QtEndian>

#include <algorithm>

using namespace procession;
using namespace procession::protocol;

class tst_Protocol : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void splitAtEveryByte();
    void textAtEveryPlace();
    void manyFramesInOneRead();
    void garbage_data();
    void garbage();
    void oversizeIsRefusedBeforeBuffering();
    void frameOfExactlyTheLimit();
    void displayText();
};

static QByteArray frameOf(const QByteArray &payload)
{
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(payload.size()), out.data());
    return out + payload;
}

void tst_Protocol::roundTrip_data()
{
    QTest::addColumn<int>("which");
    QTest::newRow("hello") << 0;
    QTest::newRow("call") << 1;
    QTest::newRow("result") << 2;
    QTest::newRow("error") << 3;
    QTest::newRow("exit") << 4;
}

void tst_Protocol::roundTrip()
{
    QFETCH(int, which);
    const QByteArray token(32, 'k');
    const Message sent = [&] {
        switch (which) {
        case 0:
            return Message::hello(4812, token);
        case 1:
            return Message::call(7, QStringLiteral("greet"), {1, QStringLiteral("Chess")},
                                 QCborMap{{QStringLiteral("x"), 2}});
        case 2:
            return Message::result(7, QCborArray{1, 2.5, QStringLiteral("ü")}, 100, 200, 50);
        case 3:
            return Message::error(7, QStringLiteral("task-error"), QStringLiteral("boom"), 1, 2, 3);
        default:
            return Message::exit();
        }
    }();
    FrameReader reader;
    reader.feed(encode(sent));
    Message got;
    QCOMPARE(reader.next(&got), FrameReader::Status::Frame);
    QCOMPARE(got.kind, sent.kind);
    QCOMPARE(got.id, sent.id);
    QCOMPARE(got.function, sent.function);
    QCOMPARE(got.args, sent.args);
    QCOMPARE(got.kwargs, sent.kwargs);
    QCOMPARE(got.value, sent.value);
    QCOMPARE(got.errorKind, sent.errorKind);
    QCOMPARE(got.errorMessage, sent.errorMessage);
    QCOMPARE(got.begin, sent.begin);
    QCOMPARE(got.end, sent.end);
    QCOMPARE(got.pid, sent.pid);
    QCOMPARE(got.token, sent.token);
    QCOMPARE(reader.next(&got), FrameReader::Status::NeedMore);
    QCOMPARE(reader.buffered(), 0);
}

// Text is read by a fast path that checks for ASCII a block at a time, and written from
// the value's own storage: one character outside ASCII, at every place in strings around
// the block and word sizes, comes back as it went, in a call's arguments and in a result.
void tst_Protocol::textAtEveryPlace()
{
    const QString wide[] = {QStringLiteral("é"), QStringLiteral("€"), QStringLiteral("😀")};
    int checked = 0;
    for (const qsizetype length : {1, 7, 8, 9, 255, 256, 257, 300, 4099}) {
        const QString ascii(length, QLatin1Char('a'));
        QList<QString> texts{ascii};
        for (qsizetype at = 0; at < length; at += length > 300 ? 97 : 1)
            texts << ascii.left(at) + wide[at % 3] + ascii.mid(at + 1);
        texts << ascii.left(length - 1) + wide[0]; // last
        for (const QString &text : std::as_const(texts)) {
            const Message call = Message::call(1, QStringLiteral("echo"), {text});
            const Message result = Message::result(1, text, 1, 2, 3);
            for (const Message &sent : {call, result}) {
                FrameReader reader;
                reader.feed(encode(sent));
                Message got;
                QCOMPARE(reader.next(&got), FrameReader::Status::Frame);
                const QCborValue value = sent.kind == Message::Kind::Call ? got.args.at(0) : got.value;
                QVERIFY(value.isString());
                if (value.toString() != text)
                    QFAIL(qPrintable(QStringLiteral("a text of %1 characters came back changed "
                                                    "(%2 characters; the first that differs at %3)")
                                         .arg(text.size())
                                         .arg(value.toString().size())
                                         .arg(std::mismatch(text.cbegin(), text.cend(),
                                                            value.toString().cbegin(),
                                                            value.toString().cend())
                                                  .first -
                                              text.cbegin())));
                ++checked;
            }
        }
    }
    QVERIFY(checked > 2000);
}

void tst_Protocol::splitAtEveryByte()
{
    const QByteArray bytes = encode(Message::call(1, QStringLiteral("square"), {7})) +
                             encode(Message::result(1, 49, 5, 6, 1));
    for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
        FrameReader reader;
        QList<Message> got;
        Message m;
        reader.feed(bytes.left(cut));
        while (reader.next(&m) == FrameReader::Status::Frame)
            got << m;
        reader.feed(bytes.mid(cut));
        while (reader.next(&m) == FrameReader::Status::Frame)
            got << m;
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QCOMPARE(got.size(), 2);
        QCOMPARE(got[0].function, QStringLiteral("square"));
        QCOMPARE(got[1].value.toInteger(), 49);
    }
    // And one byte at a time.
    FrameReader reader;
    int frames = 0;
    Message m;
    for (char c : bytes) {
        reader.feed(&c, 1);
        while (reader.next(&m) == FrameReader::Status::Frame)
            ++frames;
    }
    QCOMPARE(frames, 2);
}

void tst_Protocol::manyFramesInOneRead()
{
    QByteArray bytes;
    for (int i = 0; i < 1000; ++i)
        encodeInto(Message::call(i, QStringLiteral("square"), {i}), bytes);
    FrameReader reader;
    reader.feed(bytes);
    Message m;
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(reader.next(&m), FrameReader::Status::Frame);
        QCOMPARE(m.id, i);
        QCOMPARE(m.args.at(0).toInteger(), i);
    }
    QCOMPARE(reader.next(&m), FrameReader::Status::NeedMore);
}

void tst_Protocol::garbage_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not cbor") << frameOf("\xff\xff\xff garbage")
                              << QStringLiteral("not valid CBOR");
    QTest::newRow("not a map") << frameOf(QCborValue(42).toCbor()) << QStringLiteral("not a map");
    QTest::newRow("no type") << frameOf(QCborMap{{QStringLiteral("id"), 1}}.toCborValue().toCbor())
                             << QStringLiteral("no text \"type\"");
    QTest::newRow("unknown type")
        << frameOf(
               QCborMap{{QStringLiteral("type"), QStringLiteral("launch")}}.toCborValue().toCbor())
        << QStringLiteral("unknown message type");
    QTest::newRow("call without fn")
        << frameOf(QCborMap{{QStringLiteral("type"), QStringLiteral("call")},
                            {QStringLiteral("id"), 1},
                            {QStringLiteral("args"), QCborArray{}}}
                       .toCborValue()
                       .toCbor())
        << QStringLiteral("\"fn\"");
    QTest::newRow("args not array")
        << frameOf(QCborMap{{QStringLiteral("type"), QStringLiteral("call")},
                            {QStringLiteral("id"), 1},
                            {QStringLiteral("fn"), QStringLiteral("x")},
                            {QStringLiteral("args"), 3}}
                       .toCborValue()
                       .toCbor())
        << QStringLiteral("array \"args\"");
    QTest::newRow("id is text") << frameOf(
                                       QCborMap{{QStringLiteral("type"), QStringLiteral("result")},
                                                {QStringLiteral("id"), QStringLiteral("1")}}
                                           .toCborValue()
                                           .toCbor())
                                << QStringLiteral("integer \"id\"");
    QTest::newRow("empty frame") << QByteArray(4, '\0') << QStringLiteral("empty frame");
}

void tst_Protocol::garbage()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    FrameReader reader;
    reader.feed(bytes);
    Message m;
    QCOMPARE(reader.next(&m), FrameReader::Status::Error);
    QVERIFY2(reader.errorString().contains(expected), qPrintable(reader.errorString()));
    // The reader stays in error: nothing after a bad frame is trusted.
    reader.feed(encode(Message::exit()));
    QCOMPARE(reader.next(&m), FrameReader::Status::Error);
}

void tst_Protocol::oversizeIsRefusedBeforeBuffering()
{
    FrameReader reader(1024);
    QByteArray header(4, '\0');
    qToBigEndian<quint32>(0xFFFFFFF0u, header.data());
    reader.feed(header);
    Message m;
    QCOMPARE(reader.next(&m), FrameReader::Status::Error);
    QVERIFY(reader.errorString().contains(QStringLiteral("limit of 1024")));
    QCOMPARE(reader.buffered(), 0);
    reader.feed(QByteArray(1 << 20, 'x')); // ignored after an error, never kept
    QCOMPARE(reader.buffered(), 0);
}

// The sender allows a payload of exactly the limit, so the reader must take it; one
// byte more is refused.
void tst_Protocol::frameOfExactlyTheLimit()
{
    const QByteArray frame =
        encode(Message::call(7, QStringLiteral("sleep"), {1, QStringLiteral("x")}));
    const quint32 payload = quint32(frame.size() - 4);
    Message m;
    {
        FrameReader reader(payload);
        reader.feed(frame.left(4)); // the header alone: the whole payload is wanted
        QCOMPARE(reader.wanted(), qsizetype(payload));
        reader.feed(frame.mid(4));
        QCOMPARE(reader.next(&m), FrameReader::Status::Frame);
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QCOMPARE(m.kind, Message::Kind::Call);
        QCOMPARE(m.id, 7);
    }
    {
        FrameReader reader(payload - 1);
        reader.feed(frame);
        QCOMPARE(reader.next(&m), FrameReader::Status::Error);
        QVERIFY2(reader.errorString().contains(QStringLiteral("limit of %1").arg(payload - 1)),
                 qPrintable(reader.errorString()));
    }
}

void tst_Protocol::displayText()
{
    QCOMPARE(protocol::displayArgs({1, QStringLiteral("Chess")}, {}),
             QStringLiteral("1, \"Chess\""));
    QCOMPARE(protocol::displayText(QCborArray{1, QCborArray{2}}), QStringLiteral("[1, [2]]"));
    QCOMPARE(protocol::displayText(QByteArray(3 * 1024 * 1024, 'a')),
             QStringLiteral("bytes(3.0 MiB)"));
    QVERIFY(protocol::displayText(QString(1000, QLatin1Char('x')), 50).size() <= 50);
}

QTEST_GUILESS_MAIN(tst_Protocol)
#include "tst_protocol.moc"
